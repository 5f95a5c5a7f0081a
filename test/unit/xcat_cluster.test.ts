import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCib, type Live, type Primitive } from '../../modules/xcat_cluster/cib';
import { checkArgs, durationMs, toDesired, type Args, type Desired, type Resource } from '../../modules/xcat_cluster/desired';
import { plan } from '../../modules/xcat_cluster/plan';
import { parseXml } from '../../modules/xcat_cluster/xml';

const args = (over: Partial<Args> = {}): Args => ({
	stonith_enabled: true,
	no_quorum_policy: 'stop',
	properties: {},
	resource_stickiness: 100,
	fence_devices: { mn1: { ip: '10.0.0.1', username: 'admin', delay_base: '5s' }, mn2: { ip: '10.0.0.2', username: 'admin' } },
	fence_password: 'pw',
	force_agents: false,
	...over,
});
const res = (id: string, agent = 'ocf:pacemaker:Dummy', over: Partial<Resource> = {}): Resource => ({ id, agent, params: {}, meta: {}, ops: {}, ...over });
const prim = (id: string, agent = 'ocf:pacemaker:Dummy', over: Partial<Primitive> = {}): Primitive => ({ id, agent, params: {}, meta: {}, ops: {}, ...over });
const empty = (): Live => ({ properties: {}, rscDefaults: {}, primitives: new Map(), groups: new Map() });

/** a live CIB that already matches D, as pcs would have left it */
function matching(d: Desired): Live {
	const l = empty();
	for (const [k, v] of d.properties) l.properties[k] = v;
	for (const [k, v] of d.rscDefaults) l.rscDefaults[k] = v;
	for (const r of d.stonith) l.primitives.set(r.id, prim(r.id, r.agent, { params: { ...r.params }, ops: structuredClone(r.ops) }));
	if (d.group) {
		l.groups.set(
			d.group.id,
			d.group.members.map((m) => m.id),
		);
		for (const m of d.group.members)
			l.primitives.set(
				m.id,
				prim(m.id, m.agent, { params: { ...m.params }, meta: { ...m.meta }, ops: structuredClone(m.ops), parent: { kind: 'group', id: d.group.id } }),
			);
	}
	return l;
}
const withGroup = (...members: Resource[]): Desired => ({ ...toDesired(args()), group: { id: 'xcat', members } });
const steps = (l: Live, d: Desired) => {
	const p = plan(l, d);
	if (p.kind !== 'act') throw new Error(p.msg);
	return p.steps;
};

const X = suite('xcat_cluster xml and CIB reading');

X('entities, comments, self-closing tags and attributes in single quotes', () => {
	const el = parseXml(`<?xml version="1.0"?>\n<!-- c --><a x='1' y="a&amp;b&lt;&#65;&#x42;"><b/><c>t&gt;</c></a>`);
	assert.equal(el.attrs, { x: '1', y: 'a&b<AB' });
	assert.equal(
		el.children.map((c) => c.name),
		['b', 'c'],
	);
	assert.is(el.children[1]!.text, 't>');
	assert.throws(() => parseXml('<a><b></a>'), /unexpected <\/a>/);
	assert.throws(() => parseXml('<a>'), /not closed/);
});

X('a CIB: properties (cib-bootstrap-options wins), defaults, primitives with their place, groups in order', () => {
	const live = parseCib(`<cib><configuration>
	<crm_config>
		<cluster_property_set id="cib-bootstrap-options"><nvpair id="a" name="stonith-enabled" value="true"/></cluster_property_set>
		<cluster_property_set id="other"><nvpair id="b" name="stonith-enabled" value="false"/><nvpair id="c" name="x" value="1"/></cluster_property_set>
	</crm_config>
	<resources>
		<primitive id="f1" class="stonith" type="fence_ipmilan"><instance_attributes id="i"><nvpair id="p" name="ip" value="10.0.0.1"/></instance_attributes></primitive>
		<group id="xcat">
			<primitive id="vip" class="ocf" provider="heartbeat" type="IPaddr2">
				<operations><op id="o1" name="monitor" interval="10s" timeout="20s"/><op id="o2" name="monitor" interval="30s"/></operations>
				<meta_attributes id="m"><nvpair id="n" name="target-role" value="Stopped"/></meta_attributes>
			</primitive>
			<primitive id="xcatd" class="systemd" type="xcatd"/>
		</group>
		<clone id="c"><primitive id="named" class="systemd" type="named"/></clone>
	</resources>
	<rsc_defaults><meta_attributes id="d"><nvpair id="s" name="resource-stickiness" value="100"/></meta_attributes></rsc_defaults>
	</configuration><status/></cib>`);
	assert.equal(live.properties, { 'stonith-enabled': 'true', x: '1' });
	assert.equal(live.rscDefaults, { 'resource-stickiness': '100' });
	assert.equal(live.groups.get('xcat'), ['vip', 'xcatd']);
	assert.equal(live.primitives.get('vip'), {
		id: 'vip',
		agent: 'ocf:heartbeat:IPaddr2',
		params: {},
		meta: { 'target-role': 'Stopped' },
		ops: { monitor: { interval: '10s', timeout: '20s' } },
		parent: { kind: 'group', id: 'xcat' },
	});
	assert.is(live.primitives.get('f1')!.agent, 'stonith:fence_ipmilan');
	assert.equal(live.primitives.get('named')!.parent, { kind: 'clone', id: 'c' });
	assert.throws(() => parseCib('<html/>'), /not a CIB/);
});

