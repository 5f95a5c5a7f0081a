import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkArgs, toDesired, type Args, type Desired } from '../../modules/xcat_vip/desired';
import { parseArpingReply, parseCmdline, parseIpAddr, type Interface } from '../../modules/xcat_vip/parse';
import { announcerPidFile, plan, type Current } from '../../modules/xcat_vip/plan';

// Literal output of `ip -j addr show` on a lab host holding the VIP as a secondary.
const IP_J = `[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue","operstate":"UNKNOWN","group":"default","txqlen":1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:00:00:00","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host","label":"lo","valid_life_time":4294967295,"preferred_life_time":4294967295}]},{"ifindex":2,"link_index":2,"ifname":"host0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":"noqueue","operstate":"UP","group":"default","txqlen":1000,"link_type":"ether","address":"72:0b:da:29:fc:64","broadcast":"ff:ff:ff:ff:ff:ff","link_netnsid":0,"addr_info":[{"family":"inet","local":"198.51.100.11","prefixlen":24,"scope":"global","label":"host0","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet","local":"198.51.100.10","prefixlen":24,"scope":"global","secondary":true,"label":"host0:0","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet6","local":"fe80::700b:daff:fe29:fc64","prefixlen":64,"scope":"link","valid_life_time":4294967295,"preferred_life_time":4294967295}]},{"ifindex":3,"ifname":"eth1","flags":["BROADCAST","MULTICAST"],"address":"02:00:00:00:00:01","addr_info":[]}]`;

const Parse = suite('xcat_vip parsers');

Parse('ip -j addr: interfaces, state, MAC and IPv4 addresses with labels', () => {
	const ifs = parseIpAddr(IP_J);
	assert.equal(
		ifs.map((i) => [i.name, i.up, i.mac]),
		[
			['lo', true, '00:00:00:00:00:00'],
			['host0', true, '72:0b:da:29:fc:64'],
			['eth1', false, '02:00:00:00:00:01'],
		],
	);
	assert.equal(ifs[1]!.addresses, [
		{ address: '198.51.100.11', prefix: 24, label: 'host0', secondary: false },
		{ address: '198.51.100.10', prefix: 24, label: 'host0:0', secondary: true },
	]);
});

Parse('arping -D: the MAC that answered, or null', () => {
	const held =
		'ARPING 198.51.100.10 from 0.0.0.0 host0\nUnicast reply from 198.51.100.10 [72:0B:DA:29:FC:64]  0.590ms\nSent 1 probes (1 broadcast(s))\nReceived 1 response(s)\n';
	assert.is(parseArpingReply(held), '72:0b:da:29:fc:64');
	assert.is(parseArpingReply('ARPING 198.51.100.10 from 0.0.0.0 host0\nSent 1 probes (1 broadcast(s))\nReceived 0 response(s)\n'), null);
});

Parse('arping -D: an announcement (gratuitous request) from another MAC is a claim too, with its MAC', () => {
	// literal output of iputils 20221126 while another host's `arping -U` repeats announced the address
	const announced =
		'ARPING 198.51.100.10 from 0.0.0.0 v0\nBroadcast request from 198.51.100.10 [92:78:CC:0F:37:93] for 198.51.100.10 [FF:FF:FF:FF:FF:FF] 664.997ms\nSent 1 probes (1 broadcast(s))\nReceived 1 response(s)\n';
	assert.is(parseArpingReply(announced), '92:78:cc:0f:37:93');
	assert.is(parseArpingReply('ARPING 198.51.100.10 from 0.0.0.0 v0\nBroadcast reply from 198.51.100.10 [02:00:00:00:00:AA]  1.0ms\n'), '02:00:00:00:00:aa');
	assert.is(parseArpingReply('ARPING 198.51.100.10 from 0.0.0.0 v0\nUnicast request from 198.51.100.10 [02:00:00:00:00:AB]  1.0ms\n'), '02:00:00:00:00:ab');
});

Parse('/proc/<pid>/cmdline: NUL-separated arguments', () => {
	assert.equal(parseCmdline('arping\x00-q\x00-U\x00-s\x00198.51.100.10\x00'), ['arping', '-q', '-U', '-s', '198.51.100.10']);
	assert.equal(parseCmdline(''), []);
});

