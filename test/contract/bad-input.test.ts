// The bad-input corpus (test/helpers/bad-input-corpus.ts) through every bundled module, run as Ansible
// runs it, with every command it could run replaced by a recording stub and its file tree listed before
// and after: each case must fail, name its option, say so briefly, run nothing and change nothing.
// Then a sentinel secret in every no_log option, through every module's error paths: it must show nowhere.
import { execFileSync } from 'node:child_process';
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Options } from '../../modules/runtime/options';
import { generated, type BadCase } from '../helpers/bad-input-corpus';
import { runModule, type ModuleRun } from '../../tools/lab/run-module';
import { makeXcatStubs, type XcatStubs } from '../helpers/xcat-stubs';
import { options as clusterOptions } from '../../modules/xcat_cluster/options';
import { options as clusterInfoOptions } from '../../modules/xcat_cluster_info/options';
import { options as dbOptions } from '../../modules/xcat_db/options';
import { options as replicaOptions } from '../../modules/xcat_db_replica/options';
import { options as installLockOptions } from '../../modules/xcat_install_lock/options';
import { options as leaseOptions } from '../../modules/xcat_lease/options';
import { options as objectOptions } from '../../modules/xcat_object/options';
import { options as policyOptions } from '../../modules/xcat_policy/options';
import { options as probeOptions } from '../../modules/xcat_probe/options';
import { options as servicesOptions } from '../../modules/xcat_services/options';
import { options as sharedOptions } from '../../modules/xcat_shared_data/options';
import { options as poolOptions } from '../../modules/xcat_pool/options';
import { options as snmoveOptions } from '../../modules/xcat_snmove/options';
import { options as vipOptions } from '../../modules/xcat_vip/options';

/** every command a module runs, by name; all of them are recording stubs here */
const COMMANDS = [
	'lsxcatd',
	'nodels',
	'xdsh',
	'getent',
	'ip',
	'arping',
	'systemctl',
	'journalctl',
	'rsync',
	'mv',
	'ln',
	'rm',
	'mkdir',
	'kill',
	'getfattr',
	'setfacl',
	'findmnt',
	'mount',
	'df',
	'psql',
	'mysql',
	'runuser',
	'pgsqlsetup',
	'mysqlsetup',
	'dumpxCATdb',
	'restorexCATdb',
	'makedns',
	'makedhcp',
	'makeconservercf',
	'nodeset',
	'updatenode',
	'hostname',
	'hostnamectl',
	'pcs',
	'cibadmin',
	'crm_mon',
	'crm_verify',
	'crm_resource',
	'pg_ctl',
	'pg_basebackup',
	'sudo',
	'sh',
	'bash',
];

const root = mkdtempSync(join(tmpdir(), 'bad-input-'));
const lib = mkdtempSync(join(tmpdir(), 'bad-input-lib-'));
let stubs: XcatStubs;

const p = (rel: string) => `${root}/${rel}`; // not join(): a '..' must reach the module as given
// a valid argument set for each module, its paths in the temporary tree
const MODULES: Array<[string, Options, Record<string, unknown>]> = [
	['xcat_vip', vipOptions, { address: '198.51.100.10', prefix: 24, interface: 'eth0' }],
	['xcat_lease', leaseOptions, { path: p('ha/lease'), holder: 'mn1' }],
	['xcat_install_lock', installLockOptions, { command: ['mkdir', p('ran')], path: p('install/.xcat-ha/install.lock') }],
	['xcat_services', servicesOptions, { state: 'started', services: ['xcatd'] }],
	['xcat_policy', policyOptions, { names: ['mn1'] }],
	['xcat_shared_data', sharedOptions, { path: p('HA'), directories: [p('l/etc/xcat')], require_mount: false }],
	['xcat_object', objectOptions, { type: 'node', name: 'cn1', attributes: { groups: 'all' } }],
	['xcat_db', dbOptions, { type: 'postgresql', vip: '198.51.100.10', addresses: ['198.51.100.11', '198.51.100.12'], password: 'abc123' }],
	['xcat_snmove', snmoveOptions, { source: 'sn1' }],
	['xcat_pool', poolOptions, { members: ['sn1', 'sn2'], noderange: 'compute' }],
	[
		'xcat_db_replica',
		replicaOptions,
		{ state: 'primary', password: 'abcd1234', replicas: [{ name: 'sn1', address: '198.51.100.21' }], pg_data: p('pgdata'), pg_conf: p('pgdata') },
	],
	['xcat_probe', probeOptions, { id: 'p', address: '127.0.0.1', dir: p('probe') }],
	['xcat_cluster', clusterOptions, { cib_file: p('cib.xml') }],
	['xcat_cluster_info', clusterInfoOptions, { group: 'xcat', mns: ['mn1', 'mn2'] }],
];
const base = (m: string) => MODULES.find(([n]) => n === m)![2];

