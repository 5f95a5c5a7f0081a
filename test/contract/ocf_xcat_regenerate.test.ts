// Our OCF agent ocf:xcat:xcat-regenerate (roles/xcat_ha/files/ocf/xcat-regenerate), checked by the
// real ocf-tester (resource-agents: meta-data against ra-api-1.dtd, probe, start, monitor, stop, the
// OCF exit codes) and run action by action, with recording stand-ins for the xCAT commands.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const SOURCE = 'roles/xcat_ha/files/ocf/xcat-regenerate';
const STEPS = ['makedns', 'makedhcp', 'makeconservercf'];
/** every step, sorted (the chains run at once: only makedhcp -n before -a is ordered) */
const ALL = ['makeconservercf', 'makedhcp -a', 'makedhcp -n', 'makedns -n'];
let dir = '';
let agent = '';

/** a stand-in that records its argv, prints ERR on stderr and exits RC */
function stub(name: string, rc = 0, err = '') {
	writeFileSync(
		join(dir, 'bin', name),
		// one write per call (the chains run at once: several printfs of one line could interleave)
		`#!/bin/sh\nline=$(basename "$0"); for a; do line="$line $a"; done; printf '%s\\n' "$line" >> '${join(dir, 'calls')}'\n${err ? `printf '%s\\n' '${err}' >&2\n` : ''}exit ${rc}\n`,
		{ mode: 0o755 },
	);
}
const calls = () => (existsSync(join(dir, 'calls')) ? readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n') : []);
/** the agent run for ACTION as Pacemaker runs it: OCF_RESKEY_* parameters, OCF_ROOT, the instance name */
function action(name: string, params: Record<string, string> = {}, path = process.env.PATH ?? '/usr/bin:/bin') {
	const env: Record<string, string> = {
		PATH: path,
		OCF_ROOT: '/usr/lib/ocf',
		OCF_RESOURCE_INSTANCE: 'xcat-regenerate',
		HA_RSCTMP: join(dir, 'rsc'),
		OCF_RESKEY_xcat_path: join(dir, 'bin'),
		...Object.fromEntries(Object.entries(params).map(([k, v]) => [`OCF_RESKEY_${k}`, v])),
	};
	const r = spawnSync(agent, [name], { env, encoding: 'utf8' });
	return { rc: r.status, out: `${r.stdout}${r.stderr}` };
}

const A = suite('ocf:xcat:xcat-regenerate');
A.before.each(() => {
	dir = mkdtempSync(join(tmpdir(), 'ocf-regen-'));
	// ocf-tester runs meta-data as nobody: the agent's directory must be open to it
	chmodSync(dir, 0o755);
	mkdirSync(join(dir, 'bin'));
	mkdirSync(join(dir, 'rsc'));
	agent = join(dir, 'xcat-regenerate');
	copyFileSync(SOURCE, agent);
	chmodSync(agent, 0o755);
	for (const s of STEPS) stub(s);
});
A.after.each(() => rmSync(dir, { recursive: true, force: true }));

A('ocf-tester passes it (meta-data valid, probe 7, start, monitor 0, stop, monitor 7)', () => {
	const r = spawnSync('ocf-tester', ['-n', 'xcat-regenerate', '-o', `xcat_path=${join(dir, 'bin')}`, agent], {
		env: { ...process.env, HA_RSCTMP: join(dir, 'rsc'), PATH: `${process.env.PATH}:/usr/sbin` },
		encoding: 'utf8',
	});
	assert.is(r.status, 0, `${r.stdout}${r.stderr}`);
	assert.match(r.stdout, /passed all tests/);
	// every start ran each step once, makedhcp -n before makedhcp -a
	assert.equal(calls().slice(0, 4).sort(), ALL);
	assert.ok(calls().indexOf('makedhcp -n') < calls().indexOf('makedhcp -a'));
});

A('start runs each step once, makedhcp -n before -a; monitor says running until stop; a second start runs nothing', () => {
	assert.is(action('monitor').rc, 7);
	assert.is(action('start').rc, 0);
	assert.is(action('monitor').rc, 0);
	assert.is(action('start').rc, 0);
	assert.equal([...calls()].sort(), ALL);
	assert.ok(calls().indexOf('makedhcp -n') < calls().indexOf('makedhcp -a'));
	assert.is(action('stop').rc, 0);
	assert.is(action('monitor').rc, 7);
	assert.is(action('stop').rc, 0, 'stop of a stopped resource succeeds');
});

A('the chains run at once: makedns -n ends only once makeconservercf has started (in order, it would wait 5 s and fail)', () => {
	const seen = join(dir, 'consoles-started');
	writeFileSync(
		join(dir, 'bin', 'makedns'),
		`#!/bin/sh\necho 'makedns -n' >> '${join(dir, 'calls')}'\nfor i in $(seq 50); do [ -e '${seen}' ] && exit 0; sleep 0.1; done\necho 'makeconservercf never started' >&2\nexit 9\n`,
		{ mode: 0o755 },
	);
	writeFileSync(join(dir, 'bin', 'makeconservercf'), `#!/bin/sh\necho makeconservercf >> '${join(dir, 'calls')}'\ntouch '${seen}'\n`, { mode: 0o755 });
	const r = action('start');
	assert.is(r.rc, 0, r.out);
	assert.equal([...calls()].sort(), ALL);
});

A('a failing step fails the start (OCF_ERR_GENERIC) with its command, exit code and message; its chain stops, the others end', () => {
	stub('makedhcp', 3, 'dhcpd.conf: no such network');
	const r = action('start');
	assert.is(r.rc, 1);
	assert.match(r.out, /ocf-exit-reason:makedhcp -n failed \(rc 3\): dhcpd\.conf: no such network/);
	assert.equal([...calls()].sort(), ['makeconservercf', 'makedhcp -n', 'makedns -n']);
	assert.is(action('monitor').rc, 7);
});

A('steps turned off are skipped; a parameter that is not a boolean is OCF_ERR_CONFIGURED; a missing command OCF_ERR_INSTALLED', () => {
	assert.is(action('start', { dns: 'false', consoles: 'no' }).rc, 0);
	assert.equal(calls(), ['makedhcp -n', 'makedhcp -a']);
	const bad = action('validate-all', { dhcp: 'maybe' });
	assert.is(bad.rc, 6);
	assert.match(bad.out, /parameter dhcp must be a boolean \(true or false\), got: maybe/);
	rmSync(join(dir, 'bin', 'makeconservercf'));
	const missing = action('validate-all', {}, '/usr/bin:/bin');
	assert.is(missing.rc, 5);
	assert.match(missing.out, /xCAT command not found: makeconservercf/);
	assert.is(action('bogus').rc, 3);
});

A.run();
