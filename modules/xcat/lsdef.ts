// `lsdef` output (docs/xcat-behaviour.md#lsdef-and-chdef and docs/xcat-behaviour.md#empty-results): stanzas of
// `Object name: x` followed by 4-space `attr=value` lines, the compressed `-c` form `x: attr=value`, the bare listing `x  (node)`,
// and xCAT's message lines (`Error: [mn]: ...`, `Warning: ...`). Errors are returned, never thrown:
// lsdef prints the objects it found even when it also reports missing ones.

export interface XcatMessage {
	/** the xcatd host in `[mn]: `, when the line carried one */
	server?: string;
	text: string;
	/** what the error says, for the errors lsdef reports about the request itself */
	kind?: 'missing-object' | 'invalid-attribute';
}

export interface LsdefResult {
	/** object name → attribute → value, in output order; `-i` lists requested attributes even when empty */
	objects: Map<string, Record<string, string>>;
	/** object name → type, when the output said it (`Object name: x  (node)` or `x  (node)`) */
	types: Map<string, string>;
	errors: XcatMessage[];
	warnings: XcatMessage[];
	/** names from `Could not find an object named 'x' of type 'y'.` */
	missing: string[];
	/** attribute names from `'x' is not a valid attribute name for an object type of 'y'.` */
	invalidAttributes: string[];
	/**
	 * true when lsdef said it had nothing to show: `Could not find any object definitions to display.`
	 * (nothing asked for exists), `No object definitions have been found` (real xCAT 2.19 on stdout when
	 * every named object is missing — exit 1, with a `Could not find an object named` error each — or
	 * when none of the site keys asked with -i -c is set — exit 0), or `Could not find any objects of
	 * type 'x'.` (no object of that type at all)
	 */
	empty: boolean;
	/** lines that matched no known form, kept so a caller can fail loudly on surprises */
	unrecognised: string[];
}

const OBJECT_LINE = /^Object name: (.+?)(?: {2}\(([^()]+)\))?$/;
const ATTRIBUTE_LINE = /^ {4}([^=\s]+)=(.*)$/;
const COMPRESSED_LINE = /^([^\s:]+): ([^=\s]+)=(.*)$/;
const LISTING_LINE = /^(\S+) {2}\(([^()]+)\)$/;
const MESSAGE_LINE = /^(Error|Warning): (?:\[([^\]]*)\]: ?)?(.*)$/;
const MISSING_OBJECT = /^Could not find an object named '(.+)' of type '[^']*'\.$/;
const INVALID_ATTRIBUTE = /^'(.+)' is not a valid attribute name for an object type of '[^']*'\.$/;
/** the lines of DBobjectdefs.pm defls that say there is nothing to show (see LsdefResult.empty) */
const NOTHING_TO_SHOW = new Set(['Could not find any object definitions to display.', 'No object definitions have been found']);
const NO_OBJECTS_OF_TYPE = /^Could not find any objects of type '[^']*'\.$/;

export function parseLsdef(text: string): LsdefResult {
	const result: LsdefResult = {
		objects: new Map(),
		types: new Map(),
		errors: [],
		warnings: [],
		missing: [],
		invalidAttributes: [],
		empty: false,
		unrecognised: [],
	};
	let current: Record<string, string> | undefined;
	for (const rawLine of text.split('\n')) {
		const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
		if (line === '') continue;
		const attribute = current && ATTRIBUTE_LINE.exec(line);
		if (current && attribute) {
			current[attribute[1]!] = attribute[2]!;
			continue;
		}
		// stderr may be interleaved with a stanza: a message line does not end the current object
		if (readMessage(result, line)) continue;
		current = undefined;
		const object = OBJECT_LINE.exec(line);
		if (object) {
			current = startObject(result, object[1]!, object[2]);
			continue;
		}
		if (readOtherForms(result, line)) continue;
		result.unrecognised.push(line);
	}
	return result;
}

function startObject(result: LsdefResult, name: string, type: string | undefined): Record<string, string> {
	if (type !== undefined) result.types.set(name, type);
	let attributes = result.objects.get(name);
	if (!attributes) {
		attributes = Object.create(null) as Record<string, string>;
		result.objects.set(name, attributes);
	}
	return attributes;
}

function readMessage(result: LsdefResult, line: string): boolean {
	const message = MESSAGE_LINE.exec(line);
	const text = message ? message[3]! : line;
	const missing = MISSING_OBJECT.exec(text);
	if (missing) result.missing.push(missing[1]!);
	const nothing = NOTHING_TO_SHOW.has(text) || NO_OBJECTS_OF_TYPE.test(text);
	if (nothing) result.empty = true;
	if (!message) {
		if (missing) result.errors.push({ text, kind: 'missing-object' });
		return missing !== null || nothing;
	}
	const invalid = INVALID_ATTRIBUTE.exec(text);
	if (invalid && message[1] === 'Error') result.invalidAttributes.push(invalid[1]!);
	const entry: XcatMessage = message[2] === undefined ? { text } : { server: message[2], text };
	if (message[1] === 'Error' && missing) entry.kind = 'missing-object';
	if (invalid && message[1] === 'Error') entry.kind = 'invalid-attribute';
	(message[1] === 'Error' ? result.errors : result.warnings).push(entry);
	return true;
}

function readOtherForms(result: LsdefResult, line: string): boolean {
	const compressed = COMPRESSED_LINE.exec(line);
	if (compressed) {
		startObject(result, compressed[1]!, undefined)[compressed[2]!] = compressed[3]!;
		return true;
	}
	const listing = LISTING_LINE.exec(line);
	if (listing) {
		startObject(result, listing[1]!, listing[2]);
		return true;
	}
	return false;
}
