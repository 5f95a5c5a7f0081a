// What still works under a lock whose run was killed: the command a run starts carries a mark in its
// environment (inherited by everything it starts in turn), so a command orphaned by a SIGKILL of its
// module is found in /proc, and the lock is not taken over while it still writes to /install.
import { readdirSync, readFileSync } from 'node:fs';
import type { LockOwner } from '../runtime/lock';

export const MARK = 'XCAT_HA_INSTALL_LOCK';

/** the mark of the commands OWNER runs under LOCK */
export const markOf = (lock: string, owner: Pick<LockOwner, 'pid' | 'since'>): string => `${lock} ${owner.pid} ${owner.since}`;

/** processes of this host whose environment holds MARK=VALUE (those /proc lets us read) */
export function markedProcesses(value: string): number[] {
	const wanted = Buffer.from(`${MARK}=${value}\0`);
	const out: number[] = [];
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		let env: Buffer;
		try {
			env = readFileSync(`/proc/${name}/environ`);
		} catch {
			continue; // gone, or not ours to read
		}
		if (env.subarray(0, wanted.length).equals(wanted) || env.includes(Buffer.concat([Buffer.from('\0'), wanted]))) out.push(Number(name));
	}
	return out;
}

/** lock.ts's `working` for LOCK: a killed owner's command that still runs, in words */
export const stillWorking =
	(lock: string) =>
	(owner: LockOwner): string | null => {
		const pids = markedProcesses(markOf(lock, owner));
		return pids.length ? `its command still runs (pid ${pids.slice(0, 5).join(', ')}${pids.length > 5 ? ', …' : ''})` : null;
	};
