// What the user asked for, checked and normalised (pure).
import type { ArgsOf } from '../runtime';
import type { options } from './options';
import { quoteValue } from '../runtime/show';

export type Args = ArgsOf<typeof options>;

export interface Desired {
	/** the shared root, without a trailing slash */
	root: string;
	/** each directory and where its shared copy lives (`<root><dir>`) */
	dirs: Array<{ dir: string; shared: string }>;
	state: 'linked' | 'unlinked';
	requireMount: boolean;
}

const BASE = ['/install', '/etc/xcat', '/root/.xcat'];
export const DEFAULT_DIRECTORIES: Record<Args['db_type'], string[]> = {
	postgresql: [...BASE, '/var/lib/pgsql', '/tftpboot'],
	mysql: [...BASE, '/var/lib/mysql', '/tftpboot'],
	sqlite: [...BASE, '/tftpboot'],
};

/** Directories whose replacement by a link would break the host: never accepted. */
const SYSTEM = new Set([
	'/',
	'/bin',
	'/boot',
	'/dev',
	'/etc',
	'/home',
	'/lib',
	'/lib64',
	'/opt',
	'/proc',
	'/root',
	'/run',
	'/sbin',
	'/srv',
	'/sys',
	'/tmp',
	'/usr',
	'/usr/local',
	'/var',
	'/var/lib',
	'/var/log',
	'/var/tmp',
]);

const trim = (p: string) => (p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p);
const hasDots = (p: string) => p.split('/').some((c) => c === '.' || c === '..');
const inside = (child: string, parent: string) => child === parent || child.startsWith(`${parent}/`);

export function checkArgs(a: Args): string[] {
	const errors: string[] = [];
	if (hasDots(a.path)) errors.push(`value of path must not contain '.' or '..' components, got: ${quoteValue(a.path)}`);
	const root = trim(a.path);
	const dirs = (a.directories ?? DEFAULT_DIRECTORIES[a.db_type]).map(trim);
	for (const d of dirs) {
		if (hasDots(d)) errors.push(`value of directories must not contain '.' or '..' components, got: ${quoteValue(d)}`);
		else if (SYSTEM.has(d)) errors.push(`value of directories must not name the system directory ${d}: give xCAT's own directories (e.g. /etc/xcat)`);
		else if (inside(d, root)) errors.push(`value of directories must not be inside path ${root}, got: ${d}`);
		else if (inside(root, d)) errors.push(`value of path (${root}) must not be inside one of the directories, got: ${d}`);
	}
	const seen = new Set<string>();
	for (const d of dirs) {
		if (seen.has(d)) errors.push(`value of directories names ${d} twice`);
		seen.add(d);
		const outer = dirs.find((o) => o !== d && inside(d, o));
		if (outer) errors.push(`value of directories must not nest: ${d} is inside ${outer}`);
	}
	return errors;
}

export function toDesired(a: Args): Desired {
	const root = trim(a.path);
	const dirs = (a.directories ?? DEFAULT_DIRECTORIES[a.db_type]).map(trim);
	return { root, dirs: dirs.map((dir) => ({ dir, shared: `${root}${dir}` })), state: a.state, requireMount: a.require_mount };
}
