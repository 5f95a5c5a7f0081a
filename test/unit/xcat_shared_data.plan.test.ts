import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkArgs, toDesired, type Args } from '../../modules/xcat_shared_data/args';
import { argvOf, plan, stamp, writesShared, type DirPlan, type Plan } from '../../modules/xcat_shared_data/plan';
import type { Current, DirCurrent } from '../../modules/xcat_shared_data/types';

const NOW = new Date('2026-11-22T04:19:14.123Z');
const MiB = 1024 * 1024;
const args = (a: Partial<Args> = {}): Args => ({ path: '/HA', db_type: 'postgresql', state: 'linked', require_mount: true, ...a }) as Args;

function dir(name: string, o: Partial<DirCurrent> = {}): DirCurrent {
	return {
		dir: name,
		shared: `/HA${name}`,
		local: { kind: 'dir', mountPoint: false },
		sharedKind: 'missing',
		localParent: true,
		partialShared: 'missing',
		partialLocal: 'missing',
		partialBytes: 0,
		sharedParents: [],
		asides: [],
		users: [],
		partialUsers: [],
		nestedMounts: [],
		source: { files: 10, dirs: 2, bytes: 5000, needed: 12 * 4096 },
		space: { dev: '2049', mount: '/HA', free: 1024 * MiB, freeInodes: 100000 },
		...o,
	};
}
const current = (dirs: DirCurrent[], o: Partial<Current> = {}): Current => ({
	root: { kind: 'dir', mountPoint: true, writable: true },
	rsync: true,
	dirs,
	...o,
});
const run = (dirs: DirCurrent[], a: Partial<Args> = {}, o: Partial<Current> = {}): Plan =>
	plan(current(dirs, o), toDesired(args({ directories: dirs.map((d) => d.dir), ...a })), NOW);
function act(p: Plan): DirPlan[] {
	if (p.kind !== 'act') throw new Error(`expected a plan, got a refusal: ${p.msg}`);
	return p.dirs;
}
function refused(p: Plan): string {
	if (p.kind !== 'refuse') throw new Error(`expected a refusal, got ${JSON.stringify(p)}`);
	return p.msg;
}
const ops = (d: DirPlan) =>
	d.steps.map((s) => ('from' in s ? `${s.op} ${s.from} ${s.to}` : 'target' in s ? `${s.op} ${s.path} ${s.target}` : `${s.op} ${s.path}`));
const ASIDE = '/etc/xcat.xcat-ha-20261122T041914Z';

const Linked = suite('xcat_shared_data plan, linked: every state a run (or a killed run) can leave');

Linked('already a link to the shared copy: nothing to do', () => {
	const [d] = act(run([dir('/etc/xcat', { local: { kind: 'link', target: '/HA/etc/xcat' }, sharedKind: 'dir' })]));
	assert.is(d!.action, 'none');
	assert.equal(d!.steps, []);
	assert.is(d!.before, d!.after);
});

Linked('a link spelled with a trailing slash is the same link', () => {
	const [d] = act(run([dir('/etc/xcat', { local: { kind: 'link', target: '/HA/etc/xcat/' }, sharedKind: 'dir' })]));
	assert.is(d!.action, 'none');
});

