// Reading and writing the lease file: a lock directory (mkdir is atomic, also on NFS) around
// read → decide → write to a temporary file → fsync → rename → fsync the directory.
import { readFileSync } from 'node:fs';
import { ModuleError } from '../runtime';
import { writeFileAtomic } from '../runtime/files';
import { withDirLock, type LockOptions, type LockOwner } from '../runtime/lock';
import { requireRegularOrAbsent } from '../runtime/paths';
import { formatLease, parseLease, type Lease } from './lease';

export function readLease(path: string): Lease | null {
	// before the open: a FIFO would block the read forever, a directory or a link loop gives a bare errno
	requireRegularOrAbsent('path', path);
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw e;
	}
	return parseLease(text, path);
}

const LOCK_WAIT_MS = 5_000;

/**
 * runs BODY while holding `<path>.lock` (runtime/lock.ts: a lock left by a run that provably
 * stopped is taken over, and NOTE says so); waits up to 5 s for a live holder to finish
 */
export function withLock<T>(path: string, owner: string, body: () => T, note?: (why: string) => void, stopped?: LockOptions['stopped']): Promise<T> {
	return withDirLock(
		`${path}.lock`,
		owner,
		{
			waitMs: LOCK_WAIT_MS,
			...(stopped ? { stopped } : {}),
			busy: (lock, _owner, age) =>
				new ModuleError(
					`the lease lock ${lock} has existed for ${age} s: another activation is running, or one was killed (remove ${lock} once you are sure none runs)`,
				),
		},
		body,
		note,
	);
}

/**
 * The lock's owner counts as stopped when it is FROM (the MN a takeover proved stopped: fenced, or
 * confirmed down with its heartbeat still past its deadline) or FROM's lease guard: the two names
 * xcat_lease and the guard lock with. A guard frozen while it held the lock, then powered off by the
 * fence, leaves it behind; nothing on its host can run again to release it.
 */
export const stoppedHolder =
	(from: string) =>
	(o: LockOwner): string | null =>
		o.name === from || o.name === `${from} lease guard` ? `its owner (${o.name}, on ${o.host}) is ${from}, which this takeover proved stopped` : null;

export function writeLease(path: string, lease: Lease): void {
	writeFileAtomic(path, formatLease(lease), { mode: 0o644 });
}
