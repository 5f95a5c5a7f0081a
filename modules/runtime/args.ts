// Turns raw arguments into validated ones: unknown options, conversion, schema, rules — worded as Ansible words them.
import { coerceValue } from './coerce';
import type { Options } from './options';
import { checkRules, type Rule } from './rules';
import type { ValidationError, Validate } from './validator';

export interface Parsed {
	args: Record<string, unknown>;
	warnings: string[];
	errors: string[];
}

import { cut, quoteValue, showValue as show } from './show';

export function parseArgs(module: string, options: Options, validate: Validate, rules: readonly Rule[], raw: Record<string, unknown>): Parsed {
	const names = Object.keys(options);
	const unknown = Object.keys(raw)
		.filter((k) => !names.includes(k))
		.sort();
	if (unknown.length) {
		return {
			args: {},
			warnings: [],
			errors: [
				`Unsupported parameters for (${module}) module: ${unknown.map((k) => cut(k, 60)).join(', ')}. Supported parameters include: ${[...names].sort().join(', ')}.`,
			],
		};
	}
	const args: Record<string, unknown> = {},
		warnings: string[] = [],
		errors: string[] = [];
	for (const [name, value] of Object.entries(raw)) {
		if (value === null || value === undefined) continue; // null means "not given", as in Ansible
		const c = coerceValue(name, options[name]!, value);
		if (c.error) errors.push(c.error);
		else args[name] = c.value;
		if (c.warning) warnings.push(c.warning);
	}
	if (errors.length) return { args, warnings, errors };
	const given = { ...args };
	if (!validate(args)) errors.push(...describe(validate.errors ?? [], args, options));
	if (errors.length === 0) errors.push(...checkRules(rules, given, args));
	return { args, warnings, errors };
}

function describe(found: ValidationError[], args: Record<string, unknown>, options: Options): string[] {
	const missing = found
		.filter((e) => e.keyword === 'required')
		.map((e) => String(e.params.missingProperty))
		.sort();
	const out = missing.length ? [`missing required arguments: ${missing.join(', ')}`] : [];
	for (const e of found) {
		if (e.keyword === 'required') continue;
		const [, name = '', index] = e.instancePath.split('/');
		const label = index === undefined ? name : `${name}[${index}]`;
		const value = index === undefined ? args[name] : (args[name] as unknown[])[Number(index)];
		const option = options[name];
		switch (e.keyword) {
			case 'enum':
				out.push(`value of ${label} must be one of: ${(e.params.allowedValues as unknown[]).map((c) => show(c)).join(', ')}, got: ${show(value)}`);
				break;
			case 'minimum':
			case 'maximum': {
				const o = option?.kind === 'int' ? option : undefined;
				const range =
					o?.min !== undefined && o.max !== undefined
						? `between ${o.min} and ${o.max}`
						: e.keyword === 'minimum'
							? `at least ${String(e.params.limit)}`
							: `at most ${String(e.params.limit)}`;
				out.push(`value of ${label} must be ${range}, got: ${show(value)}`);
				break;
			}
			case 'pattern': {
				const hint = option && 'pattern' in option ? option.pattern?.hint : undefined;
				out.push(`value of ${label} must be ${hint ?? `a string matching ${String(e.params.pattern)}`}, got: ${quoteValue(value)}`);
				break;
			}
			case 'minItems':
				out.push(`${label} must have at least ${String(e.params.limit)} item(s), got: ${quoteValue(value)}`);
				break;
			default:
				out.push(`${label || 'arguments'}: ${e.message ?? e.keyword}`);
		}
	}
	return out;
}
