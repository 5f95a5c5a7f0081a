// What a path names, asked before a module opens it: a FIFO blocks a read forever, a directory or a
// symbolic link loop makes an errno message that does not say which option was wrong.
import { lstatSync, statSync, type Stats } from 'node:fs';
import { ModuleError } from './errors';
import { cut } from './show';

export type PathKind =
	| 'absent'
	| 'file'
	| 'directory'
	| 'symlink'
	| 'fifo'
	| 'socket'
	| 'character device'
	| 'block device'
	/** the path cannot be followed: a component is not a directory, a link loop, too long, no permission */
	| 'unreachable';

export interface PathInfo {
	kind: PathKind /** the errno code when unreachable */;
	code?: string;
}

const WHY: Record<string, string> = {
	ENOTDIR: 'one of its parent components is not a directory',
	ELOOP: 'it has too many levels of symbolic links (a loop?)',
	ENAMETOOLONG: 'it is too long for the file system',
	EACCES: 'a parent directory cannot be searched (permission denied)',
};

function kindOf(s: Stats): PathKind {
	if (s.isFile()) return 'file';
	if (s.isDirectory()) return 'directory';
	if (s.isSymbolicLink()) return 'symlink';
	if (s.isFIFO()) return 'fifo';
	if (s.isSocket()) return 'socket';
	if (s.isCharacterDevice()) return 'character device';
	return 'block device';
}

/** The kind of PATH; symbolic links are followed unless `follow` is false. Never opens it. */
export function pathKind(path: string, follow = true): PathInfo {
	try {
		return { kind: kindOf(follow ? statSync(path) : lstatSync(path)) };
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
		if (code === 'ENOENT') return { kind: 'absent' };
		return { kind: 'unreachable', code };
	}
}

const NAMES: Record<PathKind, string> = {
	absent: 'absent',
	file: 'a regular file',
	directory: 'a directory',
	symlink: 'a symbolic link',
	fifo: 'a FIFO (named pipe)',
	socket: 'a socket',
	'character device': 'a character device',
	'block device': 'a block device',
	unreachable: 'unreachable',
};

/** Why PATH (the value of OPTION) is not one of the ALLOWED kinds, or undefined when it is. */
export function pathKindProblem(option: string, path: string, allowed: readonly PathKind[], follow = true): string | undefined {
	const info = pathKind(path, follow);
	if (allowed.includes(info.kind)) return undefined;
	const is = info.kind === 'unreachable' ? `cannot be used: ${WHY[info.code ?? ''] ?? `${info.code}`}` : `is ${NAMES[info.kind]}`;
	const may = allowed.map((k) => (k === 'absent' ? 'a path that does not exist yet' : NAMES[k])).join(' or ');
	return `${option} must name ${may}; ${cut(path)} ${is}`;
}

/** Refuses (ModuleError naming OPTION) unless PATH is a regular file or does not exist yet. */
export function requireRegularOrAbsent(option: string, path: string): void {
	const problem = pathKindProblem(option, path, ['file', 'absent']);
	if (problem) throw new ModuleError(problem, { [option]: cut(path) });
}
