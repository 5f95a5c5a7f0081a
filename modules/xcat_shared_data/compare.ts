// Compares two trees path by path (pure): the full check after a copy, or the cheap one that tells a
// second management node whether its own copy differs from the shared one.
import type { Entry, Tree } from './tree';

export interface Difference {
	path: string;
	what: string;
}

export type Depth =
	/** type, size and link target: cheap, no content read */
	| 'listing'
	/** everything a faithful copy keeps: also modes, owners, times, devices, hard-link groups and content hashes */
	| 'exact';

const octal = (m: number) => m.toString(8).padStart(4, '0');

function entryDifferences(a: Entry, b: Entry, depth: Depth): string[] {
	if (a.type !== b.type) return [`${a.type} in one, ${b.type} in the other`];
	const out: string[] = [];
	if (a.type === 'file' && a.size !== b.size) out.push(`size ${a.size} != ${b.size}`);
	if (a.type === 'link' && a.target !== b.target) out.push(`link target ${a.target} != ${b.target}`);
	if (depth === 'listing') return out;
	if (a.type !== 'link' && a.mode !== b.mode) out.push(`mode ${octal(a.mode)} != ${octal(b.mode)}`);
	if (a.uid !== b.uid || a.gid !== b.gid) out.push(`owner ${a.uid}:${a.gid} != ${b.uid}:${b.gid}`);
	if ((a.type === 'file' || a.type === 'dir') && a.mtime !== b.mtime) out.push(`mtime ${a.mtime} != ${b.mtime}`);
	if (a.rdev !== b.rdev) out.push(`device ${a.rdev} != ${b.rdev}`);
	if (a.group !== b.group) out.push(`hard links: ${a.group ? `linked with ${a.group}` : 'single'} != ${b.group ? `linked with ${b.group}` : 'single'}`);
	if (a.type === 'file' && a.size === b.size && a.hash !== b.hash) out.push(a.hash && b.hash ? 'content differs (sha256)' : 'content not hashed');
	return out;
}

export function compareTrees(a: Tree, b: Tree, depth: Depth): Difference[] {
	const out: Difference[] = [];
	const show = (rel: string) => (rel ? `${rel}` : '.');
	for (const [rel, ea] of a.entries) {
		const eb = b.entries.get(rel);
		if (!eb) {
			out.push({ path: show(rel), what: `only in ${a.root}` });
			continue;
		}
		for (const what of entryDifferences(ea, eb, depth)) out.push({ path: show(rel), what });
	}
	for (const rel of b.entries.keys()) if (!a.entries.has(rel)) out.push({ path: show(rel), what: `only in ${b.root}` });
	for (const m of [...a.mounts, ...b.mounts]) out.push({ path: m, what: 'a mount point inside the tree (not compared)' });
	return out.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

/** Slack allowed per file before a copy counts as having lost its holes: block sizes differ between file systems. */
const SPARSE_SLACK = 1024 * 1024;

/**
 * Files of the copy B that take more space than in the source A (by more than the slack): holes written out
 * as zeros. Reported apart from the differences: a compressed source file also uses less than its length.
 */
export function sparseLosses(a: Tree, b: Tree): Difference[] {
	const out: Difference[] = [];
	for (const [rel, ea] of a.entries) {
		const eb = b.entries.get(rel);
		if (ea.type !== 'file' || eb?.type !== 'file' || ea.allocated >= ea.size) continue;
		if (eb.allocated > ea.allocated + SPARSE_SLACK)
			out.push({ path: rel, what: `takes ${eb.allocated} bytes on disk against ${ea.allocated} in the source (holes filled)` });
	}
	return out;
}

/** `getfattr -R -h -d -m - -e hex --absolute-names ROOT` output → relative path → its attributes, sorted. */
export function parseGetfattr(stdout: string, root: string): Map<string, string[]> {
	const out = new Map<string, string[]>();
	let current: string[] | undefined;
	for (const line of stdout.split('\n')) {
		if (line.startsWith('# file: ')) {
			const path = line.slice('# file: '.length);
			const rel = path === root ? '' : path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
			current = [];
			out.set(rel, current);
		} else if (line && current) current.push(line);
	}
	for (const attrs of out.values()) attrs.sort();
	return out;
}

export function compareXattrs(a: Map<string, string[]>, b: Map<string, string[]>): Difference[] {
	const out: Difference[] = [];
	for (const rel of new Set([...a.keys(), ...b.keys()])) {
		const x = (a.get(rel) ?? []).join(' '),
			y = (b.get(rel) ?? []).join(' ');
		if (x !== y) out.push({ path: rel || '.', what: `extended attributes/ACLs differ: [${x}] != [${y}]` });
	}
	return out;
}

/** A few differences and how many there are, for a message. */
export function summarise(diffs: Difference[], max = 5): string {
	const shown = diffs
		.slice(0, max)
		.map((d) => `${d.path}: ${d.what}`)
		.join('; ');
	return diffs.length > max ? `${shown}; and ${diffs.length - max} more` : shown;
}
