// What a directory tree holds, read with lstat (no link is followed, no mount point crossed), and
// the content hash of its files. The copy is verified with this, independently of the copier.
import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, readdirSync, readFileSync, readlinkSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';

export type EntryType = 'dir' | 'file' | 'link' | 'fifo' | 'socket' | 'char' | 'block';

export interface Entry {
	type: EntryType;
	/** permission bits, setuid/setgid/sticky included */
	mode: number;
	uid: number;
	gid: number;
	size: number;
	/** modification time in whole seconds (file systems differ below that) */
	mtime: number;
	ino: string;
	/** allocated bytes (st_blocks × 512) */
	allocated: number;
	target?: string;
	rdev?: number;
	/** for a file hard-linked within the tree: the first of its paths (sorted), the same for every path of the group */
	group?: string;
	hash?: string;
}

export interface Tree {
	root: string;
	/** relative path ('' is the root itself) → entry */
	entries: Map<string, Entry>;
	/** relative paths of directories on another file system (not descended into) */
	mounts: string[];
}

export interface Totals {
	files: number;
	dirs: number;
	bytes: number;
	allocated: number;
	largest: number;
}

function typeOf(st: BigIntStats): EntryType {
	if (st.isDirectory()) return 'dir';
	if (st.isFile()) return 'file';
	if (st.isSymbolicLink()) return 'link';
	if (st.isFIFO()) return 'fifo';
	if (st.isSocket()) return 'socket';
	if (st.isCharacterDevice()) return 'char';
	return 'block';
}

export function walkTree(root: string): Tree {
	const rootStat = lstatSync(root, { bigint: true });
	const entries = new Map<string, Entry>();
	const mounts: string[] = [];
	const stack = [''];
	while (stack.length) {
		const rel = stack.pop()!;
		const abs = rel ? join(root, rel) : root;
		const st = rel ? lstatSync(abs, { bigint: true }) : rootStat;
		const type = typeOf(st);
		if (type === 'dir' && st.dev !== rootStat.dev) {
			mounts.push(rel);
			continue;
		}
		const e: Entry = {
			type,
			mode: Number(st.mode & 0o7777n),
			uid: Number(st.uid),
			gid: Number(st.gid),
			size: type === 'file' ? Number(st.size) : 0,
			mtime: Number(st.mtimeMs / 1000n),
			ino: String(st.ino),
			allocated: Number(st.blocks) * 512,
		};
		if (type === 'link') e.target = readlinkSync(abs);
		if (type === 'char' || type === 'block') e.rdev = Number(st.rdev);
		if (type === 'file' && st.nlink > 1n) e.group = `ino:${st.ino}`;
		entries.set(rel, e);
		if (type === 'dir') for (const name of readdirSync(abs)) stack.push(rel ? `${rel}/${name}` : name);
	}
	// a hard-link group is named by its first path, so two trees can be compared by path
	const firstOf = new Map<string, string>();
	for (const rel of [...entries.keys()].sort()) {
		const e = entries.get(rel)!;
		if (e.group && !firstOf.has(e.group)) firstOf.set(e.group, rel);
	}
	const sizes = new Map<string, number>();
	for (const e of entries.values()) if (e.group) sizes.set(e.group, (sizes.get(e.group) ?? 0) + 1);
	for (const e of entries.values()) {
		if (!e.group) continue;
		if (sizes.get(e.group) === 1)
			delete e.group; // its other names are outside the tree: copied as a plain file
		else e.group = firstOf.get(e.group)!;
	}
	return { root, entries, mounts };
}

/** Counts what a copy of the tree writes: each hard-linked file once. */
export function totals(tree: Tree): Totals {
	const seen = new Set<string>();
	const t: Totals = { files: 0, dirs: 0, bytes: 0, allocated: 0, largest: 0 };
	for (const [rel, e] of tree.entries) {
		if (e.type === 'dir') {
			if (rel) t.dirs++;
			t.allocated += e.allocated;
			continue;
		}
		t.files++;
		if (seen.has(e.ino)) continue;
		seen.add(e.ino);
		t.bytes += e.size;
		t.allocated += e.allocated;
		t.largest = Math.max(t.largest, e.size);
	}
	return t;
}

/** Bytes a copy needs on a file system with this block size: every file's allocated bytes and every directory rounded up to whole blocks. */
export function bytesNeeded(tree: Tree, blockSize: number): number {
	const seen = new Set<string>();
	let n = 0;
	for (const e of tree.entries.values()) {
		if (e.type === 'dir') {
			n += blockSize;
			continue;
		}
		if (seen.has(e.ino)) continue;
		seen.add(e.ino);
		// the blocks it really uses: rsync --sparse leaves holes as holes, so a sparse file needs its allocated
		// bytes, not its length (a compressed source would undercount, hence the plan's margin)
		if (e.type === 'file') n += Math.ceil(Math.min(e.size, e.allocated) / blockSize) * blockSize;
		else if (e.type === 'link' && (e.target?.length ?? 0) >= 60) n += blockSize; // longer targets do not fit in the inode
	}
	return n;
}

const SMALL = 1024 * 1024;

/** Small files in one read (most of /etc/xcat and /install/postscripts); large ones streamed in 1 MiB chunks. */
function hashFile(path: string, size: number): Promise<string> {
	if (size <= SMALL) return Promise.resolve(createHash('sha256').update(readFileSync(path)).digest('hex'));
	return new Promise((resolve, reject) => {
		const h = createHash('sha256');
		createReadStream(path, { highWaterMark: SMALL })
			.on('error', reject)
			.on('data', (c) => h.update(c))
			.on('end', () => resolve(h.digest('hex')));
	});
}

/** Fills in the sha256 of every regular file (each inode read once), a few files at a time. */
export async function hashTree(tree: Tree, parallel = 4): Promise<void> {
	const byIno = new Map<string, { rel: string; entries: Entry[] }>();
	for (const [rel, e] of tree.entries) {
		if (e.type !== 'file') continue;
		const inode = byIno.get(e.ino);
		if (inode) inode.entries.push(e);
		else byIno.set(e.ino, { rel, entries: [e] });
	}
	const queue = [...byIno.values()];
	const worker = async () => {
		for (let inode = queue.shift(); inode; inode = queue.shift()) {
			const hash = await hashFile(join(tree.root, inode.rel), inode.entries[0]!.size);
			for (const e of inode.entries) e.hash = hash;
		}
	};
	await Promise.all(Array.from({ length: parallel }, worker));
}
