// Runs a command from an argv array (never a shell) in the C locale and reports what happened.
import { execa } from 'execa';
import { ModuleError } from './errors';

export interface CommandResult { argv: string[]; rc: number; stdout: string; stderr: string; /** a command started in the background: its process id */ pid?: number }
export interface RunOptions { input?: string; timeoutMs?: number; env?: Record<string, string> }

export async function runCommand(argv: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
	const [file, ...args] = argv;
	if (!file) throw new Error('runCommand needs a command');
	const r = await execa(file, args, {
		reject: false,
		stripFinalNewline: false,
		env: { ...opts.env, LC_ALL: 'C', LANG: 'C' },
		...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' as const }),
		...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
	});
	const rc = r.exitCode ?? (r.code === 'ENOENT' ? 127 : 1);
	const stderr = r.exitCode === undefined && !r.stderr ? `${r.shortMessage}\n` : String(r.stderr ?? '');
	return { argv: [...argv], rc, stdout: String(r.stdout ?? ''), stderr };
}

/** How a module runs a command that only reads the host (ctx.read, or runCommand itself). */
export type Read = (argv: readonly string[], opts?: RunOptions) => Promise<CommandResult>;

/** A command that failed, said once for every module: its command line, exit code, `why` and what it printed. */
export function commandFailed(r: CommandResult, why = ''): ModuleError {
	return new ModuleError(`${showCommand(r.argv)} failed (rc ${r.rc})${why}: ${(r.stderr || r.stdout).trim()}`, { rc: r.rc, stdout: r.stdout, stderr: r.stderr });
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
export async function startDetached(argv: readonly string[], graceMs = 200): Promise<CommandResult> {
	const [file, ...args] = argv;
	if (!file) throw new Error('startDetached needs a command');
	const child = execa(file, args, { reject: false, detached: true, cleanup: false, stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', env: { LC_ALL: 'C', LANG: 'C' } });
	const early = await Promise.race([child, new Promise<undefined>((r) => setTimeout(() => r(undefined), graceMs))]);
	if (early) return { argv: [...argv], rc: early.exitCode ?? 127, stdout: '', stderr: String(early.stderr ?? early.shortMessage ?? '') };
	child.stderr?.destroy();
	child.unref();
	return { argv: [...argv], rc: 0, stdout: '', stderr: '', ...(child.pid !== undefined ? { pid: child.pid } : {}) };
}
