// MySQL/MariaDB as named by cfgloc (`mysql:dbname=xcatdb;host=<addr>|xcatadmin|<password>`), driven
// through the mariadb CLI: one process per call, over TCP to the host in cfgloc (a VIP there
// matters), the password in MYSQL_PWD. Tables are created when missing, after checking that they
// are missing, as Table.pm does (table_info, then buildcreatestmt).
import { spawnSync } from 'node:child_process';
import { tableSpec, type Row } from '../schema.js';
import { DbError, DbUnavailable, type Backend } from './backend.js';
import { createTable, lit, readTables, writeScript, type WriteOp } from './sql.js';

export interface MysqlTarget {
	host: string;
	dbname: string;
	user: string;
	password: string;
}

// ANSI_QUOTES: "col" is an identifier (sql.ts quotes that way); NO_BACKSLASH_ESCAPES: '' is the
// only escape, as lit() assumes. JSON_ARRAYAGG is built on GROUP_CONCAT and is cut at its limit.
const SESSION = ["SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES,NO_BACKSLASH_ESCAPES');", 'SET SESSION group_concat_max_len = 4294967295;'];

export class MysqlBackend implements Backend {
	readonly engine = 'mysql' as const;
	constructor(private readonly target: MysqlTarget) {}

	private ensure(tables: readonly string[]): string[] {
		const lines: string[] = [];
		for (const t of tables) {
			const spec = tableSpec(t);
			if (!spec) throw new DbError(`unknown table ${t}`);
			// CREATE TABLE commits implicitly: this runs before any transaction starts
			lines.push(
				`SET @xd_sql = IF(EXISTS(SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ${lit(t)}), 'DO 0', ${lit(createTable(t, spec, 'mysql'))});`,
				'PREPARE xd_st FROM @xd_sql;',
				'EXECUTE xd_st;',
				'DEALLOCATE PREPARE xd_st;',
			);
		}
		return lines;
	}

	read(tables: readonly string[]): Map<string, Row[]> {
		return readTables(
			(script) => this.run(script),
			[...SESSION, ...this.ensure(tables)],
			tables,
			(cols) => `CONCAT('R', COALESCE(JSON_ARRAYAGG(JSON_ARRAY(${cols})), '[]'))`,
		);
	}

	write(ops: readonly WriteOp[]): void {
		if (!ops.length) return;
		const tables = [...new Set(ops.map((o) => o.table))];
		this.run(writeScript(ops, 'mysql', [...SESSION, ...this.ensure(tables), 'START TRANSACTION;']));
	}

	private run(script: string): string {
		const t = this.target;
		const r = spawnSync('mariadb', mariadbArgs(t), {
			input: script,
			encoding: 'utf8',
			maxBuffer: 1 << 30,
			env: { ...process.env, MYSQL_PWD: t.password },
		});
		if (r.error) throw new DbError(`mariadb: ${r.error.message}`);
		if (r.status !== 0) {
			const msg = (r.stderr || r.stdout).trim();
			// the CLI names the script line for statement errors, never for connection errors
			if (!/^ERROR \d+ \([0-9A-Z]+\) at line \d+/m.test(msg)) {
				throw new DbUnavailable(
					`DBI connect('dbname=${t.dbname};host=${t.host}','${t.user}',...) failed: ${msg.replace(/^ERROR \d+ \([0-9A-Z]+\): /, '')}`,
				);
			}
			throw new DbError(`DBD::mysql::db do failed: ${msg.replace(/^ERROR \d+ \([0-9A-Z]+\) at line \d+: /gm, '')}`);
		}
		return r.stdout;
	}
}

/** The client's argv: no secrets (the password travels in MYSQL_PWD). */
export function mariadbArgs(t: Omit<MysqlTarget, 'password'>): string[] {
	return [
		'--no-defaults',
		'--protocol=TCP',
		`--host=${t.host}`,
		`--user=${t.user}`,
		`--database=${t.dbname}`,
		'--connect-timeout=5',
		'--batch',
		'--raw',
		'--skip-column-names',
		'--max-allowed-packet=1G',
	];
}
