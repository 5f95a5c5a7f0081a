import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORCE_KILL_MS, runCommand, startDetached } from '../../modules/runtime/exec';

const R = suite('runtime: runCommand');

R('argv, never a shell: rc, stdout and stderr as printed, final newlines kept', async () => {
	const r = await runCommand(['sh', '-c', 'printf "out\\n\\n"; echo "é err" >&2; exit 3', '$HOME;ls']);
	assert.equal(r, { argv: ['sh', '-c', 'printf "out\\n\\n"; echo "é err" >&2; exit 3', '$HOME;ls'], rc: 3, stdout: 'out\n\n', stderr: 'é err\n' });
	assert.is((await runCommand(['echo', '$HOME;ls', '`id`'])).stdout, '$HOME;ls `id`\n');
});

R("the environment: the C locale over ours over the module's own", async () => {
	const r = await runCommand(['sh', '-c', 'echo "$FOO|$LC_ALL|$LANG|${HOME:+home}"'], { env: { FOO: 'bar', LC_ALL: 'en_US.UTF-8' } });
	assert.is(r.stdout, 'bar|C|C|home\n');
});

R('input goes to stdin; without input stdin is empty; input a command does not read is no error', async () => {
	assert.is((await runCommand(['cat'], { input: 'secret\n' })).stdout, 'secret\n');
	assert.is((await runCommand(['sh', '-c', 'cat; echo done'])).stdout, 'done\n');
	assert.is((await runCommand(['true'], { input: 'x'.repeat(1 << 20) })).rc, 0);
});

R('a command that cannot start is data: rc 127 when missing, 1 when not executable, the reason as stderr', async () => {
	assert.equal(await runCommand(['no-such-command-xcat-ha']), {
		argv: ['no-such-command-xcat-ha'],
		rc: 127,
		stdout: '',
		stderr: 'Command failed with ENOENT: no-such-command-xcat-ha\nspawn no-such-command-xcat-ha ENOENT\n',
	});
	const dir = await mkdtemp(join(tmpdir(), 'xcat-ha-exec-'));
	try {
		await writeFile(join(dir, 'script'), 'echo hi\n', { mode: 0o644 });
		const r = await runCommand([join(dir, 'script')]);
		assert.is(r.rc, 1);
		assert.match(r.stderr, /^Command failed with EACCES: \S+script\n/);
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
	const nul = await runCommand(['echo', 'a\0b']);
	assert.is(nul.rc, 1);
	assert.match(nul.stderr, /^Command failed with ERR_INVALID_ARG_VALUE: /);
	await runCommand([]).then(
		() => assert.unreachable('an empty argv is a bug'),
		(e: Error) => assert.match(e.message, /needs a command/),
	);
});

R('a command killed by a signal fails (rc 1) and says so when it printed nothing', async () => {
	assert.equal(await runCommand(['sh', '-c', 'kill -9 $$']), {
		argv: ['sh', '-c', 'kill -9 $$'],
		rc: 1,
		stdout: '',
		stderr: "Command was killed with SIGKILL: sh -c 'kill -9 $$'\n",
	});
});

R('a timeout stops the command with SIGTERM: it fails, what it printed is kept, even when it exits 0 on the signal', async () => {
	const t = Date.now();
	const r = await runCommand(['sleep', '10'], { timeoutMs: 200 });
	assert.ok(Date.now() - t < 2000, `${Date.now() - t} ms`);
	assert.equal(r, { argv: ['sleep', '10'], rc: 1, stdout: '', stderr: 'Command timed out after 200 milliseconds: sleep 10\n' });
	const printed = await runCommand(['sh', '-c', 'echo started; echo waiting >&2; exec sleep 10'], { timeoutMs: 200 });
	assert.equal([printed.rc, printed.stdout, printed.stderr], [1, 'started\n', 'waiting\n']);
	const caught = await runCommand(['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 0.05; done'], { timeoutMs: 200 });
	assert.is(caught.rc, 1);
	assert.match(caught.stderr, /^Command timed out after 200 milliseconds/);
});

R('an abort signal stops the command like a timeout, saying why; one aborted before the start stops it at once', async () => {
	const stop = new AbortController();
	setTimeout(() => stop.abort('the module got SIGTERM'), 200);
	const t = Date.now();
	const r = await runCommand(['sleep', '10'], { signal: stop.signal });
	assert.ok(Date.now() - t < 2000, `${Date.now() - t} ms`);
	assert.equal([r.rc, r.stderr], [1, 'Command was stopped: the module got SIGTERM: sleep 10\n']);
	const early = await runCommand(['sleep', '10'], { signal: stop.signal });
	assert.equal([early.rc, early.stderr], [1, 'Command was stopped: the module got SIGTERM: sleep 10\n']);
});

/** a process's state letter, 'gone' when it ended (a zombie its new parent has not reaped yet is 'Z') */
const stateOf = (pid: number) =>
	readFile(`/proc/${pid}/stat`, 'utf8').then(
		(t) => t.replace(/^.*\) /, '')[0] ?? '?',
		() => 'gone',
	);
