// chtab (xCAT-server/sbin/chtab): writes the database directly, without xcatd; silent on success.
import { VERSION_LINE } from '../env.js';
import { getopt, flag } from '../getopt.js';
import { splitList } from '../inherit.js';
import { tableSpec } from '../schema.js';
import type { Values, WriteOp } from '../db/sql.js';
import { load, write, type Ctx } from './common.js';

const USAGE = `Usage:
 To add or update rows for tables:
   chtab keycolname=keyvalue[,keycolname=keyvalue...] tablename.colname=newvalue [tablename.colname=newvalue...]
 To delete rows from tables:
   chtab -d|--delete keycolname=keyvalue[,keycolname=keyvalue...] tablename [tablename...]
 To display usage and other information:
   chtab [-h|--help|-v|--Version]

   -d|--delete  Delete the rows from a list of tables.
   -v|--version Display the version of this command.
   -h|--help    Display this usage information. 
   keycolname=keyvalue   a column name-and-value pair that identifies the rows in a table to be changed.
   tablename.colname=newvalue    the new value for the specified row and column of the table.`;

export function chtab(ctx: Ctx): void {
	const { out } = ctx;
	const p = getopt(ctx.args, [
		{ names: ['d', 'delete'], key: 'd' },
		{ names: ['h', 'help'], key: 'h' },
		{ names: ['v', 'version'], key: 'v' },
	]);
	if (p.bad) {
		out.data(USAGE);
		out.code(1);
		return;
	}
	if (flag(p, 'h')) {
		out.data(USAGE);
		return;
	}
	if (flag(p, 'v')) {
		out.data(`chtab ${VERSION_LINE}`);
		return;
	}
	const args = [...p.operands];
	const target = args.shift();
	if (!target) {
		out.data(USAGE);
		out.code(1);
		return;
	}
	if (process.getuid?.() !== 0 && !process.env.XCAT_DOUBLE_ROOT) {
		out.data('WARNING: chtab bypasses xcatd and does not enforce xCAT policy tables. Consider using tabch instead.');
	}
	const keys: Values = {};
	const pairs = target.split(',');
	if (!/([^.=]+)\.([^.=]+)=(.+)/.test(pairs[0] ?? '')) {
		for (const kv of pairs) {
			const m = /^(.*)=(.*)$/s.exec(kv);
			if (!m) {
				out.data(`Incorrect argument "${kv}".`, USAGE);
				out.code(1);
				return;
			}
			keys[m[1]!] = m[2]!;
		}
	} else {
		args.unshift(target);
	}

	if (flag(p, 'd')) {
		if (!args.length) {
			out.data('Missing table name.', USAGE);
			out.code(1);
			return;
		}
		const ops: WriteOp[] = [];
		for (const t of args) {
			if (!tableSpec(t)) {
				out.raw(`Can't call method "delEntries" on an undefined value at /opt/xcat/sbin/chtab line 84.`);
				out.code(255);
				break;
			}
			ops.push({ kind: 'delete', table: t, where: keys });
		}
		write(ctx, ops);
		return;
	}

	const updates = new Map<string, Values>();
	const appends: { table: string; col: string; value: string }[] = [];
	for (const a of args) {
		const dot = a.indexOf('.');
		const table = dot < 0 ? a : a.slice(0, dot);
		const rest = dot < 0 ? '' : a.slice(dot + 1);
		if (!tableSpec(table)) {
			out.data(`Table ${table} does not exist.`);
			out.code(1);
			return;
		}
		const set = updates.get(table) ?? {};
		updates.set(table, set);
		if (rest.includes('+=')) {
			const i = rest.indexOf('+=');
			appends.push({ table, col: rest.slice(0, i), value: rest.slice(i + 2) });
			set[rest.slice(0, i)] = rest.slice(i + 2);
		} else {
			const i = rest.indexOf('=');
			const col = i < 0 ? rest : rest.slice(0, i);
			const value = i < 0 ? null : rest.slice(i + 1);
			set[col] = value;
		}
	}
	for (const [table, set] of updates) {
		const spec = tableSpec(table)!;
		const bad = [...Object.keys(set), ...Object.keys(keys)].find((c) => !spec.cols.includes(c));
		if (bad) {
			out.raw(`DBD::SQLite::db prepare failed: no such column: ${bad} at /opt/xcat/lib/perl/xCAT/Table.pm line 2138.`);
			out.code(1);
			return;
		}
	}
	if (appends.length) {
		// "+=": merge with the current value, de-duplicated, current items first
		const snap = load(ctx, [...new Set(appends.map((x) => x.table))]);
		if (!snap) {
			out.code(1);
			return;
		}
		for (const ap of appends) {
			const spec = tableSpec(ap.table)!;
			const row = snap.rows(ap.table).find((r) => Object.entries(keys).every(([c, v]) => r[spec.cols.indexOf(c)] === v));
			const existing = splitList(row?.[spec.cols.indexOf(ap.col)]);
			if (existing.length) updates.get(ap.table)![ap.col] = [...new Set([...existing, ...ap.value.split(',')])].join(',');
		}
	}
	const ops: WriteOp[] = [...updates].map(([table, set]) => ({ kind: 'set', table, where: keys, set, nullWord: true }));
	if (!write(ctx, ops)) out.code(1);
}
