// xcat_shared_data's bundle, run as Ansible runs it, on trees in a temporary directory (a shared root
// that is not a mount point, so require_mount: false). Kills at every step go through wrappers of
// rsync/mv/ln/rm put first on PATH: the wrapper SIGKILLs the module before or after the real command.
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmod, copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runModule, type RunOpts } from '../../tools/lab/run-module';
import { SNAPSHOT_SCRIPT } from '../helpers/tree-snapshot';

let T = '';
const HA = () => join(T, 'HA');
const XCAT = () => join(T, 'l/etc/xcat');
const INSTALL = () => join(T, 'l/install');
const base = () => ({ path: HA(), directories: [XCAT(), INSTALL()], require_mount: false });
// the bundle copied once: a build running meanwhile in this shared checkout may remove plugins/modules/ for a moment
const libDir = mkdtemp(join(tmpdir(), 'xsd-lib-')).then(async (d) => {
	await copyFile('plugins/modules/xcat_shared_data.js', join(d, 'xcat_shared_data.js'));
	return d;
});
const mod = async (args: Record<string, unknown>, o: RunOpts = {}) => runModule('xcat_shared_data', args, { libDir: await libDir, ...o });
const sh = async (script: string) => (await execa('bash', ['-c', script], { stripFinalNewline: false })).stdout;
const snapshot = (dir: string) => sh(SNAPSHOT_SCRIPT(dir));
/** everything under T: names, types, link targets (what "nothing changed" means here) */
const listing = () => sh(`cd ${T} && find . -printf '%p %y %l %m\\n' | LC_ALL=C sort`);

async function makeTrees(): Promise<void> {
	if (T) await rm(T, { recursive: true, force: true });
	T = await mkdtemp(join(tmpdir(), 'xsd-'));
	await sh(`set -e; cd ${T}; mkdir -p HA l/etc/xcat/sub l/etc/xcat/empty l/install/postscripts
		cd l/etc/xcat
		echo site > site.sqlite; chmod 600 site.sqlite
		ln site.sqlite sub/hard-link
		ln -s site.sqlite soft-link; ln -s /nowhere dangling
		printf 'odd' > $'we ird\\nname'
		mkfifo fifo
		chown 1234:5678 sub; chmod 2750 sub
		setfacl -m u:4321:r site.sqlite; setfacl -d -m g:99:rx empty
		setfattr -n user.xcat -v ha sub
		touch -d '2020-01-02 03:04:05' site.sqlite empty
		cd ../../install
		head -c 3000000 /dev/urandom > postscripts/big; echo x > postscripts/small; chmod 755 postscripts/small`);
}

// --- wrappers that kill the module at a chosen step -----------------------------------------------------
// "during": the copy and every process it forked are killed first (as when the whole run dies), then the
// module; the copy killed alone, left running, is the "orphan" case.
let wrappers = '';
const realPath = process.env.PATH ?? '/usr/bin:/bin';
async function makeWrappers(): Promise<void> {
	wrappers = await mkdtemp(join(tmpdir(), 'xsd-bin-'));
	for (const cmd of ['rsync', 'mv', 'ln', 'rm']) {
		const script = `#!/bin/bash
me=${cmd}; real=$(PATH=${realPath} command -v $me)
n=$(( $(cat "$XSD_STATE/count.$me" 2>/dev/null || echo 0) + 1 )); echo $n > "$XSD_STATE/count.$me"
at="$me:$n"
if [ "$XSD_KILL" = "$at:before" ]; then kill -9 $PPID; sleep 5; exit 1; fi
if [ "$XSD_KILL" = "$at:during" ]; then setsid "$real" --bwlimit=500 "$@" & sleep 1; kill -9 -- -$!; while pgrep -g $! >/dev/null; do sleep 0.05; done; kill -9 $PPID; sleep 5; exit 1; fi
if [ "$XSD_KILL" = "$at:orphan" ]; then "$real" --bwlimit=300 "$@" & sleep 1; kill -9 $PPID; exit 1; fi
if [ "$XSD_CORRUPT" = "$at" ]; then "$real" "$@"; rc=$?; f=$(find "\${@: -1}" -name site.sqlite | head -1); echo tampered >> "$f"; exit $rc; fi
"$real" "$@"; rc=$?
if [ "$XSD_KILL" = "$at:after" ]; then kill -9 $PPID; sleep 5; fi
exit $rc
`;
		await writeFile(join(wrappers, cmd), script);
		await chmod(join(wrappers, cmd), 0o755);
	}
}
async function withWrappers<T>(env: Record<string, string>, f: () => Promise<T>): Promise<T> {
	const state = await mkdtemp(join(tmpdir(), 'xsd-state-'));
	const saved = { ...process.env };
	Object.assign(process.env, { PATH: `${wrappers}:${realPath}`, XSD_STATE: state, ...env });
	try {
		return await f();
	} finally {
		for (const k of ['XSD_STATE', 'XSD_KILL', 'XSD_CORRUPT']) delete process.env[k];
		process.env.PATH = saved.PATH;
		await rm(state, { recursive: true, force: true });
	}
}
/** the module killed by a wrapper: it printed no result */
async function killed(args: Record<string, unknown>, at: string): Promise<void> {
	await withWrappers({ XSD_KILL: at }, async () => {
		const err = await mod(args).then(
			() => undefined,
			(e: Error) => e,
		);
		assert.ok(err, `the module should have been killed at ${at}`);
		assert.match(err!.message, /printed no JSON/);
	});
}

