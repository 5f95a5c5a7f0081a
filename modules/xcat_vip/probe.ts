// Reads the host: its addresses, hostnames, and (when asked) who answers ARP for the address.
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { ModuleError, showCommand, type Ctx } from '../runtime';
import type { Args, Desired } from './desired';
import { parseArpingReply, parseIpAddr } from './parse';
import type { Current } from './plan';

type Read = Ctx<Args>['read'];

export async function probe(read: Read, d: Desired): Promise<Current> {
	const argv = ['ip', '-j', 'addr', 'show'];
	const r = await read(argv);
	if (r.rc !== 0) throw new ModuleError(`${showCommand(argv)} failed (rc ${r.rc}): ${r.stderr.trim()}`);
	const current: Current = { interfaces: parseIpAddr(r.stdout) };
	if (d.hostname !== undefined) {
		const statics = await readFile('/etc/hostname', 'utf8').catch(() => '');
		const first = statics.split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('#'));
		current.hostname = { transient: hostname(), ...(first ? { static: first } : {}) };
	}
	const flag = await readFile(`/proc/sys/net/ipv4/conf/${d.interface}/promote_secondaries`, 'utf8').catch(() => '0');
	current.promoteSecondaries = flag.trim() === '1';
	return current;
}

/** Duplicate address detection: one probe, waiting arpWaitMs. An address in use answers within milliseconds.
 *  arping only waits whole seconds, so a shorter wait ends it with timeout(1): exit 124 means no answer came. */
export async function probeHolder(read: Read, d: Desired): Promise<string | null> {
	const arping = ['arping', '-D', '-c', '1', '-w', String(Math.ceil(d.arpWaitMs / 1000)), '-I', d.interface, d.address];
	const argv = d.arpWaitMs % 1000 === 0 ? arping : ['timeout', (d.arpWaitMs / 1000).toFixed(3), ...arping];
	const r = await read(argv);
	if (r.rc === 0 || (r.rc === 124 && argv[0] === 'timeout')) return null;
	const mac = parseArpingReply(r.stdout);
	if (r.rc === 1 && mac) return mac;
	throw new ModuleError(`${showCommand(argv)} failed (rc ${r.rc}): ${(r.stderr || r.stdout).trim()}`);
}
