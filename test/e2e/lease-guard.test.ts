// The lease guard on the lab: installed by setup-ha, running only on the active MN, renewing its
// heartbeat; the shared storage taken from the active MN makes it step down by itself (VIP gone,
// xcatd and PostgreSQL stopped) within its deadline, measured; a planned failover does not wait for it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { execa } from 'execa';
import { ROOT } from '../ansible/env';
import { labScript, playbook, resetLab, VIP, type PlaybookRun } from '../helpers/lab';
import { inside, leaseHolder, mnState } from './mn-ha';

const DEADLINE_MS = 5000; // the role's default, xcat_ha_guard_deadline_ms
const fault = (name: string, host: string) => execa('bash', [join(ROOT, 'test/lab/faults', name), host], { reject: false });
const okRun = (r: PlaybookRun, what: string) => assert.is(r.status, 0, `${what} failed (${r.status}):\n${r.stdout.slice(-6000)}\n${r.stderr.slice(-2000)}`);
const guardOf = async (host: string) => (await inside(host, 'systemctl is-active xcat-lease-guard; systemctl is-enabled xcat-lease-guard')).stdout.trim().split('\n');
const heartbeat = async (host: string) => JSON.parse((await inside(host, 'cat /HA/.xcat-ha/lease')).stdout).heartbeat as number | undefined;

const G = suite('the lease guard on the lab');

G.before(async () => {
	resetLab();
	okRun(await playbook('playbooks/setup-ha.yml'), 'setup-ha');
});

G('runs on the active MN only, never enabled at boot, and renews the heartbeat every second', async () => {
	assert.equal(await guardOf('mn1'), ['active', 'disabled']);
	assert.equal(await guardOf('mn2'), ['inactive', 'disabled']);
	const a = await heartbeat('mn1');
	await new Promise((r) => setTimeout(r, 3000));
	const b = await heartbeat('mn1');
	assert.ok(a !== undefined && b !== undefined && b - a >= 2 && b - a <= 4, `heartbeat ${a} -> ${b} in 3 s`);
});


// A takeover names the old holder the way failover_check does (__xcat_ha_takeover_from), on mn2 only.
const takeOver = () => playbook('playbooks/activate.yml', ['--limit', 'mn2', '-e', 'xcat_ha_target=mn2', '-e', '__xcat_ha_takeover_from=mn1']);
const leaseText = async () => (await inside('mn2', 'cat /HA/.xcat-ha/lease')).stdout;

