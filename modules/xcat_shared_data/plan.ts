// Decides, per directory, what to do from what the host has and what was asked (pure).
import type { Desired } from './args';
import type { Current, DirCurrent, Local, Space } from './types';

export const PARTIAL = '.partial-xcat-ha';
export const ASIDE = '.xcat-ha-';
const MiB = 1024 * 1024;

export type Step =
	| { op: 'remove'; path: string }
	| { op: 'mkdir'; path: string; mode: number; uid: number; gid: number }
	| { op: 'copy'; from: string; to: string }
	| { op: 'verify'; from: string; to: string }
	| { op: 'rename'; from: string; to: string }
	| { op: 'aside'; from: string; to: string }
	| { op: 'link'; path: string; target: string }
	| { op: 'unlink'; path: string; target: string };

export type Action = 'none' | 'migrated' | 'linked' | 'unlinked' | 'cleaned';

export interface DirPlan {
	dir: string;
	shared: string;
	action: Action;
	steps: Step[];
	/** what the directory is before and after, for --diff */
	before: string;
	after: string;
	aside?: string;
	files: number;
	bytes: number;
	warnings: string[];
}

/** A directory that cannot move because processes of this host use it: the caller may stop them and try again. */
export interface InUse {
	path: string;
	holders: Array<{ pid: number; command: string }>;
}

export type Plan = { kind: 'refuse'; msg: string; inUse: InUse[] } | { kind: 'act'; dirs: DirPlan[] };

/** Whether the steps write on the shared storage (then runs of several hosts must not overlap); links and asides are local. */
export function writesShared(dirs: DirPlan[], root: string): boolean {
	const onShared = (p: string) => p.startsWith(`${root}/`);
	return dirs.some((x) => x.steps.some((s) => s.op === 'mkdir' || (s.op === 'copy' && onShared(s.to)) || (s.op === 'remove' && onShared(s.path))));
}

export function argvOf(step: Step): string[][] {
	switch (step.op) {
		case 'remove':
			return [['rm', '-rf', '--one-file-system', '--', step.path]];
		case 'mkdir':
			return [
				['mkdir', '-m', step.mode.toString(8).padStart(4, '0'), '--', step.path],
				['chown', `${step.uid}:${step.gid}`, '--', step.path],
			];
		// --sparse keeps holes (a VM image, a database file) instead of writing them out as zeros; it combines
		// with -aHAX, and rsync refuses it only with --inplace/--append before 3.1.3, which are not used here
		case 'copy':
			return [['rsync', '-aHAX', '--sparse', '--numeric-ids', '--delete', '--', `${step.from}/`, `${step.to}/`]];
		case 'verify':
			return [];
		case 'rename':
		case 'aside':
			return [['mv', '-T', '--', step.from, step.to]];
		case 'link':
			return [['ln', '-s', '-T', '--', step.target, step.path]];
		case 'unlink':
			return [['rm', '--', step.path]];
	}
}

/** `20261122T041914Z`: when a local copy was put aside. */
export const stamp = (now: Date) =>
	now
		.toISOString()
		.replace(/\.\d+Z$/, 'Z')
		.replace(/[-:]/g, '');

function asideName(c: DirCurrent, now: Date): string {
	const base = `${c.dir}${ASIDE}${stamp(now)}`;
	let name = base;
	for (let n = 2; c.asides.includes(name); n++) name = `${base}-${n}`;
	return name;
}

const describe = (l: Local): string => (l.kind === 'dir' ? 'directory' : l.kind === 'link' ? `link -> ${l.target}` : l.kind === 'missing' ? 'missing' : l.type);

const trimSlash = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);

function usersProblem(c: DirCurrent): string | undefined {
	if (c.postmaster) return `${c.dir} is in use: PostgreSQL (pid ${c.postmaster.pid}) is running on it (${c.postmaster.file}); stop the database first`;
	if (c.users.length === 0) return undefined;
	const shown = c.users
		.slice(0, 5)
		.map(
			(u) =>
				`${u.command} (pid ${u.pid}) ${u.how === 'cwd' ? 'works in' : u.how === 'root' ? 'is chrooted to' : u.how === 'open' ? 'has open' : 'has mapped'} ${u.path}`,
		);
	const more = c.users.length > 5 ? ` and ${c.users.length - 5} more` : '';
	return `${c.dir} is in use: ${shown.join(', ')}${more}; stop these processes first (the xCAT services and the database must be stopped to move their data)`;
}

