// write_with=sql: the bulk write as one PostgreSQL transaction on xCAT's own database, instead of chdef.
// Real chdef costs about 1.5 ms a node in xcatd's one "DB Access" process, so 10,000 nodes take 15 s
// however the calls are split (docs/xcat-behaviour.md#timings); the same rows by SQL take a fraction
// of a second, and all of them or none. What xcatd would do around a chdef and this does not: notify the
// registrations of the `notification` table (so a registration on the written tables refuses this
// way), write its auditlog row, and drop the DB Access process's table cache, which Table.pm allows to be
// up to 5 s old (its own comment, line 17): a large getNodesAttribs in those 5 s may still see the old
// servicenode. The read-back after the write goes through xCAT (tabdump), so what xCAT serves is checked.
import { readFileSync } from 'node:fs';
import { ModuleError, str, type Read } from '../runtime';
import { NODE_ATTRIBUTE_COLUMNS } from '../xcat/attributes';
import { parseCfgloc, type Cfgloc } from '../xcat/cfgloc';
import { readTable, tabdumpRecords, isDisabledValue } from '../xcat/tabdump';
import { MOVED_ATTRIBUTES, type AttributeWrite, type MovedAttribute } from './types';

/** The option, in xcat_snmove and xcat_pool alike. */
export const writeWithOption = () => str({ choices: ['chdef', 'sql'] as const, default: 'chdef' });

/** Where the rows go: conninfo without the password (it is shown); the password only in psql's environment. */
export interface SqlTarget {
	conninfo: string;
	password: string;
}

export type SqlProbe = { ok: true; target: SqlTarget } | { ok: false; why: string };

/** the tables write_with=sql writes, and the operations it does there (an upsert adds or updates rows) */
const WRITTEN_TABLES = [...new Set(MOVED_ATTRIBUTES.map((a) => NODE_ATTRIBUTE_COLUMNS[a].table))];
const WRITTEN_OPS = ['a', 'u'];

/**
 * Reads, on the MN: the cfgloc this host's xCAT reads (Table.pm get_xcatcfg: $XCATCFG, else the first
 * line of /etc/xcat/cfgloc), `lsxcatd -d` (the database xcatd itself uses, which must be that one),
 * `tabdump notification` and psql's presence. Changes nothing; the verdict is sqlTargetOf's.
 */
export async function probeSql(read: Read, env: NodeJS.ProcessEnv = process.env, cfglocPath = '/etc/xcat/cfgloc'): Promise<SqlProbe> {
	const text = env.XCATCFG ?? readText(cfglocPath);
	const [daemon, notification, psql] = await Promise.all([read(['lsxcatd', '-d']), readTable(read, 'notification'), read(['psql', '--version'])]);
	return sqlTargetOf({
		cfgloc: parseCfgloc(text),
		cfglocText: text,
		daemonCfgloc: daemon.rc === 0 ? /^cfgloc=(.*)$/m.exec(daemon.stdout)?.[1] : undefined,
		daemonError: daemon.rc === 0 ? undefined : `lsxcatd -d failed (rc ${daemon.rc}): ${daemon.stderr.trim()}`,
		registrations: tabdumpRecords(notification).filter((r) => !isDisabledValue(r.disable)),
		psql: psql.rc === 0,
	});
}

/**
 * write_with's reads started now, beside the module's own probe; the function returned gives the target
 * (undefined for chdef) or refuses. Awaited after the probe, so the probe's refusal (not the MN) comes first.
 */
export function startSqlProbe(read: Read, writeWith: 'chdef' | 'sql'): () => Promise<SqlTarget | undefined> {
	if (writeWith !== 'sql') return async () => undefined;
	const pending = probeSql(read);
	pending.catch(() => undefined); // awaited later; a failure meanwhile is not an unhandled rejection
	return async () => {
		const r = await pending;
		if (!r.ok) throw new ModuleError(`${r.why}; nothing was changed`);
		return r.target;
	};
}

function readText(path: string): string | undefined {
	try {
		return readFileSync(path, 'utf8');
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw new ModuleError(`${path} cannot be read: ${(e as Error).message}`);
	}
}

export interface SqlFacts {
	cfgloc: Cfgloc;
	cfglocText: string | undefined;
	/** `cfgloc=` of lsxcatd -d: the DSN and user xcatd uses, without the password */
	daemonCfgloc: string | undefined;
	daemonError: string | undefined;
	registrations: Record<string, string | null>[];
	psql: boolean;
}

