// xcat_shared_data on the lab's management nodes: /HA is a real ext4 mount point on mn1 and mn2.
// Migration changes mn1 deeply, so the lab is reset first. Tests run in order: mn1 migrates, mn2 links,
// the refusals, PostgreSQL running on /var/lib/pgsql, a SIGKILL mid-copy, and back to local copies.
import { execa } from 'execa';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../../tools/lab/env';
import { ok, on, resetLab, runModuleOn, type HostModuleRun } from '../../tools/lab/lab';
import { SNAPSHOT_SCRIPT } from '../helpers/tree-snapshot';

const SQLITE_DIRS = ['/install', '/etc/xcat', '/root/.xcat', '/tftpboot'];
// the bundle copied once: a build running meanwhile in this shared checkout may remove plugins/modules/ for a moment
const libDir = mkdtemp(join(tmpdir(), 'xsd-lib-')).then(async (d) => {
	await copyFile(join(ROOT, 'plugins/modules/xcat_shared_data.js'), join(d, 'xcat_shared_data.js'));
	return d;
});
const mod = async (host: string, args: Record<string, unknown>, o: { check?: boolean; diff?: boolean } = {}) =>
	runModuleOn(host, 'xcat_shared_data', { path: '/HA', ...args }, { libDir: await libDir, ...o });
const snapshot = (host: string, dir: string) => ok(host, SNAPSHOT_SCRIPT(dir));
/** what "nothing changed" means on a host: every directory the tests use (and its neighbours), their content, all of /HA */
const STATE = `for d in /install /tftpboot /etc/xcat /root/.xcat /var/lib/pgsql /var/lib/xcat-ha-*; do
	ls -lad --time-style=+%s "$d" "$d".* 2>/dev/null || true; find "$d"/ -printf '%p %y %m %U:%G %s %T@ %l\\n' 2>/dev/null | LC_ALL=C sort || true
done; find /HA -printf '%p %y %m %s %l\\n' | LC_ALL=C sort`;
const state = (host: string) => ok(host, STATE);
const fillFs = (host: string, path: string, undo = false) =>
	execa('bash', [join(ROOT, 'test/lab/faults/fill-fs'), host, path, ...(undo ? ['--undo'] : [])], { env: { ...process.env, LC_ALL: 'C.UTF-8' } });
const failed = (r: HostModuleRun) => {
	assert.is(r.result.failed, true, JSON.stringify(r.result));
	return String(r.result.msg);
};
const succeeded = (r: HostModuleRun) => {
	assert.not.ok(r.result.failed, String(r.result.msg));
	return r.result;
};

const Lab = suite('xcat_shared_data on the lab');
const before: Record<string, string> = {};
let siteBefore = '';

Lab.before(async () => {
	resetLab();
	// what the migration must keep, beyond the double's own data: mixed owners, setgid, ACLs (access and
	// default), an xattr, hard and soft links; xcatd stopped as the HA roles do before moving its data
	await ok(
		'mn1',
		`
		systemctl stop xcatd
		mkdir -p /install/xcat-ha-test
		echo data > /install/xcat-ha-test/f; ln /install/xcat-ha-test/f /install/xcat-ha-test/f-hard-link
		truncate -s 64M /install/xcat-ha-test/vm.img; echo head | dd of=/install/xcat-ha-test/vm.img conv=notrunc status=none
		echo tail | dd of=/install/xcat-ha-test/vm.img bs=1M seek=60 conv=notrunc status=none
		chown 1234:5678 /install/xcat-ha-test; chmod 2750 /install/xcat-ha-test
		setfacl -m u:4321:r /install/xcat-ha-test/f; setfacl -d -m g:99:rx /install/xcat-ha-test
		setfattr -n user.xcatha -v kept /etc/xcat/site.sqlite
		ln -s ../site.sqlite /etc/xcat/cert/site-link`,
	);
	siteBefore = await ok('mn1', 'XCATBYPASS=1 tabdump site');
	for (const d of SQLITE_DIRS) before[d] = await snapshot('mn1', d);
});

Lab.after(async () => {
	await rm(await libDir, { recursive: true, force: true });
});

Lab('check on mn1: all four would be migrated, nothing changes', async () => {
	const s = await state('mn1');
	const r = succeeded(await mod('mn1', { db_type: 'sqlite' }, { check: true, diff: true }));
	assert.is(r.changed, true);
	assert.equal(
		r.directories.map((d: any) => [d.path, d.action]),
		SQLITE_DIRS.map((d) => [d, 'migrated']),
	);
	assert.ok(
		r.directories.every((d: any) => d.files > 0 && d.ms === 0),
		JSON.stringify(r.directories),
	);
	assert.equal(
		r.diff.map((d: any) => d.before),
		['directory\n', 'directory\n', 'directory\n', 'directory\n'],
	);
	assert.is(await state('mn1'), s);
});

