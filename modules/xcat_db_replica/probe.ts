// Reads this server's replication state, changing nothing and reaching no other host: the unit, the data
// directory's files, and, while the server runs, one psql call (as postgres, on the local socket) whose one
// JSON answer holds everything the plan and the `replication` facts need. A status playbook runs it in
// check mode on every member, so it stays that cheap.
import { readdir, readFile, stat } from 'node:fs/promises';
import type { Read } from '../runtime';
import { PSQL_AS_POSTGRES, unit, type Unit } from '../xcat_db/probe';
import type { Desired } from './options';

export interface Slot {
	name: string;
	type: string;
	active: boolean;
	restart_lsn: string | null;
}

/** A row of pg_stat_replication, with the primary's lag behind it */
export interface Sender {
	application_name: string;
	client_addr: string | null;
	state: string;
	sync_state: string;
	sent_lsn: string | null;
	replay_lsn: string | null;
	lag_bytes: number | null;
	replay_lag: number | null;
}

/** pg_stat_wal_receiver as PostgreSQL 13+ names it (its conninfo has the password obfuscated) */
export interface Receiver {
	status: string;
	sender_host: string | null;
	sender_port: number | null;
	slot_name: string | null;
	conninfo: string | null;
	flushed_lsn?: string | null;
	received_tli?: number | null;
}

/** What the running server says about itself. */
export interface Server {
	in_recovery: boolean;
	timeline: number | null;
	/** the databases that are not templates */
	databases: string[];
	/** the replication role; verifier is its stored password hash: compared, never returned */
	role: { replication: boolean; login: boolean; verifier: string | null } | null;
	slots: Slot[];
	senders: Sender[];
	receiver: Receiver | null;
	replayed_lsn: string | null;
	/** seconds since the last replayed transaction's commit (a standby) */
	replay_age: number | null;
	settings: { synchronous_standby_names?: string; primary_slot_name?: string; listen_addresses?: string };
}

export interface DataDir {
	/** PG_VERSION is there */
	cluster: boolean;
	/** anything at all is there */
	present: boolean;
	standbySignal: boolean;
	/** base/<oid> directories of databases made after initdb (OID 16384 and up): a stopped server's own data */
	userDatabaseOids: string[];
	/** postgresql.auto.conf (holds primary_conninfo, with its password: parsed, never returned) */
	autoConf?: string;
}

export interface Current {
	unit: Unit;
	data: DataDir;
	/** the server's answer, or why there is none (stopped, or psql failed) */
	server: Server | { down: string };
	/** <pg_conf>/pg_hba.conf, read for state=primary */
	hba?: string;
}

export const isUp = (s: Current['server']): s is Server => !('down' in s);

/** The first OID initdb leaves to databases created later (FirstNormalObjectId). */
const FIRST_NORMAL_OID = 16384;

/** One statement, one JSON line. :'user' is psql's quoted variable (the SQL comes on stdin, where psql expands it). */
export const FACTS_SQL = `SELECT json_build_object(
 'in_recovery', pg_is_in_recovery(),
 'timeline', CASE WHEN pg_is_in_recovery()
   THEN coalesce((SELECT received_tli FROM pg_stat_wal_receiver), (SELECT timeline_id FROM pg_control_checkpoint()))
   ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END,
 'databases', (SELECT coalesce(json_agg(datname ORDER BY datname), '[]') FROM pg_database WHERE NOT datistemplate),
 'role', (SELECT json_build_object('replication', rolreplication, 'login', rolcanlogin, 'verifier', rolpassword) FROM pg_authid WHERE rolname = :'user'),
 'slots', (SELECT coalesce(json_agg(json_build_object('name', slot_name, 'type', slot_type, 'active', active, 'restart_lsn', restart_lsn) ORDER BY slot_name), '[]') FROM pg_replication_slots),
 'senders', (SELECT coalesce(json_agg(json_build_object('application_name', application_name, 'client_addr', host(client_addr), 'state', state,
   'sync_state', sync_state, 'sent_lsn', sent_lsn, 'replay_lsn', replay_lsn,
   'lag_bytes', CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) END,
   'replay_lag', extract(epoch FROM replay_lag)) ORDER BY application_name), '[]') FROM pg_stat_replication),
 'receiver', (SELECT row_to_json(w) FROM pg_stat_wal_receiver w),
 'replayed_lsn', pg_last_wal_replay_lsn(),
 'replay_age', extract(epoch FROM now() - pg_last_xact_replay_timestamp()),
 'settings', (SELECT json_object_agg(name, setting) FROM pg_settings WHERE name IN ('synchronous_standby_names', 'primary_slot_name', 'listen_addresses'))
);
`;

/** psql as postgres on the local socket of PORT, in database postgres, answers unaligned and bare. */
export const localPsql = (port: number): string[] => [...PSQL_AS_POSTGRES, '-A', '-t', '-p', String(port), '-d', 'postgres'];

/** FACTS_SQL's answer (pure); numbers PostgreSQL prints as numeric come as JSON numbers. */
export function parseServer(stdout: string): Server {
	const raw = JSON.parse(stdout.trim()) as Server;
	const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
	return {
		...raw,
		timeline: num(raw.timeline),
		replay_age: num(raw.replay_age),
		senders: raw.senders.map((s) => ({ ...s, lag_bytes: num(s.lag_bytes), replay_lag: num(s.replay_lag) })),
		settings: raw.settings ?? {},
	};
}

/** The running server's answer, or why there is none; bounded by TIMEOUT_MS. */
export async function readServer(read: Read, d: Pick<Desired, 'port' | 'user'>, timeoutMs = 10_000): Promise<Server | { down: string }> {
	const r = await read([...localPsql(d.port), '-v', `user=${d.user}`], { input: FACTS_SQL, timeoutMs });
	if (r.rc !== 0) return { down: `psql failed (rc ${r.rc}): ${r.stderr.trim().split('\n').slice(-1)[0] ?? ''}` };
	try {
		return parseServer(r.stdout);
	} catch (e) {
		return { down: `psql's answer was not the expected JSON: ${(e as Error).message}` };
	}
}

const exists = (p: string) =>
	stat(p).then(
		() => true,
		() => false,
	);

export async function readDataDir(pgData: string): Promise<DataDir> {
	const entries = await readdir(pgData).catch(() => undefined);
	const base = await readdir(`${pgData}/base`).catch(() => [] as string[]);
	const [standbySignal, autoConf] = await Promise.all([
		exists(`${pgData}/standby.signal`),
		readFile(`${pgData}/postgresql.auto.conf`, 'utf8').catch(() => undefined),
	]);
	return {
		cluster: (entries ?? []).includes('PG_VERSION'),
		present: (entries ?? []).length > 0,
		standbySignal,
		userDatabaseOids: base.filter((n) => /^\d+$/.test(n) && Number(n) >= FIRST_NORMAL_OID).sort(),
		...(autoConf !== undefined ? { autoConf } : {}),
	};
}

export async function probe(read: Read, d: Desired): Promise<Current> {
	const [u, data, hba] = await Promise.all([
		unit(read, d.pgService),
		readDataDir(d.pgData),
		d.state === 'primary' ? readFile(`${d.pgConf}/pg_hba.conf`, 'utf8').catch(() => undefined) : Promise.resolve(undefined),
	]);
	const server = u.active === 'active' ? await readServer(read, d) : { down: `${d.pgService} is ${u.active || 'unknown'}` };
	return { unit: u, data, server, ...(hba !== undefined ? { hba } : {}) };
}
