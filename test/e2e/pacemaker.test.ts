// xcat_ha_engine pacemaker on the lab (issue 14): setup-ha hands the pair to a Pacemaker/corosync
// cluster of mn1 and mn2, with corosync-qnetd on sn1 as the quorum device, stonith on (fence_ipmilan
// against the virtual BMCs) and one group on the active MN. The same playbooks drive it: status.yml
// reads the cluster (and warns when qnetd is down), xcatd killed is restarted in place and reported,
// the refusals. Then, with the fault monitor watching (ARP for the VIP, postmasters on /HA, a writer on
// cn1): mn1 loses power, and mn2 takes over with no playbook run; mn1 powered on again rejoins as
// standby and the group stays where it is; mn2's link cut: it stops, mn1 fences it and takes over;
// deactivate/activate are standby/unstandby; failover.yml is a planned move, its outage measured from cn1;
// the shared storage lost on the active MN moves the group (the storage check, first member); setup_ha
// with xcat_ha_engine_handback gives the pair back to the playbook engine without an outage.
// Run: flock .lab.lock npx tsx node_modules/uvu/bin.js test/e2e 'pacemaker\.test\.ts$'
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureLab, ok, on, playbook, recap, resetLab, VIP, type PlaybookRun } from '../../tools/lab/lab';
import { audit, driftOf, lastReport, macOf, outage, startWatcher, stopWatcher } from '../../tools/lab/mn-ha';
import { analyze } from '../../tools/lab/faults/analyze';
import { prepareWriter, rowsOf, startMonitor } from '../../tools/lab/faults/monitor';
import { fault, labStatus } from '../../tools/lab/faults/scenarios';
import { allOn, cluster, ENGINE, GROUP, placement, waitForGroup, waitOnline } from '../../tools/lab/pacemaker';
import type { ClusterStatus } from '../../modules/xcat_cluster/status';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** whether HOST has power, as lab status says (running, degraded with a failed unit, or paused) */
const poweredOn = (host: string) => !['stopped', 'crashed', undefined].includes(labStatus().find((h) => h.host === host)?.state);

/** polls COND every 500 ms until it holds; fails naming WHAT after timeoutMs */
async function waitFor(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
	const until = Date.now() + timeoutMs;
	while (!(await cond().catch(() => false))) {
		if (Date.now() > until) assert.unreachable(`waited ${timeoutMs} ms for ${what}`);
		await sleep(500);
	}
}

/** a failed run's failed tasks first (the play goes on for a while after one), then its end */
function okRun(r: PlaybookRun, what: string) {
	const failed = r.stdout
		.split('\n')
		.filter((l) => /^(fatal|failed): /.test(l))
		.map((l) => l.slice(0, 2000));
	assert.is(r.status, 0, `${what} failed (${r.status}):\n${failed.join('\n')}\n…\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-2000)}`);
}
const changedOn = (r: PlaybookRun, host: string) => recap(r.stdout, host).changed ?? -1;

const P = suite('xcat_ha_engine pacemaker on the lab');

P.before(() => resetLab());

P('setup-ha builds the cluster: quorum device on sn1, fencing on, the group on mn1, the lease guard off; cn1 gets xcatd on the VIP', async () => {
	const r = await playbook('playbooks/setup_ha.yml', ENGINE);
	okRun(r, 'setup-ha with the engine');
	const s = await cluster('mn1');
	assert.is(s.quorum, true);
	assert.is(s.stonith_enabled, true);
	assert.equal(
		s.nodes.map((n) => [n.name, n.online, n.standby]),
		[
			['mn1', true, false],
			['mn2', true, false],
		],
	);
	assert.equal(s.groups.xcat, GROUP, 'the group in start order');
	assert.equal(placement(s), allOn('mn1'));
	assert.equal(
		s.resources.filter((x) => x.agent === 'stonith:fence_ipmilan').map((x) => [x.id, x.active]),
		[
			['fence-mn1', true],
			['fence-mn2', true],
		],
	);
	assert.equal(s.failed_actions, []);
	// three votes: the MNs and the quorum device on sn1, connected
	assert.match(await ok('mn1', 'corosync-quorumtool -s'), /Total votes:\s+3\n/);
	assert.match(await ok('mn1', 'corosync-qdevice-tool -s'), /QNetd host:\s+sn1:5403\n[\s\S]*State:\s+Connected/);
	assert.is(await ok('mn1', 'crm_attribute --type crm_config --name no-quorum-policy --query --quiet'), 'stop\n');
	assert.is(await ok('mn1', 'crm_attribute --type crm_config --name stonith-action --query --quiet'), 'off\n');
	// the cluster's fencing guards the data now: no guard steps the MN down behind its back
	assert.is((await on('mn1', 'systemctl is-active xcat-lease-guard')).stdout, 'inactive\n');
	assert.match(await ok('cn1', `echo | timeout 2 nc -w 1 ${VIP} 3001 | head -1`), /\S/, 'xcatd answers on the VIP');
	// the BMC password is in the CIB (where fence_ipmilan reads it) and in no output of the run
	const password = await ok('mn1', 'crm_resource --resource fence-mn1 --get-parameter password');
	assert.ok(password.trim().length >= 8);
	assert.not.ok(r.stdout.includes(password.trim()) || r.stderr.includes(password.trim()), 'the BMC password in the output');
});

