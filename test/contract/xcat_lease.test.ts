// xcat_lease's bundle, run as Ansible runs it, on lease files in a temporary directory.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runModule, type RunOpts } from '../helpers/run-module';

let root = '';
let path = '';
const lease = (args: Record<string, unknown>, o: RunOpts = {}) => runModule('xcat_lease', { path, ...args }, o);
const onDisk = () => JSON.parse(readFileSync(path, 'utf8'));

const L = suite('xcat_lease');
L.before.each(() => { root = mkdtempSync(join(tmpdir(), 'lease-')); path = join(root, 'xcat-ha', 'lease'); });
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

L('a lock left by a killed run is reported after 5 s, with the way out; the lease is untouched', async () => {
	await lease({ holder: 'mn1' });
	await lease({ holder: 'mn1', state: 'released' });
	mkdirSync(`${path}.lock`);
	const r = await lease({ holder: 'mn2' });
	assert.is(r.result.failed, true);
	assert.match(r.result.msg, /^the lease lock .*lease\.lock has existed for \d+ s: another activation is running, or one was killed \(remove .* once you are sure none runs\)$/);
	assert.is(onDisk().holder, null);
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
		[{ holder: 'mn1', state: 'taken' }, /^value of state must be one of: held, released, got: taken$/],
		[{ holder: 'mn1', takeover_from: 'mn1' }, /^takeover_from \(mn1\) names the holder itself/],
		[{ holder: 'mn1', path: '/nonexistent-root/xcat-ha/lease' }, /^the lease's directory \/nonexistent-root\/xcat-ha cannot be created: \/nonexistent-root does not exist \(is the shared storage mounted\?\)$/],
	];
	for (const [args, msg] of BAD) {
		const r = await lease(args);
		assert.is(r.result.failed, true, JSON.stringify(args));
		assert.match(r.result.msg, msg);
	}
	assert.is(existsSync(join(root, 'xcat-ha')), false);
});

L.run();
