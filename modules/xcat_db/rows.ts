// Every table's rows from a dumpxCATdb directory, and what changed between two of them (pure).
import { parseTabdump } from '../xcat/tabdump';

/** table → its rows as tabdump lines, sorted (row order is the database's, not data) */
export type Rows = Map<string, string[]>;

/** FILES: name → content of each <table>.csv written by `dumpxCATdb -p`. */
export function rowsOfDump(files: ReadonlyMap<string, string>): Rows {
	const rows: Rows = new Map();
	for (const [name, text] of files) {
		if (!name.endsWith('.csv')) continue;
		const table = name.slice(0, -4);
		const parsed = parseTabdump(text);
		if (!parsed.ok) throw new Error(`${name} of the dump is not tabdump output (line ${parsed.line}: ${parsed.error})`);
		rows.set(
			table,
			text
				.split('\n')
				.slice(1)
				.filter((l) => l !== '')
				.sort(),
		);
	}
	return rows;
}

export function counts(rows: Rows): Record<string, number> {
	return Object.fromEntries([...rows].sort(([a], [b]) => a.localeCompare(b)).map(([t, r]) => [t, r.length]));
}

/** Each table whose rows differ, said in a few words; empty when every row survived. */
export function compareRows(before: Rows, after: Rows): string[] {
	const problems: string[] = [];
	for (const [table, rows] of before) {
		const now = after.get(table);
		if (!now) {
			if (rows.length) problems.push(`${table}: missing (had ${rows.length} rows)`);
			continue;
		}
		const lost = missingFrom(rows, now),
			added = missingFrom(now, rows);
		if (lost || added) problems.push(`${table}: ${rows.length} rows before, ${now.length} after (${lost} lost or changed, ${added} new)`);
	}
	return problems;
}

/** How many of A's rows (a multiset, sorted) are not in B (sorted). */
function missingFrom(a: string[], b: string[]): number {
	let i = 0,
		j = 0,
		missing = 0;
	while (i < a.length) {
		if (j >= b.length || a[i]! < b[j]!) {
			missing++;
			i++;
		} else if (a[i] === b[j]) {
			i++;
			j++;
		} else j++;
	}
	return missing;
}
