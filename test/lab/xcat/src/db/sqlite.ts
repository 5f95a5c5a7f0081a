// SQLite the xCAT way: one file per table, /etc/xcat/<table>.sqlite, driven through the sqlite3 CLI.
// One process per call; a call needing more than 10 files (SQLite's ATTACH limit) is split.
import { spawnSync } from 'node:child_process';
import { hostPath } from '../env.js';
import { tableSpec, type Row } from '../schema.js';
import { DbError, type Backend } from './backend.js';
import { createTable, ident, lit, parseRows, renderWrite, type WriteOp } from './sql.js';

const MAX_ATTACH = 10;

export class SqliteBackend implements Backend {
	readonly engine = 'SQLite' as const;
	constructor(private readonly dir: string) {}

	private file(table: string): string {
		return hostPath(`${this.dir}/${table}.sqlite`);
	}

	private preamble(tables: readonly string[]): string[] {
		const lines = ['.bail on', '.timeout 20000', '.mode list', '.headers off'];
		for (const t of tables) {
			const spec = tableSpec(t);
			if (!spec) throw new DbError(`unknown table ${t}`);
			lines.push(`ATTACH ${lit(this.file(t))} AS ${ident(t)};`);
			lines.push(`${createTable(`${ident(t)}.${ident(t)}`, spec).replace('CREATE TABLE', 'CREATE TABLE IF NOT EXISTS')};`);
		}
		return lines;
	}

	read(tables: readonly string[]): Map<string, Row[]> {
		const result = new Map<string, Row[]>();
		for (let i = 0; i < tables.length; i += MAX_ATTACH) {
			const chunk = tables.slice(i, i + MAX_ATTACH);
			const lines = this.preamble(chunk);
			for (const t of chunk) {
				const spec = tableSpec(t)!;
				lines.push(
					`SELECT 'R' || json_group_array(json_array(${spec.cols.map(ident).join(', ')})) FROM (SELECT * FROM ${ident(t)}.${ident(t)} ORDER BY rowid);`,
				);
			}
			const out = run(lines.join('\n'));
			const rows = out.split('\n').filter((l) => l.startsWith('R'));
			chunk.forEach((t, k) => result.set(t, parseRows(rows[k]?.slice(1) ?? '[]')));
		}
		return result;
	}

	write(ops: readonly WriteOp[]): void {
		if (!ops.length) return;
		const tables = [...new Set(ops.map((o) => o.table))];
		if (tables.length > MAX_ATTACH) {
			// keep each table's operations together and in order
			for (let i = 0; i < tables.length; i += MAX_ATTACH) {
				const set = new Set(tables.slice(i, i + MAX_ATTACH));
				this.write(ops.filter((o) => set.has(o.table)));
			}
			return;
		}
		const lines = this.preamble(tables);
		lines.push('BEGIN IMMEDIATE;');
		for (const op of ops) {
			const spec = tableSpec(op.table)!;
			for (const s of renderWrite(op, `${ident(op.table)}.${ident(op.table)}`, spec)) lines.push(`${s};`);
		}
		lines.push('COMMIT;');
		run(lines.join('\n'));
	}
}

function run(script: string): string {
	// Table.pm connects under umask 0077: table files are created 0600
	const old = process.umask(0o077);
	const r = spawnSync('sqlite3', ['-batch', ':memory:'], { input: script, encoding: 'utf8', maxBuffer: 1 << 30 });
	process.umask(old);
	if (r.error) throw new DbError(`sqlite3: ${r.error.message}`);
	if (r.status !== 0) throw new DbError(`sqlite3: ${(r.stderr || r.stdout).trim()}`);
	return r.stdout;
}
