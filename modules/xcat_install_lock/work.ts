// What still works under a lock whose run was killed: the command a run starts carries a mark in its
// environment (inherited by everything it starts in turn), so a command orphaned by a SIGKILL of its
// module is found in /proc, and the lock is not taken over while it still writes to /install. The same
// mark finds what a command left running when it ended (a child that left its process group too), so
// a run stops it before it releases the lock.
import { readdirSync, readFileSync } from 'node:fs';
import type { LockOwner } from '../runtime/lock';
import { FORCE_KILL_MS } from '../runtime/exec';

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

/**
 * Stops what still carries the mark VALUE once the command ended: SIGTERM, then SIGKILL after
 * graceMs. `stopped`: what was found; `left`: what still runs after SIGKILL (a process in
 * uninterruptible sleep), while which the lock must not be released.
 */
export async function stopLeftovers(value: string, graceMs = FORCE_KILL_MS): Promise<{ stopped: number[]; left: number[] }> {
	const stopped = markedProcesses(value);
	if (stopped.length === 0) return { stopped, left: [] };
	const signal = (pids: number[], sig: NodeJS.Signals) => {
		for (const pid of pids) {
			try {
				process.kill(pid, sig);
			} catch {
				/* ended meanwhile */
			}
		}
	};
	const gone = async (ms: number) => {
		for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50)))
			if (markedProcesses(value).length === 0) return true;
		return markedProcesses(value).length === 0;
	};
	signal(stopped, 'SIGTERM');
	if (await gone(graceMs)) return { stopped, left: [] };
	signal(markedProcesses(value), 'SIGKILL');
	await gone(1000);
	return { stopped, left: markedProcesses(value) };
}
