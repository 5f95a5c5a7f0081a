// What a run does, from the probe and the options (pure): nothing, a refusal with what was seen, or the
// steps of one state. Check mode and --diff show exactly this; apply.ts carries it out.
import { ensureHba, type HbaRule } from '../xcat_db/pgconf';
import { autoConfValue, conninfoValue } from './conninfo';
import type { Desired } from './options';
import { isUp, type Current, type Server } from './probe';
import { verifierMatches } from './verifier';

interface Common {
	msg: string;
	/** what the run changes, one line each (empty for none) */
	changes: string[];
	warnings: string[];
}

export type Plan =
	| { kind: 'refuse'; msg: string }
	| (Common & { kind: 'none' })
	/** SQL run as postgres (a pg_reload_conf() first when pg_hba.conf is written), pg_hba.conf written first */
	| (Common & { kind: 'primary'; sql: string[]; hba?: { path: string; before: string; after: string } })
	/** stop, set the data directory aside (when there is one), pg_basebackup, start, wait for streaming */
	| (Common & { kind: 'rebase'; aside?: string; wasRunning: boolean })
	/** a stopped standby of the right primary: start it and wait for streaming */
	| (Common & { kind: 'start' })
	| (Common & { kind: 'promote'; sql: string });

export interface Context {
	/** UTC, e.g. 20241206T203800Z: names the data directory set aside */
	stamp: string;
}

/** The pg_hba.conf lines a replica gets on the primary: its replication connections, and a normal one to postgres (the rejoin's pre-flight asks pg_is_in_recovery()). */
export function replicaHbaRules(user: string): HbaRule[] {
	return ['replication', 'postgres'].map((database) => ({
		database,
		user,
		line: (ip: string) => `host    ${database.padEnd(11)} ${user.padEnd(15)} ${`${ip}/32`.padEnd(23)} scram-sha-256`,
	}));
}

/** synchronous_standby_names for the replicas: the first of them that is connected, in order. */
export const synchronousNames = (d: Pick<Desired, 'synchronous' | 'replicas'>): string =>
	d.synchronous ? `FIRST 1 (${d.replicas.map((r) => `"${r.slot}"`).join(', ')})` : '';

/** The password as a SQL literal: letters and digits only (checkArgs), so no quoting is needed. */
const passwordSql = (password: string) => `PASSWORD '${password}'`;

