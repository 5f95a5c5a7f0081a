// makedhcp -n | -a | -a -d | -q <noderange> | -d <noderange> | <noderange> for isc-dhcp-server.
// -n writes /etc/dhcp/dhcpd.conf with a subnet for each network reachable through an interface
// xCAT recognises (eth*, en*, ib*, bond*, or named in site.dhcpinterfaces) and restarts the
// daemon; host entries (from mac and name resolution) go to /etc/dhcp/xcat-hosts.conf, which
// stands in for xCAT's live OMAPI updates.
import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fqdn, hostPath, shortHostname } from '../env.js';
import { getopt, flag } from '../getopt.js';
import { resolveIPv4 } from '../hosts.js';
import { inNetwork, ipv4Interfaces } from '../netinfo.js';
import { rowEnabled, TABLES } from '../schema.js';
import { ssh, xcatdAnswers } from '../remote.js';
import { systemctl } from '../sys.js';
import { load, type Ctx } from './common.js';
import type { Snapshot } from '../store.js';
import { siteValue } from './dns.js';

const CONF = '/etc/dhcp/dhcpd.conf';
const HOSTS = '/etc/dhcp/xcat-hosts.conf';
const DEFAULTS = '/etc/default/isc-dhcp-server';

export async function makedhcp(ctx: Ctx): Promise<void> {
	const { out } = ctx;
	const p = getopt(ctx.args, [
		{ names: ['n', 'new'], key: 'n' },
		{ names: ['a', 'all'], key: 'a' },
		{ names: ['d', 'delete'], key: 'd' },
		{ names: ['q', 'query'], key: 'q' },
		{ names: ['l', 'localonly'], key: 'l' },
		{ names: ['s'], value: true, key: 's' },
		{ names: ['h', 'help'], key: 'h' },
		{ names: ['V'], key: 'V' },
	]);
	if (p.bad || flag(p, 'h') || (!flag(p, 'n') && !flag(p, 'a') && !p.operands.length)) {
		out.data(
			'Usage: makedhcp <noderange> [-s statements] [-V]',
			'       makedhcp [-n] [-l | --localonly] [-V]',
			'       makedhcp -a [-V]',
			'       makedhcp -a -d [-V]',
			'       makedhcp -d <noderange> [-V]',
			'       makedhcp -q <noderange>',
			'       makedhcp [-h|--help]',
		);
		if (!flag(p, 'h')) out.code(1);
		return;
	}
	const snap = load(ctx, ['site', 'networks', 'mac', 'servicenode', 'noderes', 'nodelist']);
	if (!snap) return;
	const site = snap.rows('site');
	// preprocess_request (dhcp.pm 1266–1282): with a DHCP service node, every network that has a
	// dynamic range must say which host serves it, or no makedhcp runs at all (-l too)
	const dhcpSns = dhcpServiceNodes(snap);
	if (dhcpSns.length) {
		const spec = TABLES.networks!;
		for (const r of snap.rows('networks').filter((x) => rowEnabled(spec, x))) {
			if (!r[spec.cols.indexOf('dynamicrange')] || r[spec.cols.indexOf('dhcpserver')]) continue;
			out.error(`Hierarchy requested, therefore networks.dhcpserver must be set for net=${r[spec.cols.indexOf('net')] ?? ''}`);
			return;
		}
	}
	if (flag(p, 'n')) {
		writeConf(ctx, site, snap.rows('networks'));
		if (!flag(p, 'l')) await dispatchToServiceNodes(ctx, dhcpSns);
		return;
	}
	let nodes = snap.nodes();
	if (p.operands.length) {
		const exp = snap.expand(p.operands[0]!);
		if (exp.missing.length) {
			out.invalidNoderange(exp.missing);
			return;
		}
		nodes = exp.nodes;
	}
	const entries = readHosts();
	if (flag(p, 'q')) {
		for (const n of nodes) {
			const e = entries.get(n);
			if (e) out.data(`${n}: ip-address = ${e.ip}, hardware-address = ${e.mac}`);
		}
		return;
	}
	if (flag(p, 'd')) for (const n of nodes) entries.delete(n);
	else {
		for (const n of nodes) {
			const mac = snap.nodeValue('mac', 'mac', n)?.split('|')[0]?.split('!')[0];
			if (!mac) continue;
			const ip = resolveIPv4(n);
			if (!ip) {
				out.errorNoCode(`Unable to find the IP address of ${n}`);
				continue;
			}
			entries.set(n, { ip, mac });
		}
	}
	writeHosts(entries);
	if (systemctl('is-active', '--quiet', 'isc-dhcp-server').status === 0) systemctl('restart', 'isc-dhcp-server');
}

