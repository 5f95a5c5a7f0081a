// xcat_lease's bundle, run as Ansible runs it, on lease files in a temporary directory.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runModule, type RunOpts } from '../../tools/lab/run-module';
import { writeLease } from '../../modules/xcat_lease/store';
import type { Lease } from '../../modules/xcat_lease/lease';

let root = '';
let path = '';
const lease = (args: Record<string, unknown>, o: RunOpts = {}) => runModule('xcat_lease', { path, ...args }, o);
const onDisk = () => JSON.parse(readFileSync(path, 'utf8'));

const L = suite('xcat_lease');
L.before.each(() => {
	root = mkdtempSync(join(tmpdir(), 'lease-'));
	path = join(root, 'xcat-ha', 'lease');
});
L.after.each(() => rmSync(root, { recursive: true, force: true }));

L('check mode reports the acquisition and writes nothing, not even the directory', async () => {
	const r = await lease({ holder: 'mn1' }, { check: true, diff: true });
	assert.is(r.result.changed, true);
	assert.is(r.result.lease.holder, 'mn1');
	assert.equal(r.result.diff.before, 'no lease\n');
	assert.match(r.result.diff.after, /^held by mn1 \(generation 1, since /);
	assert.is(existsSync(join(root, 'xcat-ha')), false);
});

L('acquire, acquire again (unchanged), refused to another MN, released, taken by the other', async () => {
	assert.is((await lease({ holder: 'mn1' })).result.changed, true);
	assert.equal([onDisk().holder, onDisk().generation], ['mn1', 1]);
	const again = await lease({ holder: 'mn1' });
	assert.is(again.result.changed, false);
	const refused = await lease({ holder: 'mn2' });
	assert.is(refused.result.failed, true);
	assert.match(refused.result.msg, /^the activation lease is held by mn1 \(generation 1, since /);
	assert.equal(refused.result.lease.holder, 'mn1');
	assert.is(onDisk().holder, 'mn1');
	assert.is((await lease({ holder: 'mn2', state: 'released' })).result.changed, false);
	assert.is((await lease({ holder: 'mn1', state: 'released' })).result.changed, true);
	assert.equal([onDisk().holder, onDisk().generation], [null, 1]);
	assert.is((await lease({ holder: 'mn2' })).result.changed, true);
	assert.equal([onDisk().holder, onDisk().generation], ['mn2', 2]);
	assert.equal(readdirSync(join(root, 'xcat-ha')), ['lease'], 'no temporary file or lock left behind');
});

L('takeover from the confirmed-dead holder, and only from it', async () => {
	await lease({ holder: 'mn1' });
	const wrong = await lease({ holder: 'mn2', takeover_from: 'mn3' });
	assert.is(wrong.result.failed, true);
	assert.is(onDisk().holder, 'mn1');
	const r = await lease({ holder: 'mn2', takeover_from: 'mn1' });
	assert.is(r.result.changed, true);
	assert.equal(onDisk(), { ...onDisk(), holder: 'mn2', generation: 2, taken_from: 'mn1' });
});

const guarded = (heartbeat: number, deadline_ms = 1500, interval_ms = 300): Lease => ({
	holder: 'mn1',
	generation: 4,
	since: '2026-11-22T04:00:00.000Z',
	heartbeat,
	renewed: '2026-11-22T04:00:00.000Z',
	deadline_ms,
	interval_ms,
});
const seed = (l: Lease) => {
	mkdirSync(join(root, 'xcat-ha'), { recursive: true });
	writeLease(path, l);
};

L('takeover of a still heartbeat waits deadline + one interval on its own clock, then takes it and says how long it waited', async () => {
	seed(guarded(7));
	const r = await lease({ holder: 'mn2', takeover_from: 'mn1' });
	assert.is(r.result.changed, true, r.stdout);
	assert.ok(r.result.waited_ms > 1800 && r.result.waited_ms < 2600, `waited ${r.result.waited_ms} ms`);
	assert.ok(r.ms >= 1800, `the module ran ${r.ms} ms`);
	assert.equal([onDisk().holder, onDisk().generation, onDisk().taken_from], ['mn2', 5, 'mn1']);
	assert.equal(r.result.previous, guarded(7));
});

L('takeover from a holder whose guard still renews is refused as soon as the heartbeat moves; the lease is untouched', async () => {
	let hb = 7;
	seed(guarded(hb));
	const renew = setInterval(() => writeLease(path, guarded(++hb)), 300);
	try {
		const r = await lease({ holder: 'mn2', takeover_from: 'mn1' });
		assert.is(r.result.failed, true, r.stdout);
		assert.is(r.result.holder_alive, true);
		assert.ok(r.result.heartbeat_age_ms < 1000, `seen moving after ${r.result.heartbeat_age_ms} ms`);
		assert.ok(r.ms < 1500, `refused after ${r.ms} ms`);
		assert.match(r.result.msg, /^mn1's lease guard is still renewing the lease \(heartbeat \d+ -> \d+ within \d+ ms\), so mn1 is alive/);
	} finally {
		clearInterval(renew);
	}
	assert.is(onDisk().holder, 'mn1');
	assert.is(onDisk().generation, 4);
});

L('check mode watches too (it only reads) and writes nothing; stale_wait_ms bounds the wait before any watching', async () => {
	seed(guarded(7));
	const c = await lease({ holder: 'mn2', takeover_from: 'mn1' }, { check: true });
	assert.is(c.result.changed, true);
	assert.ok(c.result.waited_ms > 1800, `waited ${c.result.waited_ms}`);
	assert.is(onDisk().holder, 'mn1');
	const bounded = await lease({ holder: 'mn2', takeover_from: 'mn1', stale_wait_ms: 1000 });
	assert.is(bounded.result.failed, true);
	assert.is(bounded.result.stale_after_ms, 1800);
	// refused before watching at all (a timed bound here failed on a loaded machine: node's start-up)
	assert.is(bounded.result.waited_ms, undefined, `watched ${bounded.result.waited_ms} ms first`);
	assert.match(bounded.result.msg, /longer than stale_wait_ms \(1000 ms\): raise stale_wait_ms$/);
});

L('a lease written before the heartbeat existed is taken over at once', async () => {
	seed({ holder: 'mn1', generation: 4, since: '2026-11-22T04:00:00.000Z' });
	const r = await lease({ holder: 'mn2', takeover_from: 'mn1' });
	assert.is(r.result.changed, true);
	assert.is(r.result.waited_ms, 0);
});

L('a take with the guard timing writes heartbeat 0 and the deadline', async () => {
	const r = await lease({ holder: 'mn1', guard_interval_ms: 1000, guard_deadline_ms: 5000 });
	assert.is(r.result.changed, true);
	assert.equal([onDisk().heartbeat, onDisk().deadline_ms, onDisk().interval_ms], [0, 5000, 1000]);
});

L('rollback: restored puts back the lease taken over from mn1, exactly; a second restore changes nothing', async () => {
	const found = guarded(7, 0, 0);
	seed(found);
	const take = await lease({ holder: 'mn2', takeover_from: 'mn1' });
	assert.is(take.result.changed, true);
	const r = await lease({ holder: 'mn2', state: 'restored', restore: take.result.previous }, { diff: true });
	assert.is(r.result.changed, true, r.stdout);
	assert.equal(onDisk(), found);
	assert.match(r.result.diff.after, /^held by mn1 \(generation 4/);
	const again = await lease({ holder: 'mn2', state: 'restored', restore: take.result.previous });
	assert.is(again.result.changed, false);
	assert.is(again.result.note, 'the lease is already as it was found');
});

L('rollback: a lease no longer the one the take wrote is left alone and the result says so; a missing lease is freed', async () => {
	seed(guarded(7, 0, 0));
	const take = await lease({ holder: 'mn2', takeover_from: 'mn1' });
	writeLease(path, { holder: 'mn3', generation: 6, since: 'x' });
	const r = await lease({ holder: 'mn2', state: 'restored', restore: take.result.previous });
	assert.is(r.result.changed, false);
	assert.match(r.result.note, /is not the one mn2 took \(it is mn3, generation 6\): left as it is$/);
	assert.is(onDisk().holder, 'mn3');
	rmSync(path);
	const fresh = await lease({ holder: 'mn2' });
	assert.is(fresh.result.previous, null);
	const undo = await lease({ holder: 'mn2', state: 'restored', restore: {} });
	assert.is(undo.result.changed, true);
	assert.equal([onDisk().holder, onDisk().generation], [null, 1]);
});

L('a lock left by a killed run is reported after 5 s, with the way out; the lease is untouched', async () => {
	await lease({ holder: 'mn1' });
	await lease({ holder: 'mn1', state: 'released' });
	mkdirSync(`${path}.lock`);
	const r = await lease({ holder: 'mn2' });
	assert.is(r.result.failed, true);
	assert.match(
		r.result.msg,
		/^the lease lock .*lease\.lock has existed for \d+ s: another activation is running, or one was killed \(remove .* once you are sure none runs\)$/,
	);
	assert.is(onDisk().holder, null);
});

// A storage hang: the guard's renewal was killed in mkdir, which completed at the thaw with no owner
// file after it; left there, it kept every later guard from renewing (each stepped its MN down).
L('a lock without an owner, older than a run needs to write one, is taken over with a warning', async () => {
	await lease({ holder: 'mn1' });
	mkdirSync(`${path}.lock`);
	const past = Date.now() / 1000 - 30;
	utimesSync(`${path}.lock`, past, past);
	const r = await lease({ holder: 'mn1', state: 'released' });
	assert.is(r.result.failed, undefined, r.result.msg);
	assert.is(r.result.changed, true);
	assert.match(r.result.warnings.join(), /the lock .*lease\.lock was left behind \(it has had no owner for 3\d s\): taken over/);
	assert.is(onDisk().holder, null);
	assert.not.ok(existsSync(`${path}.lock`));
});

// The fault matrix's 'freeze, fence' (bench:faults, 5 Dec): the active MN froze while its guard held
// the lease lock; the fence powered it off, and the takeover waited 5 s for a lock nobody would ever
// release, then failed — xCAT down on both MNs. A lock owned by the MN the takeover proved stopped is
// taken over; one owned by any other host still is not.
const foreignOwner = (name: string) => {
	mkdirSync(`${path}.lock`);
	writeFileSync(
		join(`${path}.lock`, 'owner'),
		`${JSON.stringify({ name, host: 'xcatmn', pid: 4242, machine: 'another-machine', boot: 'another-boot', since: '2026-12-05T06:00:00.000Z' })}\n`,
	);
};

L("a lock held by the frozen holder's guard: the takeover that proved it stopped takes the lock over, and says so", async () => {
	seed(guarded(9, 600, 200));
	foreignOwner('mn1 lease guard');
	const r = await lease({ holder: 'mn2', takeover_from: 'mn1' });
	assert.is(r.result.failed, undefined, r.result.msg);
	assert.equal([onDisk().holder, onDisk().generation, onDisk().taken_from], ['mn2', 5, 'mn1']);
	assert.match(
		r.result.warnings.join(),
		/was left behind \(its owner \(mn1 lease guard, on xcatmn\) is mn1, which this takeover proved stopped\): taken over/,
	);
	assert.not.ok(existsSync(`${path}.lock`));
});

L('a lock held on another host by anyone but the MN taken over is never taken: refused after the wait, the lease untouched', async () => {
	seed(guarded(9, 600, 200));
	foreignOwner('mn3 lease guard');
	const r = await lease({ holder: 'mn2', takeover_from: 'mn1' });
	assert.is(r.result.failed, true);
	assert.match(r.result.msg, /^the lease lock .*lease\.lock has existed for \d+ s/);
	assert.equal([onDisk().holder, onDisk().generation], ['mn1', 4]);
	// and without a takeover, the holder's own guard lock is a live holder's
	rmSync(`${path}.lock`, { recursive: true });
	foreignOwner('mn1 lease guard');
	const plain = await lease({ holder: 'mn1', state: 'released' });
	assert.is(plain.result.failed, true);
	assert.is(onDisk().holder, 'mn1');
});

L('a file that is not a lease fails, it is never taken as free', async () => {
	mkdirSync(join(root, 'xcat-ha'));
	writeFileSync(path, 'garbage');
	const r = await lease({ holder: 'mn1' });
	assert.is(r.result.failed, true);
	assert.match(r.result.msg, /is not a lease \(not JSON\)/);
	assert.is(readFileSync(path, 'utf8'), 'garbage');
});

L('bad input is named before anything is touched', async () => {
	const BAD: Array<[Record<string, unknown>, RegExp]> = [
		[{ holder: 'mn1', path: 'relative/lease' }, /^value of path must be an absolute path/],
		[{ holder: 'mn1', path: '/HA/../etc/lease' }, /^value of path must be an absolute path of letters, digits and '_\.\/\+-', without '\.\.'/],
		[{ holder: 'mn1; reboot' }, /^value of holder must be a host name/],
		[{ holder: 'mn1', state: 'taken' }, /^value of state must be one of: held, released, restored, got: taken$/],
		[{ holder: 'mn1', state: 'restored' }, /^state=restored needs restore: the lease the take found/],
		[{ holder: 'mn1', state: 'restored', restore: { holder: 'mn1' } }, /^the value of restore is not a lease \(needs holder, generation, since\)/],
		[{ holder: 'mn1', restore: {} }, /^restore is only used with state=restored, not state=held$/],
		[{ holder: 'mn1', guard_interval_ms: 1000 }, /^guard_interval_ms and guard_deadline_ms go together$/],
		[{ holder: 'mn1', guard_interval_ms: 1000, guard_deadline_ms: 1000 }, /^guard_deadline_ms \(1000\) must be longer than guard_interval_ms \(1000\)/],
		[{ holder: 'mn1', stale_wait_ms: 200000 }, /^value of stale_wait_ms must be between 0 and 120000, got: 200000$/],
		[{ holder: 'mn1', takeover_from: 'mn1' }, /^takeover_from \(mn1\) names the holder itself/],
		[
			{ holder: 'mn1', path: '/nonexistent-root/xcat-ha/lease' },
			/^the lease's directory \/nonexistent-root\/xcat-ha cannot be created: \/nonexistent-root does not exist \(is the shared storage mounted\?\)$/,
		],
	];
	for (const [args, msg] of BAD) {
		const r = await lease(args);
		assert.is(r.result.failed, true, JSON.stringify(args));
		assert.match(r.result.msg, msg);
	}
	assert.is(existsSync(join(root, 'xcat-ha')), false);
});

L.run();