function primaryPlan(cur: Current, s: Server, d: Desired): Plan {
	if (s.in_recovery)
		return {
			kind: 'refuse',
			msg: `nothing was changed: this server is a standby (in recovery, timeline ${s.timeline ?? '?'}); promote it first (state=promoted) before making it the primary`,
		};
	if (cur.hba === undefined)
		return { kind: 'refuse', msg: `nothing was changed: ${d.pgConf}/pg_hba.conf cannot be read; give pg_conf, the directory of pg_hba.conf` };
	const changes: string[] = [],
		sql: string[] = [],
		warnings: string[] = [];
	const role = `"${d.user}"`;
	if (!s.role) {
		sql.push(`CREATE ROLE ${role} WITH REPLICATION LOGIN ${passwordSql(d.password ?? '')};`);
		changes.push(`role ${d.user} created (REPLICATION LOGIN)`);
	} else {
		if (!s.role.replication || !s.role.login) {
			sql.push(`ALTER ROLE ${role} WITH REPLICATION LOGIN;`);
			changes.push(`role ${d.user} given REPLICATION LOGIN`);
		}
		if (d.updatePassword === 'always' && !verifierMatches(s.role.verifier, d.user, d.password ?? '')) {
			sql.push(`ALTER ROLE ${role} WITH ${passwordSql(d.password ?? '')};`);
			changes.push(`role ${d.user}'s password set (it was another)`);
		}
	}
	for (const r of d.replicas) {
		const slot = s.slots.find((x) => x.name === r.slot);
		if (slot && slot.type !== 'physical')
			return {
				kind: 'refuse',
				msg: `nothing was changed: the slot ${r.slot} for replica ${r.name} exists as a ${slot.type} slot; a streaming replica needs a physical one`,
			};
		if (!slot) {
			sql.push(`SELECT pg_create_physical_replication_slot('${r.slot}');`);
			changes.push(`physical replication slot ${r.slot} created for ${r.name}`);
		}
	}
	for (const slot of s.slots)
		if (slot.type === 'physical' && !d.replicas.some((r) => r.slot === slot.name))
			warnings.push(
				`the physical slot ${slot.name} is not for any of the replicas given; it keeps WAL from ${slot.restart_lsn ?? 'its start'} until it is used or dropped (SELECT pg_drop_replication_slot('${slot.name}'))`,
			);
	const names = synchronousNames(d);
	const reloadForSync = (s.settings.synchronous_standby_names ?? '') !== names;
	if (reloadForSync) {
		sql.push(`ALTER SYSTEM SET synchronous_standby_names = '${names}';`);
		changes.push(`synchronous_standby_names set to '${names}' (was '${s.settings.synchronous_standby_names ?? ''}')`);
	}
	const addresses = d.replicas.map((r) => r.address);
	const after = replicaHbaRules(d.user).reduce((text, rule) => ensureHba(text, addresses, rule), cur.hba);
	const hbaPath = `${d.pgConf}/pg_hba.conf`;
	if (after !== cur.hba)
		changes.push(`${hbaPath}: replication lines for ${d.user} from ${addresses.filter((a) => !cur.hba!.includes(` ${a}/32 `)).join(', ')}`);
	if (after !== cur.hba) sql.unshift('SELECT pg_reload_conf();');
	if (reloadForSync) sql.push('SELECT pg_reload_conf();');
	const listen = s.settings.listen_addresses ?? '';
	if (d.replicas.length && /^(localhost|127\.0\.0\.1|)$/.test(listen.trim()))
		warnings.push(
			`listen_addresses is '${listen}': replicas cannot connect; this module does not change it (xcat.ha.xcat_db does, or ALTER SYSTEM and a restart)`,
		);
	if (changes.length === 0)
		return { kind: 'none', msg: `already the primary for ${d.replicas.map((r) => r.name).join(', ') || 'no replica'}`, changes, warnings };
	return {
		kind: 'primary',
		msg: `the primary for ${d.replicas.map((r) => r.name).join(', ') || 'no replica'}: ${changes.join('; ')}`,
		changes,
		warnings,
		sql,
		...(after !== cur.hba ? { hba: { path: hbaPath, before: cur.hba, after } } : {}),
	};
}

/** Why a running standby is not the one asked for, or undefined when it streams from PRIMARY by SLOT. */
export function standbyDrift(s: Server, d: Desired): string | undefined {
	const w = s.receiver;
	if (!w) return 'no WAL receiver runs';
	if (w.status !== 'streaming') return `its WAL receiver is ${w.status}`;
	if (w.sender_host !== d.primary || (w.sender_port ?? d.port) !== d.port)
		return `it streams from ${w.sender_host}:${w.sender_port}, not ${d.primary}:${d.port}`;
	if (w.slot_name !== d.slot) return `it uses the slot ${w.slot_name ?? '(none)'}, not ${d.slot}`;
	const app = conninfoValue(w.conninfo ?? '', 'application_name');
	if (app !== d.slot) return `its application_name is ${app ?? '(unset)'}, not ${d.slot}`;
	return undefined;
}

/** Whether a stopped standby's postgresql.auto.conf already names PRIMARY, SLOT and the application_name. */
export function stoppedStandbyFits(autoConf: string | undefined, d: Desired): boolean {
	if (autoConf === undefined) return false;
	const conninfo = autoConfValue(autoConf, 'primary_conninfo') ?? '';
	return (
		conninfoValue(conninfo, 'host') === d.primary &&
		(conninfoValue(conninfo, 'port') ?? '5432') === String(d.port) &&
		conninfoValue(conninfo, 'application_name') === d.slot &&
		conninfoValue(conninfo, 'user') === d.user &&
		autoConfValue(autoConf, 'primary_slot_name') === d.slot
	);
}

function rebase(cur: Current, d: Desired, ctx: Context, why: string, warnings: string[] = []): Plan {
	const aside = cur.data.present ? `${d.pgData}.xcat-ha-${ctx.stamp}` : undefined;
	const wasRunning = cur.unit.active === 'active';
	const changes = [
		...(wasRunning ? [`${d.pgService} stopped`] : []),
		...(aside ? [`${d.pgData} set aside as ${aside}`] : []),
		`base backup of ${d.primary}:${d.port} into ${d.pgData} (pg_basebackup as ${d.user}, slot ${d.slot})`,
		`primary_conninfo with application_name=${d.slot}`,
		`${d.pgService} started, streaming from ${d.primary} within ${d.waitSeconds} s`,
	];
	return { kind: 'rebase', msg: `re-based on ${d.primary}: ${why}`, changes, warnings, wasRunning, ...(aside ? { aside } : {}) };
}

