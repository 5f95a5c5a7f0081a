// Replaces a file so that a reader, or the file system after a crash, sees the old content or the new, whole:
// a temporary file in the same directory, fsync, rename over the file, fsync of the directory.
// Synchronous on purpose: the lease guard writes inside a lock held by a synchronous body.
import { closeSync, fchmodSync, fchownSync, fsyncSync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface WriteOptions {
	/** the new file's mode, exactly (not reduced by the umask) */
	mode: number;
	/** its owner; the writer's when not given */
	owner?: { uid: number; gid: number };
}

/** Writes TEXT to PATH atomically (PATH itself is replaced: give the real path, not a link to it). */
export function writeFileAtomic(path: string, text: string, opts: WriteOptions): void {
	const dir = dirname(path);
	const tmp = join(dir, `.${basename(path)}.xcat-ha-${process.pid}.tmp`);
	// a temporary file of a killed run whose pid came back is removed; 'wx' never writes through a link planted there
	try {
		unlinkSync(tmp);
	} catch {
		/* absent */
	}
	const fd = openSync(tmp, 'wx', 0o600);
	try {
		writeFileSync(fd, text);
		if (opts.owner) fchownSync(fd, opts.owner.uid, opts.owner.gid);
		fchmodSync(fd, opts.mode);
		fsyncSync(fd);
	} catch (e) {
		closeSync(fd);
		try {
			unlinkSync(tmp);
		} catch {
			/* already gone */
		}
		throw e;
	}
	closeSync(fd);
	renameSync(tmp, path);
	const dfd = openSync(dir, 'r');
	try {
		fsyncSync(dfd);
	} finally {
		closeSync(dfd);
	}
}
