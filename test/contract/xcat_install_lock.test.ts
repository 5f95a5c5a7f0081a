// xcat_install_lock's bundle, run as Ansible runs it, on lock directories in a temporary tree: two runs
// at once, a run killed while it holds the lock, an owner on "another host", creates, check mode, a
// failing command, the timeout and a stop signal, and what a command starts and leaves running.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readOwner } from '../../modules/runtime/lock';
import { ansibleArgs, MARKER, pythonJson, runModule, type RunOpts } from '../../tools/lab/run-module';

let root = '';
let lock = '';
const run = (args: Record<string, unknown>, o: RunOpts = {}) => runModule('xcat_install_lock', { path: lock, ...args }, o);

/** the module started from a file as Ansible starts it, left running: its pid and its result to come */
async function start(args: Record<string, unknown>): Promise<{ pid: number; result: Promise<Record<string, any>> }> {
	const source = await readFile('plugins/modules/xcat_install_lock.js', 'utf8');
	const file = join(root, `AnsiballZ_${Date.now()}_${Math.random().toString(36).slice(2)}.js`);
	writeFileSync(
		file,
		source.replace(MARKER, () => pythonJson(ansibleArgs('xcat_install_lock', { path: lock, ...args }))),
		{ mode: 0o700 },
	);
	const child = spawn('node', [file], { stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	child.stdout.on('data', (b: Buffer) => (out += b));
	const result = new Promise<Record<string, any>>((resolve) => child.on('close', () => resolve(out ? JSON.parse(out) : { killed: true })));
	return { pid: child.pid!, result };
}

const until = async (what: string, ok: () => boolean, ms = 10_000) => {
	const end = Date.now() + ms;
	while (!ok()) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 20));
	}
};
const alive = (pid: number) => {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
};
/** ended: gone, or a zombie its new parent has not reaped yet (kill(pid, 0) still finds a zombie) */
const ended = (pid: number) => {
	try {
		return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0] === 'Z';
	} catch {
		return true;
	}
};
/** a command that writes its pid to PIDFILE, then sleeps S seconds */
const sleeper = (pidfile: string, s: number) => ['sh', '-c', `echo $$ > ${pidfile}; exec sleep ${s}`];

const L = suite('xcat_install_lock');
L.before.each(() => {
	root = mkdtempSync(join(tmpdir(), 'install-lock-'));
	mkdirSync(join(root, 'install'));
	lock = join(root, 'install', '.xcat-ha', 'install.lock');
});
L.after.each(() => rmSync(root, { recursive: true, force: true }));

L('two runs at once: the second is refused at once naming the first; with wait it runs after it', async () => {
	const first = await start({ command: sleeper(join(root, 'pid'), 2), holder: 'first' });
	await until('the first to hold the lock', () => existsSync(join(root, 'pid')));
	const owner = readOwner(lock)!;
	const refused = await run({ command: ['touch', join(root, 'second')] });
	assert.is(refused.result.failed, true, refused.stdout);
	assert.ok(refused.ms < 1500, `refused after ${refused.ms} ms`);
	assert.match(refused.result.msg, `is held by first on ${owner.host} (pid ${first.pid}) since ${owner.since}, for `);
	assert.match(refused.result.msg, /; touch \S+ was not run\. It is a run on this host/);
	assert.equal([refused.result.ran, refused.result.owner.name, existsSync(join(root, 'second'))], [false, 'first', false]);
	const waited = await run({ command: ['touch', join(root, 'second')], wait: 10 });
	assert.is(waited.result.changed, true, waited.stdout);
	assert.ok(waited.result.waited_ms > 300, `waited ${waited.result.waited_ms} ms`);
	assert.is((await first.result).changed, true);
	assert.ok(existsSync(join(root, 'second')));
	assert.not.ok(existsSync(lock), 'the lock is released');
});

L('a run SIGKILLed while it holds the lock: refused while its command still runs, then taken over, and the result says so', async () => {
	const killed = await start({ command: sleeper(join(root, 'pid'), 30) });
	await until('the command to start', () => existsSync(join(root, 'pid')) && readFileSync(join(root, 'pid'), 'utf8').endsWith('\n'));
	const orphan = Number(readFileSync(join(root, 'pid'), 'utf8'));
	process.kill(killed.pid, 'SIGKILL');
	await killed.result;
	const busy = await run({ command: ['true'] });
	assert.is(busy.result.failed, true, busy.stdout);
	assert.match(busy.result.msg, `It is a run on this host (pid ${killed.pid}; its command still runs (pid ${orphan})): wait for it to finish`);
	process.kill(orphan, 'SIGKILL');
	await until('the orphan to end', () => !alive(orphan));
	const next = await run({ command: ['true'] });
	assert.is(next.result.changed, true, next.stdout);
	assert.match(next.result.took_over, `the lock ${lock} was left behind (its owner (`);
	assert.match(next.result.took_over, `pid ${killed.pid}) no longer runs): taken over`);
	assert.equal(next.result.warnings, [next.result.took_over]);
	assert.not.ok(existsSync(lock));
});