// --- bad input -----------------------------------------------------------------------------------------
const Bad = suite('xcat_shared_data bad input: fails before anything is read or changed');
Bad.before(makeTrees);
Bad.after(async () => {
	await rm(T, { recursive: true, force: true });
});

const PATH_HINT = 'an absolute path of letters, digits and . _ + @ , = - (no spaces, shell metacharacters or newlines)';
Bad('every bad value is named, with what is allowed', async () => {
	const before = await listing();
	const cases: Array<[Record<string, unknown>, string]> = [
		[
			{ colour: 'red' },
			'Unsupported parameters for (xcat_shared_data) module: colour. Supported parameters include: db_type, directories, path, require_mount, state.',
		],
		[{ path: null }, 'missing required arguments: path'],
		[{ path: 'HA' }, `value of path must be ${PATH_HINT}, got: "HA"`],
		[{ path: `${HA()}/../l` }, `value of path must not contain '.' or '..' components, got: ${JSON.stringify(`${HA()}/../l`)}`],
		[{ path: '/HA;reboot' }, `value of path must be ${PATH_HINT}, got: "/HA;reboot"`],
		[{ path: '/HA\n/etc' }, `value of path must be ${PATH_HINT}, got: "/HA\\n/etc"`],
		[{ path: 5 }, `value of path must be ${PATH_HINT}, got: "5"`],
		[{ path: ['/HA'] }, `argument 'path' is of type list and we were unable to convert to str: a list is not a string`],
		[{ directories: [] }, 'directories must have at least 1 item(s), got: []'],
		[{ directories: ['etc/xcat'] }, `value of directories[0] must be ${PATH_HINT}, got: "etc/xcat"`],
		[{ directories: [XCAT(), '/etc/xcat $(id)'] }, `value of directories[1] must be ${PATH_HINT}, got: "/etc/xcat $(id)"`],
		[{ directories: ['/etc/xcat\n/etc'] }, `value of directories[0] must be ${PATH_HINT}, got: "/etc/xcat\\n/etc"`],
		[{ directories: [`${XCAT()}/..`] }, `value of directories must not contain '.' or '..' components, got: ${JSON.stringify(`${XCAT()}/..`)}`],
		[{ directories: { a: 1 } }, `argument 'directories' is of type dict and we were unable to convert to list: a dict is not a list`],
		[{ directories: [['/x']] }, 'elements of directories must be strings, got a list'],
		[{ directories: ['/var/lib'] }, "value of directories must not name the system directory /var/lib: give xCAT's own directories (e.g. /etc/xcat)"],
		[{ directories: [`${HA()}/etc/xcat`] }, `value of directories must not be inside path ${HA()}, got: ${HA()}/etc/xcat`],
		[{ directories: [XCAT(), `${XCAT()}/sub`] }, `value of directories must not nest: ${XCAT()}/sub is inside ${XCAT()}`],
		[{ state: 'gone' }, 'value of state must be one of: linked, unlinked, got: gone'],
		[{ db_type: 'oracle' }, 'value of db_type must be one of: postgresql, mysql, sqlite, got: oracle'],
		[
			{ require_mount: 'perhaps' },
			`argument 'require_mount' is of type str and we were unable to convert to bool: the value "perhaps" is not a valid boolean; valid booleans are yes/no, on/off, true/false, 1/0`,
		],
	];
	for (const [args, msg] of cases) {
		const { result } = await mod({ ...base(), ...args });
		assert.is(result.failed, true, JSON.stringify(args));
		assert.is(result.msg, msg, JSON.stringify(args));
		assert.not.ok(result.commands?.length, JSON.stringify(args));
	}
	assert.is(await listing(), before);
});