/** Paths of the wrong kind, and values that only a module's own check refuses. */
const EXTRA: BadCase[] = [
	...(
		[
			['a FIFO', 'fifo'],
			['a directory', 'dir'],
			['a symbolic link loop', 'loop'],
			['under a file', 'file/lease'],
			['too long a name', 'x'.repeat(300)],
			['a relative path', '../lease'],
			['a .. component', 'dir/../lease'],
		] as const
	).map(([label, rel]) => ({ module: 'xcat_lease', option: 'path', label, args: { ...base('xcat_lease'), path: rel.startsWith('..') ? rel : p(rel) } })),
	...(['pg_data', 'pg_conf', 'mysql_data', 'path'] as const).flatMap((option) =>
		(
			[
				['a FIFO', 'fifo'],
				['a file', 'file'],
				['a symbolic link loop', 'loop'],
				['a relative path', 'dir'],
				['a .. component', 'dir/../dir'],
			] as const
		).map(([label, rel]) => ({
			module: 'xcat_db',
			option,
			label,
			args: { ...base('xcat_db'), ...(option === 'mysql_data' ? { type: 'mysql' } : {}), [option]: label === 'a relative path' ? rel : p(rel) },
		})),
	),
	...(['path', 'directories'] as const).flatMap((option) =>
		(
			[
				['a relative path', 'HA'],
				['a .. component', 'HA/../l'],
				['a trailing ..', 'l/..'],
			] as const
		).map(([label, rel]) => ({
			module: 'xcat_shared_data',
			option,
			label,
			args: {
				...base('xcat_shared_data'),
				[option]: option === 'path' ? (label === 'a relative path' ? rel : p(rel)) : [label === 'a relative path' ? rel : p(rel)],
			},
		})),
	),
	...(
		[
			['a FIFO', 'path', 'fifo'],
			['a file', 'path', 'file'],
			['a symbolic link loop', 'path', 'loop'],
			['no parent to make it in', 'path', 'nosuch/dir/install.lock'],
			['a trailing /', 'path', 'install/lock/'],
			['a file', 'chdir', 'file'],
			['absent', 'chdir', 'nosuch'],
			['a .. component', 'creates', 'dir/../x'],
		] as const
	).map(([label, option, rel]) => ({ module: 'xcat_install_lock', option, label, args: { ...base('xcat_install_lock'), [option]: p(rel) } })),
	{ module: 'xcat_install_lock', option: 'command', label: 'an empty program', args: { ...base('xcat_install_lock'), command: ['', 'x'] } },
	{ module: 'xcat_install_lock', option: 'command', label: 'a NUL', args: { ...base('xcat_install_lock'), command: ['echo', 'a\u0000b'] } },
	{
		module: 'xcat_install_lock',
		option: 'holder_down',
		label: 'a label of 64',
		args: { ...base('xcat_install_lock'), holder_down: `sn1.${'b'.repeat(64)}` },
	},
	{ module: 'xcat_object', option: 'name', label: 'a label of 64', args: { ...base('xcat_object'), name: `${'a'.repeat(64)}.x` } },
	{ module: 'xcat_object', option: 'attributes', label: 'a newline in a value', args: { ...base('xcat_object'), attributes: { groups: 'a\nb' } } },
	{ module: 'xcat_object', option: 'attributes', label: 'a bad attribute name', args: { ...base('xcat_object'), attributes: { 'a;b': 'c' } } },
	{ module: 'xcat_snmove', option: 'source', label: 'a label of 64', args: { source: `sn1.${'b'.repeat(64)}` } },
	{ module: 'xcat_snmove', option: 'nodes', label: 'a 1 MB noderange', args: { nodes: 'n'.repeat(1 << 20), dest: 'sn2' } },
	{ module: 'xcat_pool', option: 'members', label: 'a label of 64', args: { ...base('xcat_pool'), members: ['sn1', `sn2.${'b'.repeat(64)}`] } },
	{ module: 'xcat_pool', option: 'members', label: 'a 1 MB name', args: { ...base('xcat_pool'), members: ['sn1', 'm'.repeat(1 << 20)] } },
	{ module: 'xcat_pool', option: 'members', label: 'one member', args: { ...base('xcat_pool'), members: ['sn1'] } },
	{ module: 'xcat_pool', option: 'members', label: 'twice the same', args: { ...base('xcat_pool'), members: ['sn1', 'sn1'] } },
	{ module: 'xcat_pool', option: 'noderange', label: 'a 1 MB noderange', args: { ...base('xcat_pool'), noderange: 'n'.repeat(1 << 20) } },
	{ module: 'xcat_pool', option: 'noderange', label: 'unbalanced brackets', args: { ...base('xcat_pool'), noderange: 'cn[1-' } },
	{ module: 'xcat_pool', option: 'entries', label: 'more than the members', args: { ...base('xcat_pool'), entries: 3 } },
	{ module: 'xcat_pool', option: 'pinned', label: 'to a non-member', args: { ...base('xcat_pool'), pinned: { cn1: 'sn9' } } },
	{ module: 'xcat_pool', option: 'pinned', label: 'a bad node name', args: { ...base('xcat_pool'), pinned: { 'cn1;reboot': 'sn1' } } },
	{ module: 'xcat_pool', option: 'pinned', label: 'a 1 MB node name', args: { ...base('xcat_pool'), pinned: { ['c'.repeat(1 << 20)]: 'sn1' } } },
	{ module: 'xcat_pool', option: 'pinned', label: 'a 1 MB member', args: { ...base('xcat_pool'), pinned: { cn1: 's'.repeat(1 << 20) } } },
	{ module: 'xcat_db_replica', option: 'password', label: 'too short', args: { ...base('xcat_db_replica'), password: 'abc123' } },
	{ module: 'xcat_db_replica', option: 'password', label: 'a quote', args: { ...base('xcat_db_replica'), password: "abcd'1234" } },
	{ module: 'xcat_db_replica', option: 'password', label: 'missing for a replica', args: { state: 'replica', primary: '198.51.100.11', name: 'sn1' } },
	{ module: 'xcat_db_replica', option: 'replicas', label: 'no address', args: { ...base('xcat_db_replica'), replicas: [{ name: 'sn1' }] } },
	{
		module: 'xcat_db_replica',
		option: 'replicas',
		label: 'a bad address',
		args: { ...base('xcat_db_replica'), replicas: [{ name: 'sn1', address: '1.2.3.999' }] },
	},
	{
		module: 'xcat_db_replica',
		option: 'replicas',
		label: 'a bad name',
		args: { ...base('xcat_db_replica'), replicas: [{ name: 'sn1;reboot', address: '198.51.100.21' }] },
	},
	{
		module: 'xcat_db_replica',
		option: 'replicas',
		label: 'one slot twice',
		args: {
			...base('xcat_db_replica'),
			replicas: [
				{ name: 'sn-1', address: '198.51.100.21' },
				{ name: 'SN_1', address: '198.51.100.22' },
			],
		},
	},
	{
		module: 'xcat_db_replica',
		option: 'primary',
		label: 'not an address',
		args: { state: 'replica', primary: '198.51.100.300', name: 'sn1', password: 'abcd1234' },
	},
	{ module: 'xcat_db_replica', option: 'primary', label: 'missing', args: { state: 'replica', name: 'sn1', password: 'abcd1234' } },
	{
		module: 'xcat_db_replica',
		option: 'name',
		label: 'a semicolon',
		args: { state: 'replica', primary: '198.51.100.11', name: 'sn1;x', password: 'abcd1234' },
	},
	...(['pg_data', 'pg_conf'] as const).map((option) => ({
		module: 'xcat_db_replica',
		option,
		label: 'a file',
		args: { ...base('xcat_db_replica'), [option]: p('file') },
	})),
	{ module: 'xcat_db', option: 'vip', label: 'not an address', args: { ...base('xcat_db'), vip: '198.51.100.300' } },
	{ module: 'xcat_db', option: 'password', label: "xCAT's default", args: { ...base('xcat_db'), password: 'cluster' } },
	{ module: 'xcat_vip', option: 'address', label: 'a multicast address', args: { ...base('xcat_vip'), address: '224.0.0.1' } },
	{ module: 'xcat_vip', option: 'netmask', label: 'not contiguous', args: { address: '198.51.100.10', netmask: '255.0.255.0', interface: 'eth0' } },
];

