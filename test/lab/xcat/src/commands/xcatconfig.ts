// xcatconfig -i, the part of it a fresh management node needs (xCAT-server/sbin/xcatconfig):
// CA and certificates (server CN = hostname), root's ssh key, the site/postscripts/policy
// defaults when their tables do not exist yet, /etc/xCATMN, one networks row per interface
// (makenetworks), and xcatd installed, enabled and restarted.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fqdn, hostPath, VERSION_LINE } from '../env.js';
import { getopt, flag } from '../getopt.js';
import { resolveIPv4 } from '../hosts.js';
import { ipv4Interfaces, maskOf, netname, networkOf } from '../netinfo.js';
import { rowEnabled, TABLES } from '../schema.js';
import { run, systemctl } from '../sys.js';
import type { Values, WriteOp } from '../db/sql.js';
import { load, write, type Ctx } from './common.js';
import { installXcatdUnit } from './units.js';

export function xcatconfig(ctx: Ctx): void {
	const { out } = ctx;
	if (!ctx.args.length) {
		out.error('No parameters were supplied on the xcatconfig command. Run xcatconfig -h');
		return;
	}
	const p = getopt(ctx.args, [
		{ names: ['f', 'force'], key: 'f' },
		{ names: ['i', 'initinstall'], key: 'i' },
		{ names: ['u', 'updateinstall'], key: 'u' },
		{ names: ['k', 'sshkeys'], key: 'k' },
		{ names: ['m', 'mgtnode'], key: 'm' },
		{ names: ['s', 'sshnodehostkeys'], key: 's' },
		{ names: ['t', 'tunables'], key: 't' },
		{ names: ['c', 'credentials'], key: 'c' },
		{ names: ['d', 'database'], key: 'd' },
		{ names: ['h', 'help'], key: 'h' },
		{ names: ['v', 'version'], key: 'v' },
		{ names: ['V', 'verbose'], key: 'V' },
	]);
	if (p.bad || flag(p, 'h')) {
		out.data("Usage: xcatconfig [-i|-u|-f|-k|-s|-c|-d|-m] [-V]   (the lab's xCAT double implements -i, -c, -d, -k)");
		if (p.bad) out.code(1);
		return;
	}
	if (flag(p, 'v')) {
		out.data(VERSION_LINE);
		return;
	}
	const init = flag(p, 'i') || flag(p, 'f');
	for (const d of ['/etc/xcat', '/install/postscripts', '/tftpboot', '/var/log/xcat', '/var/log/consoles']) mkdirSync(hostPath(d), { recursive: true });
	if (init || flag(p, 'k')) sshRootKeys(ctx);
	if (init || flag(p, 'c')) credentials(ctx);
	if (init || flag(p, 'd')) initDb(ctx, flag(p, 'd') || flag(p, 'f'));
	if (init) {
		writeFileSync(hostPath('/etc/xCATMN'), '');
		makenetworks(ctx);
		installXcatdUnit();
		systemctl('daemon-reload');
		systemctl('enable', '--quiet', 'xcatd');
		const r = systemctl('restart', 'xcatd');
		if (r.status !== 0) out.error('Could not start xcatd.');
	}
}