/** A former primary's data is set aside only when the caller says another server was promoted. */
function formerPrimaryRefusal(d: Desired, what: string): Plan {
	return {
		kind: 'refuse',
		msg:
			`nothing was changed: this server is not a standby and holds ${what}: it may be a former primary, and re-basing it on ${d.primary} ` +
			'would set its data aside. If another server was promoted and this one is to follow it, say so with rejoin=true',
	};
}

function replicaPlan(cur: Current, d: Desired, ctx: Context): Plan {
	const s = cur.server;
	if (isUp(s)) {
		if (s.in_recovery) {
			const drift = standbyDrift(s, d);
			if (!drift) return { kind: 'none', msg: `already a standby streaming from ${d.primary} (slot ${d.slot})`, changes: [], warnings: [] };
			return rebase(cur, d, ctx, `a standby, but ${drift}`);
		}
		const own = s.databases.filter((n) => n !== 'postgres');
		if (own.length && !d.rejoin) return formerPrimaryRefusal(d, `the database(s) ${own.join(', ')}`);
		return rebase(cur, d, ctx, own.length ? `a primary holding ${own.join(', ')}, rejoining (rejoin=true)` : 'a primary with only the package databases');
	}
	if (cur.unit.active !== 'inactive' && cur.unit.active !== 'failed' && cur.unit.active !== 'active')
		return {
			kind: 'refuse',
			msg: `nothing was changed: ${d.pgService} is ${cur.unit.active || 'unknown'} (${cur.unit.load}); give pg_service, the unit of this cluster`,
		};
	if (cur.unit.active === 'active') return { kind: 'refuse', msg: `nothing was changed: ${d.pgService} runs but its server does not answer: ${s.down}` };
	if (!cur.data.cluster) return rebase(cur, d, ctx, `no cluster in ${d.pgData}`);
	if (cur.data.standbySignal) {
		if (stoppedStandbyFits(cur.data.autoConf, d))
			return {
				kind: 'start',
				msg: `a stopped standby of ${d.primary} (slot ${d.slot}): started`,
				changes: [`${d.pgService} started, streaming from ${d.primary} within ${d.waitSeconds} s`],
				warnings: [],
			};
		return rebase(cur, d, ctx, 'a stopped standby of another primary or slot');
	}
	if (cur.data.userDatabaseOids.length && !d.rejoin)
		return formerPrimaryRefusal(d, `databases beyond the package's (base/${cur.data.userDatabaseOids.join(', base/')}), stopped`);
	return rebase(
		cur,
		d,
		ctx,
		cur.data.userDatabaseOids.length ? 'a stopped former primary, rejoining (rejoin=true)' : 'a stopped cluster with only the package databases',
	);
}

function promotedPlan(cur: Current, d: Desired): Plan {
	const s = cur.server;
	if (!isUp(s)) return { kind: 'refuse', msg: `nothing was changed: ${s.down}; a standby must run to be promoted` };
	if (!s.in_recovery) return { kind: 'none', msg: 'already a primary (not in recovery)', changes: [], warnings: [] };
	const warnings =
		(s.settings.synchronous_standby_names ?? '') !== ''
			? [
					`synchronous_standby_names is '${s.settings.synchronous_standby_names}': once promoted, commits wait for such a standby; set the replicas with state=primary (synchronous) or clear it`,
				]
			: [];
	return {
		kind: 'promote',
		msg: `promoted (was a standby of ${s.receiver?.sender_host ?? 'no primary'}, timeline ${s.timeline ?? '?'})`,
		changes: ['promoted: pg_promote()'],
		warnings,
		sql: `SELECT pg_promote(true, ${d.waitSeconds});`,
	};
}

export function plan(cur: Current, d: Desired, ctx: Context): Plan {
	if (d.state === 'promoted') return promotedPlan(cur, d);
	if (d.state === 'replica') return replicaPlan(cur, d, ctx);
	if (!isUp(cur.server)) return { kind: 'refuse', msg: `nothing was changed: ${cur.server.down}; start the server to make it the primary` };
	return primaryPlan(cur, cur.server, d);
}