const CASES: BadCase[] = [...MODULES.flatMap(([m, o, b]) => generated(m, o, b)), ...EXTRA];

/** name, kind, size, mode and mtime of everything under the temporary tree */
function listing(dir = root, rel = ''): string[] {
	const out: string[] = [];
	for (const name of readdirSync(dir).sort()) {
		const s = lstatSync(join(dir, name));
		out.push(`${rel}${name} ${s.mode.toString(8)} ${s.size} ${s.mtimeMs}`);
		if (s.isDirectory()) out.push(...listing(join(dir, name), `${rel}${name}/`));
	}
	return out;
}

/** runs F over ITEMS, N at a time */
async function pool<T, R>(items: readonly T[], n: number, f: (t: T) => Promise<R>): Promise<R[]> {
	const out: R[] = new Array(items.length);
	let next = 0;
	await Promise.all(
		Array.from({ length: n }, async () => {
			while (next < items.length) {
				const i = next++;
				out[i] = await f(items[i]!);
			}
		}),
	);
	return out;
}

const B = suite('bad input: every option of every module, refused before anything runs or changes');

B.before(async () => {
	execFileSync('bash', [
		'-c',
		`cd ${root} && mkdir -p HA l/etc/xcat dir ha && echo x > l/etc/xcat/site.sqlite && echo x > file && mkfifo fifo && ln -s loop loop`,
	]);
	for (const [m] of MODULES) copyFileSync(join('plugins/modules', `${m}.js`), join(lib, `${m}.js`)); // a build meanwhile may replace plugins/modules/
	stubs = await makeXcatStubs(COMMANDS);
	stubs.install();
});
B.after(async () => {
	await stubs.remove();
	rmSync(root, { recursive: true, force: true });
	rmSync(lib, { recursive: true, force: true });
});

