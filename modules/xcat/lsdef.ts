// `lsdef` output (xcat-surface §3.3, xcat-real-outputs): stanzas of `Object name: x` followed by
// 4-space `attr=value` lines, the compressed `-c` form `x: attr=value`, the bare listing `x  (node)`,
// and xCAT's message lines (`Error: [mn]: ...`, `Warning: ...`). Errors are returned, never thrown:
// lsdef prints the objects it found even when it also reports missing ones.

export interface XcatMessage {
	/** the xcatd host in `[mn]: `, when the line carried one */
	server?: string;
	text: string;
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
	/** true for `Could not find any object definitions to display.` */
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
const NOTHING_TO_DISPLAY = 'Could not find any object definitions to display.';

export function parseLsdef(text: string): LsdefResult {
	const result: LsdefResult = {
		objects: new Map(), types: new Map(), errors: [], warnings: [], missing: [], empty: false, unrecognised: [],
	};
	let current: Record<string, string> | undefined;
	for (const rawLine of text.split('\n')) {
		const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
		if (line === '') continue;
		const attribute = current && ATTRIBUTE_LINE.exec(line);
		if (current && attribute) { current[attribute[1]!] = attribute[2]!; continue; }
		// stderr may be interleaved with a stanza: a message line does not end the current object
		if (readMessage(result, line)) continue;
		current = undefined;
		const object = OBJECT_LINE.exec(line);
		if (object) { current = startObject(result, object[1]!, object[2]); continue; }
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
	if (text === NOTHING_TO_DISPLAY) result.empty = true;
	if (!message) {
		if (missing) result.errors.push({ text });
		return missing !== null || text === NOTHING_TO_DISPLAY;
	}
	const entry: XcatMessage = message[2] === undefined ? { text } : { server: message[2], text };
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
