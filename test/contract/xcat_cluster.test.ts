// xcat_cluster's bundle, run as Ansible runs it, against real CIB files: made by `cibadmin --empty`,
// read by `cibadmin --query` (CIB_file) and changed by the real `pcs -f` (pcs 0.11, Pacemaker 2.1).
// Nothing here needs a running cluster; the live path (cib-push) is for the lab.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCib } from '../../modules/xcat_cluster/cib';
import { runModule, type RunOpts } from '../../tools/lab/run-module';

const PASSWORD = 'Xy7-bmc-S3cret';
const OLD_PASSWORD = 'Old-bmc-P4ss';
let dir = '';
let cib = '';

const ARGS = () => ({
	cib_file: cib,
	fence_devices: { mn1: { ip: '192.0.2.101', username: 'admin', delay_base: '5s' }, mn2: { ip: '192.0.2.102', username: 'admin' } },
	fence_password: PASSWORD,
	group: {
		id: 'xcat',
		members: [
			{ id: 'xcat-storage', agent: 'ocf:pacemaker:Dummy', ops: { monitor: { interval: '10s', timeout: '20s' } } },
			{
				id: 'xcat-vip',
				agent: 'ocf:heartbeat:IPaddr2',
				params: { ip: '192.0.2.10', cidr_netmask: 24, arp_count: 5 },
				ops: { monitor: { interval: '10s', timeout: '20s' } },
			},
			{ id: 'xcatd', agent: 'ocf:pacemaker:Dummy', meta: { 'migration-threshold': 3 }, ops: { start: { timeout: '120s' } } },
		],
	},
});
const cluster = (args: Record<string, unknown>, o: RunOpts = {}) => runModule('xcat_cluster', args, o);
const pcs = (...args: string[]) => execFileSync('pcs', ['-f', cib, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const live = () => parseCib(execFileSync('cibadmin', ['--query'], { env: { ...process.env, CIB_file: cib }, encoding: 'utf8' }));
const noSecret = (text: string, ...secrets: string[]) => {
	for (const s of secrets) assert.not.ok(text.includes(s), `the output shows the secret ${s}`);
};

const C = suite('xcat_cluster on a CIB file (real pcs -f, cibadmin)');
C.before.each(() => {
	dir = mkdtempSync(join(tmpdir(), 'xcat-cluster-'));
	cib = join(dir, 'cib.xml');
	writeFileSync(cib, execFileSync('cibadmin', ['--empty'], { encoding: 'utf8' }));
});
C.after.each(() => rmSync(dir, { recursive: true, force: true }));

C('check mode on an empty CIB: every command shown with -f, the diff, the file untouched, no password', async () => {
	const before = readFileSync(cib, 'utf8');
	const { result, stdout } = await cluster(ARGS(), { check: true, diff: true });
	assert.is(result.failed, undefined, result.msg);
	assert.is(result.changed, true);
	assert.is(readFileSync(cib, 'utf8'), before);
	assert.equal(result.commands[0], ['pcs', '-f', cib, 'property', 'set', 'stonith-enabled=true', 'no-quorum-policy=stop']);
	assert.equal(result.commands[2], [
		...['pcs', '-f', cib, 'stonith', 'create', 'fence-mn1', 'fence_ipmilan', 'ip=192.0.2.101', 'username=admin', 'password=********'],
		...['lanplus=1', 'pcmk_host_list=mn1', 'pcmk_delay_base=5s', 'op', 'monitor', 'interval=60s'],
	]);
	assert.equal(
		result.commands.slice(4).map((c: string[]) => c.slice(3, 6).concat(c.slice(c.indexOf('--group')))),
		[
			['resource', 'create', 'xcat-storage', '--group', 'xcat', '--no-default-ops'],
			['resource', 'create', 'xcat-vip', '--group', 'xcat', '--after', 'xcat-storage', '--no-default-ops'],
			['resource', 'create', 'xcatd', '--group', 'xcat', '--after', 'xcat-vip', '--no-default-ops'],
		],
	);
	assert.is(result.diff.before, 'property stonith-enabled=(unset)\nproperty no-quorum-policy=(unset)\nresource default resource-stickiness=(unset)\n');
	assert.match(
		result.diff.after,
		/\nfence device fence-mn1 \(stonith:fence_ipmilan\)\n {2}param ip=192\.0\.2\.101\n {2}param lanplus=1\n {2}param password=\*{8}\n/,
	);
	assert.match(result.diff.after, /\ngroup xcat: xcat-storage xcat-vip xcatd\n/);
	assert.is(result.invocation.module_args.fence_password, 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER');
	noSecret(stdout, PASSWORD);
});

C('create, run again unchanged, then drift repaired: a property, a parameter, a deleted member, a reordered group, an extra member, a password', async () => {
	const first = await cluster(ARGS());
	assert.is(first.result.failed, undefined, first.result.msg);
	assert.is(first.result.changed, true);
	noSecret(first.stdout, PASSWORD);
	const c = live();
	assert.equal([c.properties['stonith-enabled'], c.properties['no-quorum-policy'], c.rscDefaults['resource-stickiness']], ['true', 'stop', '100']);
	assert.equal(c.groups.get('xcat'), ['xcat-storage', 'xcat-vip', 'xcatd']);
	assert.equal(c.primitives.get('fence-mn1')!.params, {
		ip: '192.0.2.101',
		lanplus: '1',
		password: PASSWORD,
		pcmk_delay_base: '5s',
		pcmk_host_list: 'mn1',
		username: 'admin',
	});
	assert.equal(c.primitives.get('xcat-vip')!.ops.monitor, { interval: '10s', timeout: '20s' });
	assert.is(c.primitives.get('xcatd')!.meta['migration-threshold'], '3');
	// pcs itself reads the result back
	assert.match(pcs('stonith', 'config'), /Resource: fence-mn2 \(class=stonith type=fence_ipmilan\)/);

	const again = await cluster(ARGS(), { diff: true });
	assert.is(again.result.changed, false);
	assert.equal(again.result.commands, []);
	assert.is(again.result.diff.before, again.result.diff.after);

	// an operator (or xCAT's own recipe) changes things behind our back
	pcs('property', 'set', 'no-quorum-policy=ignore');
	pcs('resource', 'update', 'xcat-vip', 'ip=192.0.2.99', 'nic=eth9');
	pcs('resource', 'delete', 'xcat-storage');
	pcs('resource', 'group', 'add', 'xcat', 'xcatd', '--before', 'xcat-vip');
	pcs('resource', 'create', 'stray', 'ocf:pacemaker:Dummy', '--group', 'xcat');
	pcs('stonith', 'update', 'fence-mn2', `password=${OLD_PASSWORD}`);
	const audit = await cluster(ARGS(), { check: true, diff: true });
	assert.is(audit.result.changed, true);
	assert.equal(audit.result.changes, [
		'property no-quorum-policy changed',
		'fence-mn2: parameter password changed',
		'stray: removed from xcat and deleted',
		'xcat-storage: created in xcat at position 1',
		'xcat-vip: moved to position 2 of xcat',
		'xcat-vip: parameter ip changed',
		'xcat-vip: parameter nic removed',
	]);
	assert.match(audit.result.diff.before, /property no-quorum-policy=ignore\n/);
	assert.match(audit.result.diff.before, /group xcat: xcatd xcat-vip stray\n/);
	assert.match(audit.result.diff.after, /param password=\*{8} \(changed\)\n {2}param pcmk_host_list=mn2/);
	noSecret(audit.stdout, PASSWORD, OLD_PASSWORD);

	const repair = await cluster(ARGS());
	assert.is(repair.result.failed, undefined, repair.result.msg);
	assert.is(repair.result.changed, true);
	noSecret(repair.stdout, PASSWORD, OLD_PASSWORD);
	const r = live();
	assert.equal(r.groups.get('xcat'), ['xcat-storage', 'xcat-vip', 'xcatd']);
	assert.is(r.primitives.has('stray'), false);
	assert.equal(r.primitives.get('xcat-vip')!.params, { arp_count: '5', cidr_netmask: '24', ip: '192.0.2.10' });
	assert.is(r.primitives.get('fence-mn2')!.params.password, PASSWORD);
	assert.is(r.properties['no-quorum-policy'], 'stop');
	assert.is((await cluster(ARGS())).result.changed, false);
});

C('a command pcs refuses fails the run with its message, the argv shown without the password', async () => {
	const args = ARGS();
	const bad = { ...args, fence_devices: { ...args.fence_devices, mn2: { ...args.fence_devices.mn2, params: { no_such_option: 'x' } } } };
	const { result, stdout } = await cluster(bad);
	assert.is(result.failed, true);
	assert.match(result.msg, /^pcs -f \S+ stonith create fence-mn2 fence_ipmilan ip=192\.0\.2\.102 username=admin '?password=\*{8}'? /);
	assert.match(result.msg, /no_such_option/);
	noSecret(stdout, PASSWORD);
});

const Bad = suite('xcat_cluster bad input: refused before the CIB is read or changed, naming option, value and why');
Bad.before.each(() => {
	dir = mkdtempSync(join(tmpdir(), 'xcat-cluster-'));
	cib = join(dir, 'cib.xml');
	writeFileSync(cib, execFileSync('cibadmin', ['--empty'], { encoding: 'utf8' }));
});
Bad.after.each(() => rmSync(dir, { recursive: true, force: true }));

const member = (m: Record<string, unknown>) => ({ ...ARGS(), group: { id: 'xcat', members: [m] } });
const BAD: Array<[() => Record<string, unknown>, string | RegExp]> = [
	[
		() => ({ ...ARGS(), stonith_enabled: false }),
		/stonith_enabled=false is refused: without fencing, a management node that stops answering may still hold the VIP/,
	],
	[() => ({ ...ARGS(), no_quorum_policy: 'ignore' }), 'value of no_quorum_policy must be one of: stop, freeze, demote, suicide, got: ignore'],
	[() => ({ ...ARGS(), properties: { 'stonith-enabled': 'false' } }), 'properties.stonith-enabled is refused: it is set by the option stonith_enabled'],
	[() => ({ ...ARGS(), fence_devices: {} }), /fence_devices is empty: with stonith enabled, Pacemaker starts no resource/],
	[
		() => ({ ...ARGS(), fence_devices: { mn1: { ip: '192.0.2.101', username: 'admin' }, mn2: { ip: '192.0.2.102', username: 'admin' } } }),
		/fence_devices must give one node a different delay_base \(e\.g\. mn1: delay_base 5s\), or the cluster a quorum device/,
	],
	[
		() => ({
			...ARGS(),
			quorum_device: 'net',
			fence_devices: { mn1: { ip: '192.0.2.101', username: 'admin' }, mn2: { ip: '192.0.2.102', username: 'admin' } },
		}),
		/^quorum_device=net cannot be checked on a CIB file \(cib_file \S+\): it is proved against the running corosync/,
	],
	[
		() => ({ ...ARGS(), fence_devices: { mn1: { ip: '192.0.2.101', username: 'admin', params: { password: PASSWORD } } } }),
		'fence_devices.mn1.params.password is refused: the password goes in fence_password or fence_passwords, which are never shown',
	],
	[
		() => ({ ...ARGS(), fence_devices: { mn1: { ip: '192.0.2.101', username: 'admin', password: PASSWORD } } }),
		/fence_devices\.mn1 has unknown keys password; known: ip, username, lanplus, delay_base, params \(the password goes in/,
	],
	[() => ({ ...ARGS(), fence_password: undefined }), /fence_devices\.mn1 needs a password: set fence_password \(every BMC\) or fence_passwords\.mn1/],
	[
		() => member({ id: 'vip', agent: 'IPaddr2' }),
		/value of group\.members\[0\]\.agent must be ocf:PROVIDER:TYPE, systemd:UNIT, lsb:SCRIPT or service:NAME .*got: "IPaddr2"/,
	],
	[() => member({ id: '1vip', agent: 'ocf:heartbeat:IPaddr2' }), /value of group\.members\[0\]\.id must be a Pacemaker id .*got: "1vip"/],
	[() => member({ id: 'vip', agent: 'ocf:heartbeat:IPaddr2', params: { ip: 'a\nb' } }), /value of group\.members\[0\]\.params\.ip must be one line/],
	[
		() => member({ id: 'vip', agent: 'ocf:heartbeat:IPaddr2', ops: { monitor: { timeout: '20s' } } }),
		'group.members[0].ops.monitor needs an interval (e.g. 10s)',
	],
	[
		() => member({ id: 'vip', agent: 'ocf:heartbeat:IPaddr2', ops: { start: { timeout: 'soon' } } }),
		/value of group\.members\[0\]\.ops\.start\.timeout must be a duration/,
	],
	[
		() => member({ id: 'fence-mn1', agent: 'ocf:heartbeat:IPaddr2' }),
		/ids must be unique across the group, its members and the fence devices \(fence-NODE\): fence-mn1 appear/,
	],
];

for (const [args, msg] of BAD) {
	Bad(`refused: ${msg}`, async () => {
		const before = readFileSync(cib, 'utf8');
		const { result, stdout } = await cluster(args());
		assert.is(result.failed, true);
		// the module joins its errors with '. ': each case's own error is somewhere in the message
		if (typeof msg === 'string') assert.ok(result.msg.includes(msg), result.msg);
		else assert.match(result.msg, msg);
		assert.is(readFileSync(cib, 'utf8'), before);
		noSecret(stdout, PASSWORD);
	});
}

Bad('a missing CIB file and a file that is no CIB are said so', async () => {
	const gone = await cluster({ ...ARGS(), cib_file: join(dir, 'nope.xml') });
	assert.match(gone.result.msg, /^cib_file \S+nope\.xml does not exist: create it first/);
	writeFileSync(cib, 'not xml\n');
	const junk = await cluster(ARGS());
	assert.match(junk.result.msg, /^CIB_file=\S+ cibadmin --query failed \(rc \d+\) reading the CIB file /);
});

Bad('without cib_file and without a running cluster, the live CIB cannot be read: said, nothing run', async () => {
	const { result } = await cluster({ ...ARGS(), cib_file: undefined });
	assert.is(result.failed, true);
	assert.match(result.msg, /^cibadmin --query failed \(rc \d+\) reading the live CIB \(is Pacemaker running on this node\?\)/);
	assert.equal(result.commands ?? [], [], 'nothing ran');
});

Bad('quorum_device is proved against the running corosync: without a device there, equal delays are refused and nothing runs', async () => {
	// this machine runs no corosync: corosync-cmapctl finds no quorum.device.model
	const equal = { mn1: { ip: '192.0.2.101', username: 'admin' }, mn2: { ip: '192.0.2.102', username: 'admin' } };
	const { result, stdout } = await cluster({ ...ARGS(), cib_file: undefined, fence_devices: equal, quorum_device: 'net' });
	assert.is(result.failed, true);
	assert.match(
		result.msg,
		/^quorum_device=net was given, but corosync on this node has no quorum device \(corosync-cmapctl -g quorum\.device\.model: .+\): without one, equal fence delays let both MNs fence each other/,
	);
	assert.equal(result.commands ?? [], [], 'nothing ran');
	noSecret(stdout, PASSWORD);
});

C.run();
Bad.run();