Bad('a shared root that is not a mount point is refused unless require_mount is false', async () => {
	const before = await listing();
	const { result } = await mod({ ...base(), require_mount: true });
	assert.is(
		result.msg,
		`nothing was changed: path ${HA()} is not a mount point: the shared storage is not mounted there (mount it, or set require_mount: false if ${HA()} is on the root file system on purpose)`,
	);
	const missing = await mod({ ...base(), path: join(T, 'nope') });
	assert.is(missing.result.msg, `nothing was changed: path ${join(T, 'nope')} does not exist: mount the shared storage there first`);
	assert.is(await listing(), before);
});

Bad.run();

// --- the whole cycle on temporary trees ------------------------------------------------------------------
const Cycle = suite('xcat_shared_data on temporary trees: check, migrate, again, second node, unlinked');
let xcatBefore = '',
	installBefore = '';
Cycle.before(async () => {
	await makeTrees();
	xcatBefore = await snapshot(XCAT());
	installBefore = await snapshot(INSTALL());
});
Cycle.after(async () => {
	await rm(T, { recursive: true, force: true });
});

Cycle('check mode says what would be copied and changes nothing', async () => {
	const before = await listing();
	const { result } = await mod(base(), { check: true, diff: true });
	assert.is(result.changed, true);
	assert.equal(
		result.directories.map((d: any) => [d.path, d.action, d.files, d.ms]),
		[
			[XCAT(), 'migrated', 6, 0],
			[INSTALL(), 'migrated', 2, 0],
		],
	);
	assert.is(result.directories[1].bytes, 3000002);
	assert.equal(result.commands[0], ['mkdir', '-m', '1777', '--', `${HA()}/tmp`]);
	assert.ok(result.commands.some((c: string[]) => c[0] === 'rsync' && c.at(-1) === `${HA()}${XCAT()}.partial-xcat-ha/`));
	assert.is(result.diff[0].before, 'directory\n');
	assert.match(result.diff[0].after, `link -> ${HA()}${XCAT()}\n${XCAT()}.xcat-ha-`);
	assert.is(await listing(), before);
});

Cycle('apply migrates: the shared copies are identical (owners, modes, times, ACLs, xattrs, hard and soft links, odd names)', async () => {
	const { result } = await mod(base());
	assert.is(result.changed, true, result.msg);
	assert.equal(
		result.directories.map((d: any) => d.action),
		['migrated', 'migrated'],
	);
	for (const d of result.directories) assert.ok(d.ms > 0 && d.aside.startsWith(`${d.path}.xcat-ha-`), JSON.stringify(d));
	assert.is(await sh(`readlink ${XCAT()}`), `${HA()}${XCAT()}\n`);
	assert.is(await snapshot(`${HA()}${XCAT()}`), xcatBefore);
	assert.is(await snapshot(`${HA()}${INSTALL()}`), installBefore);
	assert.is(await snapshot(result.directories[0].aside), xcatBefore, 'the local copy is kept as it was');
	assert.match(xcatBefore, 'user.xcat=0x6861');
	assert.match(xcatBefore, 'system.posix_acl_default');
	assert.match(xcatBefore, './site.sqlite ./sub/hard-link');
	assert.is(await sh(`find ${T} -name '*.partial-*' | wc -l`), '0\n');
});

