// Effective node attributes from tabdump tables, the way xCAT's Table.pm reads them: the node's own
// row if its value is non-empty, else the first group in `nodelist.groups` order whose row has a
// non-empty value. Empty strings count as unset; rows with `disable` set are ignored. Values written
// as xCAT regular expressions (`/re/repl/`, `|re|repl|`) are computed by xCAT per node: they are
// reported in `computed` so the caller asks xCAT (`lsdef -i`) for those nodes instead of guessing.

import { columnIndex, isDisabledValue, type Tabdump, type TabdumpRow } from './tabdump';
import { splitXcatList } from './lists';

export interface AttributeSource {
	table: Tabdump;
	column: string;
}

export interface ResolvedNode<A extends string> {
	name: string;
	groups: string[];
	/** effective value of every attribute; '' when neither the node nor a group sets it */
	values: Record<A, string>;
	/** attribute → the group whose row supplied the value; absent when it is the node's own */
	inheritedFrom?: Partial<Record<A, string>>;
}

export interface ComputedValue<A extends string> {
	node: string;
	attribute: A;
	/** the raw expression as stored */
	expression: string;
}

export type ResolveResult<A extends string> = { ok: true; nodes: ResolvedNode<A>[]; computed: ComputedValue<A>[] } | { ok: false; error: string };

const REGEX_VALUE = /^\/[^/]*\/[^/]*\/$|^\|.*\|.*\|$/s;

/** Only values starting with / or | can be xCAT expressions: test those alone. */
function isExpression(value: string): boolean {
	const first = value.charCodeAt(0);
	return (first === 47 || first === 124) && REGEX_VALUE.test(value);
}

interface IndexedSource<A extends string> {
	attribute: A;
	rowsByKey: Map<string, TabdumpRow>;
	column: number;
}

export function resolveNodeAttributes<A extends string>(nodelist: Tabdump, sources: Readonly<Record<A, AttributeSource>>): ResolveResult<A> {
	const nodeColumn = columnIndex(nodelist, 'node');
	const groupsColumn = columnIndex(nodelist, 'groups');
	if (nodeColumn < 0 || groupsColumn < 0) return { ok: false, error: 'the nodelist table needs node and groups columns' };
	const indexed = indexSources(sources);
	if (typeof indexed === 'string') return { ok: false, error: indexed };
	const nodes: ResolvedNode<A>[] = [];
	const computed: ComputedValue<A>[] = [];
	for (const row of enabledRows(nodelist)) {
		const name = row[nodeColumn];
		if (!name) continue;
		const groups = splitXcatList(row[groupsColumn] ?? '');
		nodes.push(resolveNode(name, groups, indexed, computed));
	}
	return { ok: true, nodes, computed };
}

function resolveNode<A extends string>(name: string, groups: string[], indexed: readonly IndexedSource<A>[], computed: ComputedValue<A>[]): ResolvedNode<A> {
	const values = {} as Record<A, string>;
	let inheritedFrom: Partial<Record<A, string>> | undefined;
	for (const source of indexed) {
		const { attribute } = source;
		let value = source.rowsByKey.get(name)?.[source.column];
		if (!value) {
			for (const group of groups) {
				value = source.rowsByKey.get(group)?.[source.column];
				if (value) {
					inheritedFrom ??= {};
					inheritedFrom[attribute] = group;
					break;
				}
			}
		}
		values[attribute] = value || '';
		if (value && isExpression(value)) computed.push({ node: name, attribute, expression: value });
	}
	return inheritedFrom ? { name, groups, values, inheritedFrom } : { name, groups, values };
}

function indexSources<A extends string>(sources: Readonly<Record<A, AttributeSource>>): IndexedSource<A>[] | string {
	const byTable = new Map<Tabdump, Map<string, TabdumpRow>>();
	const indexed: IndexedSource<A>[] = [];
	for (const attribute of Object.keys(sources) as A[]) {
		const { table, column } = sources[attribute];
		const columnAt = columnIndex(table, column);
		if (columnAt < 0) return `no column ${column} for attribute ${attribute} (table columns: ${table.columns.join(',')})`;
		if (columnIndex(table, 'node') !== 0) return `attribute ${attribute}: the table's first column must be node`;
		let rowsByKey = byTable.get(table);
		if (!rowsByKey) {
			rowsByKey = indexByKey(table);
			byTable.set(table, rowsByKey);
		}
		indexed.push({ attribute, rowsByKey, column: columnAt });
	}
	return indexed;
}

/** Rows keyed by their first column (node or group name); the first enabled row for a key wins. */
function indexByKey(table: Tabdump): Map<string, TabdumpRow> {
	const rowsByKey = new Map<string, TabdumpRow>();
	for (const row of enabledRows(table)) {
		const key = row[0];
		if (key && !rowsByKey.has(key)) rowsByKey.set(key, row);
	}
	return rowsByKey;
}

function enabledRows(table: Tabdump): TabdumpRow[] {
	const disable = columnIndex(table, 'disable');
	return disable < 0 ? table.rows : table.rows.filter((row) => !isDisabledValue(row[disable]));
}
