// makedhcp and networks.dhcpserver, as xcat-core 7733d16f's dhcp.pm reads them (docs/xcat-behaviour.md
// §DHCP and networks.dhcpserver): the dynamic range is written only by the host the column names (or by
// every host when it is empty), and a DHCP service node makes the column required.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Root } from './harness';

const RANGE = 'range dynamic-bootp 198.51.100.200 198.51.100.220;';
const viaXcatd = { XCATBYPASS: '', XCAT_DOUBLE_NOXCATD: '1' }; // errors carry "[xcatmn]: " as through xcatd

const Dhcp = suite('makedhcp and networks.dhcpserver');
let r: Root;
Dhcp.before(() => {
	// eth0 the MN's address, eth0:0 a second one on it (as a VIP is)
	r = new Root('dhcp', { XCAT_DOUBLE_IFACES: 'eth0=198.51.100.11/24,eth0:0=198.51.100.10/24' });
	mkdirSync(r.file('etc/dhcp'), { recursive: true });
	mkdirSync(r.file('etc/default'), { recursive: true });
	// sn9 on loopback where nothing listens: a DHCP service node whose xcatd cannot be reached
	writeFileSync(r.file('etc/hosts'), `${readFileSync(r.file('etc/hosts'), 'utf8')}198.51.100.12 othermn\n127.0.0.9 sn9\n`);
	r.ok('xcatconfig', '-d');
	r.ok('mkdef', '-t', 'network', '-o', 'net1', 'net=198.51.100.0', 'mask=255.255.255.0', 'dynamicrange=198.51.100.200-198.51.100.220');
});
Dhcp.after(() => r.remove());

const conf = () => readFileSync(r.file('etc/dhcp/dhcpd.conf'), 'utf8');
const withServer = (v: string) => r.ok('chdef', '-t', 'network', '-o', 'net1', `dhcpserver=${v}`);

Dhcp('the range is written when networks.dhcpserver is empty', () => {
	withServer('');
	r.ok('makedhcp', '-n');
	assert.ok(conf().includes(RANGE), conf());
});

Dhcp("another host's address: the subnet without the range", () => {
	withServer('198.51.100.12');
	r.ok('makedhcp', '-n');
	assert.ok(conf().includes('subnet 198.51.100.0 netmask 255.255.255.0 {'), conf());
	assert.not.ok(conf().includes('range dynamic-bootp'), conf());
	withServer('othermn');
	r.ok('makedhcp', '-n');
	assert.not.ok(conf().includes('range dynamic-bootp'), 'a name is resolved, then compared');
});

Dhcp("one of this host's addresses, a secondary one or a name of it: the range", () => {
	for (const v of ['198.51.100.11', '198.51.100.10', 'xcatmn']) {
		withServer('198.51.100.12');
		r.ok('makedhcp', '-n');
		withServer(v);
		r.ok('makedhcp', '-n');
		assert.ok(conf().includes(RANGE), `${v}: ${conf()}`);
	}
});

Dhcp('only -n writes the subnets again: a moved range stays where it was until then', () => {
	withServer('198.51.100.11');
	r.ok('makedhcp', '-n');
	withServer('198.51.100.12');
	r.ok('makedhcp', '-a');
	assert.ok(conf().includes(RANGE), conf());
});

Dhcp('a DHCP service node (servicenode.dhcpserver exactly 1) makes the column required: every makedhcp fails, nothing written', () => {
	r.ok('mkdef', '-t', 'node', '-o', 'sn9', 'groups=service,all', 'setupdhcp=1');
	withServer('');
	const before = conf();
	for (const args of [['-n'], ['-n', '-l'], ['-a']]) {
		const x = r.run('makedhcp', args, viaXcatd);
		assert.is(x.status, 1, args.join(' '));
		assert.is(x.stderr, 'Error: [xcatmn]: Hierarchy requested, therefore networks.dhcpserver must be set for net=198.51.100.0\n');
		assert.is(x.stdout, '');
	}
	assert.is(conf(), before);
	// "yes" is not 1 for getSNList's SQL, and a node of __mgmtnode is no service node
	r.ok('chdef', '-t', 'node', '-o', 'sn9', 'setupdhcp=yes');
	assert.is(r.run('makedhcp', ['-n', '-l']).status, 0);
	r.ok('chdef', '-t', 'node', '-o', 'sn9', 'setupdhcp=1', 'groups=__mgmtnode,all');
	assert.is(r.run('makedhcp', ['-n', '-l']).status, 0);
	r.ok('rmdef', '-t', 'node', '-o', 'sn9');
});

Dhcp("-n is passed on to each DHCP service node; one that cannot be reached is reported, this host's file is still written", () => {
	r.ok('mkdef', '-t', 'node', '-o', 'sn9', 'groups=service,all', 'setupdhcp=1');
	withServer('198.51.100.12');
	r.ok('makedhcp', '-n', '-l');
	withServer('198.51.100.11');
	const x = r.run('makedhcp', ['-n']);
	assert.is(x.status, 1);
	assert.match(
		x.stdout,
		/^Unable to dispatch hierarchical sub-command to sn9:3001\. {2}Error: Connection failure: IO::Socket::INET: connect: Connection refused at/m,
	);
	assert.ok(conf().includes(RANGE), conf());
	// -l: this host only
	withServer('198.51.100.12');
	assert.is(r.run('makedhcp', ['-n', '-l']).status, 0);
	assert.not.ok(conf().includes('range dynamic-bootp'));
	r.ok('rmdef', '-t', 'node', '-o', 'sn9');
});

Dhcp.run();
