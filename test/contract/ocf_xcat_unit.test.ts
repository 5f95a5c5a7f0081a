// Our OCF agent ocf:xcat:xcat-unit (roles/xcat_ha/files/ocf/xcat-unit), checked by the real
// ocf-tester (meta-data against ra-api-1.dtd, probe, start, monitor, stop, the OCF exit codes) and
// run action by action against a systemctl stand-in that keeps each unit's state in a file (CI's
// machine runs no systemd). The lab's e2e (test/e2e/pacemaker.test.ts) runs it under Pacemaker.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const SOURCE = 'roles/xcat_ha/files/ocf/xcat-unit';
let dir = '';
let agent = '';

/**
 * systemctl as the agent calls it: show --property=LoadState --value -- U, is-active -- U, start -- U,
 * stop -- U. Units in DIR/units are installed; DIR/state/U holds a unit's state; DIR/fail/U makes
 * its start fail with that message; DIR/dies/U leaves it failed right after a successful start.
 */
function systemctlStub() {
	const d = dir;
	writeFileSync(
		join(d, 'bin', 'systemctl'),
		`#!/bin/sh
echo "$*" >> '${d}/calls'
u=$(for a; do :; done; printf '%s' "$a")
case "$1" in
show) grep -qx "$u" '${d}/units' && echo loaded || echo not-found ;;
is-active) s=$(cat '${d}/state/'"$u" 2>/dev/null || echo inactive); echo "$s"; [ "$s" = active ] ;;
start)
  if [ -e '${d}/fail/'"$u" ]; then cat '${d}/fail/'"$u" >&2; exit 1; fi
  if [ -e '${d}/dies/'"$u" ]; then echo failed > '${d}/state/'"$u"; else echo active > '${d}/state/'"$u"; fi ;;
stop) echo inactive > '${d}/state/'"$u" ;;
*) exit 2 ;;
esac
`,
		{ mode: 0o755 },
	);
}
const state = (u: string) => (existsSync(join(dir, 'state', u)) ? readFileSync(join(dir, 'state', u), 'utf8').trim() : 'inactive');
const calls = () => (existsSync(join(dir, 'calls')) ? readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n') : []);
const path = () => `${join(dir, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`;

/** the agent run for ACTION as Pacemaker runs it: OCF_RESKEY_* parameters, OCF_ROOT, the instance name */
function action(name: string, params: Record<string, string> = { unit: 'xcatd' }, extra: Record<string, string> = {}) {
	const env: Record<string, string> = {
		PATH: path(),
		OCF_ROOT: '/usr/lib/ocf',
		OCF_RESOURCE_INSTANCE: 'xcat-xcatd',
		...Object.fromEntries(Object.entries(params).map(([k, v]) => [`OCF_RESKEY_${k}`, v])),
		...extra,
	};
	const r = spawnSync(agent, [name], { env, encoding: 'utf8' });
	return { rc: r.status, out: `${r.stdout}${r.stderr}` };
}

const U = suite('ocf:xcat:xcat-unit');
U.before.each(() => {
	dir = mkdtempSync(join(tmpdir(), 'ocf-unit-'));
	// ocf-tester runs meta-data as nobody: the agent's directory must be open to it
	chmodSync(dir, 0o755);
	for (const d of ['bin', 'state', 'fail', 'dies']) mkdirSync(join(dir, d));
	writeFileSync(join(dir, 'units'), 'xcatd\npostgresql@15-main\n');
	agent = join(dir, 'xcat-unit');
	copyFileSync(SOURCE, agent);
	chmodSync(agent, 0o755);
	systemctlStub();
});
U.after.each(() => rmSync(dir, { recursive: true, force: true }));

U('ocf-tester passes it (meta-data valid, probe 7, start, monitor 0, stop, monitor 7)', () => {
	const r = spawnSync('ocf-tester', ['-n', 'xcat-xcatd', '-o', 'unit=postgresql@15-main', agent], {
		env: { ...process.env, PATH: `${path()}:/usr/sbin` },
		encoding: 'utf8',
	});
	assert.is(r.status, 0, `${r.stdout}${r.stderr}`);
	assert.match(r.stdout, /passed all tests/);
	assert.ok(calls().includes('start -- postgresql@15-main'), calls().join('\n'));
});

U('start waits for systemctl start and then is-active; monitor follows the unit; stop stops it; both idempotent', () => {
	assert.is(action('monitor').rc, 7);
	assert.is(action('start').rc, 0);
	assert.is(state('xcatd'), 'active');
	assert.is(action('monitor').rc, 0);
	assert.is(action('start').rc, 0);
	assert.equal(
		calls().filter((c) => c.startsWith('start')),
		['start -- xcatd'],
		'a second start starts nothing',
	);
	assert.is(action('stop').rc, 0);
	assert.is(state('xcatd'), 'inactive');
	assert.is(action('monitor').rc, 7);
	assert.is(action('stop').rc, 0, 'stop of a stopped unit succeeds');
});

U("a failing start is OCF_ERR_GENERIC with systemctl's message; a unit that dies right after its start too", () => {
	writeFileSync(join(dir, 'fail', 'xcatd'), 'Job for xcatd.service failed because the control process exited with error code.\n');
	const r = action('start');
	assert.is(r.rc, 1);
	assert.match(r.out, /ocf-exit-reason:systemctl start xcatd failed: Job for xcatd\.service failed because the control process exited/);
	rmSync(join(dir, 'fail', 'xcatd'));
	writeFileSync(join(dir, 'dies', 'xcatd'), '');
	const d = action('start');
	assert.is(d.rc, 1);
	assert.match(d.out, /ocf-exit-reason:xcatd is failed right after its start/);
	assert.is(action('monitor').rc, 7, 'a failed unit is not running');
});

U('a unit name that is not one is OCF_ERR_CONFIGURED and runs nothing; a unit not installed: start 5, probe 7, stop 0', () => {
	for (const bad of ['', 'xcatd; reboot', '--now', 'a b']) {
		const r = action('start', { unit: bad });
		assert.is(r.rc, 6, bad);
		assert.match(r.out, /parameter unit must name a systemd unit/);
		assert.is(action('stop', { unit: bad }).rc, 6, `stop ${bad}`);
	}
	assert.equal(
		calls().filter((c) => !c.startsWith('show')),
		[],
		'systemctl never ran for a bad name',
	);
	const missing = action('start', { unit: 'goconserver' });
	assert.is(missing.rc, 5);
	assert.match(missing.out, /unit goconserver is not installed on this node \(LoadState: not-found\)/);
	assert.is(action('monitor', { unit: 'goconserver' }, { OCF_RESKEY_CRM_meta_interval: '0' }).rc, 7, 'a probe where it is not installed: not running');
	assert.is(action('stop', { unit: 'goconserver' }).rc, 0);
	assert.is(action('bogus').rc, 3);
});

U.run();