/** the processes usersProblem names, as data (a running PostgreSQL found by its postmaster.pid is `PostgreSQL`) */
function inUseOf(c: DirCurrent): InUse | undefined {
	if (c.postmaster) return { path: c.dir, holders: [{ pid: c.postmaster.pid, command: 'PostgreSQL' }] };
	if (c.users.length === 0) return undefined;
	return { path: c.dir, holders: c.users.map((u) => ({ pid: u.pid, command: u.command })) };
}

function partialBusy(c: DirCurrent): string | undefined {
	const u = c.partialUsers[0];
	if (!u) return undefined;
	return `${u.path} is still used by ${u.command} (pid ${u.pid}), probably left running by an interrupted run: wait for it to end or stop it`;
}

interface Draft {
	plan: DirPlan;
	problems: string[];
	copies: boolean;
	writesShared: boolean;
	inUse?: InUse;
}

function planLinked(c: DirCurrent, now: Date): Draft {
	const P = `${c.shared}${PARTIAL}`,
		PL = `${c.dir}${PARTIAL}`;
	const problems: string[] = [];
	const steps: Step[] = [];
	const warnings: string[] = [];
	const after = { text: `link -> ${c.shared}`, aside: undefined as string | undefined };
	let action = 'none' as Action,
		copies = false,
		inUse: InUse | undefined;
	if (c.partialShared === 'other') problems.push(`${P} exists and is not a directory: it is not a leftover of this module; move it away`);
	if (c.partialLocal === 'other') problems.push(`${PL} exists and is not a directory: it is not a leftover of this module; move it away`);
	const busyPartial = partialBusy(c);
	if (busyPartial) problems.push(busyPartial);
	const cleanups = (): Step[] => [
		...(c.partialShared === 'dir' ? [{ op: 'remove' as const, path: P }] : []),
		...(c.partialLocal === 'dir' ? [{ op: 'remove' as const, path: PL }] : []),
	];
	const linkSteps = (): Step[] => [{ op: 'link', path: c.dir, target: c.shared }];
	const putAside = (): Step => {
		after.aside = asideName(c, now);
		return { op: 'aside', from: c.dir, to: after.aside };
	};

	const l = c.local;
	if (c.sharedKind === 'other') problems.push(`${c.shared} exists and is not a directory: cannot use it as the shared copy of ${c.dir}`);
	else if (l.kind === 'other') problems.push(`${c.dir} is a ${l.type}, not a directory or a link: refusing to touch it`);
	else if (l.kind === 'link') {
		if (trimSlash(l.target) !== c.shared)
			problems.push(`${c.dir} is a link to ${l.target}, not to ${c.shared}: refusing to replace it (remove or fix the link yourself)`);
		else if (c.sharedKind === 'missing')
			problems.push(
				`${c.dir} links to ${c.shared}, which does not exist: the shared copy is missing (is the shared storage mounted, and the right one?)`,
			);
		else {
			steps.push(...cleanups());
			action = steps.length ? 'cleaned' : 'none';
		}
	} else if (l.kind === 'dir') {
		if (l.mountPoint)
			problems.push(`${c.dir} is a mount point: it cannot be moved aside and replaced by a link; unmount it or leave it out of directories`);
		const busy = usersProblem(c);
		if (busy) {
			problems.push(busy);
			inUse = inUseOf(c);
		}
		if (c.sharedKind === 'dir') {
			const o = c.owners;
			if (o && o.local.uid !== o.shared.uid)
				problems.push(
					`${c.shared} belongs to uid ${o.shared.uid}${o.shared.name ? ` (${o.shared.name} here)` : ' (no user here)'}, but ${c.dir} here to uid ${o.local.uid}${o.local.name ? ` (${o.local.name})` : ''}: after a failover this host's services could not use the shared copy; give that user the same uid on every management node first`,
				);
			if (c.differences?.length)
				warnings.push(
					`${c.dir} differs from the shared copy ${c.shared} (${c.differences.slice(0, 3).join('; ')}${c.differences.length > 3 ? `; ${c.differences.length} differences in all` : ''}); the shared copy is used, the local one is kept aside`,
				);
			steps.push(...cleanups(), putAside(), ...linkSteps());
			action = 'linked';
		} else {
			if (c.nestedMounts.length)
				problems.push(`${c.dir} has mount points inside (${c.nestedMounts.join(', ')}): they would not be copied; unmount them first`);
			for (const p of c.sharedParents) steps.push({ op: 'mkdir', ...p });
			if (c.partialLocal === 'dir') steps.push({ op: 'remove', path: PL });
			// a leftover partial copy is reused: rsync only sends what is missing or different, and --delete drops the rest
			steps.push(
				{ op: 'copy', from: c.dir, to: P },
				{ op: 'verify', from: c.dir, to: P },
				{ op: 'rename', from: P, to: c.shared },
				putAside(),
				...linkSteps(),
			);
			action = 'migrated';
			copies = true;
		}
	} else if (c.sharedKind === 'dir') {
		if (!c.localParent) problems.push(`the parent directory of ${c.dir} does not exist: create it first`);
		steps.push(...cleanups(), ...linkSteps());
		action = 'linked';
	} else {
		problems.push(
			`neither ${c.dir} nor ${c.shared} exists: there is nothing to put on shared storage (install what uses it first, or leave it out of directories)`,
		);
	}
	const writesShared = steps.some((s) => s.op === 'mkdir' || s.op === 'copy' || (s.op === 'remove' && s.path === P));
	return {
		plan: {
			dir: c.dir,
			shared: c.shared,
			action,
			steps,
			before: describe(l),
			after: after.text,
			...(after.aside ? { aside: after.aside } : {}),
			files: copies ? (c.source?.files ?? 0) : 0,
			bytes: copies ? (c.source?.bytes ?? 0) : 0,
			warnings,
		},
		problems,
		copies,
		writesShared,
		...(inUse ? { inUse } : {}),
	};
}

