// Reads the host: the shared root, each directory, its shared copy, leftovers, users, sizes. Never writes.
import { accessSync, constants, existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, statfsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Desired } from './args';
import { compareTrees } from './compare';
import { isMountPoint, mountOf, mountsBelow, parseMountinfo, type Mount } from './mounts';
import { PARTIAL, ASIDE } from './plan';
import { findPostmaster, findUsers } from './procs';
import { bytesNeeded, totals, walkTree } from './tree';
import type { Current, DirCurrent, Kind, Local, Owner, Space } from './types';

const lstatOrNull = (p: string) => {
	try {
		return lstatSync(p);
	} catch {
		return null;
	}
};

/** The uid of PATH and the name /etc/passwd gives it here (files only: what a service's user resolves to). */
function ownerOf(path: string): Owner {
	const uid = statSync(path).uid;
	let passwd = '';
	try {
		passwd = readFileSync('/etc/passwd', 'utf8');
	} catch {
		/* no name then */
	}
	const name = passwd
		.split('\n')
		.map((l) => l.split(':'))
		.find((f) => f[2] === String(uid))?.[0];
	return name === undefined ? { uid } : { uid, name };
}

function kindOf(p: string): Kind {
	const st = lstatOrNull(p);
	return !st ? 'missing' : st.isDirectory() ? 'dir' : 'other';
}

function typeName(p: string): string {
	const st = lstatSync(p);
	return st.isFile()
		? 'regular file'
		: st.isFIFO()
			? 'fifo'
			: st.isSocket()
				? 'socket'
				: st.isCharacterDevice() || st.isBlockDevice()
					? 'device'
					: 'special file';
}

const trimSlash = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);

export function onPath(command: string): boolean {
	const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), '/usr/bin', '/bin', '/usr/sbin', '/sbin'];
	return dirs.some((d) => {
		try {
			accessSync(join(d, command), constants.X_OK);
			return true;
		} catch {
			return false;
		}
	});
}

function spaceOf(path: string, mounts: Mount[]): { space: Space; blockSize: number } {
	const fs = statfsSync(path);
	const real = realpathSync(path);
	return {
		space: {
			dev: String(statSync(path).dev),
			mount: mountOf(mounts, real)?.point ?? real,
			free: fs.bavail * fs.bsize,
			freeInodes: fs.files > 0 ? fs.ffree : null,
		},
		blockSize: fs.bsize,
	};
}

/** How much a leftover partial copy holds: the next copy reuses or replaces it. */
function allocatedIn(path: string): number {
	if (kindOf(path) !== 'dir') return 0;
	return totals(walkTree(path)).allocated;
}

function probeLocal(dir: string, mounts: Mount[]): Local {
	const st = lstatOrNull(dir);
	if (!st) return { kind: 'missing' };
	if (st.isSymbolicLink()) return { kind: 'link', target: readlinkSync(dir) };
	if (st.isDirectory()) return { kind: 'dir', mountPoint: isMountPoint(mounts, dir) };
	return { kind: 'other', type: typeName(dir) };
}

function sharedParents(d: Desired, shared: string): DirCurrent['sharedParents'] {
	const out: DirCurrent['sharedParents'] = [];
	for (let p = dirname(shared); p !== d.root && p.startsWith(`${d.root}/`); p = dirname(p)) {
		if (lstatOrNull(p)) break;
		const local = p.slice(d.root.length);
		const st = (() => {
			try {
				return statSync(local);
			} catch {
				return null;
			}
		})();
		out.unshift({ path: p, mode: st ? st.mode & 0o7777 : 0o755, uid: st?.uid ?? 0, gid: st?.gid ?? 0 });
	}
	return out;
}

function asidesOf(dir: string): string[] {
	const parent = dirname(dir),
		prefix = `${basename(dir)}${ASIDE}`;
	try {
		return readdirSync(parent)
			.filter((n) => n.startsWith(prefix))
			.map((n) => join(parent, n));
	} catch {
		return [];
	}
}

