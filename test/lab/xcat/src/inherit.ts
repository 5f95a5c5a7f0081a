// Group inheritance as xCAT's Table.pm getNodeAttribs does it: per attribute, the node's own
// non-empty value, else the first group (in nodelist.groups order) whose row has a non-empty value.
// Disabled rows are invisible to reads.
import { rowEnabled, type Row, type TableSpec } from './schema.js';

export class KeyedTable {
	private readonly byKey = new Map<string, Row>();
	constructor(
		readonly spec: TableSpec,
		rows: readonly Row[],
		keyCol = spec.keys[0] ?? 'node',
	) {
		const k = spec.cols.indexOf(keyCol);
		for (const row of rows) {
			const key = row[k];
			if (key === null || key === undefined || !rowEnabled(spec, row)) continue;
			if (!this.byKey.has(key)) this.byKey.set(key, row);
		}
	}

	row(key: string): Row | undefined {
		return this.byKey.get(key);
	}

	own(key: string, col: string): string | undefined {
		const v = this.byKey.get(key)?.[this.spec.cols.indexOf(col)];
		return v === null || v === undefined || v === '' ? undefined : v;
	}

	/** The value a node sees: its own, else its groups' in order. */
	effective(node: string, col: string, groups: readonly string[]): string | undefined {
		const own = this.own(node, col);
		if (own !== undefined) return own;
		for (const g of groups) {
			const v = this.own(g, col);
			if (v !== undefined) return v;
		}
		return undefined;
	}
}

export function splitList(value: string | null | undefined): string[] {
	return value ? value.split(',').filter((s) => s !== '') : [];
}
