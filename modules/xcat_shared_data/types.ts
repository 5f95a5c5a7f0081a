// What the probe reads and the plan decides from.
import type { User } from './procs';

export type Local = { kind: 'missing' } | { kind: 'dir'; mountPoint: boolean } | { kind: 'link'; target: string } | { kind: 'other'; type: string };

export type Kind = 'missing' | 'dir' | 'other';

/** A file system a copy writes to. */
export interface Space {
	dev: string;
	mount: string;
	free: number;
	freeInodes: number | null;
}

/** The tree a copy would read, measured. */
export interface Source {
	files: number;
	dirs: number;
	bytes: number;
	needed: number;
}

export interface DirCurrent {
	dir: string;
	shared: string;
	local: Local;
	/** the shared copy; 'other' is anything but a real directory */
	sharedKind: Kind;
	localParent: boolean;
	/** this module's own leftovers: the partial copy next to the shared copy, and the one next to the local directory */
	partialShared: Kind;
	partialLocal: Kind;
	/** bytes the leftover partial copies hold; a new copy replaces them */
	partialBytes: number;
	/** missing ancestors of the shared copy under the root, outermost first, with mode and owner of their local counterparts */
	sharedParents: Array<{ path: string; mode: number; uid: number; gid: number }>;
	/** names next to the directory already taken by earlier local copies kept aside (`<dir>.xcat-ha-*`) */
	asides: string[];
	/** processes of this host using the directory (or, when it is a link, what it points to) */
	users: User[];
	/** processes of this host still working in a partial copy (an rsync that outlived a killed run) */
	partialUsers: User[];
	postmaster?: { pid: number; file: string };
	/** mount points below the tree a copy would read */
	nestedMounts: string[];
	/** measured when a copy is needed: the local directory (linked) or the shared copy (unlinked) */
	source?: Source;
	/** where that copy would be written */
	space?: Space;
	/** linked, both copies present: how the local one differs from the shared one (type, size, link target); empty when alike */
	differences?: string[];
	/** linked, both copies present: who owns each top directory, with the name this host gives the uid */
	owners?: { local: Owner; shared: Owner };
}

export interface Owner {
	uid: number;
	name?: string;
}

export interface Current {
	root: { kind: Kind; mountPoint: boolean; writable: boolean; whyNotWritable?: string };
	rsync: boolean;
	dirs: DirCurrent[];
}
