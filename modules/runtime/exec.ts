// Runs a command from an argv array (never a shell) in the C locale and reports what happened, as data.
// On node:child_process alone: execa did the same for us but was 116 KB of every 130-170 KB bundle,
// shipped over ssh and compiled by Node on every task (README, "Dependencies and bundle size").
// What execa did and this keeps: the environment is ours on top of the module's own; a timeout sends
// SIGTERM, then SIGKILL 5 s later if the command is still there; output is kept up to 100 MB a stream;
// a command that could not start (ENOENT: rc 127), timed out or was killed has its reason as its stderr
// when it printed none; commands still running when the module exits get SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { ModuleError } from './errors';

export interface CommandResult {
	argv: string[];
	rc: number;
	stdout: string;
	stderr: string /** a command started in the background: its process id */;
	pid?: number;
}
export interface RunOptions {
	input?: string;
	timeoutMs?: number;
	env?: Record<string, string>;
	/** the directory the command runs in (the module's own when unset) */
	cwd?: string;
	/** stops the command when aborted, as a timeout does (SIGTERM, then SIGKILL); its reason says why */
	signal?: AbortSignal;
	/**
	 * The command leads a process group of its own, and a stop (timeout, abort, the output limit, the
	 * module's exit) signals the whole group: what it started (a shell's children, copycds's cp) stops
	 * with it rather than running on, holding its output open, after the command was said stopped.
	 */
	group?: boolean;
}

/** After the timeout's SIGTERM, how long a command has to end before SIGKILL (execa's default). */
export const FORCE_KILL_MS = 5000;
/** Output kept from each of stdout and stderr; a command that prints more is stopped (execa's default). */
export const MAX_BUFFER = 100_000_000;

const running = new Map<ChildProcess, boolean>();
let cleanupHooked = false;
/** Children die with the module: none is left running a step nobody waits for. */
function track(child: ChildProcess, group: boolean): void {
	if (!cleanupHooked) {
		cleanupHooked = true;
		process.on('exit', () => {
			for (const [c, g] of running) signalCommand(c, g, 'SIGTERM');
		});
	}
	running.set(child, group);
	child.once('close', () => running.delete(child));
}

/** Sends SIG to the command, or to its whole process group; false when there was nothing left to signal. */
function signalCommand(child: ChildProcess, group: boolean, sig: NodeJS.Signals | 0): boolean {
	if (!group || child.pid === undefined) return sig === 0 ? child.exitCode === null && child.signalCode === null : child.kill(sig);
	try {
		process.kill(-child.pid, sig);
		return true;
	} catch {
		return false; // ESRCH: every process of the group has ended
	}
}

const C_LOCALE = { LC_ALL: 'C', LANG: 'C' };

export function runCommand(argv: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
	const [file, ...args] = argv;
	if (!file) return Promise.reject(new Error('runCommand needs a command'));
	return new Promise((resolve) => {
		const result = (rc: number, stdout: string, stderr: string, why?: string, detail?: string): void =>
			resolve({ argv: [...argv], rc, stdout, stderr: stderr || (why ? `${why}: ${showCommand(argv)}\n${detail ? `${detail}\n` : ''}` : '') });
		let child: ChildProcess;
		try {
			child = spawn(file, args, {
				env: { ...process.env, ...opts.env, ...C_LOCALE },
				detached: opts.group === true,
				...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
				stdio: [opts.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
			});
		} catch (err) {
			// refused before starting (e.g. a NUL byte in an argument)
			return result(1, '', '', `Command failed with ${(err as NodeJS.ErrnoException).code ?? 'an error'}`, (err as Error).message);
		}
		const group = opts.group === true;
		track(child, group);
		const outChunks: Buffer[] = [],
			errChunks: Buffer[] = [];
		const size = { stdout: 0, stderr: 0 };
		let why: string | undefined; // set when we stop the command
		let spawnError: NodeJS.ErrnoException | undefined;
		let forceTimer: NodeJS.Timeout | undefined;
		const stop = (reason: string) => {
			if (why !== undefined) return;
			why = reason;
			signalCommand(child, group, 'SIGTERM');
			forceTimer = setTimeout(() => {
				// a group outlives its leader while one of its processes runs
				if (!signalCommand(child, group, 0)) return;
				signalCommand(child, group, 'SIGKILL');
				why += ` and was forcefully terminated after ${FORCE_KILL_MS} milliseconds`;
			}, FORCE_KILL_MS);
		};
		const timer = opts.timeoutMs ? setTimeout(() => stop(`Command timed out after ${opts.timeoutMs} milliseconds`), opts.timeoutMs) : undefined;
		const abort = () => stop(`Command was stopped: ${String(opts.signal?.reason ?? 'aborted')}`);
		if (opts.signal?.aborted) abort();
		else opts.signal?.addEventListener('abort', abort, { once: true });
		const keep = (chunks: Buffer[], name: 'stdout' | 'stderr') => (b: Buffer) => {
			const room = MAX_BUFFER - size[name];
			if (room <= 0) return;
			chunks.push(b.length > room ? b.subarray(0, room) : b);
			size[name] += b.length;
			if (size[name] > MAX_BUFFER) stop(`Command's ${name} was larger than ${MAX_BUFFER} bytes`);
		};
		child.stdout!.on('data', keep(outChunks, 'stdout'));
		child.stderr!.on('data', keep(errChunks, 'stderr'));
		if (child.stdin) {
			child.stdin.on('error', () => {}); // EPIPE: the command exited without reading all of it; its rc says how it went
			child.stdin.end(opts.input);
		}
		let settled = false;
		const settle = (code: number | null, signal: NodeJS.Signals | null) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			opts.signal?.removeEventListener('abort', abort);
			clearTimeout(forceTimer);
			const stdout = Buffer.concat(outChunks).toString('utf8'),
				stderr = Buffer.concat(errChunks).toString('utf8');
			if (spawnError) return result(spawnError.code === 'ENOENT' ? 127 : 1, stdout, stderr, `Command failed with ${spawnError.code}`, spawnError.message);
			// a command we stopped failed, whatever it exits with (one that catches SIGTERM may exit 0)
			if (why !== undefined) return result(code || 1, stdout, stderr, why);
			if (code === null) return result(1, stdout, stderr, `Command was killed with ${signal}`);
			result(code, stdout, stderr);
		};
		child.on('error', (e: NodeJS.ErrnoException) => {
			if (child.pid !== undefined) return; // a failed kill(): the command runs on, 'close' reports it
			spawnError = e;
			settle(null, null); // not started: there is no output to wait for
		});
		child.on('close', settle);
	});
}

