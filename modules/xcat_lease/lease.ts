// The activation lease as it is stored on the shared storage: one JSON object per file.
// One home for the format: the module (xcat_lease) and the lease guard both read and write it here.
import { ModuleError } from '../runtime';
export interface Lease {
	/** the MN allowed to be active; null once released */
	holder: string | null;
	/** +1 on every acquisition, so a stale writer can be told from the current one */
	generation: number;
	/** when the holder acquired it (or when it was released), ISO 8601 */
	since: string;
	/** the holder it was taken from, on a takeover */
	taken_from?: string;
	/** the holder's guard: +1 on every renewal. Absent when no guard runs (never started, or stopped on purpose). */
	heartbeat?: number;
	/** when it was last renewed, on the holder's clock: for people only, never compared across hosts */
	renewed?: string;
	/** the guard fences its MN (VIP gone, services stopped) when it could not renew for this long */
	deadline_ms?: number;
	/** how often the guard renews */
	interval_ms?: number;
}

/** The guard's fields, present together or not at all. */
export type Heartbeat = Required<Pick<Lease, 'heartbeat' | 'renewed' | 'deadline_ms' | 'interval_ms'>>;

const count = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** Checks a decoded value is a lease; WHAT names it in the error (a file, an option). */
export function toLease(value: unknown, what: string, text: string): Lease {
	const v = value as Partial<Lease> | null;
	if (
		!v ||
		typeof v !== 'object' ||
		Array.isArray(v) ||
		!(v.holder === null || typeof v.holder === 'string') ||
		!Number.isInteger(v.generation) ||
		typeof v.since !== 'string'
	) {
		throw new ModuleError(`${what} is not a lease (needs holder, generation, since): ${text.slice(0, 200)}`);
	}
	const lease: Lease = {
		holder: v.holder,
		generation: v.generation!,
		since: v.since,
		...(typeof v.taken_from === 'string' ? { taken_from: v.taken_from } : {}),
	};
	// a lease written before the heartbeat existed has none of these fields, and stays readable
	if (v.heartbeat !== undefined) {
		if (!count(v.heartbeat) || typeof v.renewed !== 'string' || !count(v.deadline_ms) || !count(v.interval_ms)) {
			throw new ModuleError(
				`${what} has a broken heartbeat (needs heartbeat, renewed, deadline_ms, interval_ms as whole numbers): ${text.slice(0, 200)}`,
			);
		}
		Object.assign(lease, { heartbeat: v.heartbeat, renewed: v.renewed, deadline_ms: v.deadline_ms, interval_ms: v.interval_ms });
	}
	return lease;
}

export function parseLease(text: string, path: string): Lease {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		throw new ModuleError(`${path} is not a lease (not JSON): ${JSON.stringify(text.slice(0, 80))}`);
	}
	return toLease(value, path, text);
}

export function formatLease(lease: Lease): string {
	return `${JSON.stringify(lease)}\n`;
}

/** The lease without its guard's fields: what a guard that stops on purpose leaves behind. */
export function withoutHeartbeat(lease: Lease): Lease {
	const { heartbeat: _h, renewed: _r, deadline_ms: _d, interval_ms: _i, ...rest } = lease;
	return rest;
}

/** The same holder and generation: the lease one writer took, not a later one. */
export const sameTerm = (a: Lease | null, b: Lease | null): boolean =>
	(a?.holder ?? null) === (b?.holder ?? null) && (a?.generation ?? 0) === (b?.generation ?? 0);

export function describeLease(lease: Lease | null): string {
	if (!lease) return 'no lease\n';
	const guard = lease.heartbeat !== undefined ? `, heartbeat ${lease.heartbeat} renewed ${lease.renewed}, guard deadline ${lease.deadline_ms} ms` : '';
	return lease.holder
		? `held by ${lease.holder} (generation ${lease.generation}, since ${lease.since}${guard})\n`
		: `free (generation ${lease.generation}, released ${lease.since})\n`;
}