Cycle('apply again and check again: nothing to do', async () => {
	const before = await listing();
	for (const check of [false, true]) {
		const { result } = await mod(base(), { check, diff: true });
		assert.is(result.changed, false, JSON.stringify(result));
		assert.equal(result.commands, []);
		assert.equal(result.diff, []);
	}
	assert.is(await listing(), before);
});

Cycle('a second node (its own directory, the shared copy there): aside and link, no copy, a warning on differences', async () => {
	await sh(`set -e; rm ${XCAT()}; mkdir ${XCAT()}; echo other > ${XCAT()}/site.sqlite`);
	const { result } = await mod(base());
	const d = result.directories[0];
	assert.equal([d.action, d.files, d.bytes], ['linked', 0, 0]);
	assert.not.ok(result.commands.some((c: string[]) => c[0] === 'rsync'));
	assert.match(d.warnings[0], `${XCAT()} differs from the shared copy ${HA()}${XCAT()} (`);
	assert.match(d.warnings[0], `dangling: only in ${HA()}${XCAT()}`);
	assert.match(d.warnings[0], '8 differences in all); the shared copy is used, the local one is kept aside');
	assert.ok(result.warnings.includes(d.warnings[0]));
	assert.is(await sh(`cat ${d.aside}/site.sqlite`), 'other\n');
	assert.is(await snapshot(`${HA()}${XCAT()}`), xcatBefore);
	assert.is((await readdir(join(T, 'l/etc'))).filter((n) => n.startsWith('xcat.xcat-ha-')).length, 2);
});

Cycle('a link to somewhere else is refused, nothing changed', async () => {
	await sh(`set -e; rm ${INSTALL()}; ln -s /srv/install ${INSTALL()}`);
	const before = await listing();
	const { result } = await mod(base());
	assert.is(
		result.msg,
		`nothing was changed: ${INSTALL()} is a link to /srv/install, not to ${HA()}${INSTALL()}: refusing to replace it (remove or fix the link yourself)`,
	);
	assert.not.ok('in_use' in result);
	assert.is(await listing(), before);
	await sh(`rm ${INSTALL()}; ln -s ${HA()}${INSTALL()} ${INSTALL()}`);
});

Cycle('a process working inside the directory is named and refused', async () => {
	await sh(`rm ${XCAT()}; cp -a ${HA()}${XCAT()} ${XCAT()}`);
	const sleeper = execa('sleep', ['30'], { cwd: `${XCAT()}/sub` });
	try {
		await new Promise((r) => setTimeout(r, 200));
		const { result } = await mod(base());
		assert.match(result.msg, `${XCAT()} is in use: sleep (pid ${sleeper.pid}) works in ${XCAT()}/sub`);
		// what the role branches on to stop the services first
		assert.equal(result.in_use, [{ path: XCAT(), holders: [{ pid: sleeper.pid, command: 'sleep' }] }]);
	} finally {
		sleeper.kill('SIGKILL');
		await sleeper.catch(() => undefined);
	}
	await sh(`rm -r ${XCAT()}; ln -s ${HA()}${XCAT()} ${XCAT()}`);
});

Cycle('unlinked brings full local copies back; the shared copies stay; again is unchanged', async () => {
	const { result } = await mod({ ...base(), state: 'unlinked' }, { diff: true });
	assert.equal(
		result.directories.map((d: any) => [d.action, d.files]),
		[
			['unlinked', 6],
			['unlinked', 2],
		],
	);
	assert.equal(
		result.diff.map((d: any) => [d.before, d.after]),
		[
			[`link -> ${HA()}${XCAT()}\n`, 'directory\n'],
			[`link -> ${HA()}${INSTALL()}\n`, 'directory\n'],
		],
	);
	assert.is(await snapshot(XCAT()), xcatBefore);
	assert.is(await snapshot(INSTALL()), installBefore);
	assert.is(await snapshot(`${HA()}${XCAT()}`), xcatBefore);
	const again = await mod({ ...base(), state: 'unlinked' });
	assert.is(again.result.changed, false);
});

Cycle.run();