Lab('apply on mn1: migrated; every shared copy identical to the original (owners, modes, times, ACLs, xattrs, links)', async () => {
	const run = await mod('mn1', { db_type: 'sqlite' });
	const r = succeeded(run);
	assert.equal(
		r.directories.map((d: any) => [d.path, d.action]),
		SQLITE_DIRS.map((d) => [d, 'migrated']),
	);
	for (const d of r.directories) {
		assert.is(await ok('mn1', `readlink ${d.path}`), `/HA${d.path}\n`);
		assert.is(await snapshot('mn1', `/HA${d.path}`), before[d.path], `shared copy of ${d.path}`);
		assert.is(await snapshot('mn1', d.aside), before[d.path], `local copy of ${d.path} kept aside`);
	}
	assert.match(before['/install']!, './xcat-ha-test/f ./xcat-ha-test/f-hard-link');
	// the sparse image kept its holes: its shared copy takes no more blocks than the original (+ 1 MiB slack)
	const [copy, original] = (
		await ok('mn1', `stat -c '%b %B' /HA/install/xcat-ha-test/vm.img ${r.directories.find((d: any) => d.path === '/install').aside}/xcat-ha-test/vm.img`)
	)
		.trim()
		.split('\n')
		.map((l) =>
			l
				.split(' ')
				.map(Number)
				.reduce((a, b) => a * b),
		);
	assert.ok(copy! <= original! + 1024 * 1024 && original! < 8 * 1024 * 1024, `sparse image: copy ${copy} bytes allocated, original ${original}`);
	assert.match(before['/install']!, 'system.posix_acl_default');
	assert.match(before['/etc/xcat']!, 'user.xcatha=0x6b657074');
	assert.is(await ok('mn1', `find /HA / -xdev -name '*.partial-xcat-ha' | wc -l; ls -d /HA/.xcat_shared_data.lock 2>/dev/null | wc -l`), '0\n0\n');
	console.log(`  mn1 migration (${run.ms} ms in all): ${r.directories.map((d: any) => `${d.path} ${d.files} files ${d.bytes} bytes ${d.ms} ms`).join('; ')}`);
	assert.is(await ok('mn1', 'XCATBYPASS=1 tabdump site'), siteBefore, 'xCAT reads its tables through the links');
});

Lab('apply again, check again: nothing to do', async () => {
	const s = await state('mn1');
	for (const check of [false, true]) {
		const r = succeeded(await mod('mn1', { db_type: 'sqlite' }, { check, diff: true }));
		assert.is(r.changed, false);
		assert.equal(r.commands, []);
		assert.equal(
			r.directories.map((d: any) => d.action),
			['none', 'none', 'none', 'none'],
		);
	}
	assert.is(await state('mn1'), s);
});

Lab('apply on mn2: its own copies go aside and are linked, nothing is copied, differences are warned', async () => {
	const mine: Record<string, string> = {};
	for (const d of SQLITE_DIRS) mine[d] = await snapshot('mn2', d);
	const r = succeeded(await mod('mn2', { db_type: 'sqlite' }));
	assert.equal(
		r.directories.map((d: any) => [d.path, d.action, d.files]),
		SQLITE_DIRS.map((d) => [d, 'linked', 0]),
	);
	assert.not.ok(
		r.commands.some((c: string[]) => c[0] === 'rsync'),
		JSON.stringify(r.commands),
	);
	for (const d of r.directories) {
		assert.is(await ok('mn2', `readlink ${d.path}`), `/HA${d.path}\n`);
		assert.is(await snapshot('mn2', d.aside), mine[d.path], `mn2's own ${d.path} kept aside`);
	}
	const etc = r.directories.find((d: any) => d.path === '/etc/xcat');
	assert.match(etc.warnings[0], '/etc/xcat differs from the shared copy /HA/etc/xcat (');
	assert.ok(r.warnings.length >= 1);
	assert.is(await snapshot('mn2', '/HA/etc/xcat'), before['/etc/xcat'], 'the shared copy is untouched');
	assert.is(succeeded(await mod('mn2', { db_type: 'sqlite' })).changed, false);
});

