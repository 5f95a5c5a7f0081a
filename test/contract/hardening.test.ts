// Issue 13's defects, each through the real bundle as Ansible runs it: every test here failed before its fix.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runModule as run, type RunOpts } from '../helpers/run-module';

// HARDENING_LIB=<dir> runs these against another build (e.g. of the code before the fixes, to see them fail)
const runModule = (name: string, args: Record<string, unknown>, o: RunOpts = {}) => run(name, args, { libDir: process.env.HARDENING_LIB ?? 'library', ...o });

let root = '';
const H = suite('hardening (issue 13)');
H.before.each(() => { root = mkdtempSync(join(tmpdir(), 'hardening-')); });
H.after.each(() => rmSync(root, { recursive: true, force: true }));

/** runModule, bounded: a module that hangs fails the test; UNBLOCK (e.g. a writer for a FIFO) lets it end */
async function bounded(name: string, args: Record<string, unknown>, ms = 10_000, unblock = () => {}) {
	let timer: NodeJS.Timeout | undefined;
	const hung = new Promise<never>((_, reject) => { timer = setTimeout(() => { unblock(); reject(new Error(`${name} hung for ${ms} ms`)); }, ms); });
	try { return await Promise.race([runModule(name, args), hung]); } finally { clearTimeout(timer); }
}

H('xcat_lease: a FIFO as path is refused before it is opened (it used to block forever on the read)', async () => {
	const fifo = join(root, 'lease');
	execFileSync('mkfifo', [fifo]);
	// a writer that opens and closes gives a blocked reader its end of file, so a hung module still exits
	const r = await bounded('xcat_lease', { path: fifo, holder: 'mn1' }, 5_000, () => closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK)));
	assert.is(r.result.failed, true);
	assert.match(r.result.msg, /^path must name a regular file or a path that does not exist yet; .*lease is a FIFO/);
});

H('xcat_lease: a directory, a file as parent, a link loop, a too-long name are refused naming path', async () => {
	mkdirSync(join(root, 'dir'));
	writeFileSync(join(root, 'file'), 'x');
	symlinkSync(join(root, 'loop'), join(root, 'loop'));
	const cases: [string, RegExp][] = [
		[join(root, 'dir'), /is a directory/],
		[join(root, 'file', 'lease'), /parent components is not a directory/],
		[join(root, 'loop'), /symbolic links/],
		[join(root, 'x'.repeat(300)), /too long/],
	];
	for (const [path, why] of cases) {
		const r = await bounded('xcat_lease', { path, holder: 'mn1' });
		assert.is(r.result.failed, true, path);
		assert.match(r.result.msg, /^path must name a regular file or a path that does not exist yet; /, path);
		assert.match(r.result.msg, why, path);
		assert.not.match(r.result.msg, /Unexpected error/, path);
		assert.ok(r.result.msg.length < 400, `message cut to a readable length: ${r.result.msg.length}`);
	}
});

H.run();
