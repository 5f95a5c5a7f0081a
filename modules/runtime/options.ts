// Declares a module's options once: TypeScript types, the JSON schema, coercion and docs all derive from it.

interface Common<T> {
	required?: boolean;
	default?: T;
	/** like Ansible's no_log=True: masked in invocation and anywhere in the output */
	secret?: boolean;
	description?: string;
}

export interface StrOption<C extends string = string> extends Common<C> {
	kind: 'str';
	choices?: readonly C[];
	/** a regular expression the value must match, and how to say it in an error */
	pattern?: { regex: string; hint: string };
}
export interface IntOption extends Common<number> {
	kind: 'int';
	min?: number;
	max?: number;
}
export interface BoolOption extends Common<boolean> {
	kind: 'bool';
}
export interface ListOption extends Common<string[]> {
	kind: 'list';
	elements: 'str';
	minItems?: number;
	pattern?: { regex: string; hint: string };
}
/** a list of mappings of strings (Ansible's `type: list, elements: dict`); the module checks their keys */
export interface DictListOption extends Common<Record<string, string>[]> {
	kind: 'list';
	elements: 'dict';
	minItems?: number;
}
export interface DictOption extends Common<Record<string, string>> {
	kind: 'dict';
	/** 'any': the values stay as given (numbers, null, nested), for a mapping a module returned and gets back */
	values?: 'str' | 'any';
}

export type Option = StrOption | IntOption | BoolOption | ListOption | DictListOption | DictOption;
export type Options = Record<string, Option>;

// Each builder keeps the literal type of what it was given, so ArgsOf can tell required and defaulted options apart.
export const str = <const O extends Omit<StrOption, 'kind'> = {}>(o: O = {} as O) => ({ kind: 'str' as const, ...o });
export const int = <const O extends Omit<IntOption, 'kind'> = {}>(o: O = {} as O) => ({ kind: 'int' as const, ...o });
export const bool = <const O extends Omit<BoolOption, 'kind'> = {}>(o: O = {} as O) => ({ kind: 'bool' as const, ...o });
export const list = <const O extends Omit<ListOption, 'kind' | 'elements'> = {}>(o: O = {} as O) => ({ kind: 'list' as const, elements: 'str' as const, ...o });
export const dictList = <const O extends Omit<DictListOption, 'kind' | 'elements'> = {}>(o: O = {} as O) => ({
	kind: 'list' as const,
	elements: 'dict' as const,
	...o,
});
export const dict = <const O extends Omit<DictOption, 'kind'> = {}>(o: O = {} as O) => ({ kind: 'dict' as const, ...o });

type ValueOf<O> = O extends { kind: 'str'; choices: readonly (infer C)[] }
	? C
	: O extends { kind: 'str' }
		? string
		: O extends IntOption
			? number
			: O extends BoolOption
				? boolean
				: O extends { kind: 'list'; elements: 'dict' }
					? Record<string, string>[]
					: O extends ListOption
						? string[]
						: O extends { kind: 'dict'; values: 'any' }
							? Record<string, unknown>
							: O extends DictOption
								? Record<string, string>
								: never;

type Present<O> = O extends { required: true } ? true : O extends { default: unknown } ? true : false;

/** The arguments a module's run() receives: required or defaulted options are always there. */
export type ArgsOf<S extends Options> = {
	[K in keyof S as Present<S[K]> extends true ? K : never]: ValueOf<S[K]>;
} & {
	[K in keyof S as Present<S[K]> extends true ? never : K]?: ValueOf<S[K]>;
};

/** JSON schema for ajv: types, choices, ranges, patterns, defaults; no unknown properties. */
export function toJsonSchema(options: Options): Record<string, unknown> {
	const properties: Record<string, unknown> = {};
	for (const [name, o] of Object.entries(options)) {
		const p: Record<string, unknown> = {};
		if (o.kind === 'str') {
			p.type = 'string';
			if (o.choices) p.enum = [...o.choices];
			if (o.pattern) p.pattern = o.pattern.regex;
		} else if (o.kind === 'int') {
			p.type = 'integer';
			if (o.min !== undefined) p.minimum = o.min;
			if (o.max !== undefined) p.maximum = o.max;
		} else if (o.kind === 'bool') {
			p.type = 'boolean';
		} else if (o.kind === 'list') {
			p.type = 'array';
			p.items =
				o.elements === 'dict'
					? { type: 'object', additionalProperties: { type: 'string' } }
					: o.pattern
						? { type: 'string', pattern: o.pattern.regex }
						: { type: 'string' };
			if (o.minItems !== undefined) p.minItems = o.minItems;
		} else {
			p.type = 'object';
			p.additionalProperties = o.values === 'any' ? true : { type: 'string' };
		}
		if (o.default !== undefined) p.default = o.default;
		properties[name] = p;
	}
	const required = Object.entries(options)
		.filter(([, o]) => o.required)
		.map(([n]) => n);
	return { type: 'object', properties, required, additionalProperties: false };
}