Parse.run();

const args = (a: Partial<Args>): Args => ({ address: '198.51.100.10', interface: 'host0', state: 'present', arp_check: true, gratuitous_arp: 3, ...a }) as Args;
const Check = suite('xcat_vip argument checks');

Check('good arguments pass; defaults are /24 and <interface>:0', () => {
	assert.equal(checkArgs(args({})), []);
	const d = toDesired(args({}));
	assert.is(d.prefix, 24);
	assert.is(d.label, 'host0:0');
	assert.is(toDesired(args({ netmask: '255.255.0.0' })).prefix, 16);
});

Check('each bad value is named with what is allowed', () => {
	const cases: Array<[Partial<Args>, RegExp]> = [
		[{ address: '2001:db8::10' }, /value of address is an IPv6 address \(2001:db8::10\): IPv6 is not supported yet/],
		[{ address: '198.51.100.300' }, /value of address must be an IPv4 address in dotted-quad form.*got: "198.51.100.300"/],
		[{ address: '198.51.100.0' }, /must be a unicast host address, got: 198.51.100.0 \(it is the network address of its \/24\)/],
		[{ netmask: '255.0.255.0' }, /value of netmask must be a contiguous dotted netmask such as 255.255.255.0, got: "255.0.255.0"/],
		[{ label: 'eth1:0' }, /value of label must be host0:<suffix> \(a label of interface host0\), got: "eth1:0"/],
		[{ interface: 'enp0s31f6abcdef' }, /the default label enp0s31f6abcdef:0 is longer than the kernel's 15 characters/],
		[{ hostname: `${'a'.repeat(60)}.example` }, /value of hostname must be at most 64 characters/],
	];
	for (const [a, re] of cases) assert.match(checkArgs(args(a)).join('\n'), re, JSON.stringify(a));
});

Check.run();

const host0 = (addresses: Interface['addresses'], up = true): Interface => ({ name: 'host0', up, mac: '02:00:00:00:00:11', addresses });
const base = { address: '198.51.100.11', prefix: 24, label: 'host0', secondary: false };
const vip = { address: '198.51.100.10', prefix: 24, label: 'host0:0', secondary: true };
const want = (d: Partial<Desired> = {}): Desired => ({
	address: '198.51.100.10',
	prefix: 24,
	interface: 'host0',
	label: 'host0:0',
	state: 'present',
	arpCheck: true,
	arpWaitMs: 1000,
	garpCount: 3,
	...d,
});
const argvs = (p: ReturnType<typeof plan>) => (p.kind === 'act' ? p.steps.map((s) => s.argv.join(' ')) : p.kind);

const Plan = suite('xcat_vip plan');

Plan('present and already held: nothing to do, no ARP probe (xcatha B1)', () => {
	assert.equal(argvs(plan({ interfaces: [host0([base, vip])] }, want())), []);
});

Plan('present and free: probe first, then add with brd + and label, then gratuitous ARP in the background', () => {
	const current: Current = { interfaces: [host0([base])] };
	assert.is(plan(current, want()).kind, 'probe-arp');
	const p = plan({ ...current, holderMac: null }, want());
	assert.equal(argvs(p), ['ip addr add 198.51.100.10/24 brd + dev host0 label host0:0', 'arping -q -U -c 3 -I host0 -s 198.51.100.10 198.51.100.10']);
	assert.ok(p.kind === 'act' && p.steps[1]!.background && p.garpSent === 3);
	assert.ok(
		p.kind === 'act' &&
			p.before === 'inet 198.51.100.11/24 label host0\n' &&
			p.after === 'inet 198.51.100.11/24 label host0\ninet 198.51.100.10/24 label host0:0\n',
	);
});

Plan('present and held by another host: refused with its MAC', () => {
	const p = plan({ interfaces: [host0([base])], holderMac: '52:54:00:aa:bb:cc' }, want());
	assert.equal(p, {
		kind: 'refuse',
		holderMac: '52:54:00:aa:bb:cc',
		msg: '198.51.100.10 is already in use on the network: the host with MAC 52:54:00:aa:bb:cc claimed it over ARP (an answer or an announcement); nothing was changed',
	});
});

Plan('arp_check false skips the probe; gratuitous_arp 0 sends none', () => {
	assert.equal(argvs(plan({ interfaces: [host0([base])] }, want({ arpCheck: false, garpCount: 0 }))), [
		'ip addr add 198.51.100.10/24 brd + dev host0 label host0:0',
	]);
});

Plan('an interface that is down cannot be probed', () => {
	const p = plan({ interfaces: [host0([base], false)] }, want());
	assert.ok(p.kind === 'refuse' && /interface host0 is down/.test(p.msg));
});

Plan('held with another prefix or label: replaced, without a probe', () => {
	assert.equal(argvs(plan({ interfaces: [host0([base, { ...vip, prefix: 25 }])] }, want())), [
		'ip addr del 198.51.100.10/25 dev host0',
		'ip addr add 198.51.100.10/24 brd + dev host0 label host0:0',
		'arping -q -U -c 3 -I host0 -s 198.51.100.10 198.51.100.10',
	]);
});

Plan('missing interface, or the address on another interface: refused', () => {
	const p1 = plan({ interfaces: [host0([base])] }, want({ interface: 'eth9', label: 'eth9:0' }));
	assert.ok(p1.kind === 'refuse' && p1.msg === 'interface eth9 does not exist on this host; interfaces: host0');
	const eth1: Interface = { name: 'eth1', up: true, mac: '02:00:00:00:00:12', addresses: [{ ...vip, label: 'eth1:7' }] };
	const p2 = plan({ interfaces: [host0([base]), eth1] }, want());
	assert.ok(p2.kind === 'refuse' && p2.msg.startsWith('198.51.100.10 is on interface eth1 (label eth1:7), not on host0'));
	assert.ok(plan({ interfaces: [host0([base]), eth1] }, want({ state: 'absent' })).kind === 'refuse');
});

Plan('absent: removes exactly the address with its own prefix; absent twice does nothing', () => {
	assert.equal(argvs(plan({ interfaces: [host0([base, { ...vip, prefix: 25 }])] }, want({ state: 'absent' }))), ['ip addr del 198.51.100.10/25 dev host0']);
	assert.equal(argvs(plan({ interfaces: [host0([base])] }, want({ state: 'absent' }))), []);
});

Plan('removing a primary address that would take secondaries with it is refused unless they are promoted', () => {
	const primaryVip = { ...vip, secondary: false, label: 'host0:0' };
	const other = { address: '198.51.100.20', prefix: 24, label: 'host0:1', secondary: true };
	const interfaces = [host0([primaryVip, other])];
	const p = plan({ interfaces }, want({ state: 'absent' }));
	assert.ok(p.kind === 'refuse' && /would also remove 198.51.100.20; set net.ipv4.conf.host0.promote_secondaries=1/.test(p.msg));
	assert.equal(argvs(plan({ interfaces, promoteSecondaries: true }, want({ state: 'absent' }))), ['ip addr del 198.51.100.10/24 dev host0']);
});

Plan('relabelling a primary address deletes it first: refused the same way while secondaries depend on it', () => {
	const primaryVip = { ...vip, secondary: false, label: 'host0:9' };
	const other = { address: '198.51.100.20', prefix: 24, label: 'host0:1', secondary: true };
	const interfaces = [host0([primaryVip, other])];
	const p = plan({ interfaces }, want());
	assert.ok(
		p.kind === 'refuse' && /198.51.100.10 is the primary address of its subnet on host0: removing it would also remove 198.51.100.20/.test(p.msg),
		JSON.stringify(p),
	);
	// a secondary of another subnet does not depend on it
	assert.equal(argvs(plan({ interfaces: [host0([primaryVip, { ...other, address: '192.168.7.20' }])] }, want({ garpCount: 0 }))), [
		'ip addr del 198.51.100.10/24 dev host0',
		'ip addr add 198.51.100.10/24 brd + dev host0 label host0:0',
	]);
	assert.equal(argvs(plan({ interfaces, promoteSecondaries: true }, want({ garpCount: 0 }))), [
		'ip addr del 198.51.100.10/24 dev host0',
		'ip addr add 198.51.100.10/24 brd + dev host0 label host0:0',
	]);
});

Plan('hostname: set when different; restored from /etc/hostname on absent; never when already right', () => {
	const held = { interfaces: [host0([base, vip])] };
	assert.equal(argvs(plan({ ...held, hostname: { transient: 'mn1', static: 'mn1' } }, want({ hostname: 'xcatmn' }))), ['hostname xcatmn']);
	assert.equal(argvs(plan({ ...held, hostname: { transient: 'xcatmn', static: 'mn1' } }, want({ hostname: 'xcatmn' }))), []);
	assert.equal(argvs(plan({ ...held, hostname: { transient: 'xcatmn', static: 'mn1' } }, want({ hostname: 'xcatmn', state: 'absent' }))), [
		'ip addr del 198.51.100.10/24 dev host0',
		'hostname mn1',
	]);
	assert.equal(
		argvs(plan({ interfaces: [host0([base])], hostname: { transient: 'mn1', static: 'mn1' } }, want({ hostname: 'xcatmn', state: 'absent' }))),
		[],
	);
	const p = plan({ ...held, hostname: { transient: 'xcatmn' } }, want({ hostname: 'xcatmn', state: 'absent' }));
	assert.ok(p.kind === 'refuse' && /\/etc\/hostname is empty or missing/.test(p.msg));
});

Plan('diff shows the hostname line when it is managed', () => {
	const p = plan({ interfaces: [host0([base, vip])], hostname: { transient: 'mn1', static: 'mn1' } }, want({ hostname: 'xcatmn' }));
	assert.ok(p.kind === 'act');
	if (p.kind === 'act') assert.is(p.after, 'inet 198.51.100.11/24 label host0\ninet 198.51.100.10/24 label host0:0\nhostname xcatmn\n');
});

Plan.run();

const Announce = suite('xcat_vip: a release ends our own announcements');
const GARP = ['arping', '-q', '-U', '-c', '3', '-I', 'host0', '-s', '198.51.100.10', '198.51.100.10'];
const PID_FILE = announcerPidFile('198.51.100.10', '4026531840');

Announce('an add records the pid of its repeats under /run/xcat-ha, keyed by address and namespace', () => {
	const p = plan({ interfaces: [host0([base])], holderMac: null, netns: '4026531840' }, want());
	assert.ok(p.kind === 'act');
	assert.equal(p.steps[1], { argv: GARP, background: true, pidFile: '/run/xcat-ha/garp-198.51.100.10-net4026531840.pid' });
});

Announce('absent ends the repeats first (they would claim the address for the next holder), then removes the address', () => {
	const current: Current = { interfaces: [host0([base, vip])], netns: '4026531840', announcer: { pid: 4242, argv: GARP, netns: '4026531840' } };
	assert.equal(argvs(plan(current, want({ state: 'absent' }))), ['kill -TERM 4242', 'ip addr del 198.51.100.10/24 dev host0']);
	const p = plan(current, want({ state: 'absent' }));
	assert.ok(p.kind === 'act' && p.steps[0]!.removeFile === PID_FILE);
	// the address already gone, the repeats still running: ending them is the change
	assert.equal(argvs(plan({ ...current, interfaces: [host0([base])] }, want({ state: 'absent' }))), ['kill -TERM 4242']);
});

Announce('a pid that is not our arping for this address, interface and namespace is never killed', () => {
	const others: Array<NonNullable<Current['announcer']>> = [
		{ pid: 4242, argv: ['sleep', '100'], netns: '4026531840' },
		{ pid: 4242, argv: GARP.map((a) => (a === '198.51.100.10' ? '198.51.100.11' : a)), netns: '4026531840' },
		{ pid: 4242, argv: GARP.map((a) => (a === 'host0' ? 'eth1' : a)), netns: '4026531840' },
		{ pid: 4242, argv: GARP.filter((a) => a !== '-U'), netns: '4026531840' },
		{ pid: 4242, argv: GARP, netns: '4026532000' },
	];
	for (const announcer of others) {
		assert.equal(
			argvs(plan({ interfaces: [host0([base, vip])], netns: '4026531840', announcer }, want({ state: 'absent' }))),
			['ip addr del 198.51.100.10/24 dev host0'],
			JSON.stringify(announcer),
		);
	}
});

Announce.run();