function dhcpInterfaces(site: (string | null)[][]): string[] | undefined {
	const v = siteValue(site, 'dhcpinterfaces');
	if (!v) return undefined;
	// "eth1,eth2" or "xcatmn|eth1,eth2;service|bond0": the part for this host, or the plain list
	const parts = v.split(';');
	for (const part of parts) {
		const [who, list] = part.includes('|') ? part.split('|') : [undefined, part];
		if (who === undefined || who === shortHostname() || who === fqdn()) return (list ?? '').split(',').filter(Boolean);
	}
	return [];
}

function writeConf(ctx: Ctx, site: (string | null)[][], networks: (string | null)[][]): void {
	const { out } = ctx;
	const chosen = dhcpInterfaces(site);
	const ifaces = ipv4Interfaces().filter((i) => !i.secondary && i.name !== 'lo' && (chosen ? chosen.includes(i.name) : /^(eth|en|ib|bond)/.test(i.name)));
	const spec = TABLES.networks!;
	const col = (r: (string | null)[], c: string) => r[spec.cols.indexOf(c)] ?? '';
	const domain = siteValue(site, 'domain') ?? '';
	const lease = siteValue(site, 'dhcplease') ?? '43200';
	const blocks: string[] = [];
	const used = new Set<string>();
	for (const iface of ifaces) {
		const subnets: string[] = [];
		for (const r of networks.filter((x) => rowEnabled(spec, x))) {
			const net = col(r, 'net');
			const mask = col(r, 'mask');
			if (!net || !mask || net.includes(':') || !inNetwork(iface.address, net, mask)) continue;
			// addnet (dhcp.pm 4052–4059): the range only where networks.dhcpserver is empty or resolves
			// to one of this host's addresses (thishostisnot, NetworkUtils.pm 1775–1811)
			const range = servesRange(col(r, 'dhcpserver')) ? col(r, 'dynamicrange') : '';
			if (!col(r, 'dynamicrange'))
				out.warning(`No dynamic range specified for ${net}. If hardware discovery is being used, a dynamic range is required.`);
			const ns = col(r, 'nameservers') || siteValue(site, 'nameservers') || iface.address;
			subnets.push(
				[
					`  subnet ${net} netmask ${mask} {`,
					'    authoritative;',
					`    max-lease-time ${lease};`,
					`    min-lease-time ${lease};`,
					`    default-lease-time ${lease};`,
					`    option routers  ${col(r, 'gateway') && col(r, 'gateway') !== '<xcatmaster>' ? col(r, 'gateway') : iface.address};`,
					`    next-server  ${col(r, 'tftpserver') || iface.address};`,
					...(domain ? [`    option domain-name "${domain}";`, `    option domain-search  "${domain}";`] : []),
					`    option domain-name-servers  ${ns.replace(/<xcatmaster>/g, iface.address)};`,
					...(range ? [`    range dynamic-bootp ${range.replace('-', ' ')};`] : []),
					`  } # ${net}/${mask} subnet_end`,
				].join('\n'),
			);
		}
		if (subnets.length) {
			blocks.push(`shared-network ${iface.name} {\n${subnets.join('\n')}\n} # ${iface.name} nic_end`);
			used.add(iface.name);
		}
	}
	const conf = hostPath(CONF);
	if (existsSync(conf)) {
		renameSync(conf, `${conf}.xcatbak`);
		out.data(`Renamed existing dhcp configuration file to  ${CONF}.xcatbak\n`);
	}
	if (!existsSync(hostPath(HOSTS))) writeFileSync(hostPath(HOSTS), '');
	writeFileSync(
		conf,
		[
			'#xCAT generated dhcp configuration (lab double)',
			'',
			'authoritative;',
			'ddns-update-style none;',
			'option client-architecture code 93 = unsigned integer 16;',
			'',
			...blocks,
			`include "${HOSTS}";`,
			'',
		].join('\n'),
	);
	const dflt = hostPath(DEFAULTS);
	const old = existsSync(dflt) ? readFileSync(dflt, 'utf8') : '';
	const kept = old.split('\n').filter((l) => l !== '' && !/^INTERFACES(v4)?=/.test(l));
	if (existsSync(dflt)) copyFileSync(dflt, `${dflt}.xcatbak`);
	writeFileSync(dflt, `${[...kept, `INTERFACES="${[...used].join(' ')}"`].join('\n')}\n`);
	out.flush();
	systemctl('restart', 'isc-dhcp-server');
}

