// Reading and writing xCAT objects (DBobjUtils getobjdefs / setobjdefs) over a snapshot.
import type { Values, WriteOp } from './db/sql.js';
import { splitList } from './inherit.js';
import { attrsOf, type AttrDef, type ObjType } from './objects.js';
import { rowEnabled, tableSpec, TABLES } from './schema.js';
import type { Snapshot } from './store.js';

/** Tables a type's attributes live in (plus what membership and existence need). */
export function tablesFor(type: ObjType): string[] {
	if (type === 'site') return ['site'];
	const set = new Set((attrsOf(type) ?? []).map((d) => d.table));
	if (type === 'node' || type === 'group') {
		set.add('nodelist');
		set.add('nodegroup');
	}
	if (type === 'node') set.add('postscripts');
	return [...set];
}

export function objectsOfType(snap: Snapshot, type: ObjType): string[] {
	switch (type) {
		case 'node':
			return snap.nodes();
		case 'site':
			return ['clustersite'];
		case 'group': {
			const seen = new Set<string>();
			for (const groups of snap.groupsOf().values()) for (const g of groups) seen.add(g);
			for (const g of snap.definedGroups()) seen.add(g);
			return [...seen];
		}
		case 'network':
			return enabledColumn(snap, 'networks', 'netname');
		case 'policy':
			return enabledColumn(snap, 'policy', 'priority');
	}
}

function enabledColumn(snap: Snapshot, table: string, col: string): string[] {
	const spec = tableSpec(table)!;
	const i = spec.cols.indexOf(col);
	return snap
		.rows(table)
		.filter((r) => rowEnabled(spec, r) && r[i])
		.map((r) => r[i]!);
}

function rowWhere(snap: Snapshot, table: string, col: string, value: string): (string | null)[] | undefined {
	const spec = tableSpec(table)!;
	const i = spec.cols.indexOf(col);
	return snap.rows(table).find((r) => rowEnabled(spec, r) && r[i] === value);
}

/** The attribute values of one object, as lsdef shows them (before the xcatdefaults merge). */
export function objectAttrs(snap: Snapshot, type: ObjType, name: string): Map<string, string> {
	const out = new Map<string, string>();
	const put = (k: string, v: string | null | undefined) => {
		if (v !== null && v !== undefined && v !== '') out.set(k, v);
	};
	if (type === 'site') {
		const spec = TABLES.site!;
		for (const r of snap.rows('site')) if (rowEnabled(spec, r) && r[0] && !out.has(r[0])) put(r[0], r[1]);
		return out;
	}
	if (type === 'network' || type === 'policy') {
		const table = type === 'network' ? 'networks' : 'policy';
		const keyCol = type === 'network' ? 'netname' : 'priority';
		const row = rowWhere(snap, table, keyCol, name);
		const spec = tableSpec(table)!;
		for (const d of attrsOf(type)!) put(d.attr, row?.[spec.cols.indexOf(d.col)]);
		return out;
	}
	for (const d of attrsOf(type)!) {
		if (d.table === 'nodegroup') {
			const row = rowWhere(snap, 'nodegroup', 'groupname', name);
			put(d.attr, row?.[tableSpec('nodegroup')!.cols.indexOf(d.col)]);
		} else if (type === 'node') {
			put(d.attr, snap.nodeValue(d.table, d.col, name));
		} else {
			put(d.attr, snap.keyedTable(d.table).own(name, d.col));
		}
	}
	if (type === 'group') {
		// getGroupMembers treats a missing grouptype as static, but lsdef shows only what the table holds
		out.set('members', groupMembers(snap, name).join(','));
	}
	return out;
}

export function groupMembers(snap: Snapshot, group: string): string[] {
	return snap.nodes().filter((n) => (snap.groupsOf().get(n) ?? []).includes(group));
}

export type ListMode = 'set' | 'plus' | 'minus';

/** Merges a comma list the way setobjdefs does for -p (append, no duplicates) and -m (remove). */
export function mergeList(current: string | undefined, value: string, mode: ListMode): string {
	if (mode === 'set') return value;
	const cur = splitList(current);
	const items = splitList(value);
	if (mode === 'plus') return [...cur, ...items.filter((i) => !cur.includes(i))].filter((v, k, a) => a.indexOf(v) === k).join(',');
	return cur.filter((i) => !items.includes(i)).join(',');
}

/** Accumulates the writes of many objects into one upsert per table. */
export class ObjectWriter {
	private rows = new Map<string, Values[]>();
	readonly extra: WriteOp[] = [];

	constructor(private readonly snap: Snapshot) {}