B(`the corpus: ${CASES.length} cases`, async () => {
	assert.ok(CASES.length >= 300, `${CASES.length} cases`);
	console.log(`  bad-input corpus: ${CASES.length} cases over ${MODULES.length} modules`);
	const before = listing();
	const runs = await pool(CASES, 3, (c) => runModule(c.module, c.args, { libDir: lib, check: c.label.length % 2 === 0 }).catch((e: Error) => e));
	const failures: string[] = [];
	runs.forEach((r, i) => {
		const c = CASES[i]!;
		const what = `${c.module} ${c.option} (${c.label})`;
		if (r instanceof Error) return void failures.push(`${what}: ${r.message.slice(0, 300)}`);
		const msg = String(r.result.msg ?? '');
		if (r.result.failed !== true) failures.push(`${what}: not failed: ${r.stdout.slice(0, 300)}`);
		else if (!msg.includes(c.option)) failures.push(`${what}: the message does not name ${c.option}: ${msg.slice(0, 300)}`);
		else if (msg.length >= 2048) failures.push(`${what}: a message of ${msg.length} characters`);
		else if ((r.result.commands ?? []).length) failures.push(`${what}: ran ${JSON.stringify(r.result.commands).slice(0, 200)}`);
		else if (r.stderr) failures.push(`${what}: stderr ${r.stderr.slice(0, 300)}`);
	});
	assert.equal(failures, [], failures.join('\n'));
	assert.equal(await stubs.calls(), [], 'no command ran');
	assert.equal(listing(), before, 'nothing changed on disk');
});

