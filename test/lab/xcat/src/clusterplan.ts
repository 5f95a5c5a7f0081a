// The lab cluster's data, as rows: two service nodes and compute nodes cn1…cnN whose service
// nodes alternate sn1,sn2 / sn2,sn1, with the per-node server attributes naming their first SN
// and the common ones on the `compute` group (so inheritance is exercised).
import type { Values } from './db/sql.js';

export interface ClusterSpec {
	computes: number;
	/** service node name -> address */
	sns: [string, string][];
	/** compute node name -> address, when known (the lab's real hosts; cnK -> .30+K below 100) */
	addressOf: (node: string, k: number) => string | undefined;
	domain: string;
}

export const OSIMAGE = 'rhels9.4-x86_64-netboot-compute';

export function computeName(k: number): string {
	return `cn${k}`;
}

/** MAC addresses from the node number, locally administered (02:…). */
export function macOf(k: number): string {
	const hex = (n: number) => n.toString(16).padStart(2, '0');
	return `02:00:0a:${hex((k >> 16) & 255)}:${hex((k >> 8) & 255)}:${hex(k & 255)}`;
}

export function clusterRows(spec: ClusterSpec): Map<string, Values[]> {
	const t = new Map<string, Values[]>();
	const add = (table: string, row: Values) => {
		const l = t.get(table) ?? [];
		l.push(row);
		t.set(table, l);
	};
	const [a, b] = spec.sns;
	if (!a || !b) throw new Error('two service nodes are needed');
	for (const [sn, ip] of spec.sns) {
		add('nodelist', { node: sn, groups: 'service,all' });
		add('servicenode', { node: sn, tftpserver: '1', nfsserver: '1', conserver: '1' });
		add('hosts', { node: sn, ip });
	}
	add('nodetype', { node: 'compute', os: 'rhels9.4', arch: 'x86_64', profile: 'compute', provmethod: OSIMAGE });
	add('noderes', { node: 'compute', netboot: 'xnba' });
	add('nodehm', { node: 'compute', mgt: 'ipmi', cons: 'ipmi' });
	add('postscripts', { node: 'compute', postscripts: 'syslog,setupntp' });
	for (let k = 1; k <= spec.computes; k++) {
		const node = computeName(k);
		const [first, second] = k % 2 === 1 ? [a[0], b[0]] : [b[0], a[0]];
		add('nodelist', { node, groups: 'compute,all' });
		add('noderes', { node, servicenode: `${first},${second}`, xcatmaster: first, tftpserver: first, nfsserver: first, monserver: `${first},${first}` });
		add('nodehm', { node, conserver: first });
		add('mac', { node, interface: 'eth0', mac: macOf(k) });
		const ip = spec.addressOf(node, k);
		if (ip) add('hosts', { node, ip });
	}
	add('site', { key: 'domain', value: spec.domain });
	return t;
}

/** Keeps only the rows whose columns differ from what the table holds (idempotent writes). */
export function changedRows(wanted: Values[], current: Map<string, Values>, key: (r: Values) => string): Values[] {
	return wanted.filter((r) => {
		const have = current.get(key(r));
		return !have || Object.entries(r).some(([c, v]) => (have[c] ?? null) !== v);
	});
}
