// The one lock of xcat-ha on shared storage, across hosts: a directory made with mkdir (atomic on
// local file systems and on NFS) and, inside it, an owner file made with O_EXCL. The owner file is
// what is held: whoever creates it holds the lock, so a lock left behind can be claimed without a
// window in which two runs both believe they hold it.
//
// Left behind, and claimed, only when its owner provably stopped:
// * the owner ran on this host (same machine-id) in an earlier boot, or in this boot with a pid
//   that no longer runs (nor anything it left working under the lock, opts.working: a command it
//   started): a killed run, or one whose host rebooted;
// * there is no owner file and the directory is older than OWNERLESS_MS: a run killed between its
//   mkdir and its owner file. (A storage hang can do this: mkdir completes at the thaw, after the
//   process was killed.) A run that was merely frozen there and resumes later finds the owner file
//   made and gives up; it never writes under a lock it does not hold.
// An owner on another host is never judged from here (only its own host can know it stopped),
// unless the caller proved that host stopped: an unplanned takeover's verified fence, or a person's
// word with the holder's heartbeat still for longer than its guard's deadline (opts.stopped).
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export interface LockOwner {
	/** the caller's word for who holds it (an MN, "mn1 lease guard"), for people */
	name: string;
	host: string;
	pid: number;
	/** /etc/machine-id and the kernel's boot id: the same host, and the same boot of it */
	machine: string;
	boot: string;
	since: string;
}

export interface LockOptions {
	/** how long to wait for a live holder before giving up (ms) */
	waitMs: number;
	pollMs?: number;
	/** an owner-less lock older than this was left by a run killed before it wrote its owner */
	ownerlessMs?: number;
	/** why an owner on another host provably stopped (the caller proved it), or null */
	stopped?: (owner: LockOwner) => string | null;
	/**
	 * what still works under the lock of an owner of this host (a command it started, orphaned when it
	 * was killed, or left running when it ended), or null: while something does, the lock is not left
	 * behind, and the owner's own release keeps it (the next run takes it over once that work ends)
	 */
	working?: (owner: LockOwner) => string | null;
	/** the error thrown when WAITMS pass: the lock, its owner if known, and its age in seconds */
	busy: (lock: string, owner: LockOwner | undefined, ageS: number) => Error;
}

const OWNER = 'owner';
export const OWNERLESS_MS = 10_000;

const firstLine = (path: string) => {
	try {
		return readFileSync(path, 'utf8').trim();
	} catch {
		return '';
	}
};
const self = () => ({ machine: firstLine('/etc/machine-id'), boot: firstLine('/proc/sys/kernel/random/boot_id') });

const alive = (pid: number) => {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
};

export function readOwner(lock: string): LockOwner | undefined {
	try {
		const o = JSON.parse(readFileSync(join(lock, OWNER), 'utf8')) as Partial<LockOwner>;
		return typeof o === 'object' && o !== null && typeof o.pid === 'number' ? (o as LockOwner) : undefined;
	} catch {
		return undefined;
	}
}

const ownerExists = (lock: string) => {
	try {
		statSync(join(lock, OWNER));
		return true;
	} catch {
		return false;
	}
};

/** why LOCK was left behind by a run that stopped, or null while its owner may still run */
export function leftBehind(
	lock: string,
	now = Date.now(),
	ownerlessMs = OWNERLESS_MS,
	stopped: LockOptions['stopped'] = undefined,
	working: LockOptions['working'] = undefined,
): string | null {
	const owner = readOwner(lock);
	if (owner) {
		const me = self();
		if (!owner.machine || owner.machine !== me.machine) return stopped?.(owner) ?? null;
		if (owner.boot !== me.boot) return `its owner (${owner.name}, pid ${owner.pid}) ran before this host rebooted`;
		if (alive(owner.pid) || working?.(owner)) return null;
		return `its owner (${owner.name}, pid ${owner.pid}) no longer runs`;
	}
	// an owner file that cannot be read (another format, half written) is an owner all the same
	if (ownerExists(lock)) return null;
	try {
		const age = now - statSync(lock).mtimeMs;
		return age > ownerlessMs ? `it has had no owner for ${Math.round(age / 1000)} s` : null;
	} catch {
		return null;
	}
}