G('a takeover from a holder whose guard still renews is refused at once; nothing changes', async () => {
	const before = JSON.parse(await leaseText());
	const r = await takeOver();
	assert.is.not(r.status, 0);
	assert.ok(/mn1's lease guard/.test(r.stdout), r.stdout.slice(-3000));
	assert.match(r.stdout, /mn1's lease guard is still renewing the lease \(heartbeat \d+ -> \d+ within \d+ ms\), so mn1 is alive/);
	const now = JSON.parse(await leaseText());
	assert.equal([now.holder, now.generation], [before.holder, before.generation]);
	assert.equal(await guardOf('mn2'), ['inactive', 'disabled']);
});

// Defect 4: the rollback of a takeover released the lease it had taken from a live (here frozen) holder.
G('a frozen holder: the takeover waits out its guard, the VIP probe refuses, and the rollback gives mn1 its lease back exactly', async () => {
	assert.is((await fault('pause', 'mn1')).exitCode, 0);
	let found = '';
	try {
		found = await leaseText();
		const r = await takeOver();
		assert.is.not(r.status, 0, r.stdout.slice(-3000));
		assert.match(r.stdout, /activation of mn2 failed at Put the VIP.*rolled back/s);
		assert.ok(/lease restored to mn1/.test(r.stdout), r.stdout.slice(-3000));
		assert.equal(JSON.parse(await leaseText()), JSON.parse(found), 'the lease as it was found, heartbeat and all');
		assert.equal(await guardOf('mn2'), ['inactive', 'disabled']);
	} finally {
		assert.is((await fault('resume', 'mn1')).exitCode, 0);
	}
	// mn1's guard, frozen past its deadline, cannot know what happened meanwhile: it steps mn1 down
	// at once on resume. The lease is still mn1's (not released), so mn1 is activated again.
	await new Promise((r) => setTimeout(r, 3000));
	const s1 = await mnState('mn1');
	assert.equal([s1.vip, s1.xcatd], [false, 'inactive'], 'mn1 stepped down after its freeze');
	assert.equal([JSON.parse(s1.lease).holder, JSON.parse(s1.lease).generation], [JSON.parse(found).holder, JSON.parse(found).generation]);
	assert.match((await inside('mn1', 'journalctl -u xcat-lease-guard -o cat --no-pager | tail -n 5')).stdout, /stepping down mn1 at once: the lease could not be renewed for \d+ ms/);
	okRun(await playbook('playbooks/activate.yml', ['-e', 'xcat_ha_target=mn1']), 'activate mn1 again');
	assert.equal(await guardOf('mn1'), ['active', 'disabled']);
});

G('a planned failover stops the guard before the lease moves, and the new MN takes over without waiting for it', async () => {
	const r = await playbook('playbooks/failover.yml', ['-e', 'xcat_ha_target=mn2']);
	okRun(r, 'planned failover to mn2');
	assert.equal(await guardOf('mn1'), ['inactive', 'disabled']);
	assert.equal(await guardOf('mn2'), ['active', 'disabled']);
	const lease = JSON.parse((await inside('mn2', 'cat /HA/.xcat-ha/lease')).stdout);
	assert.is(lease.holder, 'mn2');
	// stopped on purpose, mn1's guard took its heartbeat out of the lease: nothing for mn2 to wait for
	assert.match((await inside('mn1', 'journalctl -u xcat-lease-guard -o cat --no-pager | tail -n 8')).stdout, /stopped: the heartbeat is out of the lease of mn1/);
	assert.ok(lease.heartbeat >= 1, 'mn2\'s guard renews');
	okRun(await playbook('playbooks/failover.yml', ['-e', 'xcat_ha_target=mn1']), 'planned failover back to mn1');
	assert.equal(await guardOf('mn1'), ['active', 'disabled']);
});

G('shared storage gone from the active MN: its guard drops the VIP and stops xcatd and PostgreSQL within the deadline', async () => {
	const before = await mnState('mn1', 'exec');
	assert.equal([before.vip, before.xcatd, leaseHolder(before)], [true, 'active', 'mn1']);
	// sampled inside mn1 every 50 ms (the lab's hosts share this machine's clock): VIP, xcatd, postgresql
	const watch = execa('bash', [labScript, 'exec', 'mn1', 'bash', '-c', `end=$(( $(date +%s) + 20 )); last=
		while [ "$(date +%s)" -lt "$end" ]; do
			s="$(ip -4 -o addr show to ${VIP}/32 | wc -l) $(systemctl is-active xcatd) $(systemctl is-active postgresql)"
			[ "$s" != "$last" ] && { echo "$(date +%s%3N) $s"; last=$s; }
			case "$s" in "0 "*active*) ;; "0 "*) exit 0 ;; esac
			sleep 0.05
		done`], { reject: false });
	await new Promise((r) => setTimeout(r, 500));
	const t0 = Date.now();
	const lost = await fault('storage-loss', 'mn1');
	assert.is(lost.exitCode, 0, String(lost.stderr));
	try {
		const w = await watch;
		const lines = String(w.stdout).trim().split('\n').map((l) => { const [t, vip, xcatd, pg] = l.split(' '); return { t: Number(t), vip: vip === '1', xcatd, pg }; });
		const vipGone = lines.find((l) => l.t >= t0 && !l.vip);
		const stopped = lines.find((l) => l.t >= t0 && !l.vip && l.xcatd !== 'active' && l.pg !== 'active');
		assert.ok(vipGone && stopped, `mn1 did not step down in 20 s:\n${w.stdout}`);
		const vipMs = vipGone.t - t0, stopMs = stopped.t - t0;
		console.log(`    storage gone from mn1: VIP gone after ${vipMs} ms, xcatd and postgresql stopped after ${stopMs} ms (deadline ${DEADLINE_MS} ms)`);
		// the guard counts the deadline from the start of its last good renewal, before the fault
		assert.ok(vipMs <= DEADLINE_MS + 500, `VIP gone ${vipMs} ms after the storage`);
		assert.ok(stopMs <= DEADLINE_MS + 3000, `services stopped ${stopMs} ms after the storage`);
		assert.ok(vipMs >= DEADLINE_MS - 1500, `stepped down after ${vipMs} ms: before the deadline`);
		const journal = (await inside('mn1', 'systemctl is-active xcat-lease-guard; journalctl -u xcat-lease-guard -o cat --no-pager | tail -n 20')).stdout;
		assert.match(journal, /^(failed|inactive)\n/);
		assert.match(journal, /stepping down mn1 at once: the lease could not be renewed for \d+ ms \(deadline 5000 ms\)/);
	} finally {
		assert.is((await fault('storage-restore', 'mn1')).exitCode, 0);
	}
	// the lease is still mn1's, unguarded now; activation brings mn1 back with a new guard
	okRun(await playbook('playbooks/activate.yml', ['-e', 'xcat_ha_target=mn1']), 'activate mn1 again');
	const after = await mnState('mn1');
	assert.equal([after.vip, after.xcatd, leaseHolder(after)], [true, 'active', 'mn1']);
	assert.equal(await guardOf('mn1'), ['active', 'disabled']);
});

G.run();
