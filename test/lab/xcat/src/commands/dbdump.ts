// dumpxCATdb -p dir / restorexCATdb -p dir: one <table>.csv per table in tabdump's format.
// restorexCATdb replaces each table's rows (tabrestore); a table that fails is reported on
// stderr and the command still ends with its success line, as xCAT's does.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { headerLine, parseRecord, rowLine, splitDump } from '../csv.js';
import { DbError, DbUnavailable } from '../db/backend.js';
import { hostPath, VERSION_LINE } from '../env.js';
import { getopt, flag, str } from '../getopt.js';
import { TABLE_NAMES, tableSpec, type Row } from '../schema.js';
import { reportDbFailure, type Ctx } from './common.js';

const SKIPPED_BY_DEFAULT = ['auditlog', 'eventlog'];

function parse(ctx: Ctx, usage: string[]) {
	const p = getopt(ctx.args, [
		{ names: ['a'], key: 'a' },
		{ names: ['b'], key: 'b' },
		{ names: ['V', 'verbose'], key: 'V' },
		{ names: ['p', 'path'], value: true, key: 'p' },
		{ names: ['h', 'help'], key: 'h' },
		{ names: ['v', 'version'], key: 'v' },
		{ names: ['t', 'timestamp'], value: true, key: 't' },
	]);
	if (p.bad || flag(p, 'h')) {
		ctx.out.data(...usage);
		if (p.bad) ctx.out.code(1);
		return undefined;
	}
	if (flag(p, 'v')) {
		ctx.out.data(VERSION_LINE);
		return undefined;
	}
	if (flag(p, 'b')) {
		ctx.out.error("Binary backup and restore are not supported by the lab's xCAT double.");
		return undefined;
	}
	const path = str(p, 'p');
	if (!path) {
		ctx.out.error('Missing -p flag.');
		ctx.out.data(...usage);
		return undefined;
	}
	return { path, all: flag(p, 'a') };
}

export function dumpxCATdb(ctx: Ctx): void {
	const opts = parse(ctx, [
		'Usage:',
		'dumpxCATdb [-a] [-V] [{-p|--path} path]',
		'dumpxCATdb [-b] [-V] [{-p|--path} path]',
		'dumpxCATdb [-h|--help] [-v|--version]',
	]);
	if (!opts) return;
	const dir = hostPath(opts.path);
	if (!existsSync(dir)) {
		ctx.out.data(` Creating ${opts.path} for database dump`);
		mkdirSync(dir, { recursive: true });
	}
	const tables = TABLE_NAMES.filter((t) => opts.all || !SKIPPED_BY_DEFAULT.includes(t));
	let data: Map<string, Row[]>;
	try {
		data = ctx.db().read(tables);
	} catch (e) {
		reportDbFailure(ctx, e);
		ctx.out.error(`Error backing up the database to ${opts.path}.`);
		return;
	}
	for (const t of tables) {
		const lines = [headerLine(tableSpec(t)!.cols), ...(data.get(t) ?? []).map(rowLine)];
		writeFileSync(`${dir}/${t}.csv`, `${lines.join('\n')}\n`);
	}
	ctx.out.data('Backup Complete.');
}

export function restorexCATdb(ctx: Ctx): void {
	const opts = parse(ctx, [
		'Usage:',
		'restorexCATdb [-a] [-V] [{-p|--path} path]',
		'restorexCATdb [-b] [-V] [{-t|--timestamp} timestamp] [{-p|--path} path]',
		'restorexCATdb [-h|--help] [-v|--version]',
	]);
	if (!opts) return;
	const dir = hostPath(opts.path);
	if (!existsSync(dir)) {
		ctx.out.error(`Directory ${opts.path} does not exist.`);
		return;
	}
	const files = readdirSync(dir)
		.filter((f) => f.endsWith('.csv'))
		.sort();
	for (const f of files) {
		const table = f.slice(0, -4);
		if (!opts.all && SKIPPED_BY_DEFAULT.includes(table)) continue;
		const spec = tableSpec(table);
		if (!spec) continue; // tables the double does not model are left alone
		let rows: Row[];
		try {
			const { cols, records } = splitDump(readFileSync(`${dir}/${f}`, 'utf8'));
			const bad = cols.find((c) => !spec.cols.includes(c));
			if (bad) {
				ctx.out.raw(`Error: The header line indicates that column '${bad}' should exist, which is not defined in the schema for '${table}'`);
				continue;
			}
			rows = records.map((r) => {
				const values = parseRecord(r, cols.length);
				return spec.cols.map((c) => {
					const i = cols.indexOf(c);
					return i < 0 ? null : (values[i] ?? null);
				});
			});
		} catch (e) {
			ctx.out.raw(`Error: ${table}: ${(e as Error).message}`);
			continue;
		}
		try {
			ctx.db().write([{ kind: 'replaceAll', table, rows }]);
		} catch (e) {
			if (e instanceof DbUnavailable) ctx.out.raw(e.dbiMessage);
			else if (e instanceof DbError) ctx.out.raw(e.message);
			else throw e;
			ctx.out.raw(`Error: Unable to open ${table}`);
		}
	}
	ctx.out.data('Restore of Database Complete.');
}