/** a lock held by a run on another host (another machine id), 'sn9' */
const elsewhere = () => {
	mkdirSync(lock, { recursive: true });
	const o = { name: 'copycds on sn9', host: 'sn9', pid: 4242, machine: 'another-machine', boot: 'another-boot', since: '2026-12-07T01:00:00.000Z' };
	writeFileSync(join(lock, 'owner'), `${JSON.stringify(o)}\n`);
};

L('an owner on another host: refused, never judged from here; taken over only with holder_down naming that host', async () => {
	elsewhere();
	const refused = await run({ command: ['touch', join(root, 'ran')] });
	assert.is(refused.result.failed, true, refused.stdout);
	assert.match(refused.result.msg, /held by copycds on sn9 on sn9 \(pid 4242\) since 2026-12-07T01:00:00.000Z, for \d+ s; /);
	assert.match(refused.result.msg, /only once sn9 is proven down \(a verified fence, or a person saw it powered off\), run again with holder_down=sn9/);
	const wrong = await run({ command: ['touch', join(root, 'ran')], holder_down: 'sn8' });
	assert.is(wrong.result.failed, true);
	assert.match(wrong.result.msg, /holder_down names sn8, not sn9/);
	assert.not.ok(existsSync(join(root, 'ran')));
	const taken = await run({ command: ['touch', join(root, 'ran')], holder_down: 'sn9' });
	assert.is(taken.result.changed, true, taken.stdout);
	assert.match(taken.result.took_over, /its owner \(copycds on sn9, pid 4242\) ran on sn9, which the caller proved down \(holder_down=sn9\)\): taken over$/);
	assert.ok(existsSync(join(root, 'ran')));
	assert.not.ok(existsSync(lock));
});

L('creates: not run when it exists, checked again under the lock after a wait', async () => {
	const made = join(root, 'install', 'rhels9.4');
	const first = await run({ command: ['mkdir', made], creates: made });
	assert.equal([first.result.changed, first.result.ran], [true, true], first.stdout);
	const again = await run({ command: ['mkdir', made], creates: made });
	assert.equal([again.result.changed, again.result.ran, again.result.msg], [false, false, `${made} exists: mkdir ${made} was not run`]);
	assert.not.ok('rc' in again.result, 'no rc when nothing ran: Ansible takes any rc but 0 (null too) for a failure');
	// a run that waits for the one that makes it does not run its command after it
	const other = join(root, 'install', 'sles15');
	const maker = await start({ command: ['sh', '-c', `echo $$ > ${join(root, 'pid')}; sleep 1; mkdir ${other}`], creates: other });
	await until('the maker to hold the lock', () => existsSync(join(root, 'pid')));
	const waiter = await run({ command: ['sh', '-c', `echo ran >> ${join(root, 'log')}`], creates: other, wait: 10 });
	assert.is((await maker.result).changed, true);
	assert.equal([waiter.result.changed, waiter.result.ran], [false, false], waiter.stdout);
	assert.ok(waiter.result.waited_ms > 300, `waited ${waiter.result.waited_ms} ms`);
	assert.not.ok(existsSync(join(root, 'log')), 'the waiting run did not run its command');
});

L('check mode runs nothing and takes nothing: free, held by another host, left behind', async () => {
	const free = await run({ command: ['touch', join(root, 'ran')] }, { check: true });
	assert.equal([free.result.changed, free.result.ran, free.result.owner], [true, false, null], free.stdout);
	assert.is(free.result.msg, `the lock ${lock} is free: touch ${join(root, 'ran')} would run under it`);
	assert.not.ok(existsSync(join(root, 'install', '.xcat-ha')), 'not even the directory is made');
	elsewhere();
	const held = await run({ command: ['touch', join(root, 'ran')] }, { check: true });
	assert.is(held.result.failed, undefined, held.stdout);
	assert.equal(held.result.owner.host, 'sn9');
	assert.match(held.result.msg, /is held by copycds on sn9 on sn9 \(pid 4242\) since .*: touch \S+ would be refused$/);
	const down = await run({ command: ['touch', join(root, 'ran')], holder_down: 'sn9' }, { check: true });
	assert.match(down.result.msg, /was left behind \(its owner .* ran on sn9, which the caller proved down \(holder_down=sn9\)\): it would be taken over/);
	assert.not.ok(existsSync(join(root, 'ran')));
	assert.is(readOwner(lock)?.host, 'sn9', 'the lock is untouched');
});