const P = suite('xcat_cluster plan');

P('an empty CIB: properties, defaults, the two fence devices, then the members in order, each placed after the one before', () => {
	const d = withGroup(res('a'), res('b', 'systemd:xcatd'));
	assert.equal(steps(empty(), d), [
		['property', 'set', 'stonith-enabled=true', 'no-quorum-policy=stop'],
		['resource', 'defaults', 'update', 'resource-stickiness=100'],
		[
			...['stonith', 'create', 'fence-mn1', 'fence_ipmilan', 'ip=10.0.0.1', 'username=admin', 'password=pw', 'lanplus=1', 'pcmk_host_list=mn1'],
			'pcmk_delay_base=5s',
			'op',
			'monitor',
			'interval=60s',
		],
		[
			'stonith',
			'create',
			'fence-mn2',
			'fence_ipmilan',
			'ip=10.0.0.2',
			'username=admin',
			'password=pw',
			'lanplus=1',
			'pcmk_host_list=mn2',
			'op',
			'monitor',
			'interval=60s',
		],
		['resource', 'create', 'a', 'ocf:pacemaker:Dummy', '--group', 'xcat', '--no-default-ops'],
		['resource', 'create', 'b', 'systemd:xcatd', '--group', 'xcat', '--after', 'a', '--no-default-ops'],
	]);
});

P('a CIB that matches: nothing to do, and the diff is the same before and after', () => {
	const d = withGroup(
		res('a', 'ocf:heartbeat:IPaddr2', {
			params: { ip: '10.0.0.10' },
			meta: { 'migration-threshold': '3' },
			ops: { monitor: { interval: '10s', timeout: '20s' } },
		}),
	);
	const p = plan(matching(d), d);
	assert.equal(p.kind === 'act' && [p.steps, p.changes, p.before === p.after], [[], [], true]);
});

P('durations compare as durations; a meta attribute or op not asked for (target-role, a default monitor) is left alone', () => {
	const d = withGroup(res('a', 'ocf:pacemaker:Dummy', { ops: { start: { interval: '0s', timeout: '2min' } } }));
	const l = matching(d);
	l.primitives.get('a')!.ops = { start: { interval: '0', timeout: '120000ms' }, monitor: { interval: '10s' } };
	l.primitives.get('a')!.meta = { 'target-role': 'Stopped' };
	assert.equal(steps(l, d), []);
	l.primitives.get('a')!.ops.start = { interval: '0', timeout: '60s' };
	assert.equal(steps(l, d), [['resource', 'update', 'a', 'op', 'start', 'interval=0s', 'timeout=2min']]);
});

P('parameters: changed and added set, ones not asked removed (k=), in one update with the ops that differ', () => {
	const d = withGroup(res('v', 'ocf:heartbeat:IPaddr2', { params: { ip: '10.0.0.10', cidr_netmask: '24' }, ops: { monitor: { interval: '10s' } } }));
	const l = matching(d);
	l.primitives.get('v')!.params = { ip: '10.0.0.99', nic: 'eth9' };
	l.primitives.get('v')!.ops = { monitor: { interval: '10s', timeout: '20s' } };
	const p = plan(l, d);
	assert.equal(p.kind === 'act' && p.steps, [['resource', 'update', 'v', 'ip=10.0.0.10', 'cidr_netmask=24', 'nic=', 'op', 'monitor', 'interval=10s']]);
	assert.equal(p.kind === 'act' && p.changes, [
		'v: parameter ip changed',
		'v: parameter cidr_netmask added',
		'v: parameter nic removed',
		'v: operation monitor changed',
	]);
});

P('the group: stray members deleted first, a missing one created before the first, a misplaced one moved after its predecessor', () => {
	const d = withGroup(res('a'), res('b'), res('c'));
	const l = matching(d);
	l.primitives.delete('a');
	l.groups.set('xcat', ['c', 'x', 'b']);
	l.primitives.set('x', prim('x', 'ocf:pacemaker:Dummy', { parent: { kind: 'group', id: 'xcat' } }));
	assert.equal(steps(l, d), [
		['resource', 'delete', 'x'],
		['resource', 'create', 'a', 'ocf:pacemaker:Dummy', '--group', 'xcat', '--before', 'c', '--no-default-ops'],
		['resource', 'group', 'add', 'xcat', 'b', '--after', 'a'],
	]);
});

