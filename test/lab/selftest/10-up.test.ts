// `lab up` from a clean slate (the base image is kept: building it is measured by CI's first run),
// then again: the second is a fast no-op. Before that: the bridge of another checkout's lab.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HOSTS, describe, lab, labScript, ok, run, status } from './lab';

const CALLER_LOCK = '/tmp/xcat-ha-selftest-caller.lock';
const OTHER_LAB = '/tmp/xcat-ha-selftest-other-checkout/.lab';
const CG_V2 = existsSync('/sys/fs/cgroup/cgroup.controllers') ? '/sys/fs/cgroup' : '/sys/fs/cgroup/unified';
const otherCgroup = `${CG_V2}/xcat-ha-lab-${createHash('sha256').update(OTHER_LAB).digest('hex').slice(0, 8)}`;

async function otherLabsBridge(): Promise<void> {
	// a bridge here now is a third lab's that still runs (`down` removed a dead one): say so
	assert.not.ok(existsSync('/sys/class/net/xhalab0'), `another lab runs on this machine (${await bridgeAlias()}); the selftest needs the machine to itself`);
	await ok('ip', ['link', 'add', 'xhalab0', 'type', 'bridge']);
	await ok('ip', ['link', 'set', 'xhalab0', 'alias', `xcat-ha-lab ${OTHER_LAB}`]);
}
// a cgroup whose last process was just reaped can refuse rmdir (EBUSY) for a moment
async function removeCgroup(dir: string): Promise<void> {
	for (let tries = 50; ; tries--) {
		try {
			return rmdirSync(dir);
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EBUSY' || tries === 0) throw e;
			await new Promise((r) => setTimeout(r, 100));
		}
	}
}
const bridgeAlias = async () => (await run('cat', ['/sys/class/net/xhalab0/ifalias'])).stdout.trim();

const U = suite('lab up');

U('starts from nothing: down first', async () => {
	const r = await lab(['down']);
	assert.is(r.exitCode, 0, describe('lab down', r));
});

U('down removes a bridge left by a lab with no process (a killed run leaves one: links outlive processes)', async () => {
	await otherLabsBridge();
	const r = await lab(['down']);
	assert.is(r.exitCode, 0, describe('lab down', r));
	assert.match(r.stderr, /bridge xhalab0 was left by a lab with no process left \(\/tmp\/xcat-ha-selftest-other-checkout\/\.lab\): removing it/);
	assert.not.ok(existsSync('/sys/class/net/xhalab0'), "the dead lab's bridge is gone");
});

U('refuses the bridge of another lab whose hosts still run, and leaves it alone', async () => {
	await otherLabsBridge();
	const host = `${otherCgroup}/mn1`;
	mkdirSync(host, { recursive: true });
	const sleeper = execa('sleep', ['300'], { reject: false });
	try {
		writeFileSync(`${host}/cgroup.procs`, String(sleeper.pid));
		const r = await lab(['up']);
		assert.is.not(r.exitCode, 0, describe('lab up', r));
		assert.match(r.stderr, /another lab is up on this machine .*bring it down first with XCAT_HA_LAB_DIR=\/tmp\/xcat-ha-selftest-other-checkout\/\.lab/);
		assert.is(await bridgeAlias(), `xcat-ha-lab ${OTHER_LAB}`, 'the other lab keeps its bridge');
		const d = await lab(['down']);
		assert.is(d.exitCode, 0, describe('lab down', d));
		assert.match(d.stderr, /leaving bridge xhalab0 alone: it belongs to another lab, which still runs/);
		assert.is(await bridgeAlias(), `xcat-ha-lab ${OTHER_LAB}`, "down leaves a running lab's bridge");
	} finally {
		sleeper.kill('SIGKILL');
		await sleeper;
		await removeCgroup(host);
		await removeCgroup(otherCgroup);
	}
});

U('brings every host up, printing each phase, after removing a bridge left by a lab with no process', async () => {
	// the bridge of the lab above, whose process is now gone, as after a killed session; and the up
	// runs under a caller's flock, which the hosts must not inherit (they outlive the command)
	const r = await run('flock', [CALLER_LOCK, 'bash', labScript, 'up'], { timeoutMs: 600_000 });
	assert.is(r.exitCode, 0, describe('lab up', r));
	const free = await run('flock', ['-n', CALLER_LOCK, 'true']);
	assert.is(free.exitCode, 0, `the caller's lock is still held after lab up returned: ${free.stderr}`);
	assert.match(r.stderr, /bridge xhalab0 was left by a lab with no process left \(\/tmp\/xcat-ha-selftest-other-checkout\/\.lab\): removing it/);
	assert.match(await bridgeAlias(), /^xcat-ha-lab \/.*\.lab$/);
	assert.is.not(await bridgeAlias(), `xcat-ha-lab ${OTHER_LAB}`);
	for (const phase of ['prereq', 'base', 'network', 'shared', 'hosts', 'provision']) {
		assert.match(r.stderr, new RegExp(`^lab: phase ${phase}\\s+\\d+\\.\\d+ s`, 'm'), `phase ${phase} timed`);
	}
	console.log(
		r.stderr
			.split('\n')
			.filter((l) => /phase|up:/.test(l))
			.join('\n'),
	);
});

U('up again changes nothing and is fast', async () => {
	const r = await lab(['up']);
	assert.is(r.exitCode, 0, describe('second lab up', r));
	assert.match(r.stderr, /up: nothing changed/, describe('second lab up', r));
	assert.ok(r.ms < 15_000, `second up took ${r.ms} ms`);
});

U('status shows every host running with its address and memory', async () => {
	const st = await status();
	for (const h of HOSTS) {
		assert.is(st[h.name]?.state, 'running', `${h.name}: ${JSON.stringify(st[h.name])}`);
		assert.is(st[h.name]?.link, 'up');
		const mem = st[h.name]?.memoryMiB ?? 0;
		assert.ok(mem > 5 && mem < 400, `${h.name} memory ${mem} MiB`);
	}
	console.log(`memory (PSS, MiB): ${HOSTS.map((h) => `${h.name}=${st[h.name]?.memoryMiB}`).join(' ')}`);
});

U.run();
