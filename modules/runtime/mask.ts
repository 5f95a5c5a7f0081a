// Keeps secret option values out of everything a module returns.
export const NO_LOG_VALUE = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER';
export const MASK = '********';

/** encodings are masked only for values this long: the hex of "1" is "31", which would mask every 31 */
const ENCODED_MIN = 6;

/**
 * Every text a no_log value can show up as: the value whatever its type (a number or boolean as it
 * prints, a list or mapping as JSON and each of its items), JSON-escaped, URL-encoded, base64 and hex.
 * Collected from the raw arguments, before any conversion, so that a conversion's warning or error is covered.
 */
export function secretForms(values: readonly unknown[]): string[] {
	const out = new Set<string>();
	const add = (s: string) => {
		if (s.length === 0) return;
		out.add(s);
		out.add(JSON.stringify(s).slice(1, -1));
		if (s.length < ENCODED_MIN) return;
		out.add(encodeURIComponent(s));
		out.add(Buffer.from(s).toString('base64').replace(/=+$/, ''));
		out.add(Buffer.from(s).toString('hex'));
	};
	const walk = (v: unknown, depth: number): void => {
		if (typeof v === 'string') add(v);
		else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') add(String(v));
		else if (v && typeof v === 'object' && depth < 20) {
			add(JSON.stringify(v));
			for (const x of Array.isArray(v) ? v : Object.values(v)) walk(x, depth + 1);
		}
	};
	for (const v of values) walk(v, 0);
	return [...out];
}

export function maskSecrets<T>(value: T, secrets: readonly string[]): T {
	const words = secrets.filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
	if (words.length === 0) return value;
	const hide = (s: string) => words.reduce((t, w) => t.split(w).join(MASK), s);
	// The top level's keys are the protocol's (failed, changed, msg, ...), written by us, never a value: a
	// one-letter secret must not turn "failed" into "f********iled" and the failure into a success.
	const scrub = (v: unknown, top = false): unknown => {
		if (typeof v === 'string') return hide(v);
		if (Array.isArray(v)) return v.map((x) => scrub(x));
		if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [top ? k : hide(k), scrub(x)]));
		return v;
	};
	return scrub(value, true) as T;
}
