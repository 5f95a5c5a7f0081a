import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compareTrees, compareXattrs, parseGetfattr, summarise } from '../../modules/xcat_shared_data/compare';
import { isMountPoint, mountOf, mountsBelow, parseMountinfo } from '../../modules/xcat_shared_data/mounts';
import type { Entry, Tree } from '../../modules/xcat_shared_data/tree';

const file = (o: Partial<Entry> = {}): Entry => ({
	type: 'file',
	mode: 0o644,
	uid: 0,
	gid: 0,
	size: 3,
	mtime: 1000,
	ino: '1',
	allocated: 4096,
	hash: 'aa',
	...o,
});
const plain = (o: Partial<Entry>): Entry => ({ type: 'link', mode: 0o777, uid: 0, gid: 0, size: 0, mtime: 1000, ino: '3', allocated: 0, ...o });
const dirE = (o: Partial<Entry> = {}): Entry => ({ type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 1000, ino: '2', allocated: 4096, ...o });
const tree = (root: string, entries: Record<string, Entry>, mounts: string[] = []): Tree => ({ root, entries: new Map(Object.entries(entries)), mounts });
const base = (): Record<string, Entry> => ({
	'': dirE(),
	a: file({ group: 'a' }),
	sub: dirE({ mode: 0o2750, uid: 1234, gid: 5678 }),
	'sub/hard': file({ group: 'a' }),
	soft: plain({ type: 'link', target: 'a' }),
	dev: plain({ type: 'char', rdev: 259 }),
});

const Compare = suite('xcat_shared_data tree comparison');

Compare('a faithful copy has no difference, whatever its inode numbers', () => {
	const copy = base();
	for (const e of Object.values(copy)) e.ino = `9${e.ino}`;
	assert.equal(compareTrees(tree('/etc/xcat', base()), tree('/HA/etc/xcat.partial-xcat-ha', copy), 'exact'), []);
});

Compare('each kind of unfaithful copy is named', () => {
	const c = base();
	c.a = file({ hash: 'bb', group: 'a' });
	c.sub = dirE({ mode: 0o755, uid: 0, gid: 0 });
	c['sub/hard'] = file({ hash: 'aa' }); // hard link lost
	c.soft = { ...c.soft!, target: '/etc/xcat/a' };
	c.dev = { ...c.dev!, rdev: 260 };
	c.extra = file();
	delete (c as Record<string, Entry>)['']; // root missing cannot happen, but counts as only in one
	const d = compareTrees(tree('/s', base()), tree('/t', c), 'exact');
	assert.equal(
		d.map((x) => `${x.path}: ${x.what}`),
		[
			'.: only in /s',
			'a: content differs (sha256)',
			'dev: device 259 != 260',
			'extra: only in /t',
			'soft: link target a != /etc/xcat/a',
			'sub: mode 2750 != 0755',
			'sub: owner 1234:5678 != 0:0',
			'sub/hard: hard links: linked with a != single',
		],
	);
});

Compare('sizes, times and types', () => {
	const c = base();
	c.a = file({ size: 4, group: 'a', hash: 'cc' });
	c['sub/hard'] = file({ mtime: 999, group: 'a' });
	c.dev = dirE();
	const d = compareTrees(tree('/s', base()), tree('/t', c), 'exact').map((x) => `${x.path}: ${x.what}`);
	assert.equal(d, ['a: size 3 != 4', 'dev: char in one, dir in the other', 'sub/hard: mtime 1000 != 999']);
});

Compare('the cheap listing sees types, sizes and link targets only', () => {
	const c = base();
	c.a = file({ hash: 'bb', mode: 0o600, uid: 7, mtime: 5, group: 'a' });
	assert.equal(compareTrees(tree('/s', base()), tree('/t', c), 'listing'), []);
	c['sub/hard'] = file({ size: 10 });
	assert.equal(compareTrees(tree('/s', base()), tree('/t', c), 'listing'), [{ path: 'sub/hard', what: 'size 3 != 10' }]);
});

