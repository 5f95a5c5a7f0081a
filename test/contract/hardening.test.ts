// Issue 13's defects, each through the real bundle as Ansible runs it: every test here failed before its fix.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { makeXcatStubs } from '../helpers/xcat-stubs';
import { bytesNeeded, walkTree } from '../../modules/xcat_shared_data/tree';
import { MARKER, runModule as run, type RunOpts } from '../../tools/lab/run-module';

// HARDENING_LIB=<dir> runs these against another build (e.g. of the code before the fixes, to see them fail)
const runModule = (name: string, args: Record<string, unknown>, o: RunOpts = {}) =>
	run(name, args, { libDir: process.env.HARDENING_LIB ?? 'plugins/modules', ...o });

let root = '';
const H = suite('hardening (issue 13)');
H.before.each(() => {
	root = mkdtempSync(join(tmpdir(), 'hardening-'));
});
H.after.each(() => rmSync(root, { recursive: true, force: true }));

/** runModule, bounded: a module that hangs fails the test; UNBLOCK (e.g. a writer for a FIFO) lets it end */
async function bounded(name: string, args: Record<string, unknown>, ms = 10_000, unblock = () => {}) {
	let timer: NodeJS.Timeout | undefined;
	const hung = new Promise<never>((_, reject) => {
		timer = setTimeout(() => {
			unblock();
			reject(new Error(`${name} hung for ${ms} ms`));
		}, ms);
	});
	try {
		return await Promise.race([runModule(name, args), hung]);
	} finally {
		clearTimeout(timer);
	}
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

H('xcat_db: a digits-only password (an int from YAML) never shows, not even in the string-conversion warning', async () => {
	const base = { type: 'postgresql', vip: '198.51.100.10', addresses: ['198.51.100.11', '198.51.100.12'] };
	for (const bad of [{ vip: 'nope' }, { pg_data: 'relative' }, { colour: 'red' }, { addresses: [] }]) {
		const r = await runModule('xcat_db', { ...base, ...bad, password: 987654321 });
		assert.is(r.result.failed, true, JSON.stringify(bad));
		assert.not.ok(r.stdout.includes('987654321'), `${JSON.stringify(bad)}: ${r.stdout}`);
		assert.not.ok(r.stderr.includes('987654321'), JSON.stringify(bad));
	}
	const warned = await runModule('xcat_db', { ...base, vip: 'nope', password: 987654321 });
	assert.ok(
		(warned.result.warnings as string[]).some((w) => w.includes('(type int) in a string field was converted to "********"')),
		warned.stdout,
	);
	const listed = await runModule('xcat_db', { ...base, password: ['sekrit42', 7] });
	assert.match(listed.result.msg, /argument 'password' is of type list/);
	assert.not.ok(/sekrit42/.test(listed.stdout), listed.stdout);
});

/** the module run with TEXT pasted where Ansible pastes the arguments' JSON, both ways Ansible runs it */
async function rawArgs(name: string, text: string) {
	const { readFile, writeFile } = await import('node:fs/promises');
	const { execa } = await import('execa');
	const source = await readFile(join(process.env.HARDENING_LIB ?? 'plugins/modules', `${name}.js`), 'utf8');
	const program = source.replace(MARKER, () => text);
	const file = join(root, `AnsiballZ_${name}.js`);
	await writeFile(file, program, { mode: 0o700 });
	return [await execa('node', [], { input: program, reject: false, timeout: 10_000 }), await execa('node', [file], { reject: false, timeout: 10_000 })];
}

H('arguments that are not a JSON object: one JSON line, failed, saying what is wrong, no stack trace, both ways', async () => {
	const cases: [string, RegExp][] = [
		['null', /must be a JSON object of option names and values, got null/],
		['[]', /got a list/],
		['["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"]', /got a list/],
		['42', /got a number/],
		['"str"', /got a string/],
		['{"path": "/x", ', /are not valid JSON/],
		['', /are not valid JSON/],
	];
	for (const name of ['xcat_lease', 'xcat_vip']) {
		for (const [text, why] of cases) {
			for (const r of await rawArgs(name, text)) {
				const lines = String(r.stdout).trim().split('\n');
				assert.is(lines.length, 1, `${name} ${text}: ${r.stdout}${r.stderr}`);
				const out = JSON.parse(lines[0]!);
				assert.is(out.failed, true, text);
				assert.match(out.msg, why, text);
				assert.is(r.exitCode, 1, text);
				assert.is(String(r.stderr), '', `${name} ${text}: no stack trace`);
			}
		}
	}
});

H('xcat_db: pg_data (or mysql_data, path) naming a file is refused in check mode and for real, before any command', async () => {
	const base = { type: 'postgresql', vip: '198.51.100.10', addresses: ['198.51.100.11', '198.51.100.12'], password: 'abc123' };
	writeFileSync(join(root, 'file'), 'x');
	execFileSync('mkfifo', [join(root, 'fifo')]);
	const cases: [Record<string, unknown>, RegExp][] = [
		[{ pg_data: join(root, 'file') }, /^pg_data must name a directory or a path that does not exist yet; .*file is a regular file/],
		[{ pg_data: join(root, 'fifo') }, /^pg_data must name a directory .*fifo is a FIFO/],
		[{ type: 'mysql', mysql_data: join(root, 'file') }, /^mysql_data must name a directory /],
		[{ path: join(root, 'file') }, /^path must name a directory /],
	];
	for (const [args, msg] of cases) {
		for (const check of [true, false]) {
			const r = await runModule('xcat_db', { ...base, ...args }, { check });
			assert.is(r.result.failed, true, JSON.stringify(args));
			assert.match(r.result.msg, msg, JSON.stringify(args));
			assert.equal(r.result.commands ?? [], [], JSON.stringify(args));
		}
	}
});

H('xcat_object: a 1 MB name is refused before lsdef, in a short message; names and labels get the DNS limits', async () => {
	const stubs = await makeXcatStubs();
	stubs.install();
	try {
		const cases: [Record<string, unknown>, RegExp][] = [
			[{ type: 'node', name: 'n'.repeat(1_048_576) }, /^value of name must be at most 65536 characters, got: "n{50,}…\(1048576 characters\)"$/],
			[
				{ type: 'node', name: `cn1,${'a'.repeat(64)}.example` },
				/^value of name must be a name of at most 253 characters with labels \(between dots\) of at most 63, got: .*\(a label of 64 characters\)$/,
			],
			[{ type: 'group', name: `${'abcdefgh.'.repeat(30)}x` }, /\(271 characters\)$/],
		];
		for (const [args, msg] of cases) {
			const r = await runModule('xcat_object', args);
			assert.is(r.result.failed, true);
			assert.match(r.result.msg, msg);
			assert.ok(r.result.msg.length < 2048, `message of ${r.result.msg.length} characters`);
			assert.ok(r.stdout.length < 16_384, `output of ${r.stdout.length} bytes`);
			assert.equal(await stubs.calls(), [], 'no xCAT command ran');
		}
		const snmove = await runModule('xcat_snmove', { source: `sn1.${'b'.repeat(70)}` });
		assert.match(snmove.result.msg, /^value of source must be a name of at most 253 characters/);
	} finally {
		await stubs.remove();
	}
});

H('xcat_shared_data: sparse files stay sparse, the copy is verified, and the space estimate counts allocated blocks', async () => {
	const sh = (script: string) => execFileSync('bash', ['-c', script], { encoding: 'utf8' });
	const dir = join(root, 'l/install');
	// a 256 MiB image with three 64 KiB extents of data, and a small dense file
	sh(`set -e; mkdir -p ${root}/HA ${dir}; cd ${dir}; truncate -s 256M vm.img
		for off in 0 100 4000; do head -c 65536 /dev/urandom | dd of=vm.img bs=64K seek=$off conv=notrunc status=none; done
		head -c 100000 /dev/urandom > dense`);
	const allocated = (p: string) =>
		Number(
			sh(`stat -c '%b %B' ${p}`)
				.trim()
				.split(' ')
				.reduce((a, b) => String(Number(a) * Number(b))),
		);
	const source = allocated(`${dir}/vm.img`);
	const hash = sh(`sha256sum < ${dir}/vm.img`);
	assert.ok(source < 4 * 1024 * 1024, `the test file system keeps holes (${source} bytes allocated)`);
	const tree = walkTree(dir);
	assert.ok(bytesNeeded(tree, 4096) < 2 * 1024 * 1024, `estimate ${bytesNeeded(tree, 4096)} counts allocated blocks, not 256 MiB`);
	const r = await runModule('xcat_shared_data', { path: join(root, 'HA'), directories: [dir], require_mount: false });
	assert.is(r.result.failed, undefined, r.result.msg);
	assert.is(r.result.changed, true);
	assert.equal(r.result.warnings ?? [], []);
	const copy = join(root, 'HA', dir, 'vm.img');
	assert.ok(allocated(copy) <= source + 1024 * 1024, `the copy takes ${allocated(copy)} bytes against ${source}`);
	assert.is(sh(`sha256sum < ${copy}`), hash);
});

H.run();
