// tabdump [-d] [table] | [-w attr==val]… [-f file] table (tabutils.pm tabdump, docs/xcat-behaviour.md#tabdump)
import { writeFileSync } from 'node:fs';
import { headerLine, rowLine } from '../csv.js';
import { hostPath, VERSION_LINE } from '../env.js';
import { getopt, list, str, flag } from '../getopt.js';
import { rowEnabled, tableSpec, TABLE_NAMES, type Row, type TableSpec } from '../schema.js';
import { reportDbFailure, type Ctx } from './common.js';

const USAGE = [
	'Usage: tabdump [-d] [table]',
	'       tabdump      [table]',
	'       tabdump [-f <filename>]  [table]',
	'       tabdump [-n <# of records>]  [auditlog | eventlog]',
	'       tabdump [-w attr==val [-w attr=~val] ...] [table]',
	'       tabdump [-w attr==val [-w attr=~val] ...] [-f <filename>] [table]',
	'       tabdump [-?|-h|--help]',
	'       tabdump {-v|--version}',
	'       tabdump ',
];

export function tabdump(ctx: Ctx): void {
	const { out } = ctx;
	const p = getopt(ctx.args, [
		{ names: ['h', '?', 'help'], key: 'h' },
		{ names: ['v', 'version'], key: 'v' },
		{ names: ['n', 'lines'], value: true, key: 'n' },
		{ names: ['d'], key: 'd' },
		{ names: ['f'], value: true, key: 'f' },
		{ names: ['w'], value: true, multi: true, key: 'w' },
	]);
	if (p.bad) {
		out.data(...USAGE);
		out.code(1);
		return;
	}
	if (flag(p, 'v')) {
		out.data(VERSION_LINE);
		return;
	}
	if (flag(p, 'h')) {
		out.data(...USAGE);
		return;
	}
	const filters = list(p, 'w');
	const file = str(p, 'f');
	if (p.operands.length > 1) {
		out.data(...USAGE);
		out.code(1);
		return;
	}
	const table = p.operands[0];
	if (table === undefined) {
		if (file) {
			out.error('table name missing from the command input. ');
			return;
		}
		if (flag(p, 'd')) {
			out.error("Table descriptions are not available in the lab's xCAT double.");
			return;
		}
		out.data(...TABLE_NAMES);
		return;
	}
	const spec = tableSpec(table);
	if (flag(p, 'd')) {
		if (!spec) out.error(`table ${table} does not exist.`);
		else out.error("Table descriptions are not available in the lab's xCAT double.");
		return;
	}
	if (!spec) {
		out.error(`No such table: ${table}`);
		return;
	}
	let rows: Row[];
	try {
		rows = ctx.db().read([table]).get(table) ?? [];
	} catch (e) {
		reportDbFailure(ctx, e);
		out.data(headerLine(spec.cols));
		return;
	}
	let lines: string[];
	if (filters.length) {
		const preds = filters.map((w) => parseWhere(w, spec, ctx.db().engine));
		const bad = preds.findIndex((x) => x === undefined);
		if (bad >= 0) {
			out.error(`Incorrect selection string specified with -w flag: ${filters[bad]}`);
			return;
		}
		// getAllAttribsWhere: enabled rows only, empty strings come back undefined
		const kept = rows.filter((r) => rowEnabled(spec, r) && preds.every((f) => f!(r)));
		lines = [headerLine(spec.cols), ...kept.map((r) => rowLine(r.map((v) => (v === '' ? null : v))))];
	} else {
		lines = [headerLine(spec.cols), ...rows.map(rowLine)];
	}
	if (file) {
		try {
			writeFileSync(hostPath(file), `${lines.join('\n')}\n`);
		} catch {
			out.error(`Error on tabdump of ${table} to ${file}. Unable to open the file for write. `);
		}
		return;
	}
	out.data(...lines);
}

/** One -w term: attr==val, !=, >, >=, <, <=, =~ (SQL LIKE), !~ (NOT LIKE); NULL never matches. */
export function parseWhere(term: string, spec: TableSpec, engine: 'SQLite' | 'Pg' | 'mysql'): ((r: Row) => boolean) | undefined {
	const m = /^([A-Za-z0-9_]+)(==|!=|=~|!~|>=|<=|>|<)(.*)$/s.exec(term);
	if (!m) return undefined;
	const idx = spec.cols.indexOf(m[1]!);
	if (idx < 0) return undefined;
	const op = m[2]!;
	const val = m[3]!;
	const like = (v: string) => likeRegex(val, engine !== 'Pg').test(v);
	// xcatdb is latin1 with its case-insensitive default collation on MySQL (mysqlsetup makes it so)
	const eq = engine === 'mysql' ? (v: string) => v.toLowerCase() === val.toLowerCase() : (v: string) => v === val;
	return (r) => {
		const v = r[idx];
		if (v === null || v === undefined) return false;
		switch (op) {
			case '==':
				return eq(v);
			case '!=':
				return !eq(v);
			case '>':
				return v > val;
			case '>=':
				return v >= val;
			case '<':
				return v < val;
			case '<=':
				return v <= val;
			case '=~':
				return like(v);
			default:
				return !like(v);
		}
	};
}

function likeRegex(pattern: string, caseInsensitive: boolean): RegExp {
	const body = pattern
		.split('')
		.map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
		.join('');
	return new RegExp(`^${body}$`, caseInsensitive ? 'is' : 's');
}
