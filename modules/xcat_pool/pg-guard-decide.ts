// Whether this member's PostgreSQL may start (pure). The pool's record of its MN is a lease on the
// shared storage (xcat_lease's format); a promotion moves it to the new MN. A former MN that comes
// back after an unplanned promotion still has a primary's data directory and an enabled unit: started
// as it is, it would be a second primary. So its unit asks this first (ExecStartPre): a standby may
// always start (it only follows a primary), a primary only on the member the lease names.
import type { Lease } from '../xcat_lease/lease';

export type GuardInput =
	| { standby: true }
	| { standby: false; me: string; lease: Lease | null }
	/** the lease could not be read: the shared storage is gone or hangs, so nothing says who the MN is */
	| { standby: false; me: string; unreadable: string };

export interface GuardVerdict {
	start: boolean;
	why: string;
}

export function decideStart(input: GuardInput): GuardVerdict {
	if (input.standby) return { start: true, why: 'a standby (standby.signal): it follows a primary' };
	if ('unreadable' in input)
		return { start: false, why: `the pool's record of its MN cannot be read (${input.unreadable}): a primary starts only on the MN it names` };
	const { lease, me } = input;
	// no record yet: the pool was never set up with one (the first MN before pool_setup)
	if (lease === null) return { start: true, why: "no record of the pool's MN yet" };
	if (lease.holder === me) return { start: true, why: `${me} is the pool's MN (record generation ${lease.generation})` };
	return {
		start: false,
		why:
			`the pool's MN is ${lease.holder ?? 'nobody'} (record generation ${lease.generation}, since ${lease.since}), not ${me}: ` +
			'this data directory is a former primary and does not start as a second one; pool_setup.yml makes it a replica of the MN (rejoin)',
	};
}