Lab('refused, nothing changed: the shared root not a mount point', async () => {
	await ok('mn2', 'mkdir -p /srv/xha');
	const s = await state('mn2');
	const msg = failed(await mod('mn2', { path: '/srv/xha', db_type: 'sqlite' }));
	assert.is(
		msg,
		'nothing was changed: path /srv/xha is not a mount point: the shared storage is not mounted there (mount it, or set require_mount: false if /srv/xha is on the root file system on purpose)',
	);
	assert.is(await state('mn2'), s);
});

Lab('refused, nothing changed: a link to somewhere else', async () => {
	await ok('mn1', 'mkdir -p /srv/elsewhere; ln -sfn /srv/elsewhere /var/lib/xcat-ha-link');
	const s = await state('mn1');
	const msg = failed(await mod('mn1', { directories: ['/var/lib/xcat-ha-link'] }));
	assert.is(
		msg,
		'nothing was changed: /var/lib/xcat-ha-link is a link to /srv/elsewhere, not to /HA/var/lib/xcat-ha-link: refusing to replace it (remove or fix the link yourself)',
	);
	assert.is(await state('mn1'), s);
	assert.is(await ok('mn1', 'readlink /var/lib/xcat-ha-link'), '/srv/elsewhere\n');
});

Lab('refused, nothing changed: the shared root read-only', async () => {
	await ok('mn2', 'mkdir -p /var/lib/xcat-ha-rw; echo x > /var/lib/xcat-ha-rw/f; mount -o remount,bind,ro /HA');
	try {
		const s = await state('mn2');
		const msg = failed(await mod('mn2', { directories: ['/var/lib/xcat-ha-rw'] }));
		assert.is(msg, 'nothing was changed: path /HA is not writable (/HA is mounted read-only): the shared copies cannot be made');
		assert.is(await state('mn2'), s);
	} finally {
		await ok('mn2', 'mount -o remount,bind,rw /HA');
	}
});

Lab('refused, nothing changed: not enough free space on /HA', async () => {
	await ok('mn1', 'mkdir -p /var/lib/xcat-ha-space; head -c 1000000 /dev/urandom > /var/lib/xcat-ha-space/f');
	await fillFs('mn1', '/HA');
	try {
		const s = await state('mn1');
		const msg = failed(await mod('mn1', { directories: ['/var/lib/xcat-ha-space'] }));
		assert.match(
			msg,
			/^nothing was changed: not enough free space on \/HA for \/var\/lib\/xcat-ha-space: the copy needs 1\.0 MiB plus a margin of 64\.0 MiB, and 0\.0 MiB is free$/,
		);
		assert.is(await state('mn1'), s);
	} finally {
		await fillFs('mn1', '/HA', true);
	}
});

Lab('refused while PostgreSQL runs on /var/lib/pgsql; once stopped, migrated, and PostgreSQL runs from /HA', async () => {
	const pg = '/usr/lib/postgresql/15/bin';
	await ok(
		'mn1',
		`
		install -d -o postgres -g postgres -m 700 /var/lib/pgsql
		runuser -u postgres -- ${pg}/initdb -D /var/lib/pgsql/data >/dev/null
		runuser -u postgres -- ${pg}/pg_ctl -D /var/lib/pgsql/data -o "-p 5499 -k /tmp" -l /tmp/pg-xsd.log -w start >/dev/null`,
	);
	const pid = (await ok('mn1', 'head -1 /var/lib/pgsql/data/postmaster.pid')).trim();
	const s = await state('mn1');
	const msg = failed(await mod('mn1', { db_type: 'postgresql' }));
	assert.is(
		msg,
		`nothing was changed: /var/lib/pgsql is in use: PostgreSQL (pid ${pid}) is running on it (/var/lib/pgsql/data/postmaster.pid); stop the database first`,
	);
	assert.is(await state('mn1'), s);
	await ok('mn1', `runuser -u postgres -- ${pg}/pg_ctl -D /var/lib/pgsql/data -w stop >/dev/null`);
	const pgsql = await snapshot('mn1', '/var/lib/pgsql');
	const r = succeeded(await mod('mn1', { db_type: 'postgresql' }));
	assert.equal(
		r.directories.map((d: any) => d.action),
		['none', 'none', 'none', 'migrated', 'none'],
	);
	assert.is(await snapshot('mn1', '/HA/var/lib/pgsql'), pgsql);
	const answer = await ok(
		'mn1',
		`
		runuser -u postgres -- ${pg}/pg_ctl -D /var/lib/pgsql/data -o "-p 5499 -k /tmp" -l /tmp/pg-xsd.log -w start >/dev/null
		runuser -u postgres -- psql -h /tmp -p 5499 -Atc 'show data_directory'
		runuser -u postgres -- ${pg}/pg_ctl -D /var/lib/pgsql/data -w stop >/dev/null`,
	);
	assert.is(answer, '/var/lib/pgsql/data\n');
});

