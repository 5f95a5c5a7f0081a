// One run at a time per shared root, across hosts: the shared lock of runtime/lock.ts on the
// shared storage. A lock left by a run that provably stopped is taken over.
import { ModuleError } from '../runtime';
import { clearLeftBehind, withDirLock } from '../runtime/lock';

export const LOCK = '.xcat_shared_data.lock';

/** Removes a lock a stopped run left behind, when a run goes on without taking the lock. */
export function clearStaleLock(root: string): void {
	clearLeftBehind(`${root}/${LOCK}`);
}

/** Holds the lock of ROOT while FN runs; waits up to WAIT_MS for another run to finish. */
export function withLock<T>(root: string, fn: () => Promise<T>, waitMs = 30 * 60_000): Promise<T> {
	return withDirLock(
		`${root}/${LOCK}`,
		'xcat_shared_data',
		{
			waitMs,
			pollMs: 1000,
			// a copy can be killed between mkdir and its owner file; a live one writes it at once
			ownerlessMs: 60_000,
			busy: (lock, owner) =>
				new ModuleError(
					`another run holds ${lock}${owner ? ` (host ${owner.host}, pid ${owner.pid}, since ${owner.since})` : ''}; nothing was changed. If that run is gone, remove the directory ${lock}`,
				),
		},
		fn,
	);
}