Linked('a real directory and no shared copy: copy, verify, rename, put aside, link - in that order', () => {
	const [d] = act(run([dir('/root/.xcat', { sharedParents: [{ path: '/HA/root', mode: 0o700, uid: 0, gid: 0 }] })]));
	assert.is(d!.action, 'migrated');
	assert.equal(ops(d!), [
		'mkdir /HA/root',
		'copy /root/.xcat /HA/root/.xcat.partial-xcat-ha',
		'verify /root/.xcat /HA/root/.xcat.partial-xcat-ha',
		'rename /HA/root/.xcat.partial-xcat-ha /HA/root/.xcat',
		'aside /root/.xcat /root/.xcat.xcat-ha-20261122T041914Z',
		'link /root/.xcat /HA/root/.xcat',
	]);
	assert.equal([d!.files, d!.bytes, d!.aside], [10, 5000, '/root/.xcat.xcat-ha-20261122T041914Z']);
	assert.equal(d!.steps.flatMap(argvOf), [
		['mkdir', '-m', '0700', '--', '/HA/root'],
		['chown', '0:0', '--', '/HA/root'],
		['rsync', '-aHAX', '--sparse', '--numeric-ids', '--delete', '--', '/root/.xcat/', '/HA/root/.xcat.partial-xcat-ha/'],
		['mv', '-T', '--', '/HA/root/.xcat.partial-xcat-ha', '/HA/root/.xcat'],
		['mv', '-T', '--', '/root/.xcat', '/root/.xcat.xcat-ha-20261122T041914Z'],
		['ln', '-s', '-T', '--', '/HA/root/.xcat', '/root/.xcat'],
	]);
	assert.is(d!.before, 'directory');
	assert.is(d!.after, 'link -> /HA/root/.xcat');
});

Linked('killed during or after the copy (partial copy left): the copy resumes into it, then the rest', () => {
	const [d] = act(run([dir('/etc/xcat', { partialShared: 'dir', partialBytes: 4096 })]));
	assert.is(d!.action, 'migrated');
	assert.equal(ops(d!), [
		'copy /etc/xcat /HA/etc/xcat.partial-xcat-ha',
		'verify /etc/xcat /HA/etc/xcat.partial-xcat-ha',
		'rename /HA/etc/xcat.partial-xcat-ha /HA/etc/xcat',
		`aside /etc/xcat ${ASIDE}`,
		'link /etc/xcat /HA/etc/xcat',
	]);
});

Linked('killed after the rename (both copies present): put aside and link, no copy, no warning when alike', () => {
	const [d] = act(run([dir('/etc/xcat', { sharedKind: 'dir', differences: [] })]));
	assert.is(d!.action, 'linked');
	assert.equal(ops(d!), [`aside /etc/xcat ${ASIDE}`, 'link /etc/xcat /HA/etc/xcat']);
	assert.equal([d!.files, d!.bytes, d!.warnings], [0, 0, []]);
});

Linked('killed after putting aside (no local directory): only the link', () => {
	const [d] = act(run([dir('/etc/xcat', { local: { kind: 'missing' }, sharedKind: 'dir', asides: [ASIDE] })]));
	assert.is(d!.action, 'linked');
	assert.equal(ops(d!), ['link /etc/xcat /HA/etc/xcat']);
	assert.is(d!.before, 'missing');
});

Linked('the second management node: its own copy goes aside, with a warning naming the differences', () => {
	const [d] = act(run([dir('/etc/xcat', { sharedKind: 'dir', differences: ['site.sqlite: size 12288 != 16384', 'x: only in /etc/xcat'] })]));
	assert.equal(ops(d!), [`aside /etc/xcat ${ASIDE}`, 'link /etc/xcat /HA/etc/xcat']);
	assert.is(d!.warnings.length, 1);
	assert.match(d!.warnings[0]!, /\/etc\/xcat differs from the shared copy \/HA\/etc\/xcat \(site\.sqlite: size 12288 != 16384; x: only in \/etc\/xcat\)/);
});

Linked('an earlier local copy kept aside is never overwritten: the next one gets another name', () => {
	const [d] = act(run([dir('/etc/xcat', { sharedKind: 'dir', asides: [ASIDE, `${ASIDE}-2`] })]));
	assert.is(d!.aside, `${ASIDE}-3`);
	assert.is(stamp(NOW), '20261122T041914Z');
});

Linked('own leftovers are removed once the link is in place, and that is a change', () => {
	const [d] = act(run([dir('/etc/xcat', { local: { kind: 'link', target: '/HA/etc/xcat' }, sharedKind: 'dir', partialShared: 'dir', partialLocal: 'dir' })]));
	assert.is(d!.action, 'cleaned');
	assert.equal(ops(d!), ['remove /HA/etc/xcat.partial-xcat-ha', 'remove /etc/xcat.partial-xcat-ha']);
	assert.equal(d!.steps.flatMap(argvOf)[0], ['rm', '-rf', '--one-file-system', '--', '/HA/etc/xcat.partial-xcat-ha']);
});

