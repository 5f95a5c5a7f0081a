// The runtime's protocol, through a real bundle built by the real build script.
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runModule, type RunOpts } from '../../tools/lab/run-module';

const Protocol = suite('runtime protocol');
let libDir = '';
const echo = (args: Record<string, unknown>, o: RunOpts = {}) => runModule('runtime_echo', args, { libDir, ...o });

Protocol.before(async () => {
	libDir = await mkdtemp(join(tmpdir(), 'xcat-ha-fixture-lib-'));
	await execa('node', ['scripts/build.mjs', '--src', 'test/fixtures/modules', '--out', libDir]);
});

Protocol('stdout is exactly one ASCII JSON object, the same on stdin and from a file', async () => {
	for (const via of ['stdin', 'file'] as const) {
		const r = await echo({ text: 'hi' }, { via });
		assert.is(r.stdout.trim().split('\n').length, 1, via);
		assert.ok(/^[\x20-\x7e]*\n$/.test(r.stdout), via);
		assert.is(r.result.echo, 'hi');
		assert.is(r.stderr, '', via);
	}
});

Protocol('U+2028, U+0085 and quotes survive the round trip and leave the output ASCII', async () => {
	const text = 'a\u2028b\u0085c "q" `t` ${x} </script> é';
	const r = await echo({ text });
	assert.is(r.result.echo, text);
	assert.ok(/^[\x20-\x7e]*\n$/.test(r.stdout));
});

Protocol('output past 64 KiB is whole', async () => {
	const r = await echo({ text: 'x'.repeat(1000), repeat: 300 });
	assert.ok(r.stdout.length > 300_000);
	assert.is(r.result.echo.length, 300_000);
});

Protocol('secret options are masked in invocation and anywhere in the output', async () => {
	const r = await echo({ text: 'say s3cr3t!', password: 's3cr3t!' });
	assert.is(r.result.invocation.module_args.password, 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER');
	assert.is(r.result.msg, 'password was ********');
	assert.is(r.result.echo, 'say ********');
	assert.not.ok(r.stdout.includes('s3cr3t!'));
	const f = await echo({ fail: true, password: 's3cr3t!' });
	assert.is(f.result.msg, 'failed on purpose; password was ********');
	assert.not.ok(f.stdout.includes('s3cr3t!'));
});

Protocol('check mode and diff are passed through; diff only when asked', async () => {
	const plain = await echo({});
	assert.equal([plain.result.changed, plain.result.check, 'diff' in plain.result], [true, false, false]);
	const checked = await echo({}, { check: true, diff: true });
	assert.equal([checked.result.changed, checked.result.check], [false, true]);
	assert.equal(checked.result.diff, { before: 'a\n', after: 'b\n' });
});

Protocol('a module failure is failed: true with its message and extra fields', async () => {
	const r = await echo({ fail: true });
	assert.equal([r.result.failed, r.result.msg, r.result.detail], [true, 'failed on purpose; password was ', 'extra']);
});

Protocol('an unexpected exception is a failure with its message; the stack only at verbosity 3', async () => {
	const quiet = await echo({ explode: true });
	assert.is(quiet.result.failed, true);
	assert.is(quiet.result.msg, 'Unexpected error: exploded on purpose with no password');
	assert.not.ok('exception' in quiet.result);
	const loud = await echo({ explode: true }, { verbosity: 3 });
	assert.match(loud.result.exception, /TypeError: exploded on purpose/);
});

Protocol('commands run in the C locale', async () => {
	const r = await echo({ run: 'echo "$LC_ALL $LANG"' });
	assert.is(r.result.stdout, 'C C\n');
});

Protocol('the build refuses a bundle that Ansible would run another way', async () => {
	const src = await mkdtemp(join(tmpdir(), 'xcat-ha-bad-'));
	const runtime = join(process.cwd(), 'modules/runtime');
	await mkdir(join(src, 'sneaky'));
	await writeFile(join(src, 'sneaky/options.ts'), `import { str } from '${runtime}';\nexport const options = { text: str() };\n`);
	await writeFile(
		join(src, 'sneaky/main.ts'),
		`import { defineModule } from '${runtime}';\nimport { options } from './options';\n` +
			`defineModule({ name: 'sneaky', options, async run() { return { changed: false, note: 'from ansible.module_utils.basic import x' }; } });\n`,
	);
	await writeFile(join(src, 'sneaky/sneaky.yml'), 'DOCUMENTATION: {module: sneaky}\n');
	const r = await execa('node', ['scripts/build.mjs', '--src', src, '--out', join(src, 'out')], { reject: false });
	assert.is(r.exitCode, 1);
	assert.match(String(r.stderr), /sneaky.js contains "from ansible.module_utils"/);
	await rm(src, { recursive: true, force: true });
});

Protocol.run();
