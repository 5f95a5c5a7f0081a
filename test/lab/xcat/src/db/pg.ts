// PostgreSQL as named by cfgloc, driven through psql (one process per call, over TCP to the host in
// cfgloc, so a VIP there matters). Tables are created when missing, after checking that they are
// missing, as Table.pm does: a role without CREATE on schema public can still use existing tables.
import { spawnSync } from 'node:child_process';
import { tableSpec, type Row } from '../schema.js';
import { DbError, DbUnavailable, type Backend } from './backend.js';
import { createTable, ident, lit, readTables, writeScript, type WriteOp } from './sql.js';

export interface PgTarget {
	host: string;
	dbname: string;
	user: string;
	password: string;
}

export class PgBackend implements Backend {
	readonly engine = 'Pg' as const;
	constructor(private readonly target: PgTarget) {}

	private ensure(tables: readonly string[]): string[] {
		const lines: string[] = [];
		tables.forEach((t, i) => {
			const spec = tableSpec(t);
			if (!spec) throw new DbError(`unknown table ${t}`);
			lines.push(`SELECT to_regclass(${lit(`public.${t}`)}) IS NOT NULL AS xd_has_${i} \\gset`);
			lines.push(`\\if :xd_has_${i}`, '\\else', `${createTable(ident(t), spec, 'pg')};`, '\\endif');
		});
		return lines;
	}

	read(tables: readonly string[]): Map<string, Row[]> {
		return readTables(
			(script) => this.run(script),
			this.ensure(tables),
			tables,
			(cols) => `'R' || coalesce(jsonb_agg(jsonb_build_array(${cols}))::text, '[]')`,
		);
	}

	write(ops: readonly WriteOp[]): void {
		if (!ops.length) return;
		const tables = [...new Set(ops.map((o) => o.table))];
		this.run(writeScript(ops, 'pg', ['BEGIN;', ...this.ensure(tables)]));
	}

	private run(script: string): string {
		const t = this.target;
		const conninfo = `host=${t.host} dbname=${t.dbname} user=${t.user} connect_timeout=5`;
		const r = spawnSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', conninfo, '-f', '-'], {
			input: script,
			encoding: 'utf8',
			maxBuffer: 1 << 30,
			env: { ...process.env, PGPASSWORD: t.password, PGAPPNAME: 'xcat-double', PGCONNECT_TIMEOUT: '5' },
		});
		if (r.error) throw new DbError(`psql: ${r.error.message}`);
		if (r.status !== 0) {
			const msg = (r.stderr || r.stdout).trim();
			if (r.status === 2) {
				throw new DbUnavailable(`DBI connect('dbname=${t.dbname};host=${t.host}','${t.user}',...) failed: ${msg.replace(/^psql: error: /, '')}`);
			}
			throw new DbError(`DBD::Pg::db do failed: ${msg.replace(/^psql:<stdin>:\d+: /gm, '')}`);
		}
		return r.stdout;
	}
}