function openssl(args: string[]): void {
	const r = run('openssl', args);
	if (r.status !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr.trim()}`);
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A key and a certificate signed by the xCAT CA; the certificate file starts with its text form. */
function issue(dir: string, prefix: string, cn: string): void {
	const ca = hostPath('/etc/xcat/ca');
	openssl(['req', ...EC, '-keyout', `${dir}/${prefix}-key.pem`, '-out', `${dir}/${prefix}-req.pem`, '-subj', `/CN=${cn}`]);
	openssl([
		'x509',
		'-req',
		'-in',
		`${dir}/${prefix}-req.pem`,
		'-CA',
		`${ca}/ca-cert.pem`,
		'-CAkey',
		`${ca}/ca-key.pem`,
		'-set_serial',
		String(Date.now()),
		'-days',
		'7300',
		'-out',
		`${dir}/${prefix}-cert.tmp`,
	]);
	openssl([
		'x509',
		'-in',
		`${dir}/${prefix}-cert.tmp`,
		'-text',
		'-nameopt',
		'compat',
		'-certopt',
		'no_pubkey,no_sigdump',
		'-out',
		`${dir}/${prefix}-cert.pem`,
	]);
	run('rm', ['-f', `${dir}/${prefix}-req.pem`, `${dir}/${prefix}-cert.tmp`]);
	writeFileSync(`${dir}/${prefix}-cred.pem`, readFileSync(`${dir}/${prefix}-key.pem`, 'utf8') + readFileSync(`${dir}/${prefix}-cert.pem`, 'utf8'), {
		mode: 0o600,
	});
	copyFileSync(`${ca}/ca-cert.pem`, `${dir}/ca.pem`);
}

function credentials(ctx: Ctx): void {
	const ca = hostPath('/etc/xcat/ca');
	if (!existsSync(ca)) {
		mkdirSync(ca, { recursive: true, mode: 0o700 });
		openssl(['req', '-x509', ...EC, '-keyout', `${ca}/ca-key.pem`, '-out', `${ca}/ca-cert.pem`, '-days', '7300', '-subj', '/CN=xCAT CA']);
		ctx.out.data('Created xCAT certificate.');
	}
	mkdirSync(hostPath('/install/postscripts/ca'), { recursive: true, mode: 0o755 });
	copyFileSync(`${ca}/ca-cert.pem`, hostPath('/install/postscripts/ca/ca-cert.pem'));
	const cert = hostPath('/etc/xcat/cert');
	if (!existsSync(cert)) {
		mkdirSync(cert, { recursive: true, mode: 0o700 });
		issue(cert, 'server', fqdn());
	}
	const client = hostPath('/root/.xcat');
	if (!existsSync(`${client}/client-key.pem`)) {
		mkdirSync(client, { recursive: true, mode: 0o700 });
		issue(client, 'client', 'root');
		ctx.out.data('Created xCAT certificate.');
	}
	mkdirSync(hostPath('/install/postscripts/_xcat'), { recursive: true, mode: 0o755 });
	copyFileSync(`${client}/ca.pem`, hostPath('/install/postscripts/_xcat/ca.pem'));
}

function sshRootKeys(ctx: Ctx): void {
	const ssh = hostPath('/root/.ssh');
	mkdirSync(ssh, { recursive: true, mode: 0o700 });
	if (!existsSync(`${ssh}/id_rsa`)) {
		const r = run('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', `root@${fqdn()}`, '-f', `${ssh}/id_rsa`]);
		if (r.status !== 0) {
			ctx.out.error('Could not generate the root ssh key.');
			return;
		}
	}
	mkdirSync(hostPath('/install/postscripts/_ssh'), { recursive: true, mode: 0o755 });
	copyFileSync(`${ssh}/id_rsa.pub`, hostPath('/install/postscripts/_ssh/authorized_keys'));
}

/** site defaults in xcatconfig's order; a blank value (e.g. no domain) is skipped like chtab does. */
export function siteDefaults(master: string, domain: string, forwarders: string, timezone: string): [string, string][] {
	return [
		['blademaxp', '64'],
		['domain', domain],
		['fsptimeout', '0'],
		['installdir', '/install'],
		['ipmimaxp', '64'],
		['ipmiretries', '3'],
		['ipmitimeout', '2'],
		['consoleondemand', 'no'],
		['master', master],
		['forwarders', forwarders],
		['nameservers', master],
		['maxssh', '8'],
		['ppcmaxp', '64'],
		['ppcretry', '3'],
		['ppctimeout', '0'],
		['powerinterval', '0'],
		['syspowerinterval', '0'],
		['sharedtftp', '1'],
		['SNsyncfiledir', '/var/xcat/syncfiles'],
		['nodesyncfiledir', '/var/xcat/node/syncfiles'],
		['tftpdir', '/tftpboot'],
		['xcatdport', '3001'],
		['xcatiport', '3002'],
		['xcatconfdir', '/etc/xcat'],
		['timezone', timezone],
		['useNmapfromMN', 'no'],
		['enableASMI', 'no'],
		['db2installloc', '/mntdb2'],
		['databaseloc', '/var/lib'],
		['sshbetweennodes', 'ALLGROUPS'],
		['dnshandler', 'ddns'],
		['vsftp', 'n'],
		['cleanupxcatpost', 'no'],
		['dhcplease', '43200'],
		['auditnosyslog', '0'],
		['auditskipcmds', 'ALL'],
		['xcattlspolicy', 'modern'],
	].filter(([, v]) => v !== '') as [string, string][];
}

export function policyDefaults(mnName: string): Values[] {
	const allow = (priority: string, commands: string): Values => ({ priority, commands, rule: 'allow' });
	return [
		{ priority: '1', name: 'root', rule: 'allow' },
		...(mnName ? [{ priority: '1.2', name: mnName, rule: 'trusted' }] : []),
		allow('2', 'getbmcconfig'),
		allow('2.1', 'remoteimmsetup'),
		allow('2.3', 'lsxcatd'),
		allow('3', 'nextdestiny'),
		allow('4', 'getdestiny'),
		allow('4.4', 'getpostscript'),
		allow('4.5', 'getcredentials'),
		allow('4.6', 'syncfiles'),
		allow('4.7', 'litefile'),
		allow('4.8', 'litetree'),
		allow('4.9', 'getadapter'),
	];
}

function initDb(ctx: Ctx, force: boolean): void {
	const cfgloc = existsSync(hostPath('/etc/xcat/cfgloc'));
	const missing = (t: string) => force || (!cfgloc && !existsSync(hostPath(`/etc/xcat/${t}.sqlite`)));
	const ops: WriteOp[] = [];
	if (missing('site')) {
		const host = fqdn();
		let master = resolveIPv4(host) ?? resolveIPv4(host.split('.')[0]!);
		if (!master) {
			ctx.out.raw(
				`Hostname resolution for ${host} failed, setting the site.master to NORESOLUTION for now, after the xCAT installation is finished, fix this hostname resolution problem, change the site.master to the correct value and then resart xcatd.`,
			);
			master = 'NORESOLUTION';
		}
		const mine = new Set(ipv4Interfaces().map((i) => i.address));
		const forwarders = resolvConfNameservers()
			.filter((ip) => !mine.has(ip))
			.join(',');
		const domain = process.env.XCAT_DOUBLE_ROOT ? '' : run('hostname', ['-d']).stdout.trim();
		for (const [key, value] of siteDefaults(master, domain, forwarders, timezone()))
			ops.push({ kind: 'set', table: 'site', where: { key }, set: { value } });
	}
	if (missing('postscripts')) {
		ops.push({ kind: 'set', table: 'postscripts', where: { node: 'xcatdefaults' }, set: { postbootscripts: 'otherpkgs' } });
		ops.push({ kind: 'set', table: 'postscripts', where: { node: 'xcatdefaults' }, set: { postscripts: 'syslog,remoteshell,syncfiles' } });
		ops.push({ kind: 'set', table: 'postscripts', where: { node: 'service' }, set: { postscripts: 'servicenode' } });
	}
	if (missing('policy')) {
		for (const row of policyDefaults(certCN())) {
			const { priority, ...set } = row;
			ops.push({ kind: 'set', table: 'policy', where: { priority: priority! }, set });
		}
	}
	if (!write(ctx, ops)) ctx.out.error('Could not create site definition.');
}

function certCN(): string {
	try {
		const text = readFileSync(hostPath('/etc/xcat/cert/server-cert.pem'), 'utf8');
		return /Subject:.*?CN=\s*([^\s,/]+)/.exec(text)?.[1] ?? '';
	} catch {
		return '';
	}
}

function resolvConfNameservers(): string[] {
	try {
		return readFileSync(hostPath('/etc/resolv.conf'), 'utf8')
			.split('\n')
			.map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
			.filter((x): x is string => !!x);
	} catch {
		return [];
	}
}

function timezone(): string {
	try {
		return readFileSync(hostPath('/etc/timezone'), 'utf8').trim() || 'UTC';
	} catch {
		return 'UTC';
	}
}

/** makenetworks: a networks row per primary IPv4 network of this host, unless one exists. */
function makenetworks(ctx: Ctx): void {
	const snap = load(ctx, ['networks']);
	if (!snap) return;
	const spec = TABLES.networks!;
	const have = new Set(
		snap
			.rows('networks')
			.filter((r) => rowEnabled(spec, r))
			.map((r) => `${r[1]}/${r[2]}`),
	);
	const ops: WriteOp[] = [];
	for (const i of ipv4Interfaces()) {
		if (i.name === 'lo' || i.secondary) continue;
		const mask = maskOf(i.prefix);
		const net = networkOf(i.address, mask);
		if (have.has(`${net}/${mask}`)) continue;
		have.add(`${net}/${mask}`);
		let mtu = '';
		try {
			mtu = readFileSync(`/sys/class/net/${i.name}/mtu`, 'utf8').trim();
		} catch {
			/* no mtu */
		}
		ops.push({
			kind: 'upsert',
			table: 'networks',
			rows: [{ netname: netname(net, mask), net, mask, mgtifname: i.name, tftpserver: i.address, ...(mtu ? { mtu } : {}) }],
		});
	}
	write(ctx, ops);
}
