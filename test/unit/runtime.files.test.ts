import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../modules/runtime/files';

const W = suite('runtime: writeFileAtomic');
let dir = '';
W.before.each(async () => {
	dir = await mkdtemp(join(tmpdir(), 'xcat-ha-files-'));
});
W.after.each(async () => {
	await rm(dir, { recursive: true, force: true });
});

W('replaces the file with exactly the mode asked, whatever the umask; nothing left beside it', async () => {
	const p = join(dir, 'lease');
	await writeFile(p, 'old\n', { mode: 0o600 });
	const umask = process.umask(0o077);
	try {
		writeFileAtomic(p, 'new\n'.repeat(100_000), { mode: 0o644 });
	} finally {
		process.umask(umask);
	}
	assert.is(await readFile(p, 'utf8'), 'new\n'.repeat(100_000));
	assert.is((await stat(p)).mode & 0o7777, 0o644);
	assert.equal(await readdir(dir), ['lease']);
});

W("a killed run's temporary file, or a link planted in its place, is not written through", async () => {
	const p = join(dir, 'lease'),
		elsewhere = join(dir, 'elsewhere');
	await writeFile(elsewhere, 'keep\n');
	await symlink(elsewhere, join(dir, `.lease.xcat-ha-${process.pid}.tmp`));
	writeFileAtomic(p, 'new\n', { mode: 0o600 });
	assert.is(await readFile(p, 'utf8'), 'new\n');
	assert.is(await readFile(elsewhere, 'utf8'), 'keep\n');
	assert.equal((await readdir(dir)).sort(), ['elsewhere', 'lease']);
});

W('a failed write leaves the old file and no temporary file', async () => {
	const p = join(dir, 'lease');
	await writeFile(p, 'old\n');
	assert.throws(() => writeFileAtomic(p, 'new\n', { mode: 0o644, owner: { uid: -5, gid: -5 } }));
	assert.is(await readFile(p, 'utf8'), 'old\n');
	assert.equal(await readdir(dir), ['lease']);
});

W.run();
