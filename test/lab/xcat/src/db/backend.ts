// One database access per call: each read or write runs a single sqlite3, psql or mariadb process with a
// generated script, writes inside one transaction. Tables are created on first use, as
// xCAT::Table->new(…, -create=>1) does.
import type { Row } from '../schema.js';
import type { WriteOp } from './sql.js';

export interface Backend {
	readonly engine: 'SQLite' | 'Pg' | 'mysql';
	/** whole tables, every row (disabled ones too) in database order */
	read(tables: readonly string[]): Map<string, Row[]>;
	write(ops: readonly WriteOp[]): void;
}

/** The database could not be reached or refused the session; `dbiMessage` is what DBI would print. */
export class DbUnavailable extends Error {
	constructor(readonly dbiMessage: string) {
		super(dbiMessage);
	}
}

export class DbError extends Error {}
