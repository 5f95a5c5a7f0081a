// Reading and writing the lease file: a lock directory (mkdir is atomic, also on NFS) around
// read → decide → write to a temporary file → fsync → rename → fsync the directory.
import { closeSync, mkdirSync, openSync, readFileSync, rmdirSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ModuleError } from '../runtime';
import { writeFileAtomic } from '../runtime/files';
import { requireRegularOrAbsent } from '../runtime/paths';
import { formatLease, parseLease, type Lease } from './lease';

export function readLease(path: string): Lease | null {
	// before the open: a FIFO would block the read forever, a directory or a link loop gives a bare errno
	requireRegularOrAbsent('path', path);
	let text: string;
	try { text = readFileSync(path, 'utf8'); } catch (e) {
		if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw e;
	}
	return parseLease(text, path);
}

const LOCK_WAIT_MS = 5_000;

/** runs BODY while holding `<path>.lock`; waits up to 5 s for another holder to finish */
export async function withLock<T>(path: string, owner: string, body: () => T): Promise<T> {
	const lock = `${path}.lock`;
	const started = Date.now();
	for (;;) {
		try { mkdirSync(lock, { mode: 0o700 }); break; } catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
			if (Date.now() - started > LOCK_WAIT_MS) {
				const age = Math.round((Date.now() - statSync(lock).mtimeMs) / 1000);
				throw new ModuleError(`the lease lock ${lock} has existed for ${age} s: another activation is running, or one was killed (remove ${lock} once you are sure none runs)`);
			}
			await new Promise((r) => setTimeout(r, 100));
		}
	}
	try {
		writeMarker(join(lock, 'owner'), `${owner} ${process.pid}\n`);
		return body();
	} finally {
		try { rmdirOwned(lock); } catch { /* the lock stays; the next run names it */ }
	}
}

function writeMarker(file: string, text: string) {
	const fd = openSync(file, 'w', 0o600);
	try { writeSync(fd, text); } finally { closeSync(fd); }
}

function rmdirOwned(lock: string) {
	try { unlinkSync(join(lock, 'owner')); } catch { /* absent */ }
	rmdirSync(lock);
}

export function writeLease(path: string, lease: Lease): void {
	writeFileAtomic(path, formatLease(lease), { mode: 0o644 });
}