function planUnlinked(c: DirCurrent): Draft {
	const PL = `${c.dir}${PARTIAL}`;
	const problems: string[] = [];
	const steps: Step[] = [];
	const warnings: string[] = [];
	let action = 'none' as Action,
		copies = false,
		inUse: InUse | undefined;
	if (c.partialLocal === 'other') problems.push(`${PL} exists and is not a directory: it is not a leftover of this module; move it away`);
	const busyPartial = partialBusy(c);
	if (busyPartial) problems.push(busyPartial);
	const l = c.local;
	const restore = (): void => {
		if (c.sharedKind !== 'dir') {
			problems.push(
				`${c.shared} ${c.sharedKind === 'missing' ? 'does not exist' : 'is not a directory'}: there is no shared copy to restore ${c.dir} from`,
			);
			return;
		}
		if (c.nestedMounts.length)
			problems.push(`${c.shared} has mount points inside (${c.nestedMounts.join(', ')}): they would not be copied; unmount them first`);
		const busy = usersProblem(c);
		if (busy) {
			problems.push(busy);
			inUse = inUseOf(c);
		}
		steps.push({ op: 'copy', from: c.shared, to: PL }, { op: 'verify', from: c.shared, to: PL });
		if (l.kind === 'link') steps.push({ op: 'unlink', path: c.dir, target: c.shared });
		steps.push({ op: 'rename', from: PL, to: c.dir });
		action = 'unlinked';
		copies = true;
	};
	if (l.kind === 'other') problems.push(`${c.dir} is a ${l.type}, not a directory or a link: refusing to touch it`);
	else if (l.kind === 'dir') {
		if (c.partialLocal === 'dir') {
			steps.push({ op: 'remove', path: PL });
			action = 'cleaned';
		}
	} else if (l.kind === 'link') {
		if (trimSlash(l.target) !== c.shared)
			problems.push(`${c.dir} is a link to ${l.target}, not to ${c.shared}: refusing to replace it (remove or fix the link yourself)`);
		else restore();
	} else if (c.sharedKind === 'dir') {
		if (!c.localParent) problems.push(`the parent directory of ${c.dir} does not exist: create it first`);
		else restore();
	} else {
		warnings.push(`neither ${c.dir} nor ${c.shared} exists: nothing to restore`);
	}
	return {
		plan: {
			dir: c.dir,
			shared: c.shared,
			action,
			steps,
			before: describe(l),
			after: action === 'unlinked' ? 'directory' : describe(l),
			files: copies ? (c.source?.files ?? 0) : 0,
			bytes: copies ? (c.source?.bytes ?? 0) : 0,
			warnings,
		},
		problems,
		copies,
		writesShared: false,
		...(inUse ? { inUse } : {}),
	};
}

