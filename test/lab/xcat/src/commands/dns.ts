// makehosts and makedns (-n). makedns writes a real BIND configuration from /etc/hosts and
// site.domain for the hosts inside the cluster's networks, then restarts named.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostPath } from '../env.js';
import { getopt, flag } from '../getopt.js';
import { readEtcHosts } from '../hosts.js';
import { inNetwork, prefixOf } from '../netinfo.js';
import { rowEnabled, TABLES } from '../schema.js';
import { systemctl } from '../sys.js';
import { load, type Ctx } from './common.js';
import { splitNoderangeArgs } from './noderangeargs.js';

export function makehosts(ctx: Ctx): void {
	const { range } = splitNoderangeArgs(ctx.args);
	const snap = load(ctx, ['hosts', 'site']);
	if (!snap) return;
	const domain = siteValue(snap.rows('site'), 'domain');
	let nodes = snap.nodes();
	if (range) {
		const exp = snap.expand(range);
		if (exp.missing.length) {
			ctx.out.invalidNoderange(exp.missing);
			return;
		}
		nodes = exp.nodes;
	}
	const path = hostPath('/etc/hosts');
	const before = readFileSync(path, 'utf8');
	let lines = before.split('\n');
	if (lines[lines.length - 1] === '') lines.pop();
	for (const node of nodes) {
		const ip = snap.nodeValue('hosts', 'ip', node);
		if (!ip) continue;
		const extra = snap.nodeValue('hosts', 'hostnames', node)?.split(/[ ,]+/).filter(Boolean) ?? [];
		const entry = [ip, node, ...(domain ? [`${node}.${domain}`] : []), ...extra].join(' ');
		const i = lines.findIndex((l) => l.replace(/#.*/, '').trim().split(/\s+/).slice(1).includes(node));
		if (i >= 0) lines[i] = entry;
		else lines = [...lines, entry];
	}
	const after = `${lines.join('\n')}\n`;
	if (after !== before) writeFileSync(path, after);
}

export function siteValue(rows: (string | null)[][], key: string): string | undefined {
	const spec = TABLES.site!;
	const r = rows.find((x) => x[0] === key && rowEnabled(spec, x));
	return r?.[1] ?? undefined;
}

export function makedns(ctx: Ctx): void {
	const { out } = ctx;
	const p = getopt(ctx.args, [
		{ names: ['n'], key: 'n' },
		{ names: ['V'], key: 'V' },
		{ names: ['e'], key: 'e' },
		{ names: ['d'], key: 'd' },
		{ names: ['h', 'help'], key: 'h' },
	]);
	if (p.bad || flag(p, 'h')) {
		out.data(
			'Usage: makedns [-h|--help ] [-V|--verbose] [-e|--external] [-n|--new ] [noderange]',
			'makedns [-h|--help ] [-V|--verbose] [-e|--external] [-d|--delete noderange]',
		);
		if (p.bad) out.code(1);
		return;
	}
	const snap = load(ctx, ['site', 'networks']);
	if (!snap) return;
	const site = snap.rows('site');
	const domain = siteValue(site, 'domain');
	if (!domain) {
		out.error('domain not defined in site table');
		return;
	}
	const nameservers = siteValue(site, 'nameservers');
	if (!nameservers) {
		out.error('nameservers not defined in site table');
		return;
	}
	const forwarders = (siteValue(site, 'forwarders') ?? '').split(',').filter(Boolean);
	const master = siteValue(site, 'master') ?? '';
	const nspec = TABLES.networks!;
	const nets = snap
		.rows('networks')
		.filter((r) => rowEnabled(nspec, r) && r[1] && r[2] && !r[1].includes(':'))
		.map((r) => ({ net: r[1]!, mask: r[2]! }));
	const records: { name: string; ip: string }[] = [];
	for (const e of readEtcHosts()) {
		const name = e.names.map((n) => (n.endsWith(`.${domain}`) ? n.slice(0, -domain.length - 1) : n)).find((n) => !n.includes('.')) ?? e.names[0]!;
		// real makedns names every line of /etc/hosts (localhost too; in Perl hash order, here in file order)
		out.data(`Handling ${name} in /etc/hosts.`);
		if (!/^\d+\.\d+\.\d+\.\d+$/.test(e.ip)) continue;
		if (!nets.some((n) => inNetwork(e.ip, n.net, n.mask))) continue;
		if (!records.some((r) => r.name === name)) records.push({ name, ip: e.ip });
	}
	out.data('Getting reverse zones, this may take several minutes for a large cluster.', 'Completed getting reverse zones.', 'Updating zones.');
	const serial = String(Math.floor(Date.now() / 1000));
	const nsName = records.find((r) => r.ip === master)?.name ?? 'ns';
	const zoneDir = hostPath('/var/lib/bind');
	mkdirSync(zoneDir, { recursive: true });
	const soa = (origin: string) =>
		`$TTL 86400\n@ IN SOA ${nsName}.${domain}. root.${domain}. ( ${serial} 10800 3600 604800 86400 )\n@ IN NS ${nsName}.${domain}.\n`;
	const fwd = soa(domain) + records.map((r) => `${r.name} IN A ${r.ip}\n`).join('');
	writeFileSync(`${zoneDir}/db.${domain}`, fwd);
	const zones = [`zone "${domain}" in {\n\ttype master;\n\tallow-update { key xcat_key; };\n\tfile "/var/lib/bind/db.${domain}";\n};`];
	for (const n of nets) {
		const octets = n.net.split('.').slice(0, Math.max(1, Math.floor(prefixOf(n.mask) / 8)));
		const rev = `${[...octets].reverse().join('.')}.IN-ADDR.ARPA`;
		const ptrs = records
			.filter((r) => inNetwork(r.ip, n.net, n.mask))
			.map((r) => `${r.ip.split('.').slice(octets.length).reverse().join('.')} IN PTR ${r.name}.${domain}.\n`);
		writeFileSync(`${zoneDir}/db.${rev}`, soa(rev) + ptrs.join(''));
		zones.push(`zone "${rev}" in {\n\ttype master;\n\tallow-update { key xcat_key; };\n\tfile "/var/lib/bind/db.${rev}";\n};`);
	}
	out.data('Completed updating zones.');
	const conf = [
		'# generated by xCAT makedns -n (lab double)',
		'options {',
		'\tdirectory "/var/cache/bind";',
		'\tallow-recursion { any; };',
		'\tlisten-on { any; };',
		'\tlisten-on-v6 { none; };',
		'\tdnssec-validation no;',
		forwarders.length ? `\tforwarders { ${forwarders.map((f) => `${f};`).join(' ')} };` : '',
		'};',
		'key xcat_key {',
		'\talgorithm hmac-sha256;',
		`\tsecret "${Buffer.from(`xcat-lab-${domain}`).toString('base64')}";`,
		'};',
		...zones,
		'',
	]
		.filter((l) => l !== '')
		.join('\n');
	writeFileSync(hostPath('/etc/bind/named.conf'), `${conf}\n`);
	// Debian's unit is bind9: the first line names it, the second says named (observed)
	out.data('Restarting bind9');
	out.flush();
	const r = systemctl('restart', 'named');
	if (r.status !== 0) {
		out.error(`failed to restart named: ${(r.stderr || r.stdout).trim()}`);
		return;
	}
	out.data(
		'Restarting named complete',
		'Updating DNS records, this may take several minutes for a large cluster.',
		'Completed updating DNS records.',
		'DNS setup is completed',
	);
}
