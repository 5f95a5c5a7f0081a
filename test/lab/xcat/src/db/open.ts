// Table.pm get_xcatcfg: $XCATCFG, else the first line of /etc/xcat/cfgloc, else SQLite in
// /opt/xcat/cfg if that directory exists, else /etc/xcat.
import { existsSync, readFileSync } from 'node:fs';
import { hostPath } from '../env.js';
import type { Backend } from './backend.js';
import { parseCfgloc, type DbConfig } from './cfgloc.js';
import { MysqlBackend } from './mysql.js';
import { PgBackend } from './pg.js';
import { SqliteBackend } from './sqlite.js';
import { DbError } from './backend.js';

export function readDbConfig(): DbConfig {
	const env = process.env.XCATCFG;
	if (env) return parseCfgloc(env);
	const cfgloc = hostPath('/etc/xcat/cfgloc');
	if (existsSync(cfgloc)) {
		const first = readFileSync(cfgloc, 'utf8').split('\n')[0] ?? '';
		if (first.trim() !== '') return parseCfgloc(first);
	}
	if (existsSync(hostPath('/opt/xcat/cfg'))) return parseCfgloc('SQLite:/opt/xcat/cfg');
	return parseCfgloc('');
}

export function openBackend(cfg: DbConfig = readDbConfig()): Backend {
	if (cfg.engine === 'SQLite') return new SqliteBackend(cfg.dir);
	if (cfg.engine === 'Pg') return new PgBackend({ host: cfg.host, dbname: cfg.dbname, user: cfg.user, password: cfg.password });
	if (cfg.engine === 'mysql') return new MysqlBackend({ host: cfg.host, dbname: cfg.dbname, user: cfg.user, password: cfg.password });
	throw new DbError(`The ${cfg.engine} database is not supported by the lab's xCAT double.`);
}