	private add(table: string, values: Values): void {
		const list = this.rows.get(table) ?? [];
		list.push(values);
		this.rows.set(table, list);
	}

	/** Writes attributes of one object; returns an error text when the object cannot be stored. */
	set(type: ObjType, name: string, attrs: ReadonlyMap<string, string>, mode: ListMode, current: ReadonlyMap<string, string>): string | undefined {
		// an empty result clears: the column becomes NULL (observed on real xCAT), and a site key's
		// row is deleted (setobjdefs' "delete the line")
		const value = (attr: string, v: string) => mergeList(current.get(attr), v, mode) || null;
		if (type === 'site') {
			const cleared: string[] = [];
			for (const [k, v] of attrs) {
				const val = value(k, v);
				if (val === null) cleared.push(k);
				else this.add('site', { key: k, value: val });
			}
			if (cleared.length) this.extra.push({ kind: 'deleteKeys', table: 'site', col: 'key', keys: cleared });
			return undefined;
		}
		if (type === 'policy') {
			const row: Values = { priority: name };
			for (const [k, v] of attrs) row[defFor(type, k).col] = value(k, v);
			this.add('policy', row);
			return undefined;
		}
		if (type === 'network') {
			const existing = rowWhere(this.snap, 'networks', 'netname', name);
			const set: Values = {};
			for (const [k, v] of attrs) set[defFor(type, k).col] = value(k, v);
			if (existing) {
				this.extra.push({ kind: 'update', table: 'networks', where: { netname: name }, set });
				return undefined;
			}
			if (!set.net || !set.mask) return `Net or mask value should not be empty for xCAT network object '${name}'.`;
			this.add('networks', { netname: name, ...set });
			return undefined;
		}
		const byTable = new Map<string, Values>();
		for (const [k, v] of attrs) {
			const d = defFor(type, k);
			const keyCol = d.table === 'nodegroup' ? 'groupname' : 'node';
			const row = byTable.get(d.table) ?? { [keyCol]: name };
			row[d.col] = value(k, v);
			byTable.set(d.table, row);
		}
		for (const [t, row] of byTable) {
			// Table.pm setAttribs does not insert a row whose values are all blank
			const keyCol = t === 'nodegroup' ? 'groupname' : 'node';
			if (Object.entries(row).every(([c, v]) => c === keyCol || v === null) && !this.hasRow(t, keyCol, name)) continue;
			this.add(t, row);
		}
		return undefined;
	}

	private keysOf = new Map<string, Set<string | null>>();

	private hasRow(table: string, keyCol: string, key: string): boolean {
		let keys = this.keysOf.get(table);
		if (!keys) {
			const i = tableSpec(table)!.cols.indexOf(keyCol);
			keys = new Set(this.snap.rows(table).map((r) => r[i] ?? null));
			this.keysOf.set(table, keys);
		}
		return keys.has(key);
	}

	ops(): WriteOp[] {
		return [...[...this.rows].map(([table, rows]): WriteOp => ({ kind: 'upsert', table, rows })), ...this.extra];
	}
}

function defFor(type: ObjType, attr: string): AttrDef {
	const d = attrsOf(type)?.find((x) => x.attr === attr);
	if (!d) throw new Error(`no attribute ${attr} for ${type}`);
	return d;
}

/** rmdef: every row that belongs to the objects. */
export function removalOps(snap: Snapshot, type: ObjType, names: readonly string[]): WriteOp[] {
	const ops: WriteOp[] = [];
	if (!names.length) return ops;
	if (type === 'node' || type === 'group') {
		for (const t of new Set((attrsOf('node') ?? []).map((d) => d.table).concat(['nodelist']))) {
			ops.push({ kind: 'deleteKeys', table: t, col: 'node', keys: [...names] });
		}
		if (type === 'group') {
			ops.push({ kind: 'deleteKeys', table: 'nodegroup', col: 'groupname', keys: [...names] });
			const rows: Values[] = [];
			for (const [node, groups] of snap.groupsOf()) {
				if (groups.some((g) => names.includes(g))) rows.push({ node, groups: groups.filter((g) => !names.includes(g)).join(',') });
			}
			if (rows.length) ops.push({ kind: 'upsert', table: 'nodelist', rows });
		}
		return ops;
	}
	if (type === 'network') return [{ kind: 'deleteKeys', table: 'networks', col: 'netname', keys: [...names] }];
	if (type === 'policy') return [{ kind: 'deleteKeys', table: 'policy', col: 'priority', keys: [...names] }];
	return [{ kind: 'deleteKeys', table: 'site', col: 'key', keys: [...names] }];
}
