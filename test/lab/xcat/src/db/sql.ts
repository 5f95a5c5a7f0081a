// SQL text shared by the SQLite, PostgreSQL and MySQL backends. Identifiers are always quoted, as xCAT
// quotes them (site.key, policy.time … are reserved words somewhere); the MySQL session runs with
// ANSI_QUOTES and NO_BACKSLASH_ESCAPES, so the same quoting works there.
import { tableSpec, type Row, type TableSpec } from '../schema.js';

/** Where the engines' SQL differs: upserts, SELECT without a table, CREATE TABLE quoting. */
export type Dialect = 'sqlite' | 'pg' | 'mysql';

export const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
export const lit = (v: string | null) => (v === null ? 'NULL' : `'${v.replace(/'/g, "''")}'`);

/**
 * Table.pm buildcreatestmt: TEXT columns, keys VARCHAR(128) NOT NULL, primary key on the keys.
 * On mysql it quotes columns with backticks and leaves the table name bare.
 */
export function createTable(qualified: string, spec: TableSpec, dialect: Dialect = 'sqlite'): string {
	const q = dialect === 'mysql' ? (c: string) => `\`${c}\`` : ident;
	const cols = spec.cols.map((c) => (spec.keys.includes(c) ? `${q(c)} VARCHAR(128) NOT NULL` : `${q(c)} TEXT`));
	return `CREATE TABLE ${qualified} (${cols.join(', ')}, PRIMARY KEY (${spec.keys.map(q).join(', ')}))`;
}

export type Values = Record<string, string | null>;

export type WriteOp =
	/**
	 * chtab-style (Table.pm setAttribs): update matching rows; insert when none matches, unless every
	 * value is blank. nullWord: the string "NULL" stores SQL NULL in the update and stays the string
	 * "NULL" in the insert, as setAttribs maps it only in its UPDATE branch.
	 */
	| { kind: 'set'; table: string; where: Values; set: Values; nullWord?: boolean }
	/** many rows keyed by the primary key; each row's columns are set, others left alone */
	| { kind: 'upsert'; table: string; rows: Values[] }
	| { kind: 'update'; table: string; where: Values; set: Values }
	| { kind: 'delete'; table: string; where: Values }
	/** delete rows whose single-column key is in the list */
	| { kind: 'deleteKeys'; table: string; col: string; keys: string[] }
	| { kind: 'replaceAll'; table: string; rows: Row[] };

const whereSql = (where: Values) => {
	const parts = Object.entries(where).map(([c, v]) => (v === null ? `${ident(c)} IS NULL` : `${ident(c)} = ${lit(v)}`));
	return parts.length ? parts.join(' AND ') : '1=1';
};

const blank = (v: string | null) => v === null || v === '';

export function renderWrite(op: WriteOp, qualified: string, spec: TableSpec, dialect: Dialect = 'sqlite'): string[] {
	switch (op.kind) {
		case 'set': {
			const sets = Object.entries(op.set);
			const stmts: string[] = [];
			if (!Object.keys(op.where).length) {
				// no key given: chtab inserts a new row
				if (sets.some(([, v]) => !blank(v)))
					stmts.push(`INSERT INTO ${qualified} (${sets.map(([c]) => ident(c)).join(', ')}) VALUES (${sets.map(([, v]) => lit(v)).join(', ')})`);
				return stmts;
			}
			const updated = (v: string | null) => (op.nullWord && v === 'NULL' ? null : v);
			if (sets.length)
				stmts.push(`UPDATE ${qualified} SET ${sets.map(([c, v]) => `${ident(c)} = ${lit(updated(v))}`).join(', ')} WHERE ${whereSql(op.where)}`);
			if (sets.some(([, v]) => !blank(v))) {
				const all: Values = { ...op.where, ...op.set };
				const cols = Object.keys(all);
				stmts.push(
					`INSERT INTO ${qualified} (${cols.map(ident).join(', ')}) SELECT ${cols.map((c) => lit(all[c] ?? null)).join(', ')}${dialect === 'mysql' ? ' FROM DUAL' : ''} WHERE NOT EXISTS (SELECT 1 FROM ${qualified} WHERE ${whereSql(op.where)})`,
				);
			}
			return stmts;
		}
		case 'upsert':
			return renderUpsert(op.rows, qualified, spec, dialect);
		case 'update': {
			const sets = Object.entries(op.set);
			return sets.length ? [`UPDATE ${qualified} SET ${sets.map(([c, v]) => `${ident(c)} = ${lit(v)}`).join(', ')} WHERE ${whereSql(op.where)}`] : [];
		}
		case 'delete':
			return [`DELETE FROM ${qualified} WHERE ${whereSql(op.where)}`];
		case 'deleteKeys': {
			const out: string[] = [];
			for (let i = 0; i < op.keys.length; i += 500) {
				out.push(
					`DELETE FROM ${qualified} WHERE ${ident(op.col)} IN (${op.keys
						.slice(i, i + 500)
						.map(lit)
						.join(', ')})`,
				);
			}
			return out;
		}
		case 'replaceAll': {
			const out = [`DELETE FROM ${qualified}`];
			for (let i = 0; i < op.rows.length; i += 500) {
				const chunk = op.rows.slice(i, i + 500);
				out.push(
					`INSERT INTO ${qualified} (${spec.cols.map(ident).join(', ')}) VALUES ${chunk.map((r) => `(${spec.cols.map((_, j) => lit(r[j] ?? null)).join(', ')})`).join(', ')}`,
				);
			}
			return out;
		}
	}
}