Linked('only runs that write on the shared storage need its lock: a copy or a leftover there, not links or asides', () => {
	assert.ok(writesShared(act(run([dir('/etc/xcat')])), '/HA'));
	assert.ok(writesShared(act(run([dir('/etc/xcat', { local: { kind: 'link', target: '/HA/etc/xcat' }, sharedKind: 'dir', partialShared: 'dir' })])), '/HA'));
	assert.not.ok(writesShared(act(run([dir('/etc/xcat', { sharedKind: 'dir' }), dir('/install', { local: { kind: 'missing' }, sharedKind: 'dir' })])), '/HA'));
	assert.not.ok(
		writesShared(act(run([dir('/etc/xcat', { local: { kind: 'link', target: '/HA/etc/xcat' }, sharedKind: 'dir' })], { state: 'unlinked' })), '/HA'),
	);
});

Linked('a parent shared by two copies is made once', () => {
	const parents = [
		{ path: '/HA/var', mode: 0o755, uid: 0, gid: 0 },
		{ path: '/HA/var/lib', mode: 0o755, uid: 0, gid: 0 },
	];
	const [a, b] = act(run([dir('/var/lib/pgsql', { sharedParents: parents }), dir('/var/lib/mysql', { sharedParents: parents })]));
	assert.equal(ops(a!).slice(0, 2), ['mkdir /HA/var', 'mkdir /HA/var/lib']);
	assert.is(ops(b!)[0], 'copy /var/lib/mysql /HA/var/lib/mysql.partial-xcat-ha');
});

Linked.run();

const Refuse = suite('xcat_shared_data plan, linked: refusals before anything changes');

Refuse('a link to somewhere else', () => {
	assert.match(
		refused(run([dir('/etc/xcat', { local: { kind: 'link', target: '/nfs/etc/xcat' }, sharedKind: 'dir' })])),
		'nothing was changed: /etc/xcat is a link to /nfs/etc/xcat, not to /HA/etc/xcat: refusing to replace it',
	);
});

Refuse('a link to the shared copy that is not there', () => {
	assert.match(
		refused(run([dir('/etc/xcat', { local: { kind: 'link', target: '/HA/etc/xcat' } })])),
		'/etc/xcat links to /HA/etc/xcat, which does not exist',
	);
});

Refuse('the shared root missing, a directory but not a mount point, not writable', () => {
	assert.match(refused(run([dir('/etc/xcat')], {}, { root: { kind: 'missing', mountPoint: false, writable: false } })), 'path /HA does not exist');
	assert.match(refused(run([dir('/etc/xcat')], {}, { root: { kind: 'dir', mountPoint: false, writable: true } })), 'path /HA is not a mount point');
	assert.is(run([dir('/etc/xcat')], { require_mount: false }, { root: { kind: 'dir', mountPoint: false, writable: true } }).kind, 'act');
	assert.match(
		refused(run([dir('/etc/xcat')], {}, { root: { kind: 'dir', mountPoint: true, writable: false, whyNotWritable: '/HA is mounted read-only' } })),
		'path /HA is not writable (/HA is mounted read-only): the shared copies cannot be made',
	);
});

Refuse('a read-only shared root is fine when only links are made (the second management node)', () => {
	const p = run([dir('/etc/xcat', { sharedKind: 'dir' })], {}, { root: { kind: 'dir', mountPoint: true, writable: false } });
	assert.is(p.kind, 'act');
});