/** the owner file made with O_EXCL: true when this run made it, and so holds the lock */
function claim(lock: string, owner: LockOwner): boolean {
	let fd: number;
	try {
		fd = openSync(join(lock, OWNER), 'wx', 0o600);
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		if (code === 'EEXIST' || code === 'ENOENT') return false; // taken, or the directory went away
		throw e;
	}
	try {
		writeSync(fd, `${JSON.stringify(owner)}\n`);
	} finally {
		closeSync(fd);
	}
	return true;
}

/** a dead owner's file moved aside (one rename: two claimants cannot both move the same file) */
function setAside(lock: string, dead: LockOwner | undefined): boolean {
	const aside = join(lock, `${OWNER}.left-${process.pid}-${Date.now()}`);
	try {
		renameSync(join(lock, OWNER), aside);
	} catch {
		return false;
	}
	const moved = (() => {
		try {
			return JSON.parse(readFileSync(aside, 'utf8')) as LockOwner;
		} catch {
			return undefined;
		}
	})();
	if (dead && moved && (moved.pid !== dead.pid || moved.since !== dead.since)) {
		// another claimant got there first and this moved its fresh owner file: put it back
		try {
			linkSync(aside, join(lock, OWNER));
		} catch {
			/* a third made one: it holds */
		}
		try {
			unlinkSync(aside);
		} catch {
			/* gone */
		}
		return false;
	}
	try {
		unlinkSync(aside);
	} catch {
		/* gone */
	}
	return true;
}

function release(lock: string, owner: LockOwner) {
	const now = readOwner(lock);
	// only our own: a lock claimed from us (we were taken for dead) is the claimant's now
	if (!now || now.pid !== owner.pid || now.since !== owner.since || now.machine !== owner.machine) return;
	try {
		unlinkSync(join(lock, OWNER));
	} catch {
		return;
	}
	try {
		rmdirSync(lock);
	} catch {
		/* another claimant's owner file is already in it */
	}
}

/**
 * Runs BODY while holding LOCK (a directory path); waits up to opts.waitMs for a live holder,
 * claims a lock whose owner provably stopped, and calls opts.note with why it did.
 */
export async function withDirLock<T>(
	lock: string,
	name: string,
	opts: LockOptions,
	body: () => T | Promise<T>,
	note: (why: string) => void = () => {},
): Promise<T> {
	const started = Date.now();
	const pollMs = opts.pollMs ?? 100;
	let owner: LockOwner | undefined;
	for (;;) {
		let made = false;
		try {
			mkdirSync(lock, { mode: 0o700 });
			made = true;
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
		}
		const mine: LockOwner = { name, host: hostname(), pid: process.pid, ...self(), since: new Date().toISOString() };
		if (made) {
			if (claim(lock, mine)) {
				owner = mine;
				break;
			}
		} else {
			const why = leftBehind(lock, Date.now(), opts.ownerlessMs ?? OWNERLESS_MS, opts.stopped, opts.working);
			if (why) {
				const dead = readOwner(lock);
				if ((!ownerExists(lock) || setAside(lock, dead)) && claim(lock, mine)) {
					owner = mine;
					note(`the lock ${lock} was left behind (${why}): taken over`);
					break;
				}
			}
		}
		if (Date.now() - started > opts.waitMs) {
			let age = 0;
			try {
				age = Math.round((Date.now() - statSync(lock).mtimeMs) / 1000);
			} catch {
				/* gone meanwhile */
			}
			throw opts.busy(lock, readOwner(lock), age);
		}
		await new Promise((r) => setTimeout(r, pollMs));
	}
	try {
		return await body();
	} finally {
		if (!opts.working?.(owner)) release(lock, owner);
	}
}

/** removes LOCK when it was left behind (for a run that goes on without taking it) */
export function clearLeftBehind(lock: string): void {
	if (!leftBehind(lock)) return;
	const dead = readOwner(lock);
	if (ownerExists(lock) && !setAside(lock, dead)) return;
	try {
		rmdirSync(lock);
	} catch {
		/* a claimant's owner file is in it */
	}
}
