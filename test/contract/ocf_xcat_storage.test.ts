// Our OCF agent ocf:xcat:xcat-storage (roles/xcat_ha/files/ocf/xcat-storage), checked by the real
// ocf-tester and run action by action against a directory standing for the shared storage.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const SOURCE = 'roles/xcat_ha/files/ocf/xcat-storage';
let dir = '';
let agent = '';
let shared = '';

/** the agent run for ACTION as Pacemaker runs it: OCF_RESKEY_* parameters, OCF_ROOT, the instance name */
function action(name: string, params: Record<string, string> = {}) {
	const env: Record<string, string> = {
		PATH: process.env.PATH ?? '/usr/bin:/bin',
		OCF_ROOT: '/usr/lib/ocf',
		OCF_RESOURCE_INSTANCE: 'xcat-storage',
		HA_RSCTMP: join(dir, 'rsc'),
		...Object.fromEntries(Object.entries({ path: shared, require_mount: 'false', ...params }).map(([k, v]) => [`OCF_RESKEY_${k}`, v])),
	};
	const r = spawnSync(agent, [name], { env, encoding: 'utf8' });
	return { rc: r.status, out: `${r.stdout}${r.stderr}` };
}

const S = suite('ocf:xcat:xcat-storage');
S.before.each(() => {
	dir = mkdtempSync(join(tmpdir(), 'ocf-storage-'));
	chmodSync(dir, 0o755); // ocf-tester runs meta-data as nobody
	mkdirSync(join(dir, 'rsc'));
	shared = join(dir, 'HA');
	mkdirSync(join(shared, '.xcat-ha'), { recursive: true });
	agent = join(dir, 'xcat-storage');
	copyFileSync(SOURCE, agent);
	chmodSync(agent, 0o755);
});
S.after.each(() => rmSync(dir, { recursive: true, force: true }));

S('ocf-tester passes it (meta-data valid, probe 7, start, monitor 0, stop, monitor 7)', () => {
	const r = spawnSync('ocf-tester', ['-n', 'xcat-storage', '-o', `path=${shared}`, '-o', 'require_mount=false', agent], {
		env: { ...process.env, HA_RSCTMP: join(dir, 'rsc'), PATH: `${process.env.PATH}:/usr/sbin` },
		encoding: 'utf8',
	});
	assert.is(r.status, 0, `${r.stdout}${r.stderr}`);
	assert.match(r.stdout, /passed all tests/);
});

S('the storage gone (its directory missing): start fails, and a running check fails its monitor with the reason', () => {
	assert.is(action('monitor').rc, 7, 'not started: not running');
	assert.is(action('start').rc, 0);
	assert.is(action('monitor').rc, 0);
	rmSync(join(shared, '.xcat-ha'), { recursive: true });
	const m = action('monitor');
	assert.is(m.rc, 1);
	assert.match(m.out, /ocf-exit-reason:cannot write and read back \S+\/\.xcat-ha\/storage-check\.\S+: the shared storage does not work here/);
	assert.is(action('stop').rc, 0, 'stop only forgets: it never touches the storage');
	assert.is(action('monitor').rc, 7);
	assert.is(action('start').rc, 1, 'a start where the storage does not work fails');
	assert.is(action('monitor').rc, 7);
});

S('require_mount: a directory that is not a mount point fails the start; bad parameters are OCF_ERR_CONFIGURED', () => {
	const r = action('start', { require_mount: 'true' });
	assert.is(r.rc, 1);
	assert.match(r.out, /ocf-exit-reason:\S+\/HA is not mounted/);
	// / is a mount point here, read-write: the mount check passes, the file check fails (no /.xcat-ha)
	const root = action('start', { require_mount: 'true', path: '/' });
	assert.match(root.out, /cannot write and read back \/\/\.xcat-ha|cannot write and read back \/\.xcat-ha/);
	const rel = action('validate-all', { path: 'HA' });
	assert.is(rel.rc, 6);
	assert.match(rel.out, /parameter path must be an absolute path, got: 'HA'/);
	const b = action('validate-all', { require_mount: 'maybe' });
	assert.is(b.rc, 6);
	assert.match(b.out, /parameter require_mount must be a boolean \(true or false\), got: maybe/);
	assert.is(action('bogus').rc, 3);
});

S.run();
