// nodels [noderange] [-H] [-b] [-S] [table.column|shortname|table]… with ==, !=, =~, !~ selections
// (tabutils.pm nodels, docs/xcat-behaviour.md#nodels). Output lines "node: value" (terse) or
// "node: table.column: value"; nodes sorted; unset values print as empty.
import { VERSION_LINE } from '../env.js';
import { getopt, flag } from '../getopt.js';
import { tableSpec } from '../schema.js';
import { matches, resolveColumn, type Selection } from '../store.js';
import { load, type Ctx } from './common.js';
import { splitNoderangeArgs } from './noderangeargs.js';

const USAGE = [
	'Usage:',
	'  nodels [noderange] [-b|--blame] [-H|--with-fieldname] [table.attribute | shortname] [-S][...]',
	'  nodels {-v|--version}',
	'  nodels [-?|-h|--help]',
];

interface Item {
	table: string;
	col: string;
	label: string;
	sel?: Selection['op'];
	value?: string;
	force?: boolean;
}

export function nodels(ctx: Ctx): void {
	const { out } = ctx;
	const { range, args } = splitNoderangeArgs(ctx.args);
	const p = getopt(args, [
		{ names: ['h', '?', 'help'], key: 'h' },
		{ names: ['H', 'with-fieldname'], key: 'H' },
		{ names: ['b', 'blame'], key: 'b' },
		{ names: ['v', 'version'], key: 'v' },
		{ names: ['S'], key: 'S' },
	]);
	if (p.bad) {
		out.data(...USAGE);
		out.code(1);
		return;
	}
	if (flag(p, 'h')) {
		out.data(...USAGE);
		return;
	}
	if (flag(p, 'v')) {
		out.data(VERSION_LINE);
		return;
	}

	let terse = flag(p, 'H') ? 0 : 2;
	const items: Item[] = [];
	for (const arg of p.operands) {
		let text = arg;
		let op: Selection['op'] | undefined;
		let value: string | undefined;
		let m: RegExpExecArray | null;
		if ((m = /^([^=]*)!=(.*)$/s.exec(text))) {
			op = '!=';
			text = m[1]!;
			value = m[2]!;
		} else if ((m = /^([^=]*)=~(.*)$/s.exec(text))) {
			op = '=~';
			text = m[1]!;
			value = m[2]!.replace(/^\//, '').replace(/\/$/, '');
		} else if ((m = /^(.*?)==(.*)$/s.exec(text))) {
			op = '==';
			text = m[1]!;
			value = m[2]!;
		} else if ((m = /^(.*?)!~(.*)$/s.exec(text))) {
			op = '!~';
			text = m[1]!;
			value = m[2]!.replace(/^\//, '').replace(/\/$/, '');
		}
		const tc = resolveColumn(text);
		if (tc) terse--;
		else if (tableSpec(text)) {
			terse = 0;
			for (const c of tableSpec(text)!.cols) {
				if (!items.some((i) => i.table === text && i.col === c)) items.push({ table: text, col: c, label: `${text}.${c}` });
			}
			continue;
		} else {
			out.errorNoCode(`${text} not a valid table.column description`);
			out.code(1);
			continue;
		}
		const spec = tableSpec(tc[0]);
		if (!spec || !spec.cols.some((c) => c.includes(tc[1]))) {
			out.errorNoCode(`${tc[0]}.${tc[1]} not a valid table.column description`);
			out.code(1);
			continue;
		}
		const existing = items.find((i) => i.table === tc[0] && i.col === tc[1]);
		if (existing) {
			if (op === undefined) existing.force = true;
			else if (existing.sel !== undefined) {
				out.errorNoCode(`Multiple selection critera for ${existing.label}`);
				out.flush();
				return;
			} else {
				existing.sel = op;
				existing.value = value!;
				existing.force = true;
			}
			continue;
		}
		const item: Item = { table: tc[0], col: tc[1], label: text };
		if (op !== undefined) {
			item.sel = op;
			item.value = value!;
		}
		items.push(item);
	}

	const snap = load(ctx, [...new Set(items.map((i) => i.table))]);
	if (!snap) return;
	const hidden = (n: string) => snap.keyedTable('nodelist').own(n, 'hidden') === '1';
	let nodes: string[];
	if (range === undefined) {
		nodes = snap
			.nodes()
			.filter((n) => flag(p, 'S') || !hidden(n))
			.sort();
		out.data(...nodes);
		return;
	}
	const exp = snap.expand(range);
	if (exp.missing.length) {
		out.invalidNoderange(exp.missing);
		return;
	}
	nodes = exp.nodes.filter((n) => flag(p, 'S') || !hidden(n));
	if (!p.operands.length) {
		out.data(...[...nodes].sort());
		return;
	}

	for (const node of [...nodes].sort()) {
		const lines: string[] = [];
		let filtered = false;
		let mustDisplay = false;
		for (const it of items) {
			const own = snap.keyedTable(it.table).own(node, it.col);
			const value = snap.nodeValue(it.table, it.col, node) ?? '';
			if (it.sel !== undefined) {
				if (!matches({ op: it.sel, value: it.value! }, value)) {
					filtered = true;
					continue;
				}
				mustDisplay = true;
				if (!it.force) continue;
			}
			let shown = value;
			if (flag(p, 'b') && own === undefined && value !== '') {
				const group = (snap.groupsOf().get(node) ?? []).find((g) => snap.keyedTable(it.table).own(g, it.col) !== undefined);
				if (group) shown = `${value} (inherited from group ${group})`;
			}
			lines.push(terse > 0 ? `${node}: ${shown}` : `${node}: ${it.label}: ${shown}`);
		}
		if (filtered) continue;
		if (lines.length) out.data(...lines);
		else if (mustDisplay) out.data(node);
	}
}