export function probe(d: Desired): Current {
	const mounts = parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8'));
	const rootKind = (() => {
		try {
			return statSync(d.root).isDirectory() ? 'dir' : 'other';
		} catch {
			return 'missing';
		}
	})() as Kind;
	const rootReal = rootKind === 'dir' ? realpathSync(d.root) : d.root;
	const rootMount = mountOf(mounts, rootReal);
	let whyNotWritable: string | undefined;
	if (rootKind === 'dir') {
		if (rootMount?.readOnly) whyNotWritable = `${rootMount.point} is mounted read-only`;
		else {
			try {
				accessSync(d.root, constants.W_OK);
			} catch (e) {
				whyNotWritable = (e as NodeJS.ErrnoException).code ?? String(e);
			}
		}
	}
	const root = {
		kind: rootKind,
		mountPoint: rootKind === 'dir' && isMountPoint(mounts, rootReal),
		writable: rootKind === 'dir' && !whyNotWritable,
		...(whyNotWritable ? { whyNotWritable } : {}),
	};

	const locals = d.dirs.map((x) => ({ ...x, local: probeLocal(x.dir, mounts) }));
	const prefixes = locals.flatMap((x) => [...(x.local.kind === 'link' ? [x.dir, x.shared] : [x.dir]), `${x.dir}${PARTIAL}`, `${x.shared}${PARTIAL}`]);
	const users = findUsers([...new Set(prefixes)]);

	const dirs = locals.map(({ dir, shared, local }): DirCurrent => {
		const sharedKind = rootKind === 'dir' ? kindOf(shared) : 'missing';
		const linksHere = local.kind === 'link' && trimSlash(local.target) === shared;
		const c: DirCurrent = {
			dir,
			shared,
			local,
			sharedKind,
			localParent: existsSync(dirname(dir)),
			partialShared: rootKind === 'dir' ? kindOf(`${shared}${PARTIAL}`) : 'missing',
			partialLocal: kindOf(`${dir}${PARTIAL}`),
			partialBytes: 0,
			sharedParents: rootKind === 'dir' ? sharedParents(d, shared) : [],
			asides: asidesOf(dir),
			users: [...(users.get(dir) ?? []), ...(linksHere ? (users.get(shared) ?? []) : [])],
			partialUsers: [...(users.get(`${dir}${PARTIAL}`) ?? []), ...(users.get(`${shared}${PARTIAL}`) ?? [])],
			nestedMounts: [],
		};
		const pm = local.kind === 'dir' ? findPostmaster(dir) : linksHere ? findPostmaster(shared) : undefined;
		if (pm) c.postmaster = pm;
		// the tree a copy would read, and where it would write
		let source: string | undefined, target: string | undefined;
		if (d.state === 'linked' && local.kind === 'dir' && sharedKind === 'missing') {
			source = dir;
			target = `${shared}${PARTIAL}`;
		}
		if (d.state === 'unlinked' && sharedKind === 'dir' && (local.kind === 'missing' || linksHere)) {
			source = shared;
			target = `${dir}${PARTIAL}`;
		}
		const writesIn = d.state === 'linked' ? d.root : dirname(dir);
		if (source && target && existsSync(writesIn)) {
			const { space, blockSize } = spaceOf(writesIn, mounts);
			const tree = walkTree(source);
			const t = totals(tree);
			c.source = { files: t.files, dirs: t.dirs, bytes: t.bytes, needed: bytesNeeded(tree, blockSize) };
			c.space = space;
			c.nestedMounts = [...new Set([...mountsBelow(mounts, realpathSync(source)), ...tree.mounts.map((m) => join(source, m))])];
			c.partialBytes = allocatedIn(target);
		}
		if (d.state === 'linked' && local.kind === 'dir' && sharedKind === 'dir') {
			c.differences = compareTrees(walkTree(dir), walkTree(shared), 'listing').map((x) => `${x.path}: ${x.what}`);
			c.owners = { local: ownerOf(dir), shared: ownerOf(shared) };
		}
		return c;
	});
	return { root, rsync: onPath('rsync'), dirs };
}