B.run();

// --- the sentinel secret -------------------------------------------------------------------------------
const SENTINEL = 'Sntnl7Qx9Zw4';
const SENTINEL_INT = 918273645546372;
const forms = (s: string) => [
	s,
	JSON.stringify(s).slice(1, -1),
	encodeURIComponent(s),
	Buffer.from(s).toString('base64').replace(/=+$/, ''),
	Buffer.from(s).toString('hex'),
];

const S = suite('no_log values: a sentinel in every no_log option shows nowhere, on any error path');

S.before(async () => {
	stubs = await makeXcatStubs(COMMANDS);
	stubs.install();
	// every command fails, echoing its arguments and its input to stdout and stderr
	for (const c of ['lsdef', 'chdef', 'mkdef', 'rmdef', 'tabdump', 'chtab', ...COMMANDS]) {
		writeFileSync(join(stubs.dir, c), `#!/bin/sh\nprintf '%s\\n' "$0" "$@"; cat 2>/dev/null; printf '%s\\n' "$@" >&2; exit 1\n`, { mode: 0o755 });
	}
	mkdirSync(lib, { recursive: true });
	for (const [m] of MODULES) copyFileSync(join('plugins/modules', `${m}.js`), join(lib, `${m}.js`));
});
S.after(async () => {
	await stubs.remove();
	rmSync(lib, { recursive: true, force: true });
});

S('every module with no_log options: bad input, failing commands, check and diff, the secret as a string, an int and a list', async () => {
	const runs: Array<[string, () => Promise<ModuleRun>]> = [];
	let secretOptions = 0;
	for (const [m, options, b] of MODULES) {
		const secrets = Object.entries(options)
			.filter(([, o]) => o.secret)
			.map(([n]) => n);
		secretOptions += secrets.length;
		// the module's bad-input cases (a sample of them) and its valid arguments, whose commands all fail
		const bad = CASES.filter((c) => c.module === m && !secrets.includes(c.option))
			.filter((_, i) => i % 12 === 0)
			.map((c) => c.args);
		for (const secret of secrets) {
			for (const value of [SENTINEL, SENTINEL_INT, [SENTINEL, 'x']]) {
				for (const args of [b, ...bad]) {
					for (const check of [false, true])
						runs.push([
							`${m} ${secret}=${JSON.stringify(value)} ${JSON.stringify(args).slice(0, 80)} check=${check}`,
							() => runModule(m, { ...args, [secret]: value }, { libDir: lib, check, diff: true }),
						]);
				}
			}
		}
	}
	assert.ok(secretOptions >= 1, 'some module has a no_log option');
	const leaks: string[] = [];
	const results = await pool(runs, 3, ([, run]) => run());
	for (const [i, r] of results.entries()) {
		const what = runs[i]![0];
		for (const f of [...forms(SENTINEL), ...forms(String(SENTINEL_INT))]) {
			if (r.stdout.includes(f) || r.stderr.includes(f)) leaks.push(`${what}: ${f} in the output`);
		}
	}
	console.log(`  sentinel runs: ${runs.length}`);
	assert.equal(leaks, [], leaks.slice(0, 10).join('\n'));
});

S.run();
