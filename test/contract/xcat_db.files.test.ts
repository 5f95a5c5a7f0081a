// xcat_db's atomic file writes, in a temporary directory: mode and owner kept, the first original
// kept once, a link written through (not replaced), nothing left behind.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atomicWrite } from '../../modules/xcat_db/files';

const F = suite('xcat_db atomicWrite');
let dir = '';
F.before.each(async () => {
	dir = await mkdtemp(join(tmpdir(), 'xcat-db-files-'));
});
F.after.each(async () => {
	await rm(dir, { recursive: true, force: true });
});

F('a new file gets the given mode; no original to keep', async () => {
	const p = join(dir, 'cfgloc');
	assert.is(await atomicWrite(p, 'Pg:x|u|p\n', 0o600), undefined);
	assert.is(await readFile(p, 'utf8'), 'Pg:x|u|p\n');
	assert.is((await stat(p)).mode & 0o777, 0o600);
	assert.equal(await readdir(dir), ['cfgloc']);
});

F('an existing file keeps its mode; the first original is kept once, never overwritten', async () => {
	const p = join(dir, 'pg_hba.conf');
	await writeFile(p, 'one\n', { mode: 0o640 });
	assert.is(await atomicWrite(p, 'two\n'), `${p}.xcat-ha.orig`);
	assert.is(await atomicWrite(p, 'three\n'), undefined);
	assert.is(await readFile(p, 'utf8'), 'three\n');
	assert.is(await readFile(`${p}.xcat-ha.orig`, 'utf8'), 'one\n');
	assert.is((await stat(p)).mode & 0o777, 0o640);
	assert.is((await stat(`${p}.xcat-ha.orig`)).mode & 0o777, 0o640);
	assert.equal((await readdir(dir)).sort(), ['pg_hba.conf', 'pg_hba.conf.xcat-ha.orig']);
});

F('keepOriginal false writes without a backup', async () => {
	const p = join(dir, 'cfgloc');
	await writeFile(p, 'old\n', { mode: 0o600 });
	assert.is(await atomicWrite(p, 'new\n', 0o600, false), undefined);
	assert.equal(await readdir(dir), ['cfgloc']);
});

F('a symbolic link is written through: the link stays, its target changes', async () => {
	const target = join(dir, 'real.conf'),
		link = join(dir, 'link.conf');
	await writeFile(target, 'a\n');
	await symlink(target, link);
	await atomicWrite(link, 'b\n');
	assert.ok((await lstat(link)).isSymbolicLink());
	assert.is(await readlink(link), target);
	assert.is(await readFile(target, 'utf8'), 'b\n');
});

F.run();