/** How a module runs a command that only reads the host (ctx.read, or runCommand itself). */
export type Read = (argv: readonly string[], opts?: RunOptions) => Promise<CommandResult>;

/** A command that failed, said once for every module: its command line, exit code, `why` and what it printed. */
export function commandFailed(r: CommandResult, why = ''): ModuleError {
	return new ModuleError(`${showCommand(r.argv)} failed (rc ${r.rc})${why}: ${(r.stderr || r.stdout).trim()}`, {
		rc: r.rc,
		stdout: r.stdout,
		stderr: r.stderr,
	});
}

/** Runs a reading command whose failure ends the module: its result when it exits 0, else commandFailed(). */
export async function readOk(read: Read, argv: readonly string[], opts?: RunOptions, why = ''): Promise<CommandResult> {
	const r = await read(argv, opts);
	if (r.rc !== 0) throw commandFailed({ ...r, argv: [...argv] }, why);
	return r;
}

/** One line that says what ran, for messages: arguments with spaces or quotes are quoted. */
export function showCommand(argv: readonly string[]): string {
	return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * Starts a command that goes on after the module exits (e.g. repeated gratuitous ARPs), watching it for
 * `graceMs` so that an immediate failure (bad interface, missing binary) is still reported.
 */
export async function startDetached(argv: readonly string[], graceMs = 200, output?: { stdout: number; stderr: number }): Promise<CommandResult> {
	const [file, ...args] = argv;
	if (!file) throw new Error('startDetached needs a command');
	let child: ChildProcess;
	try {
		// its own session, not tracked: it outlives the module on purpose. OUTPUT: open files it writes to
		// (a pipe to us would break when the module exits); then an early failure's message is in them.
		const stdio = output ? (['ignore', output.stdout, output.stderr] as const) : (['ignore', 'ignore', 'pipe'] as const);
		child = spawn(file, args, { detached: true, stdio: [...stdio], env: { ...process.env, ...C_LOCALE } });
	} catch (err) {
		return {
			argv: [...argv],
			rc: 127,
			stdout: '',
			stderr: `Command failed with ${(err as NodeJS.ErrnoException).code ?? 'an error'}: ${showCommand(argv)}`,
		};
	}
	const errChunks: Buffer[] = [];
	child.stderr?.on('data', (b: Buffer) => errChunks.push(b));
	const ended = new Promise<CommandResult>((resolve) => {
		const done = (rc: number, why = '') => resolve({ argv: [...argv], rc, stdout: '', stderr: Buffer.concat(errChunks).toString('utf8') || why });
		child.on('error', (e: NodeJS.ErrnoException) => {
			if (child.pid === undefined) done(127, `Command failed with ${e.code}: ${showCommand(argv)}`);
		});
		child.on('close', (code, signal) => done(code ?? 127, code === null ? `Command was killed with ${signal}: ${showCommand(argv)}` : ''));
	});
	let timer: NodeJS.Timeout | undefined;
	const early = await Promise.race([
		ended,
		new Promise<undefined>((r) => {
			timer = setTimeout(() => r(undefined), graceMs);
		}),
	]);
	clearTimeout(timer);
	if (early) return early;
	child.stderr?.destroy();
	child.unref();
	return { argv: [...argv], rc: 0, stdout: '', stderr: '', ...(child.pid !== undefined ? { pid: child.pid } : {}) };
}
