// Name resolution as the double needs it: /etc/hosts first (the lab names hosts there), then getent.
import { readFileSync } from 'node:fs';
import { hostPath } from './env.js';
import { run } from './sys.js';

export interface HostsEntry {
	ip: string;
	names: string[];
}

export function readEtcHosts(path = '/etc/hosts'): HostsEntry[] {
	let text = '';
	try {
		text = readFileSync(hostPath(path), 'utf8');
	} catch {
		return [];
	}
	const out: HostsEntry[] = [];
	for (const raw of text.split('\n')) {
		const line = raw.replace(/#.*/, '').trim();
		if (!line) continue;
		const [ip, ...names] = line.split(/\s+/);
		if (ip && names.length) out.push({ ip, names });
	}
	return out;
}

export function resolveIPv4(name: string): string | undefined {
	if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return name;
	for (const e of readEtcHosts()) if (/^\d+\.\d+\.\d+\.\d+$/.test(e.ip) && e.names.includes(name)) return e.ip;
	if (process.env.XCAT_DOUBLE_ROOT) return undefined;
	const r = run('getent', ['ahostsv4', name]);
	return r.status === 0 ? r.stdout.split(/\s+/)[0] : undefined;
}
