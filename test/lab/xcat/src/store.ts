// A read snapshot of the tables one command needs, with the views xCAT derives from them:
// the node list, static group membership, and attribute values with group inheritance.
import type { Backend } from './db/backend.js';
import { KeyedTable, splitList } from './inherit.js';
import { expandNoderange, type Expansion } from './noderange.js';
import { tableSpec, TABLES, type Row } from './schema.js';
import { readFileSync } from 'node:fs';
import { hostPath } from './env.js';

export class Snapshot {
	private keyed = new Map<string, KeyedTable>();
	private _groupsOf?: Map<string, string[]>;
	private _members?: Map<string, string[]>;

	constructor(readonly tables: Map<string, Row[]>) {}

	static load(db: Backend, names: readonly string[]): Snapshot {
		const wanted = [...new Set(['nodelist', ...names])];
		return new Snapshot(db.read(wanted));
	}

	rows(table: string): Row[] {
		return this.tables.get(table) ?? [];
	}

	keyedTable(table: string, keyCol?: string): KeyedTable {
		const id = `${table}:${keyCol ?? ''}`;
		let k = this.keyed.get(id);
		if (!k) {
			k = new KeyedTable(tableSpec(table)!, this.rows(table), keyCol);
			this.keyed.set(id, k);
		}
		return k;
	}

	/** enabled nodelist nodes in database order */
	nodes(): string[] {
		return [...this.groupsOf().keys()];
	}

	groupsOf(): Map<string, string[]> {
		if (!this._groupsOf) {
			const spec = TABLES.nodelist!;
			const map = new Map<string, string[]>();
			for (const row of this.rows('nodelist')) {
				const node = row[0];
				if (!node || map.has(node)) continue;
				const d = row[spec.cols.indexOf('disable')];
				if (d && !/^(0|no)$/i.test(d)) continue;
				map.set(node, splitList(row[1]));
			}
			this._groupsOf = map;
		}
		return this._groupsOf;
	}

	groupMembers(): Map<string, string[]> {
		if (!this._members) {
			const m = new Map<string, string[]>();
			for (const [node, groups] of this.groupsOf()) {
				for (const g of groups) {
					const list = m.get(g) ?? [];
					list.push(node);
					m.set(g, list);
				}
			}
			this._members = m;
		}
		return this._members;
	}

	definedGroups(): Set<string> {
		const spec = TABLES.nodegroup!;
		return new Set(
			this.rows('nodegroup')
				.map((r) => r[spec.cols.indexOf('groupname')])
				.filter((g): g is string => !!g),
		);
	}

	/** table.column value a node sees, with group inheritance */
	nodeValue(table: string, col: string, node: string): string | undefined {
		if (table === 'nodelist') return this.keyedTable('nodelist').own(node, col);
		return this.keyedTable(table).effective(node, col, this.groupsOf().get(node) ?? []);
	}

	expand(range: string, verify = true): Expansion {
		return expandNoderange(
			range,
			{
				nodes: this.nodes(),
				groups: this.groupMembers(),
				definedGroups: this.definedGroups(),
				criteria: (atom, nodes) => this.criteria(atom, nodes),
				readFile: (p) => readFileSync(hostPath(p), 'utf8').split('\n'),
			},
			verify,
		);
	}

	/** noderange selections like noderes.servicenode==sn1 (NodeRange.pm nodesbycriteria) */
	criteria(atom: string, nodes: readonly string[]): string[] | null {
		const sel = parseSelection(atom);
		if (!sel) return null;
		const spec = tableSpec(sel.table);
		if (!spec || !spec.cols.includes(sel.col)) return null;
		if (!this.tables.has(sel.table)) return null;
		return nodes.filter((n) => matches(sel, this.nodeValue(sel.table, sel.col, n) ?? ''));
	}
}

export interface Selection {
	table: string;
	col: string;
	op: '==' | '!=' | '=~' | '!~';
	value: string;
	label: string;
}

const SHORTNAMES: Record<string, [string, string]> = { groups: ['nodelist', 'groups'], tags: ['nodelist', 'groups'], mgt: ['nodehm', 'mgt'] };

export function resolveColumn(name: string): [string, string] | undefined {
	if (SHORTNAMES[name]) return SHORTNAMES[name];
	const i = name.indexOf('.');
	return i < 0 ? undefined : [name.slice(0, i), name.slice(i + 1)];
}

/** "table.col==v", "!=", "=~/re/", "!~re", and a bare "=" meaning == (NodeRange.pm order of tests) */
export function parseSelection(text: string): Selection | undefined {
	let m: RegExpExecArray | null;
	let op: Selection['op'];
	let left: string;
	let value: string;
	if ((m = /^([^=]*)!=(.*)$/s.exec(text))) {
		op = '!=';
		left = m[1]!;
		value = m[2]!;
	} else if ((m = /^([^=]*)=~(.*)$/s.exec(text))) {
		op = '=~';
		left = m[1]!;
		value = m[2]!.replace(/^\//, '').replace(/\/$/, '');
	} else if ((m = /^(.*?)==(.*)$/s.exec(text))) {
		op = '==';
		left = m[1]!;
		value = m[2]!;
	} else if ((m = /^(.*?)!~(.*)$/s.exec(text))) {
		op = '!~';
		left = m[1]!;
		value = m[2]!.replace(/^\//, '').replace(/\/$/, '');
	} else if ((m = /^(.*?)=(.*)$/s.exec(text))) {
		op = '==';
		left = m[1]!;
		value = m[2]!;
	} else return undefined;
	const tc = resolveColumn(left);
	if (!tc) return undefined;
	return { table: tc[0], col: tc[1], op, value, label: left };
}

export function matches(sel: { op: Selection['op']; value: string }, actual: string): boolean {
	switch (sel.op) {
		case '==':
			return actual === sel.value;
		case '!=':
			return actual !== sel.value;
		case '=~':
			return new RegExp(sel.value).test(actual);
		case '!~':
			return !new RegExp(sel.value).test(actual);
	}
}