Refuse('not enough space, counting all copies on the file system and a margin', () => {
	const space = { dev: '2049', mount: '/HA', free: 100 * MiB, freeInodes: 100000 };
	const big = { files: 10, dirs: 1, bytes: 20 * MiB, needed: 20 * MiB };
	assert.is(run([dir('/install', { source: big, space })]).kind, 'act');
	const msg = refused(run([dir('/install', { source: big, space }), dir('/tftpboot', { source: big, space })]));
	assert.match(msg, 'not enough free space on /HA for /install, /tftpboot: the copy needs 40.0 MiB plus a margin of 64.0 MiB, and 100.0 MiB is free');
	// what a leftover partial copy holds is reused
	assert.is(
		run([dir('/install', { source: big, space, partialShared: 'dir', partialBytes: 20 * MiB }), dir('/tftpboot', { source: big, space })]).kind,
		'act',
	);
});

Refuse('not enough inodes', () => {
	const msg = refused(
		run([
			dir('/install', { source: { files: 5000, dirs: 10, bytes: 1, needed: 1 }, space: { dev: '1', mount: '/HA', free: 1024 * MiB, freeInodes: 5500 } }),
		]),
	);
	assert.match(msg, 'not enough free inodes on /HA for /install');
});

Refuse('a process using the directory, or a live PostgreSQL on it', () => {
	const users = [{ pid: 42, command: 'postgres', path: '/var/lib/pgsql/data', how: 'cwd' as const }];
	assert.match(
		refused(run([dir('/var/lib/pgsql', { users })])),
		'/var/lib/pgsql is in use: postgres (pid 42) works in /var/lib/pgsql/data; stop these processes first',
	);
	assert.match(
		refused(run([dir('/var/lib/pgsql', { postmaster: { pid: 42, file: '/var/lib/pgsql/data/postmaster.pid' } })])),
		'/var/lib/pgsql is in use: PostgreSQL (pid 42) is running on it (/var/lib/pgsql/data/postmaster.pid)',
	);
	// the role stops the services on in_use, never on the words of the message; other problems stay in msg
	const both = run([dir('/var/lib/pgsql', { users }), dir('/install', { local: { kind: 'other', type: 'fifo' } })]);
	assert.ok(both.kind === 'refuse' && both.msg.includes('/install is a fifo'), JSON.stringify(both));
	assert.equal(both.kind === 'refuse' && both.inUse, [{ path: '/var/lib/pgsql', holders: [{ pid: 42, command: 'postgres' }] }]);
	const db = run([dir('/var/lib/pgsql', { postmaster: { pid: 42, file: '/var/lib/pgsql/data/postmaster.pid' } })]);
	assert.equal(db.kind === 'refuse' && db.inUse, [{ path: '/var/lib/pgsql', holders: [{ pid: 42, command: 'PostgreSQL' }] }]);
	const fifo = run([dir('/install', { local: { kind: 'other', type: 'fifo' } })]);
	assert.equal(fifo.kind === 'refuse' && fifo.inUse, []);
	// the second node's local copy goes aside: it must be unused too
	assert.is(run([dir('/var/lib/pgsql', { users, sharedKind: 'dir' })]).kind, 'refuse');
	// already linked: nothing moves, a running database is fine
	assert.is(run([dir('/var/lib/pgsql', { users, local: { kind: 'link', target: '/HA/var/lib/pgsql' }, sharedKind: 'dir' })]).kind, 'act');
});

Refuse('an rsync left running by a killed run still writes into the partial copy', () => {
	const partialUsers = [{ pid: 77, command: 'rsync', path: '/HA/install.partial-xcat-ha/x', how: 'open' as const }];
	assert.match(
		refused(run([dir('/install', { partialShared: 'dir', partialUsers })])),
		'/HA/install.partial-xcat-ha/x is still used by rsync (pid 77), probably left running by an interrupted run',
	);
	assert.match(
		refused(
			run([dir('/etc/xcat', { local: { kind: 'link', target: '/HA/etc/xcat' }, sharedKind: 'dir', partialLocal: 'dir', partialUsers })], {
				state: 'unlinked',
			}),
		),
		'is still used by rsync (pid 77)',
	);
});

