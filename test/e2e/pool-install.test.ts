// The MN pool's /install lock on the lab, through pool_install.yml as an admin runs it: sn1 and sn2 (the
// pool's members) write to one shared directory under one lock. The lock lives on the lab's /HA (the
// shared storage mounted on mn1, sn1 and sn2) rather than on an /install that pool_setup links there:
// the lock needs only a directory every member shares, and pool_setup (PostgreSQL, xCAT, ~40 s or more)
// would cost most of this file's time for nothing it tests. Run:
//   XCAT_HA_LAB_DIR=/work/main/.lab flock /work/main/.lab.lock npx tsx node_modules/uvu/bin.js test/e2e '^pool-install.test.ts$'
import { join } from 'node:path';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../../tools/lab/env';
import { ensureLab, labDir, ok, on, playbook, recap, resetLab, type PlaybookRun } from '../../tools/lab/lab';

const Install = suite('the pool /install lock on the lab (sn1, sn2)');

const SHARED = '/HA/install-test';
const LOCK = `${SHARED}/.xcat-ha/install.lock`;
const output = (r: PlaybookRun) => `${r.stdout}\n${r.stderr}`;
/** pool_install.yml on member ON with COMMAND and more variables */
const install = (on: string, command: string[], vars: Record<string, unknown> = {}) =>
	playbook('playbooks/pool_install.yml', [
		'-e',
		JSON.stringify({ xcat_pool_install_command: command, xcat_pool_install_on: on, xcat_pool_install_lock: LOCK, ...vars }),
	]);

async function fault(name: 'power-off' | 'power-on', host: string): Promise<void> {
	await execa('bash', [join(ROOT, 'test/lab/faults', name), host], { cwd: ROOT, env: { ...process.env, XCAT_HA_LAB_DIR: labDir } });
	if (name === 'power-on') ensureLab();
}

/** the lock's owner file as sn2 sees it on the shared storage, once there is one */
async function owner(timeoutMs = 30_000): Promise<Record<string, unknown>> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		const r = await on('sn2', `cat ${LOCK}/owner 2>/dev/null`);
		if (r.status === 0 && r.stdout.trim()) return JSON.parse(r.stdout);
		if (Date.now() > end) throw new Error(`no owner of ${LOCK} after ${timeoutMs} ms`);
		await new Promise((res) => setTimeout(res, 200));
	}
}

Install.before(async () => {
	resetLab();
	await ok('mn1', `mkdir -p ${SHARED}`);
});

Install('a command under the lock: another member is refused at once naming the holder and its time; with wait it runs after', async () => {
	let firstDone = false;
	const first = install('sn1', ['sleep', '8']).then((r) => {
		firstDone = true;
		return r;
	});
	const held = await owner();
	assert.equal([held.name, held.host], ['sn1', 'sn1']);
	const refused = await install('sn2', ['touch', `${SHARED}/by-sn2`]);
	assert.not.ok(firstDone, 'refused while the first still runs');
	assert.is.not(refused.status, 0);
	assert.match(
		output(refused),
		new RegExp(`the lock ${LOCK} is held by sn1 on sn1 \\(pid ${held.pid}\\) since ${held.since}, for \\d+ s; touch \\S+ was not run`),
	);
	assert.match(output(refused), /run again with holder_down=sn1/);
	assert.is((await on('sn2', `test -e ${SHARED}/by-sn2`)).status, 1, 'nothing ran on sn2');
	const waited = await install('sn2', ['touch', `${SHARED}/by-sn2`], { xcat_pool_install_wait: 60 });
	assert.is(waited.status, 0, output(waited));
	assert.ok(firstDone, 'the waiting run ran after the first');
	assert.match(waited.stdout, /touch \S+ ran under the lock \S+ \(waited [1-9]\d* ms/);
	assert.is(recap(waited.stdout, 'sn2').changed, 1);
	const f = await first;
	assert.is(f.status, 0, output(f));
	assert.match(f.stdout, /sleep 8 ran under the lock/);
	await ok('mn1', `test -e ${SHARED}/by-sn2 && ! test -e ${LOCK}`);
});

Install('creates: a rerun of a copy that is already there changes nothing', async () => {
	const made = `${SHARED}/rhels9.4`;
	const first = await install('sn2', ['mkdir', made], { xcat_pool_install_creates: made });
	assert.is(first.status, 0, output(first));
	assert.is(recap(first.stdout, 'sn2').changed, 1);
	const again = await install('sn1', ['mkdir', made], { xcat_pool_install_creates: made });
	assert.is(again.status, 0, output(again));
	assert.is(recap(again.stdout, 'sn1').changed, 0);
	assert.match(again.stdout, new RegExp(`${made} exists: mkdir ${made} was not run`));
});

Install('bad input is refused before anything runs, each message naming the variable; no database password is asked for', async () => {
	const r = await playbook('playbooks/pool_install.yml', [
		'-e',
		JSON.stringify({
			xcat_pool_install_on: 'sn2',
			xcat_pool_install_command: 'copycds /iso/rhel.iso',
			xcat_pool_install_lock: 'install.lock',
			xcat_pool_install_wait: 9999,
			xcat_pool_install_holder_down: 'sn2',
		}),
	]);
	assert.is.not(r.status, 0);
	for (const name of ['xcat_pool_install_command', 'xcat_pool_install_lock', 'xcat_pool_install_wait', 'xcat_pool_install_holder_down'])
		assert.match(output(r), new RegExp(`${name} must`), name);
	assert.not.match(output(r), /password/);
});

Install('a holder powered off while it holds the lock: refused without holder_down, taken over with holder_down naming it', async () => {
	const first = install('sn1', ['sleep', '120']);
	try {
		const held = await owner();
		await fault('power-off', 'sn1');
		await first; // its ssh connection is gone: that run fails
		const refused = await install('sn2', ['touch', `${SHARED}/after-sn1`]);
		assert.is.not(refused.status, 0);
		assert.match(output(refused), new RegExp(`is held by sn1 on sn1 \\(pid ${held.pid}\\) since ${held.since}`));
		assert.match(output(refused), /only once sn1 is proven down .* run again with holder_down=sn1/);
		const taken = await install('sn2', ['touch', `${SHARED}/after-sn1`], { xcat_pool_install_holder_down: 'sn1' });
		assert.is(taken.status, 0, output(taken));
		assert.match(
			taken.stdout,
			new RegExp(`its owner \\(sn1, pid ${held.pid}\\) ran on sn1, which the caller proved down \\(holder_down=sn1\\)\\): taken over`),
		);
		await ok('mn1', `test -e ${SHARED}/after-sn1 && ! test -e ${LOCK}`);
	} finally {
		await fault('power-on', 'sn1');
	}
});

Install.run();