P('drift in the CIB: --check --diff and the audit report it and touch nothing; the next run repairs it and changes nothing else', async () => {
	await ok('mn1', 'pcs property set no-quorum-policy=ignore');
	const check = await playbook('playbooks/setup_ha.yml', [...ENGINE, '--check', '--diff']);
	okRun(check, 'the check run');
	assert.match(check.stdout, /property no-quorum-policy=ignore[^\n]*\n[\s\S]*property no-quorum-policy=stop/, 'the diff shows the property before and after');
	assert.is(await ok('mn1', 'crm_attribute --type crm_config --name no-quorum-policy --query --quiet'), 'ignore\n', '--check changed nothing');
	// the audit (audit.yml, the same role in check mode) reports it as drift, and only it
	const drifted = await audit(ENGINE);
	assert.is.not(drifted.run.status, 0, 'the audit fails on drift');
	assert.equal(driftOf(drifted.report), ["mn1: Configure fencing, the cluster's properties and the xCAT group"]);
	const repair = await playbook('playbooks/setup_ha.yml', ENGINE);
	okRun(repair, 'the repair');
	assert.is(await ok('mn1', 'crm_attribute --type crm_config --name no-quorum-policy --query --quiet'), 'stop\n');
	// the one change is the CIB's (the second run of everything else: idempotent)
	assert.equal([changedOn(repair, 'mn1'), changedOn(repair, 'mn2')], [1, 0], 'changed=1 on mn1 (the CIB), 0 on mn2');
	assert.match(repair.stdout, /TASK \[[^\]]*Configure fencing, the cluster's properties and the xCAT group\] \*+\nchanged: \[mn1\]/);
	okRun((await audit(ENGINE)).run, 'the audit after the repair');
});

/** playbooks/status.yml's lines, as it prints them */
async function status(): Promise<string> {
	const r = await playbook('playbooks/status.yml', ENGINE);
	okRun(r, 'status');
	return r.stdout;
}

P('status.yml reads the cluster: mn1 active, a failover safe to mn2; with qnetd down on sn1 it warns, and the cluster keeps quorum', async () => {
	const good = await status();
	assert.match(good, /"active MN: mn1; VIP 198\.51\.100\.10 on: mn1"/);
	assert.match(good, /"run by Pacemaker, as mn1 sees the cluster: quorum yes; quorum device sn1:5403 Connected"/);
	assert.match(good, /"failover safe now: yes, to mn2"/);
	assert.not.match(good, /warning:/);
	await ok('sn1', 'systemctl stop corosync-qnetd');
	try {
		await waitFor(async () => /State:\s+Connect failed/.test(await ok('mn1', 'corosync-qdevice-tool -s')), 30_000, 'the quorum device to lose qnetd');
		const warned = await status();
		assert.match(warned, /quorum yes; quorum device sn1:5403 Connect failed/);
		assert.match(warned, /warning: the quorum device does not vote: qnetd on sn1:5403 is \\"Connect failed\\", not Connected/);
		assert.match(warned, /"failover safe now: yes, to mn2"/);
		assert.equal(placement(await cluster('mn1')), allOn('mn1'), 'the group runs on');
	} finally {
		await ok('sn1', 'systemctl start corosync-qnetd');
	}
	// the power-off below needs the third vote back
	await waitFor(async () => /State:\s+Connected/.test(await ok('mn1', 'corosync-qdevice-tool -s')), 60_000, 'the quorum device to reconnect');
});

P('xcatd killed on mn1: the cluster restarts it in place, status.yml reports the failure as recovered, cn1 gets answers again', async () => {
	await ok('mn1', 'systemctl kill --signal=KILL xcatd');
	// the monitor (every 10 s) finds it stopped; the member and those after it restart on mn1
	await waitFor(async () => (await cluster('mn1')).failed_actions.some((f) => f.resource === 'xcat-xcatd' && f.node === 'mn1'), 30_000, 'the failed monitor');
	const s = await waitForGroup('mn1', 'mn1', 60_000);
	assert.equal(placement(s), allOn('mn1'), 'restarted in place');
	assert.match(await ok('cn1', `echo | timeout 2 nc -w 1 ${VIP} 3001 | head -1`), /\S/, 'xcatd answers on the VIP');
	const st = await status();
	assert.match(st, /warning: xcat-xcatd monitor failed on mn1 \([^)]*\)[^"]*; recovered in place/);
	assert.match(st, /"failover safe now: yes, to mn2"/);
	await ok('mn1', 'pcs resource cleanup xcat-xcatd');
	assert.equal((await cluster('mn1')).failed_actions, []);
});

P(
	'refusals: an unplanned failover, a move to an MN in standby, a standby of the active MN with none to take over; setup-ha without the engine on a pair the cluster runs',
	async () => {
		const u = await playbook('playbooks/failover.yml', [...ENGINE, '-e', 'xcat_ha_target=mn2', '-e', 'xcat_ha_unplanned=true']);
		assert.is.not(u.status, 0);
		assert.match(u.stdout, /xcat_ha_engine is pacemaker: when the active MN fails, the cluster fences it and moves the group by itself/);
		await ok('mn1', 'pcs node standby mn2');
		try {
			const f = await playbook('playbooks/failover.yml', [...ENGINE, '-e', 'xcat_ha_target=mn2']);
			assert.is.not(f.status, 0);
			assert.match(f.stdout, /the cluster cannot move xcat from mn1 to mn2 now: [^"]*in standby \(pcs node unstandby\)/);
			const d = await playbook('playbooks/deactivate.yml', [...ENGINE, '-e', 'xcat_ha_target=mn1']);
			assert.is.not(d.status, 0);
			assert.match(d.stdout, /mn1 runs the group xcat and no other MN could take it now \([^)]*in standby[^"]*the group would stop everywhere/);
		} finally {
			await ok('mn1', 'pcs node unstandby mn2');
		}
		const s = await playbook('playbooks/setup_ha.yml');
		assert.is.not(s.status, 0);
		assert.match(s.stdout, /a Pacemaker cluster runs the xCAT group \(xcat\) on mn1, but\s+xcat_ha_engine is playbook/);
		assert.equal(placement(await cluster('mn1')), allOn('mn1'), 'nothing moved');
	},
);

P('mn1 loses power: mn2 fences it and takes the group with no playbook run; 0 ms with two MNs serving, no acknowledged row lost', async () => {
	await prepareWriter('mn1');
	const run = `pacemaker-${process.pid}`;
	const mon = await startMonitor(run);
	const newMac = await macOf('mn2');
	await startWatcher();
	await sleep(1500);
	const t0 = mon.fault();
	const off = await fault('power-off', 'mn1');
	assert.is(off.status, 0, off.out);
	const s = await waitForGroup('mn2', 'mn2', 90_000);
	await sleep(2000);
	const watch = await stopWatcher();
	const samples = await mon.stop();
	const fig = analyze(samples, (await rowsOf(run)) ?? new Set(samples.writes.map((w) => w.id)));
	assert.equal(placement(s), allOn('mn2'), 'the whole group on mn2');
	assert.equal(
		s.nodes.filter((n) => n.name === 'mn1').map((n) => n.online),
		[false],
	);
	// proof that mn1 stopped: the fence's result, recorded by the cluster
	const history = await ok('mn2', 'stonith_admin --history mn1 --output-as=xml');
	assert.match(history, /<fence_event action="off" target="mn1" [^>]*status="success"/);
	assert.is(fig.dualMs, 0, `two MNs serving: ${JSON.stringify(fig.dual.slice(0, 3))}`);
	assert.equal(fig.lost, [], 'acknowledged rows lost');
	assert.ok(fig.acked > 0, 'the writer wrote');
	const first = watch.answers.find((a) => a.mac === newMac && a.t > t0);
	assert.ok(first, 'cn1 got an xcatd answer from mn2 on the VIP');
	const rec = fig.recoveryMs === null ? 'never' : `${(fig.recoveryMs / 1000).toFixed(2)} s`;
	console.log(`power-off of mn1 → cn1's first xcatd answer from mn2 on the VIP: ${((first!.t - t0) / 1000).toFixed(2)} s; writes again after ${rec}`);
});

P('mn1 powered on rejoins as standby: the group stays on mn2 (stickiness), nothing of it runs on mn1', async () => {
	const on1 = await fault('power-on', 'mn1');
	assert.is(on1.status, 0, on1.out);
	ensureLab(); // power-on gives the host the lab's key alone: the provision hook puts the MNs' keys back
	assert.ok(await waitOnline('mn2', 'mn1', 120_000), 'mn1 is back in the cluster');
	await sleep(5000); // a few transitions: anything that were to move would have started moving
	const s = await cluster('mn2');
	assert.equal(placement(s), allOn('mn2'));
	assert.is((await on('mn1', 'ip -4 -o addr show to 198.51.100.10/32 | wc -l')).stdout.trim(), '0', 'mn1 does not hold the VIP');
	assert.is((await on('mn1', 'systemctl is-active xcatd')).stdout, 'inactive\n');
});

P('mn2 cut off the network: it loses quorum, mn1 fences it and takes over; 0 ms with two MNs serving; powered on, it rejoins as standby', async () => {
	await prepareWriter('mn2');
	const run = `pacemaker-cut-${process.pid}`;
	const mon = await startMonitor(run);
	const newMac = await macOf('mn1');
	await startWatcher();
	await sleep(1500);
	const t0 = mon.fault();
	const cut = await fault('cut-link', 'mn2');
	let s: ClusterStatus | undefined;
	let watch: Awaited<ReturnType<typeof stopWatcher>>;
	let samples: Awaited<ReturnType<typeof mon.stop>>;
	try {
		assert.is(cut.status, 0, cut.out);
		s = await waitForGroup('mn1', 'mn1', 90_000);
		await sleep(2000);
	} finally {
		watch = await stopWatcher();
		samples = await mon.stop();
		// fenced, mn2 is off, and its cable comes back with the power (below); still running, now
		if (poweredOn('mn2')) assert.is((await fault('restore-link', 'mn2')).status, 0, 'restore-link mn2');
	}
	const fig = analyze(samples, (await rowsOf(run)) ?? new Set(samples.writes.map((w) => w.id)));
	assert.equal(placement(s!), allOn('mn1'), 'the whole group on mn1');
	// proof that mn2 stopped: the fence's result (stonith-action off), recorded by the cluster
	assert.match(await ok('mn1', 'stonith_admin --history mn2 --output-as=xml'), /<fence_event action="off" target="mn2" [^>]*status="success"/);
	assert.is(fig.dualMs, 0, `two MNs serving: ${JSON.stringify(fig.dual.slice(0, 3))}`);
	assert.equal(fig.lost, [], 'acknowledged rows lost');
	const first = watch.answers.find((a) => a.mac === newMac && a.t > t0);
	assert.ok(first, 'cn1 got an xcatd answer from mn1 on the VIP');
	console.log(`    link of mn2 cut → cn1's first xcatd answer from mn1 on the VIP: ${((first!.t - t0) / 1000).toFixed(2)} s`);
	// fenced off, it comes back only when powered on, plugged in: then it rejoins as standby, the group stays
	const on2 = await fault('power-on', 'mn2');
	assert.is(on2.status, 0, on2.out);
	ensureLab();
	assert.ok(poweredOn('mn2'), 'mn2 is on');
	assert.is(labStatus().find((h) => h.host === 'mn2')?.link, 'up', 'mn2 has its link');
	assert.ok(await waitOnline('mn1', 'mn2', 120_000), 'mn2 is back in the cluster');
	await sleep(3000);
	assert.equal(placement(await cluster('mn1')), allOn('mn1'), 'the group stays on mn1');
});

P('deactivate.yml puts mn1 in standby: the cluster moves the group to mn2; activate.yml takes mn1 out of standby and moves nothing', async () => {
	const d = await playbook('playbooks/deactivate.yml', [...ENGINE, '-e', 'xcat_ha_target=mn1']);
	okRun(d, 'deactivate mn1');
	let s = await cluster('mn2');
	assert.equal(placement(s), allOn('mn2'));
	assert.equal(s.nodes.find((n) => n.name === 'mn1')?.standby, true);
	const again = await playbook('playbooks/deactivate.yml', [...ENGINE, '-e', 'xcat_ha_target=mn1']);
	okRun(again, 'deactivate mn1 again');
	assert.is(changedOn(again, 'mn1'), 0, 'a second deactivation changes nothing');
	const a = await playbook('playbooks/activate.yml', [...ENGINE, '-e', 'xcat_ha_target=mn1']);
	okRun(a, 'activate mn1');
	assert.match(a.stdout, /mn1 is out of standby; the group xcat runs on mn2 \(an activation moves nothing that runs/);
	s = await cluster('mn2');
	assert.equal(placement(s), allOn('mn2'), 'the group stays on mn2');
	assert.equal(s.nodes.find((n) => n.name === 'mn1')?.standby, false);
});

P('failover.yml moves the group back to mn1 (pcs resource move): the report gives the outage cn1 measured, never two MNs answering', async () => {
	const oldMac = await macOf('mn2');
	const newMac = await macOf('mn1');
	await startWatcher();
	await sleep(1000);
	const r = await playbook('playbooks/failover.yml', [...ENGINE, '-e', 'xcat_ha_target=mn1', '-e', 'xcat_ha_probe_host=cn1']);
	await sleep(1500);
	const seen = outage(await stopWatcher(), oldMac, newMac);
	okRun(r, 'the planned move');
	assert.equal(placement(await cluster('mn1')), allOn('mn1'));
	assert.equal((await on('mn1', 'pcs constraint location config --output-format=cmd')).stdout.match(/cli-/g), null, 'no move constraint left');
	assert.is(seen.bothAnswered, false, 'two MNs answered on the VIP');
	const rep = await lastReport('mn1');
	assert.equal([rep.kind, rep.engine, rep.active_before, rep.active_after, rep.changed], ['planned', 'pacemaker', 'mn2', 'mn1', true]);
	assert.is(rep.outage_measured, true, JSON.stringify(rep.probe));
	assert.ok(Math.abs(rep.outage_ms - seen.ms) <= 600, `the report's ${rep.outage_ms} ms against the watcher's ${seen.ms} ms`);
	console.log(`    planned move mn2 → mn1 under the engine: outage ${rep.outage_ms} ms measured by cn1, playbook ${r.ms} ms`);
	// once more: nothing to move, nothing changed
	const again = await playbook('playbooks/failover.yml', [...ENGINE, '-e', 'xcat_ha_target=mn1']);
	okRun(again, 'the move to where the group runs');
	assert.match(again.stdout, /planned failover: mn1 -> mn1 \(nothing to do: already active\)/);
});

P(
	'shared storage gone from mn1: the storage check fails there and the cluster moves the group to mn2; restored and cleaned up, mn1 is ready again',
	async () => {
		const lost = await fault('storage-loss', 'mn1');
		assert.is(lost.status, 0, lost.out);
		let s: ClusterStatus | undefined;
		try {
			s = await waitForGroup('mn2', 'mn2', 120_000);
		} finally {
			// a stop that failed on mn1 gets it fenced: then it comes back with the power, its storage with it
			if (poweredOn('mn1')) assert.is((await fault('storage-restore', 'mn1')).status, 0, 'storage-restore mn1');
			else {
				assert.is((await fault('power-on', 'mn1')).status, 0, 'power-on mn1');
				ensureLab();
			}
		}
		assert.equal(placement(s!), allOn('mn2'), 'the whole group on mn2');
		const failed = s!.failed_actions.filter((f) => f.resource === 'xcat-storage' && f.node === 'mn1');
		assert.ok(failed.length > 0, `the storage check's failure on mn1: ${JSON.stringify(s!.failed_actions)}`);
		assert.match(failed.map((f) => f.exitreason).join('\n'), /the shared storage does not work here|is not mounted read-write/);
		assert.ok(await waitOnline('mn2', 'mn1', 120_000), 'mn1 is in the cluster');
		// until the failure is cleaned up, the group may not come back to mn1: the status says so
		assert.match(await status(), /xcat-storage failed here[^"]*pcs resource cleanup xcat-storage/);
		await ok('mn2', 'pcs resource cleanup xcat-storage');
		await waitFor(async () => /"failover safe now: yes, to mn1"/.test(await status()), 60_000, 'mn1 ready again after the cleanup');
		assert.equal(placement(await cluster('mn2')), allOn('mn2'), 'the group stays on mn2');
	},
);

P(
	'setup-ha with xcat_ha_engine_handback: refused while an MN is out; then the pair back to the playbook engine, xcatd answering throughout, the cluster gone, mn2 active with its lease guard; a second run changes nothing',
	async () => {
		// refused while an MN is out of the cluster (its stack stopped; a host that does not answer stops
		// setup_ha before anything runs): back with its cluster enabled, it would fence mn2 and take the group
		await ok('mn1', 'pcs cluster stop');
		try {
			const refused = await playbook('playbooks/setup_ha.yml', ['-e', 'xcat_ha_engine_handback=true']);
			assert.is.not(refused.status, 0);
			assert.match(refused.stdout, /the pair cannot be handed back now: [^"]*every MN must be online in the cluster \(online:\s+mn2\)/);
			assert.equal(placement(await cluster('mn2')), allOn('mn2'), 'the cluster runs on');
			assert.is((await on('mn2', 'crm_attribute --type crm_config --name maintenance-mode --query --quiet')).stdout.trim(), '', 'no maintenance mode');
		} finally {
			await ok('mn1', 'pcs cluster start');
		}
		assert.ok(await waitOnline('mn2', 'mn1', 120_000), 'mn1 is back in the cluster');
		const mac2 = await macOf('mn2');
		await startWatcher();
		await sleep(1000);
		const r = await playbook('playbooks/setup_ha.yml', ['-e', 'xcat_ha_engine_handback=true']);
		await sleep(1000);
		const w = await stopWatcher();
		okRun(r, 'the handback');
		// the group ran on, unmanaged, while the cluster went: mn2 answered every probe, nobody else did
		assert.equal([...new Set(w.answers.map((a) => a.mac))], [mac2], 'only mn2 answered on the VIP');
		const gap = Math.max(...w.answers.slice(1).map((a, i) => a.t - w.answers[i]!.t));
		assert.ok(gap < 1000, `cn1 went ${gap} ms without an xcatd answer`);
		console.log(`    handback to the playbook engine: the longest gap between xcatd answers ${gap} ms, playbook ${r.ms} ms`);
		for (const h of ['mn1', 'mn2']) {
			assert.is(
				(await on(h, 'systemctl is-active corosync pacemaker; systemctl is-enabled corosync pacemaker')).stdout,
				'inactive\ninactive\ndisabled\ndisabled\n',
				h,
			);
			assert.is((await on(h, 'test -e /etc/corosync/corosync.conf; echo $?')).stdout, '1\n', `${h}: the cluster's configuration is gone`);
			assert.is(
				(await on(h, 'ls /etc/systemd/system/*.service.d/xcat-ha-cluster.conf 2>/dev/null | wc -l')).stdout,
				'0\n',
				`${h}: the drop-ins are gone`,
			);
		}
		assert.is(JSON.parse(await ok('mn2', 'cat /HA/.xcat-ha/lease')).holder, 'mn2');
		assert.is((await on('mn2', 'systemctl is-active xcat-lease-guard')).stdout, 'active\n', "the playbook engine's guard runs on mn2");
		const st = await playbook('playbooks/status.yml');
		okRun(st, 'status with the playbook engine');
		assert.match(st.stdout, /"active MN: mn2; VIP 198\.51\.100\.10 on: mn2"/);
		assert.match(st.stdout, /"failover safe now: yes, to mn1"/);
		const again = await playbook('playbooks/setup_ha.yml');
		okRun(again, 'setup-ha after the handback');
		assert.equal([changedOn(again, 'mn1'), changedOn(again, 'mn2')], [0, 0], 'a second run changes nothing');
	},
);

P.run();
