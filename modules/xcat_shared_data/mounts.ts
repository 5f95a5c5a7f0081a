// Mount points of this host, from /proc/self/mountinfo (pure parser plus lookups).

export interface Mount {
	point: string;
	readOnly: boolean;
	fsType: string;
	source: string;
}

const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));

/** Fields: id parent major:minor root point options [optional…] - fstype source superoptions */
export function parseMountinfo(text: string): Mount[] {
	const out: Mount[] = [];
	for (const line of text.split('\n')) {
		const f = line.split(' ');
		const dash = f.indexOf('-');
		if (f.length < 10 || dash < 6) continue;
		out.push({ point: unescape(f[4]!), readOnly: f[5]!.split(',').includes('ro'), fsType: f[dash + 1]!, source: unescape(f[dash + 2]!) });
	}
	return out;
}

/** The mount that holds PATH (an absolute path without links): the longest mount point that is a prefix; later mounts hide earlier ones. */
export function mountOf(mounts: Mount[], path: string): Mount | undefined {
	let best: Mount | undefined;
	for (const m of mounts) {
		const prefix = m.point === '/' || path === m.point || path.startsWith(`${m.point}/`);
		if (prefix && (!best || m.point.length >= best.point.length)) best = m;
	}
	return best;
}

export const isMountPoint = (mounts: Mount[], path: string) => mounts.some((m) => m.point === path);

export const mountsBelow = (mounts: Mount[], path: string) => [...new Set(mounts.filter((m) => m.point.startsWith(`${path}/`)).map((m) => m.point))];
