// Reads the arguments Ansible pasted into the module source and splits off its own `_ansible_*` keys.
// The build puts the args marker on a line comment inside a function, `(function(){\n//<<marker>>\n})`:
// the arguments are read back from the function's source text and parsed here, so text that is not a
// JSON object (malformed, null, a list, a number: never from Ansible, but possible by hand) is answered
// with a message instead of a syntax error or a stack trace. Ansible's json.dumps never writes a raw newline.
declare const __ANSIBLE_JSON_ARGS__: () => void; // replaced after bundling, see scripts/build.mjs

export interface Meta {
	check: boolean;
	diff: boolean;
	verbosity: number;
	noLog: boolean;
}
export interface Input {
	params: Record<string, unknown>;
	meta: Meta;
}

/** Arguments that are not a JSON object: the module answers with this message and changes nothing. */
export class InputError extends Error {}

const kindOf = (v: unknown): string =>
	v === null
		? 'null'
		: Array.isArray(v)
			? 'a list'
			: typeof v === 'string'
				? 'a string'
				: typeof v === 'number'
					? 'a number'
					: typeof v === 'boolean'
						? 'a boolean'
						: typeof v;

export function splitInput(all: unknown): Input {
	if (all === null || typeof all !== 'object' || Array.isArray(all)) {
		throw new InputError(`the module's arguments must be a JSON object of option names and values, got ${kindOf(all)}`);
	}
	const params: Record<string, unknown> = {},
		ansible: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(all)) (k.startsWith('_ansible_') ? ansible : params)[k] = v;
	return {
		params,
		meta: {
			check: ansible._ansible_check_mode === true,
			diff: ansible._ansible_diff === true,
			verbosity: Number(ansible._ansible_verbosity ?? 0) || 0,
			noLog: ansible._ansible_no_log === true,
		},
	};
}

/** The JSON text between the comment mark and the function's closing line. */
export function argsText(source: string): string {
	const open = source.indexOf('//');
	const close = source.lastIndexOf('\n');
	return open < 0 || close < open ? '' : source.slice(open + 2, close);
}

export function parseInput(text: string): Input {
	let all: unknown;
	// the parser's own message is not repeated: it quotes the text, which may hold a no_log value
	try {
		all = JSON.parse(text);
	} catch {
		throw new InputError(`the module's arguments are not valid JSON (${text.length} characters); they must be a JSON object of option names and values`);
	}
	return splitInput(all);
}

export function readInput(): Input {
	return parseInput(argsText(String(__ANSIBLE_JSON_ARGS__)));
}
