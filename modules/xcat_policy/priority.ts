// Free policy priorities, picked deterministically (pure).
// xCAT sorts policy rows by priority as numbers, so 1.3 and 1.30 are the same place and 1.10 comes
// before 1.2. The candidates are therefore 1.2 … 1.9, then 1.91 … 1.99, 1.991 … 1.999 and so on: each
// numerically distinct, increasing, after `1 root allow` and before the command rows at 2 and above.

const LEVELS = 12;

export function* priorityCandidates(): Generator<string> {
	for (let level = 0; level < LEVELS; level++) {
		const prefix = `1.${'9'.repeat(level)}`;
		for (let digit = level === 0 ? 2 : 1; digit <= 9; digit++) yield `${prefix}${digit}`;
	}
}

const numeric = (p: string): number | undefined => (/^\s*\d+(\.\d+)?\s*$/.test(p) ? Number(p) : undefined);

/** true when `candidate` sorts at the same place as an existing priority (same text, or the same number) */
export function occupies(existing: string, candidate: string): boolean {
	if (existing === candidate) return true;
	const a = numeric(existing),
		b = numeric(candidate);
	return a !== undefined && a === b;
}

/** the lowest candidate no existing row occupies, or undefined when all are taken */
export function freePriority(taken: readonly string[]): string | undefined {
	for (const candidate of priorityCandidates()) if (!taken.some((t) => occupies(t, candidate))) return candidate;
	return undefined;
}

/** for sorting rows as xCAT does: numbers first by value, then the rest by text */
export function comparePriority(a: string, b: string): number {
	const x = numeric(a),
		y = numeric(b);
	if (x !== undefined && y !== undefined) return x - y || (a < b ? -1 : a > b ? 1 : 0);
	if (x !== undefined) return -1;
	if (y !== undefined) return 1;
	return a < b ? -1 : a > b ? 1 : 0;
}
