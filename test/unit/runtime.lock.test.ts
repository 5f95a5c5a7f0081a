import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOwner, withDirLock, type LockOptions } from '../../modules/runtime/lock';

const L = suite('runtime: the lock on shared storage');
let dir = '',
	lock = '';
L.before.each(async () => {
	dir = await mkdtemp(join(tmpdir(), 'xcat-ha-lock-'));
	lock = join(dir, 'lease.lock');
});
L.after.each(async () => {
	await rm(dir, { recursive: true, force: true });
});

class Busy extends Error {}
const opts = (waitMs = 300): LockOptions => ({ waitMs, pollMs: 20, busy: (l, o, age) => new Busy(`busy ${l} ${o?.name ?? '-'} ${age}`) });
const firstLine = (p: string) => readFileSync(p, 'utf8').trim();
const me = { machine: firstLine('/etc/machine-id'), boot: firstLine('/proc/sys/kernel/random/boot_id') };
/** a pid that ran and ended */
const deadPid = () => spawnSync('true').pid!;
/** the error BODY rejects with (uvu has no assert.rejects) */
const failure = async (p: Promise<unknown>) => {
	try {
		await p;
	} catch (e) {
		return e;
	}
	return undefined;
};
const old = (p: string, ageS: number) => {
	const t = Date.now() / 1000 - ageS;
	utimesSync(p, t, t);
};
const owner = (o: Record<string, unknown>) => {
	mkdirSync(lock);
	writeFileSync(join(lock, 'owner'), JSON.stringify({ name: 'x', host: 'h', since: 's', ...o }));
};

L('held while the body runs, by its owner file; released after, nothing left', async () => {
	const seen = await withDirLock(lock, 'mn1', opts(), () => readOwner(lock));
	assert.equal([seen?.name, seen?.pid, seen?.machine, seen?.boot], ['mn1', process.pid, me.machine, me.boot]);
	assert.not.ok(existsSync(lock));
});

L("a second run waits for a live holder, then gives up with the caller's error", async () => {
	const order: string[] = [];
	await withDirLock(lock, 'first', opts(), async () => {
		order.push('first in');
		try {
			await withDirLock(lock, 'second', opts(200), () => order.push('second in'));
		} catch (e) {
			order.push(e instanceof Busy ? (e as Error).message.replace(/ \d+$/, '') : 'other');
		}
		order.push('first out');
	});
	assert.equal(order, ['first in', `busy ${lock} first`, 'first out']);
	// and once it is free, the next one gets it
	assert.is(await withDirLock(lock, 'third', opts(), () => 'third in'), 'third in');
});

L('a lock of this host whose owner no longer runs is taken over, and the note says why', async () => {
	const pid = deadPid();
	owner({ pid, ...me });
	const notes: string[] = [];
	await withDirLock(
		lock,
		'mn1',
		opts(),
		() => assert.is(readOwner(lock)?.pid, process.pid),
		(n) => notes.push(n),
	);
	assert.match(notes.join(), new RegExp(`left behind \\(its owner \\(x, pid ${pid}\\) no longer runs\\): taken over`));
	assert.not.ok(existsSync(lock));
});

/** a run with WORKING takes the left-behind lock over, and its note says so */
async function takenOver(working: NonNullable<LockOptions['working']>) {
	const notes: string[] = [];
	await withDirLock(
		lock,
		'mn1',
		{ ...opts(), working },
		() => {},
		(n) => notes.push(n),
	);
	assert.match(notes.join(), /no longer runs\): taken over/);
}

L('a lock of this host whose owner no longer runs is not taken over while what it left working still runs', async () => {
	const pid = deadPid();
	owner({ pid, ...me });
	let busy = true;
	const working = () => (busy ? 'its command still runs (pid 4242)' : null);
	assert.instance(await failure(withDirLock(lock, 'mn1', { ...opts(), working }, () => {})), Busy);
	assert.is(readOwner(lock)?.pid, pid);
	busy = false;
	await takenOver(working);
});

L("the owner's own release keeps the lock while what its body started still works under it", async () => {
	let busy = true;
	let since = '';
	const working = (o: { since: string }) => (busy && o.since === since ? 'its command left pid 4242 running' : null);
	await withDirLock(lock, 'mn1', { ...opts(), working }, () => {
		since = readOwner(lock)!.since;
	});
	const kept = readOwner(lock);
	assert.is(kept?.pid, process.pid, 'kept');
	// the run (a module) ends; the next is refused while that work runs, and takes the lock over after it
	writeFileSync(join(lock, 'owner'), JSON.stringify({ ...kept, pid: deadPid() }));
	assert.instance(await failure(withDirLock(lock, 'mn1', { ...opts(), working }, () => {})), Busy);
	busy = false;
	await takenOver(working);
	assert.not.ok(existsSync(lock));
});

L('a lock of this host from before its last boot is taken over, whatever its pid', async () => {
	owner({ pid: process.pid, machine: me.machine, boot: 'an-earlier-boot' });
	const notes: string[] = [];
	await withDirLock(
		lock,
		'mn1',
		opts(),
		() => {},
		(n) => notes.push(n),
	);
	assert.match(notes.join(), /ran before this host rebooted/);
});

L('an owner on another host is never judged from here, however old; nor one whose file is not ours to read', async () => {
	owner({ pid: deadPid(), machine: 'another-machine', boot: me.boot });
	old(lock, 3600);
	assert.instance(await failure(withDirLock(lock, 'mn1', opts(), () => {})), Busy);
	assert.is(readOwner(lock)?.machine, 'another-machine');
	await rm(lock, { recursive: true });
	mkdirSync(lock);
	writeFileSync(join(lock, 'owner'), 'mn2 4242\n'); // the old text format
	old(lock, 3600);
	assert.instance(await failure(withDirLock(lock, 'mn1', opts(), () => {})), Busy);
	assert.is(readFileSync(join(lock, 'owner'), 'utf8'), 'mn2 4242\n');
});

// A storage hang: the run was killed in mkdir, which completed at the thaw; no owner file follows.
L('a lock without an owner is taken over only once it is older than a run needs to write one', async () => {
	mkdirSync(lock);
	assert.instance(await failure(withDirLock(lock, 'mn1', { ...opts(), ownerlessMs: 10_000 }, () => {})), Busy);
	old(lock, 11);
	const notes: string[] = [];
	await withDirLock(
		lock,
		'mn1',
		{ ...opts(), ownerlessMs: 10_000 },
		() => {},
		(n) => notes.push(n),
	);
	assert.match(notes.join(), /it has had no owner for 1\d s\): taken over/);
	assert.not.ok(existsSync(lock));
});

L('a lock claimed from a run taken for dead stays with the claimant when that run ends', async () => {
	await withDirLock(lock, 'mn1', opts(), () => {
		// as if another host had claimed it meanwhile
		writeFileSync(join(lock, 'owner'), JSON.stringify({ name: 'claimant', host: 'h', pid: 1, machine: 'm', boot: 'b', since: 's' }));
	});
	assert.is(readOwner(lock)?.name, 'claimant');
	assert.equal(readdirSync(lock), ['owner']);
});

L.run();