const human = (n: number) => (n >= 1024 * MiB ? `${(n / 1024 / MiB).toFixed(1)} GiB` : `${(n / MiB).toFixed(1)} MiB`);

/** Copies must fit, all of them together, per file system, with a margin: 5% or 64 MiB, whichever is more. */
function spaceProblems(drafts: Draft[], current: Current): string[] {
	const byFs = new Map<string, { space: Space; dirs: string[]; needed: number; inodes: number; reclaimed: number }>();
	for (const d of drafts) {
		if (!d.copies) continue;
		const c = current.dirs.find((x) => x.dir === d.plan.dir)!;
		if (!c.space || !c.source) continue;
		const fs = byFs.get(c.space.dev) ?? { space: c.space, dirs: [], needed: 0, inodes: 0, reclaimed: 0 };
		fs.dirs.push(d.plan.dir);
		fs.needed += c.source.needed;
		fs.inodes += c.source.files + c.source.dirs + 1;
		fs.reclaimed += c.partialBytes;
		byFs.set(c.space.dev, fs);
	}
	const out: string[] = [];
	for (const fs of byFs.values()) {
		const margin = Math.max(Math.ceil(fs.needed * 0.05), 64 * MiB);
		const free = fs.space.free + fs.reclaimed;
		if (fs.needed + margin > free) {
			out.push(
				`not enough free space on ${fs.space.mount} for ${fs.dirs.join(', ')}: the copy needs ${human(fs.needed)} plus a margin of ${human(margin)}, and ${human(free)} is free${fs.reclaimed ? ' (counting what the leftover partial copies hold)' : ''}`,
			);
		}
		const inodes = fs.inodes + Math.max(Math.ceil(fs.inodes * 0.05), 1000);
		if (fs.space.freeInodes !== null && inodes > fs.space.freeInodes) {
			out.push(
				`not enough free inodes on ${fs.space.mount} for ${fs.dirs.join(', ')}: the copy needs ${fs.inodes} plus a margin, and ${fs.space.freeInodes} are free`,
			);
		}
	}
	return out;
}

export function plan(current: Current, d: Desired, now: Date): Plan {
	const drafts = current.dirs.map((c) => (d.state === 'linked' ? planLinked(c, now) : planUnlinked(c)));
	// a parent of two shared copies (e.g. /HA/var for /var/lib/pgsql and /var/lib/mysql) is made once, by the first
	const made = new Set<string>();
	for (const x of drafts) {
		x.plan.steps = x.plan.steps.filter((s) => s.op !== 'mkdir' || (!made.has(s.path) && Boolean(made.add(s.path))));
	}
	const problems: string[] = [];
	const r = current.root;
	const needsRoot = d.state === 'linked' || drafts.some((x) => x.copies);
	if (needsRoot) {
		if (r.kind === 'missing') return refuse([`path ${d.root} does not exist: mount the shared storage there first`]);
		if (r.kind === 'other') return refuse([`path ${d.root} is not a directory`]);
		if (d.requireMount && !r.mountPoint)
			return refuse([
				`path ${d.root} is not a mount point: the shared storage is not mounted there (mount it, or set require_mount: false if ${d.root} is on the root file system on purpose)`,
			]);
		if (drafts.some((x) => x.writesShared) && !r.writable)
			problems.push(`path ${d.root} is not writable${r.whyNotWritable ? ` (${r.whyNotWritable})` : ''}: the shared copies cannot be made`);
	}
	for (const x of drafts) problems.push(...x.problems);
	if (drafts.some((x) => x.copies) && !current.rsync)
		problems.push('rsync is not installed on this host: it copies the directories (install the rsync package)');
	problems.push(...spaceProblems(drafts, current));
	if (problems.length)
		return refuse(
			problems,
			drafts.flatMap((x) => (x.inUse ? [x.inUse] : [])),
		);
	return { kind: 'act', dirs: drafts.map((x) => x.plan) };
}

function refuse(problems: string[], inUse: InUse[] = []): Plan {
	return { kind: 'refuse', msg: `nothing was changed: ${problems.join('; ')}`, inUse };
}
