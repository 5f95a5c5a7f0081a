// The lease guard's decisions (pure): whether a lease is still this MN's, and whether to step down now.
import { isIPv4 } from '../runtime/ipv4';
import { isHostName } from '../runtime/names';
import type { Lease } from './lease';

export interface GuardConfig {
	lease_path: string;
	holder: string;
	/**
	 * the generation this MN took; any other means the lease is no longer this term's. Absent: the term is
	 * the lease's generation at the guard's first renewal, when the lease names this holder (adoptTerm), so
	 * that the file can be written before the lease is taken (off a failover's outage)
	 */
	generation?: number;
	interval_ms: number;
	deadline_ms: number;
	/** the MN's services (start order); stopped in reverse on a step-down */
	units: string[];
	/** how long `systemctl stop` may take before the units are killed */
	stop_timeout_ms: number;
	vip: { address: string; prefix: number; interface: string };
}

const UNIT = /^[A-Za-z0-9@_.:-]{1,255}$/;
const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
const int = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/** The configuration file, checked; each problem names the field. */
export function parseConfig(text: string): { config?: GuardConfig; errors: string[] } {
	let v: any;
	try {
		v = JSON.parse(text);
	} catch {
		return { errors: ['the configuration is not JSON'] };
	}
	const errors: string[] = [];
	if (typeof v?.lease_path !== 'string' || !v.lease_path.startsWith('/')) errors.push('lease_path must be an absolute path');
	if (typeof v?.holder !== 'string' || !isHostName(v.holder)) errors.push('holder must be a host name');
	if (v?.generation !== undefined && !int(v.generation, 1, Number.MAX_SAFE_INTEGER)) errors.push('generation must be a whole number from 1');
	if (!int(v?.interval_ms, 100, 60_000)) errors.push('interval_ms must be 100..60000');
	if (!int(v?.deadline_ms, 200, 600_000)) errors.push('deadline_ms must be 200..600000');
	else if (int(v?.interval_ms, 100, 60_000) && v.deadline_ms <= v.interval_ms) errors.push('deadline_ms must be longer than interval_ms');
	if (!Array.isArray(v?.units) || !v.units.every((u: unknown) => typeof u === 'string' && UNIT.test(u))) errors.push('units must be a list of unit names');
	const stop = v?.stop_timeout_ms ?? 2000;
	if (!int(stop, 100, 600_000)) errors.push('stop_timeout_ms must be 100..600000');
	const vip = v?.vip;
	if (
		typeof vip?.address !== 'string' ||
		!isIPv4(vip.address) ||
		!int(vip?.prefix, 1, 32) ||
		typeof vip?.interface !== 'string' ||
		!IFNAME.test(vip.interface)
	) {
		errors.push('vip must be {address: IPv4, prefix: 1..32, interface: a base interface name}');
	}
	if (errors.length) return { errors };
	return {
		config: {
			lease_path: v.lease_path,
			holder: v.holder,
			...(v.generation !== undefined ? { generation: v.generation } : {}),
			interval_ms: v.interval_ms,
			deadline_ms: v.deadline_ms,
			units: v.units,
			stop_timeout_ms: stop,
			vip: { address: vip.address, prefix: vip.prefix, interface: vip.interface },
		},
		errors: [],
	};
}

/**
 * The configuration with its term fixed: a configuration without a generation takes the lease's when the
 * lease names this holder (the activation took it just before starting the guard); otherwise it is
 * returned as it is, and notOurs says why the lease is not this MN's.
 */
export function adoptTerm(cfg: GuardConfig, lease: Lease | null): GuardConfig {
	if (cfg.generation !== undefined || !lease || lease.holder !== cfg.holder) return cfg;
	return { ...cfg, generation: lease.generation };
}

/** Why the lease is no longer this MN's term, or undefined while it is (a term not yet adopted is nobody's). */
export function notOurs(cfg: GuardConfig, lease: Lease | null): string | undefined {
	if (!lease) return `the lease ${cfg.lease_path} is gone`;
	if (lease.holder !== cfg.holder)
		return lease.holder
			? `the lease is held by ${lease.holder} (generation ${lease.generation})`
			: `the lease was released (generation ${lease.generation})`;
	if (cfg.generation === undefined) return `the lease's term was not adopted (generation ${lease.generation})`;
	if (lease.generation !== cfg.generation) return `the lease is at generation ${lease.generation}, not ${cfg.generation}: this MN's term ended`;
	return undefined;
}

/** The lease with its heartbeat renewed once. */
export function renewed(cfg: GuardConfig, lease: Lease, now: Date): Lease {
	return { ...lease, heartbeat: (lease.heartbeat ?? 0) + 1, renewed: now.toISOString(), deadline_ms: cfg.deadline_ms, interval_ms: cfg.interval_ms };
}

/** What the guard knows, on its own monotonic clock. */
export interface GuardState {
	/** when the last successful renewal began (the guard started: its start) */
	lastOkMs: number;
	/** a renewal found the lease is not ours: why */
	lost?: string;
	/** the last renewal's error, for the log */
	lastError?: string;
}

export type Verdict = { stepDown: false } | { stepDown: true; reason: string };

/**
 * Step down at once when the lease is another's; otherwise only when no renewal has succeeded for the
 * whole deadline, counted from the start of the last one that did (the heartbeat it wrote can be no
 * older than that). One slow or failed renewal below the deadline is not a reason.
 */
export function decide(cfg: GuardConfig, s: GuardState, nowMs: number): Verdict {
	if (s.lost) return { stepDown: true, reason: s.lost };
	const since = nowMs - s.lastOkMs;
	if (since >= cfg.deadline_ms) {
		return {
			stepDown: true,
			reason: `the lease could not be renewed for ${Math.round(since)} ms (deadline ${cfg.deadline_ms} ms)${s.lastError ? `: ${s.lastError}` : ''}`,
		};
	}
	return { stepDown: false };
}

/** The commands of a step-down, in order: the VIP first (clients stop reaching this MN at once), then the services in reverse. */
export function stepDownCommands(cfg: GuardConfig): { vip: string[]; stop: string[]; kill: string[] } {
	const units = [...cfg.units].reverse();
	return {
		vip: ['ip', 'addr', 'del', `${cfg.vip.address}/${cfg.vip.prefix}`, 'dev', cfg.vip.interface],
		stop: ['systemctl', 'stop', '--', ...units],
		kill: ['systemctl', 'kill', '--signal=KILL', '--', ...units],
	};
}
