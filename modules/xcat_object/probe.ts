// Reads the objects with lsdef: the asked attributes (-i … -c), or every attribute of objects to remove.
import { ModuleError, type Read } from '../runtime';
import { readLsdef, type Current } from './current';
import type { Desired } from './desired';

/** nodes with -S: lsdef leaves hidden nodes out otherwise, while chdef changes them like any other */
export function lsdefArgv(d: Desired): string[] {
	const base = ['lsdef', '-t', d.type, '-o', d.name, ...(d.type === 'node' ? ['-S'] : [])];
	if (d.state === 'absent') return [...base, '-l'];
	if (d.attributes.length === 0) return [...base, '-s'];
	return [...base, '-i', d.attributes.map(([a]) => a).join(','), '-c'];
}

export async function probe(read: Read, d: Desired): Promise<Current> {
	const r = await read(lsdefArgv(d));
	const requested = d.state === 'present' ? d.attributes.map(([a]) => a) : [];
	const reading = readLsdef(d.type, requested, r, plainNames(d.name));
	if (!reading.ok) throw new ModuleError(reading.msg, { rc: r.rc, stdout: r.stdout, stderr: r.stderr });
	return reading.current;
}

/** the names of a plain comma list; undefined for a noderange only xCAT can expand */
export function plainNames(name: string): string[] | undefined {
	return /^[A-Za-z0-9_.]+(,[A-Za-z0-9_.]+)*$/.test(name) ? name.split(',') : undefined;
}