L('a failing command fails the module with its rc and output; the lock is released', async () => {
	const r = await run({ command: ['sh', '-c', 'echo copying; echo no space left >&2; exit 3'] });
	assert.is(r.result.failed, true);
	assert.equal([r.result.rc, r.result.stdout, r.result.stderr, r.result.ran], [3, 'copying\n', 'no space left\n', true]);
	assert.match(r.result.msg, /^sh -c .* failed \(rc 3\): no space left; the lock .* is released$/);
	assert.not.ok(existsSync(lock));
});

L('the timeout stops the command and fails the module; the lock is released', async () => {
	const r = await run({ command: sleeper(join(root, 'pid'), 30), timeout: 1 });
	assert.is(r.result.failed, true, r.stdout);
	assert.ok(r.ms < 4000, `${r.ms} ms`);
	assert.match(r.result.msg, /^sh -c .* ran longer than timeout \(1 s\): it was stopped, and the lock .* is released$/);
	assert.not.ok(alive(Number(readFileSync(join(root, 'pid'), 'utf8'))));
	assert.not.ok(existsSync(lock));
});

L('the timeout stops what the command started too (its process group), not only the command', async () => {
	// the shell waits for a sleep that holds its output open: stopped alone, the shell would end and its
	// sleep go on writing (here, holding the module for 8 s) after the lock was released
	const pidfile = join(root, 'pid');
	const r = await run({ command: ['sh', '-c', `sleep 8 & echo $! > ${pidfile}; wait`], timeout: 1 });
	assert.is(r.result.failed, true, r.stdout);
	assert.ok(r.ms < 4000, `${r.ms} ms`);
	assert.match(r.result.msg, /ran longer than timeout \(1 s\): it was stopped, and the lock .* is released$/);
	assert.ok(ended(Number(readFileSync(pidfile, 'utf8'))), "the shell's sleep was stopped with it");
	assert.not.ok(existsSync(lock));
});

L('what a command leaves running (even in a session of its own) is stopped before the lock is released, with a warning', async () => {
	const pidfile = join(root, 'pid');
	const r = await run({ command: ['sh', '-c', `setsid sleep 30 </dev/null >/dev/null 2>&1 & echo $! > ${pidfile}`] });
	const left = Number(readFileSync(pidfile, 'utf8'));
	assert.is(r.result.changed, true, r.stdout);
	assert.not.ok(r.result.failed, r.stdout);
	assert.ok(ended(left), `pid ${left}, left by the command, still runs`);
	assert.equal(r.result.warnings, [
		`sh -c 'setsid sleep 30 </dev/null >/dev/null 2>&1 & echo $! > ${pidfile}' left 1 process(es) running (pid ${left}): they were stopped before the lock was released`,
	]);
	assert.not.ok(existsSync(lock));
});

L('SIGTERM to the module while its command runs: the command is stopped, the lock released, the module fails saying so', async () => {
	const m = await start({ command: sleeper(join(root, 'pid'), 30) });
	await until('the command to start', () => existsSync(join(root, 'pid')) && readFileSync(join(root, 'pid'), 'utf8').endsWith('\n'));
	process.kill(m.pid, 'SIGTERM');
	const r = await m.result;
	assert.is(r.failed, true, JSON.stringify(r));
	assert.match(r.msg, /^the module got SIGTERM while sh -c .* ran: the command was stopped, and the lock .* is released$/);
	assert.not.ok(alive(Number(readFileSync(join(root, 'pid'), 'utf8'))));
	assert.not.ok(existsSync(lock));
});

L('chdir: where the command runs; a lock path that is a file, and a parent that cannot be made, are refused', async () => {
	const r = await run({ command: ['pwd'], chdir: root });
	assert.is(r.result.stdout, `${root}\n`);
	writeFileSync(join(root, 'file'), 'x');
	const file = await run({ command: ['true'], path: join(root, 'file') });
	assert.match(file.result.msg, /^path must name a directory or a path that does not exist yet; .* is a regular file$/);
	const orphan = await run({ command: ['true'], path: join(root, 'nosuch', 'dir', 'install.lock') });
	assert.match(orphan.result.msg, /^path's directory .* cannot be created: .*\/nosuch does not exist \(is the shared \/install mounted\?\)$/);
});

L.run();
