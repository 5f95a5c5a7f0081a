// Whether this MN may hold the lease, and what to write (pure).
import type { Lease } from './lease';

export interface Want { holder: string; state: 'held' | 'released'; takeoverFrom?: string | undefined }

export type Plan =
	| { kind: 'refuse'; msg: string }
	| { kind: 'keep'; lease: Lease | null }
	| { kind: 'write'; lease: Lease };

export function plan(current: Lease | null, want: Want, now: Date): Plan {
	const since = now.toISOString();
	const generation = current?.generation ?? 0;
	const holder = current?.holder ?? null;
	if (want.state === 'released') {
		if (holder !== want.holder) return { kind: 'keep', lease: current };
		return { kind: 'write', lease: { holder: null, generation, since } };
	}
	if (holder === want.holder) return { kind: 'keep', lease: current };
	if (holder === null) return { kind: 'write', lease: { holder: want.holder, generation: generation + 1, since } };
	if (want.takeoverFrom === holder) return { kind: 'write', lease: { holder: want.holder, generation: generation + 1, since, taken_from: holder } };
	const given = want.takeoverFrom ? ` (takeover_from names ${want.takeoverFrom}, not the holder)` : '';
	return {
		kind: 'refuse',
		msg: `the activation lease is held by ${holder} (generation ${generation}, since ${current!.since})${given}: ` +
			`deactivate ${holder} first (planned failover), or confirm it is down and take over from it (unplanned failover)`,
	};
}