/** Whether the rows may be written by SQL, and where (pure). Every refusal says what to do instead. */
export function sqlTargetOf(f: SqlFacts): SqlProbe {
	const instead = 'use write_with=chdef';
	if (f.cfgloc.type !== 'postgresql' || f.cfgloc.engine !== 'Pg') {
		return { ok: false, why: `write_with=sql writes xCAT's PostgreSQL database, but this xCAT's database is ${f.cfgloc.engine} (cfgloc): ${instead}` };
	}
	if (f.daemonError) return { ok: false, why: `write_with=sql: ${f.daemonError}` };
	const mine = (f.cfglocText ?? '').split('\n')[0]!.trim().split('|').slice(0, 2).join('|');
	if (f.daemonCfgloc !== mine) {
		return {
			ok: false,
			why: `write_with=sql: the cfgloc this host reads (${mine}) is not the database xcatd uses (lsxcatd -d: ${f.daemonCfgloc ?? 'no cfgloc line'}): ${instead}`,
		};
	}
	const watching = f.registrations.filter((r) => {
		const tables = (r.tables ?? '').split(',').map((t) => t.trim());
		const ops = (r.tableops ?? '').split(',').map((o) => o.trim());
		return WRITTEN_TABLES.some((t) => tables.includes(t)) && (ops.length === 0 || ops.some((o) => o === '' || WRITTEN_OPS.includes(o)));
	});
	if (watching.length) {
		return {
			ok: false,
			why: `write_with=sql: the notification table registers ${watching.map((r) => `${r.filename} (${r.tables}: ${r.tableops})`).join(', ')} for changes to ${WRITTEN_TABLES.join(' or ')}; xcatd notifies them on chdef and a direct write would not: ${instead}`,
		};
	}
	if (!f.psql) return { ok: false, why: `write_with=sql needs psql on this host (PostgreSQL's client), and psql --version failed: ${instead}` };
	const fields = new Map(f.cfgloc.fields);
	const conninfo = [
		['dbname', fields.get('dbname') ?? 'xcatdb'],
		['host', fields.get('host')],
		['port', fields.get('port')],
		['user', f.cfgloc.user],
		['connect_timeout', '10'],
	]
		.filter((kv): kv is [string, string] => kv[1] !== undefined && kv[1] !== '')
		.map(([k, v]) => `${k}=${conninfoValue(v)}`)
		.join(' ');
	return { ok: true, target: { conninfo, password: f.cfgloc.password } };
}

/** A libpq conninfo value: quoted when it holds a space, a quote or a backslash, or is empty. */
function conninfoValue(v: string): string {
	return /^[^\s'\\]+$/.test(v) ? v : `'${v.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/** psql as the database step runs it: the SQL on stdin, one transaction, the first error stops it. */
export function psqlArgv(target: Pick<SqlTarget, 'conninfo'>): string[] {
	return ['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-d', target.conninfo, '-f', '-'];
}

/** What psql needs beside its argv: the password (never in argv or output) and no wait without end. */
export function psqlEnv(target: SqlTarget): Record<string, string> {
	return { PGPASSWORD: target.password, PGCONNECT_TIMEOUT: '10', PGAPPNAME: 'xcat_snmove' };
}

/**
 * The writes as SQL, in the order given (pure). Per write and table one statement: the nodes' rows
 * upserted on the primary key with the write's columns only, as chdef stores them (a value on the node's
 * own row, a row created where the node had none, '' as NULL). A table part whose every value is
 * cleared only updates existing rows: there is nothing to create. A lock held elsewhere fails the
 * write after 10 s instead of waiting for it.
 */
export function writesSql(writes: readonly AttributeWrite[]): string {
	const lines = ["SET LOCAL lock_timeout = '10s';", "SET LOCAL statement_timeout = '300s';"];
	for (const write of writes) {
		if (write.nodes.length === 0) continue;
		const byTable = new Map<string, [string, string | null][]>();
		for (const attribute of MOVED_ATTRIBUTES) {
			const value = write.attributes[attribute as MovedAttribute];
			if (value === undefined) continue;
			const { table, column } = NODE_ATTRIBUTE_COLUMNS[attribute];
			byTable.set(table, [...(byTable.get(table) ?? []), [column, value === '' ? null : value]]);
		}
		const nodes = `ARRAY[${write.nodes.map(lit).join(',')}]::text[]`;
		for (const [table, columns] of byTable) {
			const t = ident(table);
			if (columns.every(([, v]) => v === null)) {
				lines.push(`UPDATE ${t} SET ${columns.map(([c]) => `${ident(c)} = NULL`).join(', ')} WHERE ${ident('node')} = ANY(${nodes});`);
				continue;
			}
			lines.push(
				`INSERT INTO ${t} (${[ident('node'), ...columns.map(([c]) => ident(c))].join(', ')}) ` +
					`SELECT n, ${columns.map(([, v]) => lit(v)).join(', ')} FROM unnest(${nodes}) AS n ` +
					`ON CONFLICT (${ident('node')}) DO UPDATE SET ${columns.map(([c]) => `${ident(c)} = EXCLUDED.${ident(c)}`).join(', ')};`,
			);
		}
	}
	return `${lines.join('\n')}\n`;
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
/** a string literal with standard_conforming_strings (PostgreSQL's default since 9.1): quotes doubled, backslashes literal */
const lit = (v: string | null) => (v === null ? 'NULL' : `'${v.replace(/'/g, "''")}'`);
