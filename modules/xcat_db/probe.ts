// Reads the host: cfgloc (here and on the shared data), the PostgreSQL files, MariaDB's option
// files and grants, which services run, whether the VIP is here and the xCAT setup commands exist.
// Only reads.
import { access, constants, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { commandFailed, ModuleError, type Read } from '../runtime';
import { lsxcatdHost, lsxcatdType, parseCfgloc, type DbType } from '../xcat/cfgloc';
import { pgDirs, type Desired } from './desired';
import { GRANTS_QUERY, SERVER_OPTION_FILES, type OptionFile } from './mycnf';
import { xcatEnv } from '../xcat/env';

/** The xCAT and PostgreSQL files under one root: '' for this host's own view, or the shared root. */
export interface DbFiles {
	root: string;
	cfgloc?: string;
	/** <root>/etc/xcat exists, and holds *.sqlite tables */
	xcatDir: boolean;
	sqliteTables: boolean;
	/** pg_hba.conf and postgresql.conf, from pg_conf (under root only when it is pg_data: see pgDirs) */
	hba?: string;
	conf?: string;
	/** from the data directory, wherever the config is */
	autoConf?: string;
	/** <root><pg_data>: absent, empty, or holding a cluster (PG_VERSION) or other files */
	pgData: 'absent' | 'empty' | 'cluster' | 'other';
}

export interface Unit {
	load: string;
	active: string;
	enabled: string;
}

export interface MysqlHere {
	unit: Unit;
	/** this host's server option files (never shared), each once by its real path */
	optionFiles: OptionFile[];
	/** <mysql_data> already holds a database named xcatdb */
	hasXcatdb: boolean;
	/** the hosts xcatadmin is granted xcatdb from, read while the server runs here */
	grants?: string[];
	/** why the grants could not be read, when the server runs here */
	grantsUnreadable?: string;
}

export interface Current {
	local: DbFiles;
	mysql: MysqlHere;
	/** the shared root's files, unless /etc/xcat already is the shared one (then linked) */
	shared?: DbFiles & { linked: boolean };
	xcatd: Unit & { engine?: DbType; host?: string };
	pg: Unit;
	/** pg_setup module, before a switch, the server running: what the cluster already holds */
	cluster?: PgCluster;
	vipHere: boolean;
	tools: { pgsqlsetup: boolean; mysqlsetup: boolean };
}

/** The databases (not templates) and the xCAT roles of a running PostgreSQL cluster, or why unreadable. */
export type PgCluster = { databases: string[]; roles: string[] } | { unreadable: string };

/** psql as postgres through the local socket (peer authentication, as on every distribution's package). */
export const PSQL_AS_POSTGRES = ['runuser', '-u', 'postgres', '--', 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1'];

const CLUSTER_QUERY =
	"SELECT 'database ' || datname FROM pg_database WHERE NOT datistemplate UNION ALL SELECT 'role ' || rolname FROM pg_roles WHERE rolname IN ('xcatadm')";

export async function probeCluster(read: Read): Promise<PgCluster> {
	const r = await read([...PSQL_AS_POSTGRES, '-A', '-t', '-d', 'postgres', '-c', CLUSTER_QUERY], { timeoutMs: 30_000 });
	if (r.rc !== 0) return { unreadable: `psql failed (rc ${r.rc}): ${r.stderr.trim().split('\n').slice(-1)[0] ?? ''}` };
	const lines = r.stdout
		.split('\n')
		.map((l) => l.trim())
		.filter(Boolean);
	const of = (kind: string) => lines.filter((l) => l.startsWith(`${kind} `)).map((l) => l.slice(kind.length + 1));
	return { databases: of('database'), roles: of('role') };
}

/** What a run for another database type knows of MariaDB: nothing. */
export const NO_MYSQL: MysqlHere = { unit: { load: '', active: '', enabled: '' }, optionFiles: [], hasXcatdb: false };

const text = (p: string) => readFile(p, 'utf8').catch(() => undefined);
const exists = (p: string) =>
	stat(p).then(
		() => true,
		() => false,
	);

export async function readDbFiles(root: string, d: Pick<Desired, 'pgData' | 'pgConf'>): Promise<DbFiles> {
	const etc = `${root}/etc/xcat`;
	const { data, conf: confDir } = pgDirs(root, d);
	const entries = await readdir(etc).catch(() => undefined);
	const pgEntries = await readdir(data).catch(() => undefined);
	const files: DbFiles = {
		root,
		xcatDir: entries !== undefined,
		sqliteTables: (entries ?? []).some((e) => e.endsWith('.sqlite')),
		pgData: pgEntries === undefined ? 'absent' : pgEntries.length === 0 ? 'empty' : pgEntries.includes('PG_VERSION') ? 'cluster' : 'other',
	};
	const [cfgloc, hba, conf, autoConf] = await Promise.all([
		text(`${etc}/cfgloc`),
		text(`${confDir}/pg_hba.conf`),
		text(`${confDir}/postgresql.conf`),
		text(`${data}/postgresql.auto.conf`),
	]);
	return {
		...files,
		...(cfgloc !== undefined ? { cfgloc } : {}),
		...(hba !== undefined ? { hba } : {}),
		...(conf !== undefined ? { conf } : {}),
		...(autoConf !== undefined ? { autoConf } : {}),
	};
}

export async function unit(read: Read, name: string): Promise<Unit> {
	const r = await read(['systemctl', 'show', '-p', 'LoadState,ActiveState,UnitFileState', '--', name]);
	const value = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(r.stdout)?.[1] ?? '';
	return { load: value('LoadState'), active: value('ActiveState'), enabled: value('UnitFileState') };
}

export async function lsxcatd(read: Read): Promise<{ rc: number; stdout: string; stderr: string; engine?: DbType; host?: string }> {
	const r = await read(['lsxcatd', '-d'], { env: xcatEnv(), timeoutMs: 60_000 });
	const engine = r.rc === 0 ? lsxcatdType(r.stdout) : undefined;
	const host = r.rc === 0 ? lsxcatdHost(r.stdout) : undefined;
	return { rc: r.rc, stdout: r.stdout, stderr: r.stderr, ...(engine ? { engine } : {}), ...(host ? { host } : {}) };
}

export async function onPath(name: string): Promise<boolean> {
	for (const dir of (xcatEnv().PATH ?? '').split(':')) {
		if (
			dir &&
			(await access(`${dir}/${name}`, constants.X_OK).then(
				() => true,
				() => false,
			))
		)
			return true;
	}
	return false;
}

/** Every server option file that exists, by its real path (Debian's my.cnf is a chain of links). */
export async function readOptionFiles(): Promise<OptionFile[]> {
	const seen = new Set<string>();
	const out: OptionFile[] = [];
	for (const spec of SERVER_OPTION_FILES) {
		const paths = spec.endsWith('/*.cnf')
			? (await readdir(dirname(spec)).catch(() => [] as string[]))
					.filter((n) => n.endsWith('.cnf'))
					.sort()
					.map((n) => `${dirname(spec)}/${n}`)
			: [spec];
		for (const p of paths) {
			const real = await realpath(p).catch(() => undefined);
			if (real === undefined || seen.has(real)) continue;
			const t = await text(real);
			if (t === undefined) continue;
			seen.add(real);
			out.push({ path: real, text: t });
		}
	}
	return out;
}

export async function probeMysql(read: Read, d: Desired): Promise<MysqlHere> {
	const [u, optionFiles, hasXcatdb] = await Promise.all([unit(read, d.mysqlService), readOptionFiles(), exists(`${d.mysqlData}/xcatdb`)]);
	const here: MysqlHere = { unit: u, optionFiles, hasXcatdb };
	if (u.active !== 'active') return here;
	// root through the server's socket: how Debian's MariaDB lets root in, and how mysqlsetup connects
	const r = await read(['mysql', '--batch', '--skip-column-names', '-e', GRANTS_QUERY], { timeoutMs: 30_000 });
	if (r.rc !== 0) return { ...here, grantsUnreadable: `mysql -e "${GRANTS_QUERY}" failed (rc ${r.rc}): ${r.stderr.trim().split('\n').slice(-1)[0] ?? ''}` };
	return {
		...here,
		grants: r.stdout
			.split('\n')
			.map((l) => l.trim())
			.filter(Boolean),
	};
}

export async function probe(read: Read, d: Desired): Promise<Current> {
	if (d.path !== undefined && !(await exists(d.path)))
		throw new ModuleError(`path ${d.path} does not exist: give the shared root (e.g. /HA), mounted`, { path: d.path });
	const local = await readDbFiles('', d);
	let shared: Current['shared'];
	if (d.path !== undefined) {
		const mine = await realpath('/etc/xcat').catch(() => '/etc/xcat');
		const theirs = await realpath(`${d.path}/etc/xcat`).catch(() => `${d.path}/etc/xcat`);
		shared = mine === theirs ? { ...local, root: d.path, linked: true } : { ...(await readDbFiles(d.path, d)), linked: false };
	}
	const [xcatdUnit, pg, addrs, pgsqlsetup, mysqlsetup, mysql] = await Promise.all([
		unit(read, 'xcatd'),
		unit(read, d.pgService),
		read(['ip', '-o', '-4', 'addr', 'show']),
		onPath('pgsqlsetup'),
		onPath('mysqlsetup'),
		d.type === 'mysql' ? probeMysql(read, d) : Promise.resolve(NO_MYSQL),
	]);
	if (addrs.rc !== 0) throw commandFailed(addrs);
	let xcatd: Current['xcatd'] = xcatdUnit;
	if (xcatdUnit.active === 'active') {
		const l = await lsxcatd(read);
		xcatd = { ...xcatdUnit, ...(l.engine ? { engine: l.engine } : {}), ...(l.host ? { host: l.host } : {}) };
	}
	// only where a switch would set up xcatdb in the running cluster: reads its catalogue, changes nothing
	const switching = d.type === 'postgresql' && d.pgSetup === 'module' && parseCfgloc(local.cfgloc).type === 'sqlite' && pg.active === 'active';
	const cluster = switching ? await probeCluster(read) : undefined;
	return {
		local,
		mysql,
		...(cluster ? { cluster } : {}),
		...(shared ? { shared } : {}),
		xcatd,
		pg,
		vipHere: addrs.stdout.split('\n').some((l) => l.includes(` ${d.vip}/`)),
		tools: { pgsqlsetup, mysqlsetup },
	};
}