// --- killed at every step, then run again -----------------------------------------------------------------
const Kill = suite('xcat_shared_data killed (SIGKILL) at each step: a new run finishes the job');
Kill.before(makeWrappers);
Kill.after(async () => {
	for (const d of [wrappers, T, await libDir]) await rm(d, { recursive: true, force: true });
});

// rsync 1-2: the copies; mv 1: partial → shared, mv 2: local → aside; ln 1: the link
for (const at of ['rsync:1:during', 'rsync:1:after', 'mv:1:before', 'mv:1:after', 'mv:2:after', 'ln:1:after', 'rsync:2:during', 'mv:4:after']) {
	Kill(`linked, killed at ${at}`, async () => {
		await makeTrees();
		const before = { xcat: await snapshot(XCAT()), install: await snapshot(INSTALL()) };
		await killed(base(), at);
		const { result } = await mod(base());
		assert.not.ok(result.failed, result.msg);
		for (const [dir, snap] of [
			[XCAT(), before.xcat],
			[INSTALL(), before.install],
		] as const) {
			assert.is(await sh(`readlink ${dir}`), `${HA()}${dir}\n`);
			assert.is(await snapshot(`${HA()}${dir}`), snap);
			const asides = (await sh(`ls -d ${dir}.xcat-ha-*`)).trim().split('\n');
			assert.is(asides.length, 1, `one local copy kept aside for ${dir}: ${asides.join(' ')}`);
			assert.is(await snapshot(asides[0]!), snap);
		}
		assert.is(await sh(`find ${T} -name '*.partial-*' -o -name '.xcat_shared_data.lock' | wc -l`), '0\n');
		assert.is((await mod(base())).result.changed, false);
	});
}

for (const at of ['rsync:1:during', 'rsync:1:after', 'rm:1:after']) {
	Kill(`unlinked, killed at ${at}`, async () => {
		await makeTrees();
		const snap = await snapshot(XCAT());
		const args = { ...base(), directories: [XCAT()] };
		assert.is((await mod(args)).result.changed, true);
		await killed({ ...args, state: 'unlinked' }, at);
		const { result } = await mod({ ...args, state: 'unlinked' });
		assert.not.ok(result.failed, result.msg);
		assert.is(await snapshot(XCAT()), snap);
		assert.is(await sh(`find ${T} -name '*.partial-*' | wc -l`), '0\n');
	});
}

Kill('an rsync that outlived its killed run blocks the next run, which names it; once it is gone, the run finishes', async () => {
	await makeTrees();
	const snap = await snapshot(INSTALL());
	await killed(base(), 'rsync:2:orphan');
	const blocked = await mod(base());
	assert.is(blocked.result.failed, true);
	const m = /is still used by rsync \(pid (\d+)\), probably left running by an interrupted run/.exec(blocked.result.msg);
	assert.ok(m, blocked.result.msg);
	await sh(`pkill -9 -P ${m![1]} || true; kill -9 ${m![1]} || true; sleep 0.2`);
	const { result } = await mod(base());
	assert.not.ok(result.failed, result.msg);
	assert.is(await snapshot(`${HA()}${INSTALL()}`), snap);
});

Kill('a copy that does not match is caught by the verification: nothing switched, the next run redoes it', async () => {
	await makeTrees();
	const snap = await snapshot(XCAT());
	const args = { ...base(), directories: [XCAT()] };
	const r = await withWrappers({ XSD_CORRUPT: 'rsync:1' }, () => mod(args));
	assert.is(r.result.failed, true);
	assert.match(
		r.result.msg,
		`${XCAT()}: the copy ${HA()}${XCAT()}.partial-xcat-ha does not match ${XCAT()} (4 differences: site.sqlite: size 5 != 14; site.sqlite: mtime 1577934245 != `,
	);
	assert.match(r.result.msg, 'nothing was switched');
	assert.is(await sh(`stat -c %F ${XCAT()}`), 'directory\n');
	assert.is(await snapshot(XCAT()), snap);
	const again = await mod(args);
	assert.is(again.result.directories[0].action, 'migrated');
	assert.is(await snapshot(`${HA()}${XCAT()}`), snap);
});

Kill.run();
