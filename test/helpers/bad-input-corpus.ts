// The bad-input corpus: for every option of every bundled module, values that must be refused before
// anything runs, generated from the option declarations (kind, choices, pattern, range) plus cases the
// declarations cannot say (paths of the wrong kind, values only a module's own check refuses).
import type { Option, Options } from '../../modules/runtime/options';

export interface BadCase {
	module: string;
	/** the option the refusal must name */
	option: string;
	label: string;
	args: Record<string, unknown>;
}

/** Shell metacharacters, newlines, NUL, unicode look-alikes, direction overrides, an option-like dash, 1 MB. */
export const HOSTILE: Array<[string, string]> = [
	['semicolon', 'a;reboot'],
	['newline', 'a\nb'],
	['command substitution', '$(id)'],
	['backticks', '`id`'],
	['space', 'a b'],
	['NUL', 'a\u0000b'],
	['pipe', 'a|b'],
	['quote', "a'b"],
	['glob', 'a*'],
	['unicode', 'ñandú'],
	['fullwidth digits', '１２３'],
	['RTL override', 'a\u202eb'],
	['leading dash', '-rf'],
	['empty', ''],
	['1 MB', 'x'.repeat(1 << 20)],
];

/** Given to every option; each of the others goes to every few options in turn (each run costs a node process). */
const CORE = new Set(['semicolon', 'newline', 'NUL', 'unicode', '1 MB', 'empty']);
let turn = 0;
const someOf = (all: Array<[string, string]>) => {
	const rest = all.filter(([label]) => !CORE.has(label));
	const picked = new Set(rest.length ? [rest[turn++ % rest.length]![0]] : []);
	return all.filter(([label]) => CORE.has(label) || picked.has(label));
};

/** Hostile strings a free-form option (no pattern or choices) must still refuse: its module checks it. */
const FREE_FORM_HOSTILE = new Set(['semicolon', 'newline', 'command substitution', 'backticks', 'space', 'NUL', 'pipe', 'quote', '1 MB']);

function badValues(name: string, o: Option): Array<[string, unknown]> {
	const out: Array<[string, unknown]> = [];
	switch (o.kind) {
		case 'str': {
			out.push(['a list', ['x']], ['a mapping', { a: 'x' }]);
			const hostile = someOf(
				o.choices
					? HOSTILE
					: o.pattern
						? HOSTILE.filter(([, v]) => !new RegExp(o.pattern!.regex).test(v))
						: HOSTILE.filter(([label]) => FREE_FORM_HOSTILE.has(label)),
			);
			for (const [label, v] of hostile) out.push([label, v]);
			if (o.choices) out.push(['another case', o.choices[0]!.toUpperCase()]);
			break;
		}
		case 'int':
			out.push(['a word', 'abc'], ['a fraction', 1.5], ['a list', [1]], ['a mapping', { a: 1 }], ['huge', 1e300], ['shell', '1;reboot']);
			if (o.min !== undefined) out.push(['below the minimum', o.min - 1]);
			if (o.max !== undefined) out.push(['above the maximum', o.max + 1]);
			break;
		case 'bool':
			out.push(['a word', 'maybe'], ['2', 2], ['a list', [true]], ['a mapping', { a: true }], ['shell', 'yes;reboot']);
			break;
		case 'list':
			out.push(['a mapping', { a: 'x' }], ['a nested list', [['x']]], ['a boolean', true]);
			// a list of mappings is a wrong type for a list of strings; for a list of mappings, one without the keys its module needs
			out.push(o.elements === 'dict' ? ['a list of strings', ['x']] : ['a list of mappings', [{ a: 'x' }]]);
			if (o.elements === 'dict') out.push(['an item with an unknown key', [{ a: 'x' }]], ['an item with a nested value', [{ a: { b: 'c' } }]]);
			if (o.minItems) out.push(['empty', []]);
			if (o.elements === 'str' && o.pattern)
				for (const [label, v] of someOf(HOSTILE.filter(([, v]) => !new RegExp(o.pattern!.regex).test(v)))) out.push([`an item: ${label}`, [v]]);
			break;
		case 'dict':
			out.push(['a word', 'not a mapping'], ['a list', ['a']], ['a number', 42]);
			if (o.values !== 'any') out.push(['a nested mapping', { a: { b: 'c' } }], ['a list value', { a: ['b'] }]);
			break;
	}
	void name;
	// A no_log option's value is masked wherever it shows, so a one-letter placeholder ('a') would mask
	// that letter in the message, the option's name included: its placeholders are a word no name holds.
	return o.secret ? out.map(([label, v]) => [label, placeholders(v)]) : out;
}

const placeholders = (v: unknown): unknown =>
	typeof v === 'string' && v.length === 1
		? `Qz${v}7`
		: Array.isArray(v)
			? v.map(placeholders)
			: v && typeof v === 'object'
				? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, placeholders(x)]))
				: v;

/** Every generated case for one module: BASE is a valid argument set, each case changes one option. */
export function generated(module: string, options: Options, base: Record<string, unknown>): BadCase[] {
	const cases: BadCase[] = [];
	for (const [option, o] of Object.entries(options)) {
		for (const [label, value] of badValues(option, o)) cases.push({ module, option, label, args: { ...base, [option]: value } });
	}
	return cases;
}
