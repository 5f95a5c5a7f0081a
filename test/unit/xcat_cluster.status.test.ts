// The crm_mon reader and the readiness verdict over real crm_mon output: test/fixtures/pacemaker/*.xml,
// made offline by make.sh there (pcs -f, crm_simulate, CIB_file crm_mon --output-as=xml).
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCrmMon, parseQdeviceStatus, quorumDeviceWarning, readiness, type Verdict } from '../../modules/xcat_cluster/status';

const fixture = (name: string) => parseCrmMon(readFileSync(`test/fixtures/pacemaker/${name}.xml`, 'utf8'));
const verdict = (name: string): Verdict => readiness(fixture(name), { mns: ['mn1', 'mn2'], group: 'xcat', vip_resource: 'xcat-vip' });
const brief = (v: Verdict) => ({ active: v.active, vip_on: v.vip_on, failover_safe: v.failover_safe, reasons: v.reasons, ready_standbys: v.ready_standbys });
const problems = (v: Verdict) => Object.fromEntries(v.mns.map((r) => [r.mn, r.problems]));

const R = suite('crm_mon XML read');

R('healthy: quorum with its DC, both nodes online, fence devices and the group where they run, no failure', () => {
	const s = fixture('healthy');
	assert.equal([s.quorum, s.dc, s.stonith_enabled, s.maintenance_mode], [true, 'mn1', true, false]);
	assert.equal(
		s.nodes.map((n) => [n.name, n.online, n.standby, n.unclean]),
		[
			['mn1', true, false, false],
			['mn2', true, false, false],
		],
	);
	assert.equal(s.groups, { xcat: ['xcat-storage', 'xcat-vip', 'xcatd'] });
	assert.equal(
		s.resources.map((r) => [r.id, r.agent, r.role, r.nodes]),
		[
			['fence-mn1', 'stonith:fence_ipmilan', 'Started', ['mn1']],
			['fence-mn2', 'stonith:fence_ipmilan', 'Started', ['mn2']],
			['xcat-storage', 'ocf:pacemaker:Dummy', 'Started', ['mn1']],
			['xcat-vip', 'ocf:heartbeat:IPaddr2', 'Started', ['mn1']],
			['xcatd', 'systemd:xcatd', 'Started', ['mn1']],
		],
	);
	assert.equal(s.failed_actions, []);
});

R('failed actions: the resource (underscores and all), operation, node, exit status and reason', () => {
	const [f] = fixture('xcatd-restarted').failed_actions;
	assert.equal(
		{ ...f, last: '' },
		{ resource: 'xcatd', op: 'monitor', node: 'mn1', exitstatus: 'not running', exitreason: 'Simulated action result', exitcode: 7, last: '' },
	);
	const underscored = parseCrmMon(
		'<pacemaker-result><summary/><failures><failure op_key="xcat_vip_start_0" node="mn1" exitstatus="error" exitreason="" exitcode="1" interval="0" task="start"/></failures></pacemaker-result>',
	);
	assert.is(underscored.failed_actions[0]!.resource, 'xcat_vip');
	assert.is(underscored.quorum, null);
	assert.throws(() => parseCrmMon('<cib/>'), /not crm_mon XML/);
	// what crm_mon prints, exiting 0, when it cannot reach the CIB
	assert.throws(
		() =>
			parseCrmMon(
				'<pacemaker-result api-version="2.25"><status code="0" message="OK"><errors><error>Could not connect to the CIB: No such device or address</error></errors></status></pacemaker-result>',
			),
		/crm_mon shows no cluster: Could not connect to the CIB: No such device or address/,
	);
});

const V = suite('readiness verdict (the shape of the playbook-driven status)');

V('healthy: mn1 active with the VIP, mn2 ready, failover safe', () => {
	const v = verdict('healthy');
	assert.equal(brief(v), { active: 'mn1', vip_on: ['mn1'], failover_safe: true, reasons: [], ready_standbys: ['mn2'] });
	assert.equal(v.mns, [
		{ mn: 'mn1', role: 'active', vip: true, guard: 'pacemaker', problems: [] },
		{ mn: 'mn2', role: 'standby', vip: false, guard: 'pacemaker', problems: [] },
	]);
	assert.equal(v.warnings, []);
});

V('xcatd failed its monitor and was restarted in place: still safe, the failure reported as a warning', () => {
	const v = verdict('xcatd-restarted');
	assert.is(v.failover_safe, true);
	assert.is(v.warnings.length, 1);
	assert.match(v.warnings[0]!, /^xcatd monitor failed on mn1 \(not running: Simulated action result, .+\); recovered in place$/);
});

V('xcatd failed to restart: the active MN has a failed member, not safe', () => {
	const v = verdict('xcatd-start-failed');
	assert.equal(brief(v), { active: 'mn1', vip_on: ['mn1'], failover_safe: false, reasons: ['active mn1: xcatd is failed'], ready_standbys: ['mn2'] });
});