Lab('SIGKILL in the middle of a copy: the next run resumes, verifies and finishes; only the partial copy is gone', async () => {
	await ok('mn1', 'mkdir -p /var/lib/xcat-ha-big; head -c 400M /dev/urandom > /var/lib/xcat-ha-big/image; echo small > /var/lib/xcat-ha-big/small');
	const big = await snapshot('mn1', '/var/lib/xcat-ha-big');
	const args = { directories: ['/var/lib/xcat-ha-big'] };
	const running = mod('mn1', args).then(
		() => 'finished',
		(e: Error) => e.message,
	);
	// kill the module and its rsync (by pid, from the lock's owner file) once part of the image is copied
	const killedAt = await ok(
		'mn1',
		`
		for i in $(seq 1 400); do
			n=$(du -sm /HA/var/lib/xcat-ha-big.partial-xcat-ha 2>/dev/null | cut -f1)
			[ "\${n:-0}" -ge 40 ] && break; sleep 0.05
		done
		pid=$(sed -n 's/.*"pid":\\([0-9]*\\).*/\\1/p' /HA/.xcat_shared_data.lock/owner)
		# the whole tree, frozen level by level so nothing forks or is reparented meanwhile: local rsync is three
		# processes deep (sender, generator, receiver), and a receiver left alive keeps writing the partial copy
		all=$pid; level=$pid
		while [ -n "$level" ]; do
			kill -STOP $level 2>/dev/null || true; next=""
			for p in $level; do next="$next $(ps -o pid= --ppid $p || true)"; done
			level=$(echo $next); all="$all $level"
		done
		kill -9 $all 2>/dev/null || true
		for i in $(seq 1 100); do alive=""; for p in $all; do kill -0 $p 2>/dev/null && alive=1; done; [ -z "$alive" ] && break; sleep 0.1; done
		[ -z "$alive" ] || { echo "still alive after SIGKILL: $all" >&2; exit 1; }
		echo "$n MiB"`,
	);
	assert.match(await running, 'printed no JSON');
	assert.is(
		await ok('mn1', 'stat -c %F /var/lib/xcat-ha-big; ls -d /HA/var/lib/xcat-ha-big* /HA/.xcat_shared_data.lock'),
		'directory\n/HA/.xcat_shared_data.lock\n/HA/var/lib/xcat-ha-big.partial-xcat-ha\n',
	);
	const check = succeeded(await mod('mn1', args, { check: true }));
	assert.is(check.directories[0].action, 'migrated');
	const run = await mod('mn1', args);
	const r = succeeded(run);
	assert.is(r.directories[0].action, 'migrated');
	assert.is(await snapshot('mn1', '/HA/var/lib/xcat-ha-big'), big);
	assert.is(
		await ok('mn1', 'readlink /var/lib/xcat-ha-big; ls -d /HA/var/lib/xcat-ha-big* /HA/.xcat_shared_data.lock 2>&1 | sort'),
		`/HA/var/lib/xcat-ha-big\n/HA/var/lib/xcat-ha-big\nls: cannot access '/HA/.xcat_shared_data.lock': No such file or directory\n`,
	);
	console.log(`  killed with ${killedAt.trim()} of 400 MiB copied; the re-run took ${r.directories[0].ms} ms (${r.directories[0].bytes} bytes)`);
});

Lab('unlinked on mn1: full local copies back in place of the links, identical; the shared copies stay; xCAT works', async () => {
	const shared: Record<string, string> = {};
	for (const d of SQLITE_DIRS) shared[d] = await snapshot('mn1', `/HA${d}`);
	const r = succeeded(await mod('mn1', { db_type: 'sqlite', state: 'unlinked' }, { diff: true }));
	assert.equal(
		r.directories.map((d: any) => [d.path, d.action]),
		SQLITE_DIRS.map((d) => [d, 'unlinked']),
	);
	for (const d of SQLITE_DIRS) {
		assert.is(await ok('mn1', `stat -c %F ${d}`), 'directory\n');
		assert.is(await snapshot('mn1', d), shared[d]);
		assert.is(await snapshot('mn1', `/HA${d}`), shared[d]);
	}
	assert.is(succeeded(await mod('mn1', { db_type: 'sqlite', state: 'unlinked' })).changed, false);
	assert.is(await ok('mn1', 'XCATBYPASS=1 tabdump site'), siteBefore);
	const again = await on('mn1', 'systemctl start xcatd && lsxcatd -a');
	assert.is(again.status, 0, again.stderr);
});

Lab.run();
