// tabrestore [-a] <table>.csv (xCAT-client/sbin/tabrestore and tabutils.pm tabrestore): the client
// reads the file (table name = its base name up to the first dot) and xcatd replaces every row of
// the table with the file's records (-a: adds them), in one transaction. Any bad record rolls the
// whole table back; the messages and error codes are tabutils.pm's.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseRecord } from '../csv.js';
import { DbError, DbUnavailable } from '../db/backend.js';
import type { Values, WriteOp } from '../db/sql.js';
import { hostPath, VERSION_LINE } from '../env.js';
import { flag, getopt } from '../getopt.js';
import { tableSpec, type Row } from '../schema.js';
import type { Ctx } from './common.js';

const USAGE = [
	'Usage: tabrestore <tablename>.csv',
	'       tabrestore -a <tablename>.csv',
	'       tabrestore [-?|-h|--help]',
	'       tabrestore [-v|--version]',
];

export function tabrestore(ctx: Ctx): void {
	const { out } = ctx;
	const p = getopt(ctx.args, [
		{ names: ['h', '?', 'help'], key: 'h' },
		{ names: ['v', 'version'], key: 'v' },
		{ names: ['a', 'addrows'], key: 'a' },
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
	const file = p.operands[0];
	if (!file) {
		out.data(...USAGE);
		out.code(2);
		return;
	}
	let content: string;
	try {
		content = readFileSync(hostPath(file), 'utf8');
	} catch {
		out.data(`Error: Unable to open ${file} for reading.`);
		out.code(3);
		return;
	}
	const table = basename(file).replace(/\..*/s, '');
	if (/^x_teal/.test(table)) {
		out.error(`${table} is not supported in tabrestore. Use Teal maintenance commands. `);
		return;
	}
	const spec = tableSpec(table);
	if (!spec) {
		out.errorNoCode(`Unable to open ${table}`);
		out.code(4);
		return;
	}
	// the client sends the file line by line (Perl's <$fh>), xcatd reads the first as the header
	const lines = content.split(/(?<=\n)/);
	const header = lines.shift() ?? '';
	if (!header.startsWith('#')) {
		out.error('Data missing header line starting with #');
		return;
	}
	const cols = header.replace(/"/g, '').slice(1).replace(/\s+$/, '').split(',');
	const bad = cols.find((c) => !spec.cols.includes(c));
	if (bad !== undefined) {
		out.error(`The header line indicates that column '${bad}' should exist, which is not defined in the schema for '${table}'`);
		return;
	}

	const rows: Row[] = [];
	const lineOf: number[] = [];
	const origOf: string[] = [];
	let rollback = false;
	const fail = (text: string) => {
		out.errorNoCode(text);
		out.code(4);
		rollback = true;
	};
	for (let n = 0; n < lines.length; n++) {
		let line = lines[n]!.replace(/\s+$/, '');
		const origline = line;
		// a quoted value may hold newlines: the record goes on over the next lines
		while (quotesOpen(line) && n + 1 < lines.length) line = `${line}\n${lines[++n]!.replace(/\s+$/, '')}`;
		if (quotesOpen(line)) {
			fail(`CSV unmatched " in record on line ${n}, character 0: ${origline}`);
			continue;
		}
		let values: Row;
		try {
			values = line === '' ? cols.map(() => null) : parseRecord(line, cols.length);
		} catch (e) {
			const why = (e as Error).message;
			fail(why === 'too many fields' ? `Too many fields on line ${n}: ${origline}` : `CSV unescaped " in record on line ${n}, character 0: ${origline}`);
			continue;
		}
		// setAttribs does not insert a line whose values are all blank
		if (values.every((v) => v === null || v === '')) continue;
		rows.push(
			spec.cols.map((c) => {
				const i = cols.indexOf(c);
				return i < 0 ? null : (values[i] ?? null);
			}),
		);
		lineOf.push(n);
		origOf.push(origline);
	}
	if (rollback) return;
	try {
		if (flag(p, 'a')) {
			// setAttribs(record, record) looks the row up by every column (NULL = NULL never matches), so
			// a record whose key exists is an insert the key refuses, unless the row is the same, without NULLs
			const existing = ctx.db().read([table]).get(table) ?? [];
			const keyOf = (r: Row) => JSON.stringify(spec.keys.map((k) => r[spec.cols.indexOf(k)] ?? null));
			const byKey = new Map(existing.map((r) => [keyOf(r), r]));
			for (const [n, r] of rows.entries()) {
				const old = byKey.get(keyOf(r));
				if (old && !(r.every((v) => v !== null) && r.every((v, i) => v === old[i]))) {
					fail(`DB error UNIQUE constraint failed: ${spec.keys.map((k) => `${table}.${k}`).join(', ')} with line ${lineOf[n]}: ${origOf[n]}`);
				}
			}
			if (rollback) return;
		}
		const ops: WriteOp[] = flag(p, 'a')
			? [{ kind: 'upsert', table, rows: rows.map((r): Values => Object.fromEntries(spec.cols.map((c, i) => [c, r[i] ?? null]))) }]
			: [{ kind: 'replaceAll', table, rows }];
		ctx.db().write(ops);
	} catch (e) {
		if (e instanceof DbUnavailable) out.raw(e.dbiMessage);
		else if (e instanceof DbError) out.raw(e.message);
		else throw e;
		out.errorNoCode(`Unable to open ${table}`);
		out.code(4);
	}
}

function quotesOpen(text: string): boolean {
	let open = false;
	for (const ch of text) if (ch === '"') open = !open;
	return open;
}
