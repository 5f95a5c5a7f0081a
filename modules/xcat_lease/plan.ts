// Whether this MN may hold the lease, and what to write (pure).
import { sameTerm, type Lease } from './lease';

export interface Want {
	holder: string;
	state: 'held' | 'released' | 'restored';
	takeoverFrom?: string | undefined;
	/** with 'restored': the lease the take found (null: there was none) */
	restore?: Lease | null;
	/** with 'held': the guard's timing, recorded in a lease this run takes (heartbeat 0 until the guard renews it) */
	guard?: { intervalMs: number; deadlineMs: number } | undefined;
	/** the longest this run may watch a holder's heartbeat before a takeover */
	staleWaitMs?: number;
}

/** What this run saw of the holder's heartbeat, on its own monotonic clock. */
export interface Observation {
	/** the lease as first read, when the watch began */
	first: Lease;
	/** how long the heartbeat has been watched since then */
	stillMs: number;
}

export type Plan =
	| { kind: 'refuse'; msg: string; extra?: Record<string, unknown> }
	| { kind: 'keep'; lease: Lease | null; note?: string }
	/** watch the holder's heartbeat for up to waitMs more, then decide again with the observation */
	| { kind: 'watch'; waitMs: number; needMs: number }
	| { kind: 'write'; lease: Lease };

/** How long a heartbeat must stay still before its guard has surely fenced its MN: its deadline plus one renewal. */
export const staleAfterMs = (l: Lease): number => (l.deadline_ms ?? 0) + (l.interval_ms ?? 0);

export function plan(current: Lease | null, want: Want, now: Date, seen?: Observation): Plan {
	const since = now.toISOString();
	const generation = current?.generation ?? 0;
	const holder = current?.holder ?? null;
	if (want.state === 'released') {
		if (holder !== want.holder) return { kind: 'keep', lease: current };
		return { kind: 'write', lease: { holder: null, generation, since } };
	}
	if (want.state === 'restored') return restore(current, want, since);
	const guard = want.guard ? { heartbeat: 0, renewed: since, deadline_ms: want.guard.deadlineMs, interval_ms: want.guard.intervalMs } : {};
	if (holder === want.holder) return { kind: 'keep', lease: current };
	if (holder === null) return { kind: 'write', lease: { holder: want.holder, generation: generation + 1, since, ...guard } };
	if (want.takeoverFrom === holder) {
		const taken = { kind: 'write' as const, lease: { holder: want.holder, generation: generation + 1, since, taken_from: holder, ...guard } };
		// a lease nobody guards (the guard never ran, or stopped on purpose) has no heartbeat to wait for
		if (current!.heartbeat === undefined) return taken;
		const needMs = staleAfterMs(current!);
		if (seen && (!sameTerm(seen.first, current) || seen.first.heartbeat !== current!.heartbeat)) {
			return {
				kind: 'refuse',
				extra: { holder_alive: true, heartbeat_age_ms: seen.stillMs, heartbeat: current!.heartbeat, previous_heartbeat: seen.first.heartbeat },
				msg:
					`${holder}'s lease guard is still renewing the lease (heartbeat ${seen.first.heartbeat} -> ${current!.heartbeat} within ${seen.stillMs} ms), so ${holder} is alive: ` +
					`it is not taken over. Deactivate ${holder} (planned failover), or fence it so that its BMC reports power off`,
			};
		}
		if (needMs > (want.staleWaitMs ?? 0)) {
			return {
				kind: 'refuse',
				extra: { holder_alive: null, stale_after_ms: needMs },
				msg:
					`${holder}'s heartbeat must stay still for ${needMs} ms (its guard's deadline ${current!.deadline_ms} ms plus one renewal of ${current!.interval_ms} ms) ` +
					`before it can be taken over, longer than stale_wait_ms (${want.staleWaitMs ?? 0} ms): raise stale_wait_ms`,
			};
		}
		if (!seen || seen.stillMs <= needMs) return { kind: 'watch', waitMs: needMs - (seen?.stillMs ?? 0) + 1, needMs };
		return taken;
	}
	const given = want.takeoverFrom ? ` (takeover_from names ${want.takeoverFrom}, not the holder)` : '';
	return {
		kind: 'refuse',
		msg:
			`the activation lease is held by ${holder} (generation ${generation}, since ${current!.since})${given}: ` +
			`deactivate ${holder} first (planned failover), or confirm it is down and take over from it (unplanned failover)`,
	};
}

/** Puts back the lease a take found, but only over the lease that take wrote (holder and generation). */
function restore(current: Lease | null, want: Want, since: string): Plan {
	const found = want.restore ?? null;
	if (found?.holder === want.holder) return { kind: 'keep', lease: current, note: `the lease was already ${want.holder}'s before: nothing to restore` };
	const ours = current?.holder === want.holder && current.generation === (found?.generation ?? 0) + 1;
	if (!ours) {
		if (sameTerm(current, found)) return { kind: 'keep', lease: current, note: 'the lease is already as it was found' };
		return {
			kind: 'keep',
			lease: current,
			note: `the lease is not the one ${want.holder} took (it is ${current?.holder ?? 'free'}, generation ${current?.generation ?? 0}): left as it is`,
		};
	}
	// A lease held by another MN goes back exactly (its guard checks holder and generation);
	// a free one stays at our generation, so generations only grow while nobody holds it.
	if (found?.holder) return { kind: 'write', lease: found };
	return { kind: 'write', lease: { holder: null, generation: current.generation, since } };
}
