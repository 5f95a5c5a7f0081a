// Keeps secret option values out of everything a module returns.
export const NO_LOG_VALUE = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER';
export const MASK = '********';

export function maskSecrets<T>(value: T, secrets: readonly string[]): T {
	const words = secrets.filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
	if (words.length === 0) return value;
	const scrub = (v: unknown): unknown => {
		if (typeof v === 'string') return words.reduce((s, w) => s.split(w).join(MASK), v);
		if (Array.isArray(v)) return v.map(scrub);
		if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x)]));
		return v;
	};
	return scrub(value) as T;
}