const ended = async (pid: number) => ['gone', 'Z'].includes(await stateOf(pid));

R('group: a stop reaches what the command started, which would otherwise hold its output open and run on', async () => {
	// the shell starts a sleep that keeps the shell's stdout and ignores nothing; the shell waits for it
	const program = ['sh', '-c', 'sleep 2 & echo $!; wait'];
	let t = Date.now();
	const r = await runCommand(program, { timeoutMs: 300, group: true });
	assert.ok(Date.now() - t < 1500, `the group stopped after ${Date.now() - t} ms`);
	assert.is(r.rc, 1);
	assert.match(r.stderr, /^Command timed out after 300 milliseconds/);
	const child = Number(r.stdout.trim());
	assert.ok(child > 0 && (await ended(child)), `the shell's sleep ${child} is ${await stateOf(child)}`);
	// the same shell alone: the timeout's SIGTERM reaches the shell only; its sleep runs on, and holds the
	// output open until it ends (what group: true is for)
	t = Date.now();
	const alone = await runCommand(program, { timeoutMs: 300 });
	assert.ok(Date.now() - t >= 1500, `without group the sleep ran on: ${Date.now() - t} ms`);
	assert.is(alone.rc, 1);
	// a member that ignores SIGTERM gets SIGKILL with the group, even after its leader ended
	t = Date.now();
	const stubborn = await runCommand(['sh', '-c', '(trap "" TERM; sleep 30) & echo $!; wait'], { timeoutMs: 100, group: true });
	assert.ok(Date.now() - t >= FORCE_KILL_MS && Date.now() - t < FORCE_KILL_MS + 3000, `${Date.now() - t} ms`);
	assert.match(stubborn.stderr, /and was forcefully terminated after 5000 milliseconds/);
	assert.ok(await ended(Number(stubborn.stdout.trim())));
});

R('cwd: the directory the command runs in', async () => {
	assert.is((await runCommand(['pwd'], { cwd: '/tmp' })).stdout, '/tmp\n');
});

R(`a command that ignores SIGTERM gets SIGKILL ${FORCE_KILL_MS} ms after the timeout`, async () => {
	const t = Date.now();
	const r = await runCommand(['sh', '-c', 'trap "" TERM; exec sleep 30'], { timeoutMs: 100 });
	const ms = Date.now() - t;
	assert.ok(ms >= FORCE_KILL_MS && ms < FORCE_KILL_MS + 3000, `${ms} ms`);
	assert.is(r.rc, 1);
	assert.match(r.stderr, /^Command timed out after 100 milliseconds and was forcefully terminated after 5000 milliseconds: /);
});

R('large output is kept whole', async () => {
	const r = await runCommand(['head', '-c', String(20 << 20), '/dev/zero']);
	assert.is(r.stdout.length, 20 << 20);
});

R('a command still running when the module exits gets SIGTERM', async () => {
	// a module that starts `sleep 30` and exits at once, printing the sleep's pid
	const program = `import('./modules/runtime/exec.ts').then(({ runCommand }) => { runCommand(['sleep', '30']);
		setTimeout(() => { console.log(require('node:child_process').execFileSync('pgrep', ['-P', String(process.pid), 'sleep']).toString().trim()); process.exit(0); }, 300); });`;
	const module = await runCommand([process.execPath, '--import', 'tsx', '-e', program]);
	const pid = Number(module.stdout.trim());
	assert.ok(pid > 0, module.stdout + module.stderr);
	await new Promise((r) => setTimeout(r, 200));
	// gone, or a zombie its new parent (pid 1 here) has not reaped yet
	const state = await readFile(`/proc/${pid}/stat`, 'utf8').then(
		(t) => t.replace(/^.*\) /, '')[0] ?? '?',
		() => 'gone',
	);
	assert.ok(state === 'gone' || state === 'Z', `the sleep is ${state}`);
});

const D = suite('runtime: startDetached');

D('a command that runs on: rc 0 and its pid, and it outlives the wait', async () => {
	const r = await startDetached(['sleep', '5'], 100);
	assert.is(r.rc, 0);
	assert.ok(r.pid! > 0);
	process.kill(r.pid!, 0); // still there
	process.kill(r.pid!, 'SIGTERM');
});

D('a command that fails at once is reported: its rc and stderr, or 127 when missing', async () => {
	assert.equal(await startDetached(['sh', '-c', 'echo bad >&2; exit 2'], 2000), {
		argv: ['sh', '-c', 'echo bad >&2; exit 2'],
		rc: 2,
		stdout: '',
		stderr: 'bad\n',
	});
	const missing = await startDetached(['no-such-command-xcat-ha'], 2000);
	assert.equal([missing.rc, missing.pid], [127, undefined]);
});

R.run();
D.run();