function renderUpsert(rows: Values[], qualified: string, spec: TableSpec, dialect: Dialect): string[] {
	// rows with the same column set share one multi-row statement
	const groups = new Map<string, Values[]>();
	for (const r of rows) {
		const key = Object.keys(r).sort().join(',');
		const list = groups.get(key) ?? [];
		list.push(r);
		groups.set(key, list);
	}
	const out: string[] = [];
	for (const [key, list] of groups) {
		const cols = key.split(',');
		const nonKey = cols.filter((c) => !spec.keys.includes(c));
		const conflict =
			dialect === 'mysql'
				? `ON DUPLICATE KEY UPDATE ${(nonKey.length ? nonKey : spec.keys.slice(0, 1)).map((c) => `${ident(c)} = VALUES(${ident(c)})`).join(', ')}`
				: nonKey.length
					? `ON CONFLICT (${spec.keys.map(ident).join(', ')}) DO UPDATE SET ${nonKey.map((c) => `${ident(c)} = excluded.${ident(c)}`).join(', ')}`
					: `ON CONFLICT (${spec.keys.map(ident).join(', ')}) DO NOTHING`;
		for (let i = 0; i < list.length; i += 500) {
			const chunk = list.slice(i, i + 500);
			out.push(
				`INSERT INTO ${qualified} (${cols.map(ident).join(', ')}) VALUES ${chunk.map((r) => `(${cols.map((c) => lit(r[c] ?? null)).join(', ')})`).join(', ')} ${conflict}`,
			);
		}
	}
	return out;
}

/** Parses the one-line JSON array of arrays a read query prints. */
export function parseRows(json: string): Row[] {
	const data = JSON.parse(json) as unknown[][];
	return data.map((r) => r.map((v) => (v === null ? null : String(v))));
}

/**
 * Whole tables through one client script: PROLOGUE, then per table a query printing one line, 'R' and
 * the JSON array of its rows (ROWS_JSON builds it from the quoted column list), read back in order.
 */
export function readTables(
	run: (script: string) => string,
	prologue: string[],
	tables: readonly string[],
	rowsJson: (cols: string) => string,
): Map<string, Row[]> {
	const lines = [...prologue];
	for (const t of tables) lines.push(`SELECT ${rowsJson(tableSpec(t)!.cols.map(ident).join(', '))} FROM ${ident(t)};`);
	const rows = run(lines.join('\n'))
		.split('\n')
		.filter((l) => l.startsWith('R'));
	return new Map(tables.map((t, k) => [t, parseRows(rows[k]?.slice(1) ?? '[]')]));
}

/** OPS as statements of DIALECT, one transaction: BEFORE (the transaction's start, with the tables made where the engine allows) and the closing COMMIT after. */
export function writeScript(ops: readonly WriteOp[], dialect: Dialect, before: string[]): string {
	const lines = [...before];
	for (const op of ops) {
		for (const s of renderWrite(op, ident(op.table), tableSpec(op.table)!, dialect)) lines.push(`${s};`);
	}
	lines.push('COMMIT;');
	return lines.join('\n');
}