Refuse("the second management node's database user has another uid than the shared copy's owner", () => {
	const owners = { local: { uid: 106, name: 'postgres' }, shared: { uid: 105, name: 'mysql' } };
	assert.is(
		refused(run([dir('/var/lib/pgsql', { sharedKind: 'dir', owners })])),
		"nothing was changed: /HA/var/lib/pgsql belongs to uid 105 (mysql here), but /var/lib/pgsql here to uid 106 (postgres): after a failover this host's services could not use the shared copy; give that user the same uid on every management node first",
	);
	assert.match(
		refused(run([dir('/var/lib/pgsql', { sharedKind: 'dir', owners: { local: owners.local, shared: { uid: 2001 } } })])),
		/belongs to uid 2001 \(no user here\)/,
	);
	assert.equal(ops(act(run([dir('/var/lib/pgsql', { sharedKind: 'dir', owners: { local: owners.local, shared: owners.local } })]))[0]!), [
		'aside /var/lib/pgsql /var/lib/pgsql.xcat-ha-20261122T041914Z',
		'link /var/lib/pgsql /HA/var/lib/pgsql',
	]);
});

Refuse('neither copy, a mount point, mounts inside, a file in the way, rsync missing - all said at once', () => {
	const msg = refused(
		run(
			[
				dir('/install', { local: { kind: 'missing' } }),
				dir('/tftpboot', { local: { kind: 'dir', mountPoint: true } }),
				dir('/etc/xcat', { nestedMounts: ['/etc/xcat/iso'] }),
				dir('/root/.xcat', { partialShared: 'other' }),
				dir('/var/lib/pgsql', { local: { kind: 'other', type: 'regular file' } }),
			],
			{},
			{ rsync: false },
		),
	);
	for (const part of [
		'neither /install nor /HA/install exists',
		'/tftpboot is a mount point',
		'/etc/xcat has mount points inside (/etc/xcat/iso)',
		'/HA/root/.xcat.partial-xcat-ha exists and is not a directory',
		'/var/lib/pgsql is a regular file',
		'rsync is not installed on this host',
	])
		assert.ok(msg.includes(part), `${part} in ${msg}`);
	assert.ok(msg.startsWith('nothing was changed: '));
});

Refuse.run();

const Unlinked = suite('xcat_shared_data plan, unlinked');
const linkedDir = (o: Partial<DirCurrent> = {}) =>
	dir('/etc/xcat', {
		local: { kind: 'link', target: '/HA/etc/xcat' },
		sharedKind: 'dir',
		space: { dev: '64', mount: '/', free: 1024 * MiB, freeInodes: null },
		...o,
	});

Unlinked('a link: copy the shared copy next to it, verify, remove the link, rename into place', () => {
	const [d] = act(run([linkedDir()], { state: 'unlinked' }));
	assert.is(d!.action, 'unlinked');
	assert.equal(ops(d!), [
		'copy /HA/etc/xcat /etc/xcat.partial-xcat-ha',
		'verify /HA/etc/xcat /etc/xcat.partial-xcat-ha',
		'unlink /etc/xcat /HA/etc/xcat',
		'rename /etc/xcat.partial-xcat-ha /etc/xcat',
	]);
	assert.equal(d!.steps.flatMap(argvOf)[1], ['rm', '--', '/etc/xcat']);
	assert.equal([d!.before, d!.after], ['link -> /HA/etc/xcat', 'directory']);
});

Unlinked('killed after removing the link: copy (resumed) and rename', () => {
	const [d] = act(run([linkedDir({ local: { kind: 'missing' }, partialLocal: 'dir' })], { state: 'unlinked' }));
	assert.equal(ops(d!), [
		'copy /HA/etc/xcat /etc/xcat.partial-xcat-ha',
		'verify /HA/etc/xcat /etc/xcat.partial-xcat-ha',
		'rename /etc/xcat.partial-xcat-ha /etc/xcat',
	]);
});