Compare('mount points inside a tree are reported, never silently skipped', () => {
	assert.equal(compareTrees(tree('/s', base(), ['iso']), tree('/t', base()), 'exact'), [
		{ path: 'iso', what: 'a mount point inside the tree (not compared)' },
	]);
});

Compare('summaries show a few and count the rest', () => {
	const d = Array.from({ length: 7 }, (_, i) => ({ path: `f${i}`, what: 'only in /s' }));
	assert.is(summarise(d), 'f0: only in /s; f1: only in /s; f2: only in /s; f3: only in /s; f4: only in /s; and 2 more');
});

Compare.run();

const Xattr = suite('xcat_shared_data getfattr parsing');

// What `getfattr -R -P -h -d -m - -e hex --absolute-names -- ROOT` prints (attr 2.5.1, Debian 12)
const GETFATTR = `# file: /tmp/sdt/l/etc/xcat/a
system.posix_acl_access=0x0200000001000600ffffffff02000400e110000004000400ffffffff10000400ffffffff20000400ffffffff
user.x=0x79

# file: /tmp/sdt/l/etc/xcat/sub
user.z=0x31

`;

Xattr('paths relative to the root, attributes sorted; a difference is named', () => {
	const a = parseGetfattr(GETFATTR, '/tmp/sdt/l/etc/xcat');
	assert.equal([...a.keys()], ['a', 'sub']);
	assert.equal(a.get('a'), [
		'system.posix_acl_access=0x0200000001000600ffffffff02000400e110000004000400ffffffff10000400ffffffff20000400ffffffff',
		'user.x=0x79',
	]);
	const b = parseGetfattr(GETFATTR.replaceAll('/tmp/sdt/l/etc/xcat', '/HA/etc/xcat.partial-xcat-ha'), '/HA/etc/xcat.partial-xcat-ha');
	assert.equal(compareXattrs(a, b), []);
	const c = parseGetfattr(GETFATTR.replace(/^system\.posix_acl_access.*\n/m, ''), '/tmp/sdt/l/etc/xcat');
	assert.equal(
		compareXattrs(a, c).map((d) => d.path),
		['a'],
	);
	assert.match(compareXattrs(a, c)[0]!.what, /^extended attributes\/ACLs differ: \[system\.posix_acl_access=0x02.* user\.x=0x79\] != \[user\.x=0x79\]$/);
});

Xattr.run();

const Mounts = suite('xcat_shared_data mountinfo');

// From mn1 in the lab (trimmed), with a space escaped as \\040
const MOUNTINFO = `620 540 0:48 / / rw,relatime shared:260 master:1 - overlay overlay rw,lowerdir=/x
640 620 7:0 / /HA rw,relatime shared:270 - ext4 /dev/loop0 rw,discard
641 640 7:1 / /HA/ro\\040dir ro,relatime - ext4 /dev/loop1 ro
650 620 0:50 / /install/iso ro,relatime - iso9660 /dev/loop2 ro
`;

Mounts('mount points, read-only flags, what holds a path, what is below one', () => {
	const m = parseMountinfo(MOUNTINFO);
	assert.equal(
		m.map((x) => [x.point, x.readOnly, x.fsType]),
		[
			['/', false, 'overlay'],
			['/HA', false, 'ext4'],
			['/HA/ro dir', true, 'ext4'],
			['/install/iso', true, 'iso9660'],
		],
	);
	assert.is(mountOf(m, '/HA/etc/xcat')!.point, '/HA');
	assert.is(mountOf(m, '/HAX')!.point, '/');
	assert.is(mountOf(m, '/HA/ro dir/x')!.readOnly, true);
	assert.ok(isMountPoint(m, '/HA'));
	assert.not.ok(isMountPoint(m, '/HA/etc'));
	assert.equal(mountsBelow(m, '/install'), ['/install/iso']);
	assert.equal(mountsBelow(m, '/etc/xcat'), []);
});

Mounts.run();
