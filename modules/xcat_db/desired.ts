// What the user asked for, checked and normalised (pure).
import type { ArgsOf } from '../runtime';
import { isIPv4, looksLikeIPv6, unicastProblem } from '../runtime/ipv4';
import type { options } from './options';
import { cut, quoteValue } from '../runtime/show';

export type Args = ArgsOf<typeof options>;
export type Target = Args['type'];

export interface Desired {
	type: Target;
	vip: string;
	addresses: string[];
	password?: string;
	path?: string;
	/** PostgreSQL's data directory (PG_VERSION, postgresql.auto.conf) */
	pgData: string;
	/** the directory of pg_hba.conf and postgresql.conf: pgData on EL, /etc/postgresql/<ver>/main on Debian */
	pgConf: string;
	/**
	 * Who sets up the PostgreSQL database in a switch: pgsqlsetup (it runs initdb into an empty pg_data: EL),
	 * or the module itself in the cluster that already runs (Debian's package creates and starts one, and
	 * real pgsqlsetup fails there on any PostgreSQL but 9.x).
	 */
	pgSetup: 'pgsqlsetup' | 'module';
	pgService: string;
	mysqlData: string;
	mysqlService: string;
}

/** Where the PostgreSQL files are under ROOT ('' for this host): the config is on the shared root only when it is in the data directory (EL); Debian's /etc/postgresql is each host's own. */
export function pgDirs(root: string, d: Pick<Desired, 'pgData' | 'pgConf'>): { data: string; conf: string } {
	return { data: `${root}${d.pgData}`, conf: d.pgConf === d.pgData ? `${root}${d.pgData}` : d.pgConf };
}

/** The unit of the database server TYPE needs (none for SQLite). */
export function dbService(d: Desired, type: string): string | undefined {
	return type === 'postgresql' ? d.pgService : type === 'mysql' ? d.mysqlService : undefined;
}

const PASSWORD_MAX = 128;

/** xCAT's documented default password, which every HA guide copies: refused. */
export const DEFAULT_PASSWORD = 'cluster';

export function checkArgs(a: Args): string[] {
	const errors: string[] = [];
	const address = (label: string, v: string) => {
		if (looksLikeIPv6(v)) errors.push(`value of ${label} is an IPv6 address (${cut(v)}): IPv6 is not supported yet, give an IPv4 address`);
		else if (!isIPv4(v)) errors.push(`value of ${label} must be an IPv4 address in dotted-quad form (e.g. 198.51.100.10), got: ${quoteValue(v)}`);
		else {
			const why = unicastProblem(v, 32);
			if (why) errors.push(`value of ${label} must be a unicast host address, got: ${v} (${why})`);
		}
	};
	address('vip', a.vip);
	a.addresses.forEach((v, i) => address(`addresses[${i}]`, v));
	const dup = a.addresses.find((v, i) => a.addresses.indexOf(v) !== i);
	if (dup !== undefined) errors.push(`addresses must name each management node once, got ${dup} twice`);
	if (a.addresses.includes(a.vip)) errors.push(`addresses must be the management nodes' own addresses, not the vip (${a.vip})`);
	for (const [name, value] of [
		['path', a.path],
		['pg_data', a.pg_data],
		['pg_conf', a.pg_conf],
		['mysql_data', a.mysql_data],
	] as const) {
		const problem = dirOptionProblem(name, value);
		if (problem) errors.push(problem);
	}
	if (a.path === '/') errors.push('value of path must be the shared root, not /');
	if (a.password !== undefined) {
		// pgsqlsetup takes nothing else (it refuses "not alpha-numeric"), and mysqlsetup puts it in SQL
		if (!/^[A-Za-z0-9]+$/.test(a.password)) errors.push('value of password must be letters and digits only (pgsqlsetup refuses anything else)');
		// it goes into cfgloc, a command line and SQL: a bound keeps a pasted file from reaching them
		else if (a.password.length > PASSWORD_MAX) errors.push(`value of password must be at most ${PASSWORD_MAX} characters, got ${a.password.length}`);
		else if (a.password.toLowerCase() === DEFAULT_PASSWORD)
			errors.push("value of password must not be xCAT's documented default password: choose a secret one (from a vault)");
	}
	return errors;
}

/** Why VALUE of directory option NAME (already absolute) cannot be used as given: '.', '..' or a trailing '/'. */
export function dirOptionProblem(name: string, value: string | undefined): string | undefined {
	if (value === undefined) return undefined;
	if (value.split('/').includes('..') || value.split('/').includes('.'))
		return `value of ${name} must be an absolute path without '.' or '..' components, got: ${quoteValue(value)}`;
	if (value !== '/' && value.endsWith('/')) return `value of ${name} must not end with '/', got: ${quoteValue(value)}`;
	return undefined;
}

export function toDesired(a: Args): Desired {
	return {
		type: a.type,
		vip: a.vip,
		addresses: [...a.addresses],
		pgData: a.pg_data,
		pgConf: a.pg_conf ?? a.pg_data,
		pgSetup: a.pg_setup ?? ((a.pg_conf ?? a.pg_data) === a.pg_data ? 'pgsqlsetup' : 'module'),
		pgService: a.pg_service,
		mysqlData: a.mysql_data,
		mysqlService: a.mysql_service,
		...(a.password !== undefined ? { password: a.password } : {}),
		...(a.path !== undefined ? { path: a.path } : {}),
	};
}