/**
 * getSNList('dhcpserver') (ServiceNodeUtils.pm 354–383): servicenode rows whose dhcpserver is exactly
 * "1" (an SQL `dhcpserver = '1'`), less the nodes of the __mgmtnode group.
 */
function dhcpServiceNodes(snap: Snapshot): string[] {
	const spec = TABLES.servicenode!;
	const mgmt = new Set(snap.groupMembers().get('__mgmtnode') ?? []);
	return snap
		.rows('servicenode')
		.filter((r) => rowEnabled(spec, r) && r[0] && r[spec.cols.indexOf('dhcpserver')] === '1' && !mgmt.has(r[0]))
		.map((r) => r[0]!);
}

/** Whether this host writes a network's dynamic range: its dhcpserver is empty or one of its addresses. */
function servesRange(dhcpserver: string): boolean {
	if (!dhcpserver) return true;
	const ip = resolveIPv4(dhcpserver) ?? dhcpserver;
	return ipv4Interfaces().some((i) => i.address === ip);
}

/**
 * makedhcp -n's requests to each DHCP service node (dhcp.pm 1450–1483), preprocessed there: each writes
 * its own configuration by the same rules. Sent at once; one that cannot be reached is reported and
 * the others still run.
 */
async function dispatchToServiceNodes(ctx: Ctx, sns: readonly string[]): Promise<void> {
	const results = await Promise.all(
		sns.map(async (sn) => {
			const ans = await xcatdAnswers(sn);
			return { sn, ans, run: ans.ok ? await ssh(sn, ['/opt/xcat/sbin/xcat-double', 'makedhcp', '-n', '-l']) : undefined };
		}),
	);
	for (const { sn, ans, run } of results) {
		if (!ans.ok) {
			ctx.out.data(
				`Unable to dispatch hierarchical sub-command to ${sn}:3001.  Error: Connection failure: IO::Socket::INET: connect: ${ans.error} at /opt/xcat/lib/perl/xCAT/Client.pm line 248.\n.`,
			);
			ctx.out.code(1);
			continue;
		}
		if (run!.stdout.trim()) ctx.out.data(...run!.stdout.trim().split('\n'));
		if (run!.status !== 0) ctx.out.error(`${sn}: ${(run!.stderr || 'makedhcp -n failed').trim()}`);
	}
}

function readHosts(): Map<string, { ip: string; mac: string }> {
	const m = new Map<string, { ip: string; mac: string }>();
	const path = hostPath(HOSTS);
	if (!existsSync(path)) return m;
	for (const line of readFileSync(path, 'utf8').split('\n')) {
		const r = /^host (\S+) \{ hardware ethernet (\S+); fixed-address (\S+);/.exec(line);
		if (r) m.set(r[1]!, { mac: r[2]!, ip: r[3]! });
	}
	return m;
}

function writeHosts(entries: Map<string, { ip: string; mac: string }>): void {
	const lines = [...entries]
		.sort(([a], [b]) => (a < b ? -1 : 1))
		.map(([n, e]) => `host ${n} { hardware ethernet ${e.mac}; fixed-address ${e.ip}; option host-name "${n}"; }`);
	writeFileSync(hostPath(HOSTS), lines.length ? `${lines.join('\n')}\n` : '');
}