V('the group moved to mn2: mn1 cannot take it back until xcatd is cleaned up there', () => {
	const v = verdict('xcatd-moved');
	assert.equal(brief(v), { active: 'mn2', vip_on: ['mn2'], failover_safe: false, reasons: ['no standby MN is ready to take over'], ready_standbys: [] });
	assert.equal(problems(v).mn1, ['xcatd failed here (start: error); pcs resource cleanup xcatd once the cause is fixed']);
});

V('mn1 failed and is not fenced yet: unclean, its resources unknown, not safe', () => {
	const v = verdict('mn1-unclean');
	assert.equal(v.reasons, ['active mn1: unclean: it failed and has not been fenced yet']);
	assert.equal(v.ready_standbys, ['mn2']);
	assert.is(fixture('mn1-unclean').nodes[0]!.unclean, true);
});

V('mn1 fenced: mn2 runs the group and both fence devices, mn1 offline', () => {
	const v = verdict('mn1-fenced');
	assert.equal(brief(v), { active: 'mn2', vip_on: ['mn2'], failover_safe: false, reasons: ['no standby MN is ready to take over'], ready_standbys: [] });
	assert.equal(problems(v), { mn1: ['offline'], mn2: [] });
	assert.equal(
		fixture('mn1-fenced')
			.resources.filter((r) => r.agent.startsWith('stonith:'))
			.map((r) => r.nodes),
		[['mn2'], ['mn2']],
	);
});

V('quorum lost: everything stopped, said first', () => {
	const v = verdict('no-quorum');
	assert.equal(v.reasons, [
		'the cluster has no quorum: this partition stops the group (no-quorum-policy)',
		'the group xcat runs nowhere: there is no active MN',
		'no standby MN is ready to take over',
	]);
	assert.equal(problems(v), { mn1: ['cannot be fenced: fence-mn1 is Stopped'], mn2: ['offline', 'cannot be fenced: fence-mn2 is Stopped'] });
	assert.is(v.active, null);
});

V('mn1 in standby: the group on mn2, mn1 not ready and says how to bring it back', () => {
	const v = verdict('mn1-standby');
	assert.is(v.active, 'mn2');
	assert.equal(problems(v).mn1, ['in standby (pcs node unstandby)']);
});

V('split brain and an unknown group are reasons; the lease member is each MN guard', () => {
	const s = fixture('healthy');
	s.resources.find((r) => r.id === 'xcat-vip')!.nodes = ['mn1', 'mn2'];
	const v = readiness(s, { mns: ['mn1', 'mn2'], group: 'xcat', vip_resource: 'xcat-vip', lease_resource: 'xcat-storage' });
	assert.ok(v.reasons.includes('split brain: the VIP (xcat-vip) runs on mn1 and mn2'), v.reasons.join('\n'));
	assert.ok(v.reasons.includes('the group xcat is split over mn1 and mn2'));
	assert.equal(
		v.mns.map((r) => r.guard),
		['active', 'inactive'],
	);
	assert.ok(readiness(fixture('healthy'), { mns: ['mn1', 'mn2'], group: 'other' }).reasons.includes('the group other is not configured'));
});

const Q = suite('the quorum device (corosync-qdevice-tool -s)');

// as corosync-qdevice-tool 3.0 printed it on the lab, connected and with qnetd stopped on sn1
const QDEVICE = (state: string) =>
	`Qdevice information\n-------------------\nModel:\t\t\tNet\nNode ID:\t\t1\n\nQdevice-net information\n----------------------\nCluster name:\t\txcatha\nQNetd host:\t\tsn1:5403\nAlgorithm:\t\tFifty-Fifty split\nTie-breaker:\t\tNode with lowest node ID\nState:\t\t\t${state}\n`;

Q('read: the qnetd host and the state; a connected device votes: no warning', () => {
	assert.equal(parseQdeviceStatus(QDEVICE('Connected')), { host: 'sn1:5403', state: 'Connected' });
	assert.is(quorumDeviceWarning(parseQdeviceStatus(QDEVICE('Connected'))), undefined);
});

Q('qnetd down, or the tool failing: a warning that says what one more failure would cost', () => {
	assert.match(
		quorumDeviceWarning(parseQdeviceStatus(QDEVICE('Connect failed')))!,
		/^the quorum device does not vote: qnetd on sn1:5403 is "Connect failed", not Connected; [^]*if one fails now the other has no quorum/,
	);
	assert.match(quorumDeviceWarning(parseQdeviceStatus(''))!, /qnetd is not known, not Connected/);
	assert.match(
		quorumDeviceWarning({ error: "Can't connect to QDevice socket" })!,
		/^the quorum device cannot be asked \(corosync-qdevice-tool -s: Can't connect/,
	);
});

R.run();
V.run();
Q.run();
