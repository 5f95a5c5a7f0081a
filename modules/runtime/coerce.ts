// Converts raw argument values the way Ansible's AnsibleModule does before validation:
// templated and key=value arguments arrive as strings.
import type { Option } from './options';
import { quoteValue } from './show';

const TRUE = new Set(['yes', 'on', '1', 'true', 'y', 't']);
const FALSE = new Set(['no', 'off', '0', 'false', 'n', 'f']);

export interface Coerced {
	value?: unknown;
	error?: string;
	warning?: string;
}

/** Python's names for JSON types, as Ansible users see them. */
const typeName = (v: unknown): string => {
	if (Array.isArray(v)) return 'list';
	if (v === null) return 'NoneType';
	if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
	return ({ string: 'str', boolean: 'bool', object: 'dict' } as Record<string, string>)[typeof v] ?? typeof v;
};
const unable = (name: string, v: unknown, to: string, why: string): Coerced => ({
	error: `argument '${name}' is of type ${typeName(v)} and we were unable to convert to ${to}: ${why}`,
});

export function coerceValue(name: string, option: Option, v: unknown): Coerced {
	switch (option.kind) {
		case 'bool': {
			if (typeof v === 'boolean') return { value: v };
			const s = String(v).toLowerCase();
			if (typeof v !== 'object' && TRUE.has(s)) return { value: true };
			if (typeof v !== 'object' && FALSE.has(s)) return { value: false };
			return unable(name, v, 'bool', `the value ${quoteValue(v)} is not a valid boolean; valid booleans are yes/no, on/off, true/false, 1/0`);
		}
		case 'int': {
			if (typeof v === 'number' && Number.isInteger(v)) return { value: v };
			if (typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v)) return { value: Number.parseInt(v, 10) };
			if (typeof v === 'number' && Number.isFinite(v) && v === Math.trunc(v)) return { value: v };
			return unable(name, v, 'int', `${quoteValue(v)} is not a whole number`);
		}
		case 'str': {
			if (typeof v === 'string') return { value: v };
			if (typeof v === 'number' || typeof v === 'boolean') {
				const s = String(v);
				return {
					value: s,
					warning: `The value ${quoteValue(v)} (type ${typeName(v)}) in a string field was converted to ${quoteValue(s)} (type string). If this does not look like what you expect, quote the entire value to ensure it does not change.`,
				};
			}
			return unable(name, v, 'str', `a ${typeName(v)} is not a string`);
		}
		case 'list': {
			const items = Array.isArray(v)
				? v
				: typeof v === 'string'
					? v.trim() === ''
						? []
						: v.split(',').map((s) => s.trim())
					: typeof v === 'number'
						? [v]
						: undefined;
			if (!items) return unable(name, v, 'list', `a ${typeName(v)} is not a list`);
			if (option.elements === 'dict') return dictItems(name, items);
			const out: string[] = [];
			for (const item of items) {
				if (typeof item === 'string') out.push(item);
				else if (typeof item === 'number' || typeof item === 'boolean') out.push(String(item));
				else return { error: `elements of ${name} must be strings, got a ${typeName(item)}` };
			}
			return { value: out };
		}
		case 'dict': {
			let obj: unknown = v;
			if (typeof v === 'string') {
				try {
					obj = v.trim().startsWith('{') ? JSON.parse(v) : parseKeyValues(v);
				} catch {
					obj = undefined;
				}
			}
			if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return unable(name, v, 'dict', `${quoteValue(v)} is not a mapping`);
			if (option.values === 'any') return { value: obj };
			const out: Record<string, string> = {};
			for (const [k, val] of Object.entries(obj as Record<string, unknown>)) {
				if (val === null || typeof val === 'object') return { error: `value of ${name}.${k} must be a string, got a ${typeName(val)}` };
				out[k] = String(val);
			}
			return { value: out };
		}
	}
}

/** The items of a list of mappings, each value as a string (a number or boolean converted), as Ansible does. */
function dictItems(name: string, items: unknown[]): Coerced {
	const out: Record<string, string>[] = [];
	for (const item of items) {
		if (!item || typeof item !== 'object' || Array.isArray(item)) return { error: `elements of ${name} must be mappings, got a ${typeName(item)}` };
		const one: Record<string, string> = {};
		for (const [k, val] of Object.entries(item as Record<string, unknown>)) {
			if (val === null || typeof val === 'object') return { error: `value of ${name}[${out.length}].${k} must be a string, got a ${typeName(val)}` };
			one[k] = String(val);
		}
		out.push(one);
	}
	return { value: out };
}

/** "a=1, b=2" → {a: '1', b: '2'}, as Ansible accepts for dict options. */
function parseKeyValues(s: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const part of s.split(',')) {
		const eq = part.indexOf('=');
		if (eq < 1) throw new Error('not key=value');
		out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
	}
	return out;
}