P('a member whose agent changed is deleted and created again in place; a standalone resource of that id joins the group', () => {
	const d = withGroup(res('a'), res('b', 'systemd:xcatd'));
	const l = matching(d);
	l.primitives.set('b', prim('b', 'lsb:xcatd', { parent: { kind: 'group', id: 'xcat' } }));
	assert.equal(steps(l, d), [
		['resource', 'delete', 'b'],
		['resource', 'create', 'b', 'systemd:xcatd', '--group', 'xcat', '--after', 'a', '--no-default-ops'],
	]);
	const alone = matching(d);
	alone.groups.set('xcat', ['b']);
	alone.primitives.set('a', prim('a'));
	assert.equal(steps(alone, d), [['resource', 'group', 'add', 'xcat', 'a', '--before', 'b']]);
});

P('a member inside a clone is refused, naming it; force_agents adds --force to creations', () => {
	const d = withGroup(res('named', 'systemd:named'));
	const l = matching(d);
	l.primitives.set('named', prim('named', 'systemd:named', { parent: { kind: 'clone', id: 'named-clone' } }));
	l.groups.delete('xcat');
	assert.equal(plan(l, d), { kind: 'refuse', msg: 'named is in the clone named-clone: it cannot join the group xcat; remove it from there first' });
	const forced = { ...d, forceAgents: true };
	assert.equal(
		steps(matching({ ...forced, group: { id: 'xcat', members: [] } }), forced)
			.at(-1)!
			.at(-1),
		'--force',
	);
});

P('a fence password that differs is changed without either value in the diff', () => {
	const d = toDesired(args({ fence_password: 'new-secret' }));
	const l = matching(d);
	l.primitives.get('fence-mn2')!.params.password = 'old-secret';
	const p = plan(l, d);
	assert.equal(p.kind === 'act' && p.steps, [['stonith', 'update', 'fence-mn2', 'password=new-secret']]);
	if (p.kind !== 'act') return;
	assert.not.ok(p.before.includes('old-secret') || p.after.includes('new-secret') || p.before.includes('new-secret'));
	assert.match(p.after, /fence device fence-mn2 \(stonith:fence_ipmilan\)\n(.*\n){2} {2}param password=\*{8} \(changed\)\n/);
});

const A = suite('xcat_cluster arguments');

A('fencing off, equal delays, a password in params, an unknown fence key are refused, each naming the option and why', () => {
	assert.match(checkArgs(args({ stonith_enabled: false })).join('\n'), /^stonith_enabled=false is refused: without fencing/);
	assert.equal(
		checkArgs(
			args({ fence_devices: { mn1: { ip: '10.0.0.1', username: 'a', delay_base: '5s' }, mn2: { ip: '10.0.0.2', username: 'a', delay_base: '5000ms' } } }),
		),
		[
			'fence_devices must give one node a different delay_base (e.g. mn1: delay_base 5s), or the cluster a quorum device (quorum_device): with equal delays (5s) both MNs fence each other at once when their link breaks',
		],
	);
	// with a quorum device only the partition it votes for fences: equal delays (none) are allowed
	const none = { mn1: { ip: '10.0.0.1', username: 'a' }, mn2: { ip: '10.0.0.2', username: 'a' } };
	assert.equal(checkArgs(args({ fence_devices: none, quorum_device: 'net' })), []);
	assert.equal(checkArgs(args({ fence_devices: none, quorum_device: 'net', cib_file: '/tmp/cib.xml' })), [
		'quorum_device=net cannot be checked on a CIB file (cib_file /tmp/cib.xml): it is proved against the running corosync; on a file, give one fence device a different delay_base',
	]);
	assert.equal(checkArgs(args({ fence_devices: { mn1: { ip: '10.0.0.1', username: 'a', params: { passwd: 'x' } } } })), [
		'fence_devices.mn1.params.passwd is refused: the password goes in fence_password or fence_passwords, which are never shown',
	]);
	assert.equal(checkArgs(args({ fence_passwords: { mn3: 'x' } })), ['fence_passwords has a key that is not in fence_devices: "mn3" (known: mn1, mn2)']);
	// fence agents read key=value lines: a newline in a password would add an option; the value is never shown
	assert.equal(checkArgs(args({ fence_passwords: { mn2: 'pw\nlanplus=0' } })), [
		'the password for mn2 (fence_passwords.mn2 or fence_password) must be one line of 1-255 characters without NUL',
	]);
	assert.equal(checkArgs(args()), []);
});

A('a per-node password wins over fence_password; lanplus false is 0; numbers and booleans in params become strings', () => {
	const d = toDesired(
		args({
			fence_passwords: { mn2: 'two' },
			fence_devices: {
				mn1: { ip: '10.0.0.1', username: 'a', lanplus: false, delay_base: 5 },
				mn2: { ip: '10.0.0.2', username: 'a', params: { power_wait: 4 } },
			},
		}),
	);
	assert.equal(
		d.stonith.map((s) => [s.params.password, s.params.lanplus, s.params.pcmk_delay_base, s.params.power_wait]),
		[
			['pw', '0', '5', undefined],
			['two', '1', undefined, '4'],
		],
	);
});

A('durations', () => {
	assert.equal(['10', '10s', '10000ms', '1min', '1h', '2hr', 'x', '1d'].map(durationMs), [
		10000,
		10000,
		10000,
		60000,
		3600000,
		7200000,
		undefined,
		undefined,
	]);
});

X.run();
P.run();
A.run();