Unlinked('a local directory: nothing, or only leftovers removed; the shared root is not needed', () => {
	const noRoot = { root: { kind: 'missing' as const, mountPoint: false, writable: false } };
	assert.equal(act(run([dir('/etc/xcat')], { state: 'unlinked' }, noRoot))[0]!.steps, []);
	const [d] = act(run([dir('/etc/xcat', { partialLocal: 'dir' })], { state: 'unlinked' }, noRoot));
	assert.equal([d!.action, ops(d!)], ['cleaned', ['remove /etc/xcat.partial-xcat-ha']]);
});

Unlinked('refusals: a link elsewhere, no shared copy, the shared storage not mounted, no space', () => {
	assert.match(refused(run([linkedDir({ local: { kind: 'link', target: '/x' } })], { state: 'unlinked' })), '/etc/xcat is a link to /x');
	assert.match(refused(run([linkedDir({ sharedKind: 'missing' })], { state: 'unlinked' })), 'there is no shared copy to restore /etc/xcat from');
	assert.match(refused(run([linkedDir()], { state: 'unlinked' }, { root: { kind: 'dir', mountPoint: false, writable: true } })), 'is not a mount point');
	assert.match(
		refused(run([linkedDir({ space: { dev: '64', mount: '/', free: 10 * MiB, freeInodes: null } })], { state: 'unlinked' })),
		'not enough free space on / for /etc/xcat',
	);
});

Unlinked('neither copy: nothing to restore, said as a warning', () => {
	const [d] = act(run([dir('/var/lib/pgsql', { local: { kind: 'missing' } })], { state: 'unlinked' }));
	assert.equal([d!.action, d!.warnings], ['none', ['neither /var/lib/pgsql nor /HA/var/lib/pgsql exists: nothing to restore']]);
});

Unlinked.run();

const Args_ = suite('xcat_shared_data arguments');

Args_('default directories follow the database type', () => {
	assert.equal(
		toDesired(args()).dirs.map((d) => d.dir),
		['/install', '/etc/xcat', '/root/.xcat', '/var/lib/pgsql', '/tftpboot'],
	);
	assert.equal(
		toDesired(args({ db_type: 'mysql' })).dirs.map((d) => d.dir),
		['/install', '/etc/xcat', '/root/.xcat', '/var/lib/mysql', '/tftpboot'],
	);
	assert.equal(
		toDesired(args({ db_type: 'sqlite' })).dirs.map((d) => d.dir),
		['/install', '/etc/xcat', '/root/.xcat', '/tftpboot'],
	);
	assert.equal(toDesired(args({ path: '/HA/', directories: ['/etc/xcat/'] })).dirs, [{ dir: '/etc/xcat', shared: '/HA/etc/xcat' }]);
});

Args_('what a pattern cannot say', () => {
	assert.equal(checkArgs(args()), []);
	assert.equal(checkArgs(args({ path: '/HA/../etc' })), [`value of path must not contain '.' or '..' components, got: "/HA/../etc"`]);
	assert.equal(checkArgs(args({ directories: ['/etc/xcat/./x'] })), [`value of directories must not contain '.' or '..' components, got: "/etc/xcat/./x"`]);
	assert.equal(checkArgs(args({ directories: ['/etc'] })), [
		"value of directories must not name the system directory /etc: give xCAT's own directories (e.g. /etc/xcat)",
	]);
	assert.equal(checkArgs(args({ directories: ['/HA/x'] })), ['value of directories must not be inside path /HA, got: /HA/x']);
	assert.equal(checkArgs(args({ path: '/install/ha', directories: ['/install'] })), [
		'value of path (/install/ha) must not be inside one of the directories, got: /install',
	]);
	assert.equal(checkArgs(args({ directories: ['/etc/xcat', '/etc/xcat/cert'] })), ['value of directories must not nest: /etc/xcat/cert is inside /etc/xcat']);
	assert.equal(checkArgs(args({ directories: ['/etc/xcat', '/etc/xcat/'] })), ['value of directories names /etc/xcat twice']);
});

Args_.run();
