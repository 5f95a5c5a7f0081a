// Which processes of this host use a path: working directory, root, open files or mapped files
// under it (what `fuser -m`/`lsof +D` would say, read from /proc without either tool).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface User {
	pid: number;
	command: string;
	path: string;
	how: 'cwd' | 'root' | 'open' | 'mapped';
}

const under = (path: string, prefixes: readonly string[]) => prefixes.find((p) => path === p || path.startsWith(`${p}/`));
const clean = (p: string) => p.replace(/ \(deleted\)$/, '');
const tryRead = <T>(f: () => T): T | undefined => {
	try {
		return f();
	} catch {
		return undefined;
	}
};

/** Users of any of the prefixes, keyed by prefix; this process and its ancestors' cwd are not counted. */
export function findUsers(prefixes: readonly string[]): Map<string, User[]> {
	const out = new Map<string, User[]>(prefixes.map((p) => [p, []]));
	if (prefixes.length === 0) return out;
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		const pid = Number(name);
		if (pid === process.pid) continue;
		const command = tryRead(() => readFileSync(`/proc/${pid}/comm`, 'utf8').trim()) ?? '?';
		const seen = new Set<string>();
		const note = (path: string | undefined, how: User['how']) => {
			if (path === undefined) return;
			const p = clean(path);
			const prefix = under(p, prefixes);
			if (!prefix || seen.has(`${prefix}\0${how}`)) return;
			seen.add(`${prefix}\0${how}`);
			out.get(prefix)!.push({ pid, command, path: p, how });
		};
		note(
			tryRead(() => readlinkSync(`/proc/${pid}/cwd`)),
			'cwd',
		);
		const root = tryRead(() => readlinkSync(`/proc/${pid}/root`));
		if (root !== '/') note(root, 'root');
		for (const fd of tryRead(() => readdirSync(`/proc/${pid}/fd`)) ?? [])
			note(
				tryRead(() => readlinkSync(`/proc/${pid}/fd/${fd}`)),
				'open',
			);
		const maps = tryRead(() => readFileSync(`/proc/${pid}/maps`, 'utf8')) ?? '';
		for (const line of maps.split('\n')) {
			const i = line.indexOf('/');
			if (i > 0) note(line.slice(i), 'mapped');
		}
	}
	return out;
}

/** A running PostgreSQL whose data directory is under DIR: postmaster.pid (up to three levels down) naming a live postgres. */
export function findPostmaster(dir: string): { pid: number; file: string } | undefined {
	const children = (d: string) => (tryRead(() => readdirSync(d, { withFileTypes: true })) ?? []).filter((e) => e.isDirectory()).map((e) => `${d}/${e.name}`);
	const candidates = [dir];
	let level = [dir];
	for (let depth = 0; depth < 2; depth++) {
		level = level.flatMap(children).slice(0, 500);
		candidates.push(...level);
	}
	for (const d of candidates) {
		const text = tryRead(() => readFileSync(`${d}/postmaster.pid`, 'utf8'));
		const pid = Number(text?.split('\n')[0]);
		if (!text || !Number.isInteger(pid) || pid <= 0) continue;
		const command = tryRead(() => readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
		if (command && /postgres|postmaster/.test(command)) return { pid, file: `${d}/postmaster.pid` };
	}
	return undefined;
}
