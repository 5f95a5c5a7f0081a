// One run at a time per shared root, across hosts: a lock directory on the shared storage
// (mkdir is atomic on local file systems and on NFS). A lock left by a killed run of this host is taken over.
import { mkdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { ModuleError } from '../runtime';

export const LOCK = '.xcat_shared_data.lock';

interface Owner { host: string; pid: number; since: string }

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; } };

function readOwner(lock: string): Owner | undefined {
	try { return JSON.parse(readFileSync(`${lock}/owner`, 'utf8')) as Owner; } catch { return undefined; }
}

function stale(lock: string, owner: Owner | undefined): boolean {
	if (owner) return owner.host === hostname() && !alive(owner.pid);
	// killed between mkdir and writing its owner: give a live run time to write it
	try { return Date.now() - statSync(lock).mtimeMs > 60_000; } catch { return false; }
}

/** Removes a lock this host's killed run left behind, when a run goes on without taking the lock. */
export function clearStaleLock(root: string): void {
	const lock = `${root}/${LOCK}`;
	try {
		if (stale(lock, readOwner(lock))) { rmSync(`${lock}/owner`, { force: true }); rmdirSync(lock); }
	} catch { /* no lock, or not ours to clear */ }
}

/** Holds the lock of ROOT while FN runs; waits up to WAIT_MS for another run to finish. */
export async function withLock<T>(root: string, fn: () => Promise<T>, waitMs = 30 * 60_000): Promise<T> {
	const lock = `${root}/${LOCK}`;
	const deadline = Date.now() + waitMs;
	for (;;) {
		try {
			mkdirSync(lock, { mode: 0o700 });
			writeFileSync(`${lock}/owner`, JSON.stringify({ host: hostname(), pid: process.pid, since: new Date().toISOString() }));
			break;
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new ModuleError(`cannot take the lock ${lock}: ${(e as Error).message}`);
			const owner = readOwner(lock);
			if (stale(lock, owner)) { rmSync(`${lock}/owner`, { force: true }); rmdirSync(lock); continue; }
			if (Date.now() > deadline) {
				throw new ModuleError(`another run holds ${lock}${owner ? ` (host ${owner.host}, pid ${owner.pid}, since ${owner.since})` : ''}; nothing was changed. If that run is gone, remove the directory ${lock}`);
			}
			await new Promise((r) => setTimeout(r, 1000));
		}
	}
	try { return await fn(); } finally { rmSync(`${lock}/owner`, { force: true }); try { rmdirSync(lock); } catch { /* already gone */ } }
}
