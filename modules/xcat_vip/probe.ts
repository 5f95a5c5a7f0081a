// Reads the host: its addresses, hostnames, and (when asked) who answers ARP for the address.
import { readFile, readlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { commandFailed, readOk, type Read } from '../runtime';
import type { Desired } from './desired';
import { parseArpingReply, parseCmdline, parseIpAddr } from './parse';
import { announcerPidFile, type Current } from './plan';

export async function probe(read: Read, d: Desired): Promise<Current> {
	const r = await readOk(read, ['ip', '-j', 'addr', 'show']);
	const current: Current = { interfaces: parseIpAddr(r.stdout) };
	if (d.hostname !== undefined) {
		const statics = await readFile('/etc/hostname', 'utf8').catch(() => '');
		const first = statics
			.split('\n')
			.map((l) => l.trim())
			.find((l) => l && !l.startsWith('#'));
		current.hostname = { transient: hostname(), ...(first ? { static: first } : {}) };
	}
	const flag = await readFile(`/proc/sys/net/ipv4/conf/${d.interface}/promote_secondaries`, 'utf8').catch(() => '0');
	current.promoteSecondaries = flag.trim() === '1';
	current.netns = await netnsOf('self');
	if (d.state === 'absent') {
		const announcer = await readAnnouncer(announcerPidFile(d.address, current.netns));
		if (announcer) current.announcer = announcer;
	}
	return current;
}

const netnsOf = async (pid: string): Promise<string> => (await readlink(`/proc/${pid}/ns/net`).catch(() => '')).replace(/^net:\[(\d+)\]$/, '$1');

/** The process a pid file names, with its arguments and namespace, while it runs (the plan judges whether it is ours). */
async function readAnnouncer(pidFile: string): Promise<Current['announcer']> {
	const pid = Number.parseInt(await readFile(pidFile, 'utf8').catch(() => ''), 10);
	if (!Number.isInteger(pid) || pid <= 1) return undefined;
	const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
	if (!cmdline) return undefined;
	return { pid, argv: parseCmdline(cmdline), netns: await netnsOf(String(pid)) };
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
	throw commandFailed(r);
}
