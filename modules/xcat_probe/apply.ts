// Starts and stops a prober; never called in check mode.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ModuleError } from '../runtime';
import { startDetached, showCommand } from '../runtime/exec';
import { writeFileAtomic } from '../runtime/files';
import { pathKindProblem } from '../runtime/paths';
import { cut } from '../runtime/show';
import { isOurProber, type Files, type RunState } from './probe';
import { proberSource, type ProberConfig } from './prober';

/** how long a prober has to end after it was asked to (it waits at most a second for its attempts) */
export const STOP_WAIT_MS = 2000;
/** how long a start waits for the prober's first probe to be written */
export const FIRST_PROBE_WAIT_MS = 3000;

export async function start(
	dir: string,
	files: Files,
	remove: string[],
	cfg: ProberConfig,
	state: Omit<RunState, 'pid' | 'started_ms'>,
): Promise<{ run: RunState; first: string }> {
	const problem = pathKindProblem('dir', dir, ['directory', 'absent']);
	if (problem) throw new ModuleError(problem);
	try {
		makeDirs(dir);
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		throw new ModuleError(`dir ${dir} cannot be made (${code}): give dir a directory this user may write`, { dir });
	}
	for (const f of remove) rmSync(f, { force: true });
	// 'ax': never through a file or link left there; the prober appends to what the module opened
	const out = openSync(files.samples, 'ax', 0o644);
	const err = openSync(files.log, 'ax', 0o644);
	const argv = [process.execPath, '-e', proberSource(), '--', JSON.stringify(cfg)];
	const started_ms = Date.now();
	let r;
	try {
		r = await startDetached(argv, 150, { stdout: out, stderr: err });
	} finally {
		closeSync(out);
		closeSync(err);
	}
	if (r.rc !== 0 || r.pid === undefined) {
		const log = readFileSync(files.log, 'utf8').trim();
		for (const f of [files.samples, files.log]) rmSync(f, { force: true });
		throw new ModuleError(
			`the prober did not start (rc ${r.rc}): ${cut(log || r.stderr.trim() || showCommand([process.execPath, '-e', '<prober>', '--', JSON.stringify(cfg)]), 2000)}`,
			{ rc: r.rc },
		);
	}
	const run: RunState = { pid: r.pid, ...state, started_ms };
	writeFileAtomic(files.state, `${JSON.stringify(run)}\n`, { mode: 0o644 });
	// "started" means probing: the first probe's line is there (Node takes 0.1-0.5 s to start on a busy host)
	const t0 = Date.now();
	while (Date.now() - t0 < FIRST_PROBE_WAIT_MS) {
		const text = readFileSync(files.samples, 'utf8');
		if (text.includes('\n')) return { run, first: text.slice(0, text.indexOf('\n') + 1) };
		if (!isOurProber(r.pid, files.stop)) {
			const log = readFileSync(files.log, 'utf8').trim();
			removeFiles([files.state, files.samples, files.log]);
			throw new ModuleError(`the prober (pid ${r.pid}) ended before its first probe: ${cut(log || 'it wrote nothing', 2000)}`, { pid: r.pid });
		}
		await new Promise((res) => setTimeout(res, 20));
	}
	return { run, first: '' };
}

/**
 * mkdir -p, one component at a time: Node's recursive mkdirSync spun forever at full CPU on
 * /proc/xcat-probe (Node 20), a module that never returns
 */
function makeDirs(dir: string): void {
	let path = '';
	for (const part of dir.split('/').filter(Boolean)) {
		path += `/${part}`;
		try {
			mkdirSync(path, { mode: 0o755 });
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
		}
	}
}

export interface Stopped {
	/** it had to be killed: it did not end within STOP_WAIT_MS */
	killed: boolean;
	waited_ms: number;
}

/** Asks the prober to stop (stop file, and SIGTERM to a pid checked to be ours) and waits for it. */
export async function stop(files: Files, state: RunState | null, signal: boolean): Promise<Stopped> {
	rmSync(files.stop, { force: true });
	writeFileSync(files.stop, '', { flag: 'wx', mode: 0o644 });
	const t0 = Date.now();
	if (!signal || !state) return { killed: false, waited_ms: 0 };
	const send = (sig: NodeJS.Signals) => {
		try {
			process.kill(state.pid, sig);
		} catch {
			/* already gone */
		}
	};
	send('SIGTERM');
	while (Date.now() - t0 < STOP_WAIT_MS) {
		if (!isOurProber(state.pid, files.stop)) return { killed: false, waited_ms: Date.now() - t0 };
		await new Promise((r) => setTimeout(r, 20));
	}
	if (isOurProber(state.pid, files.stop)) send('SIGKILL');
	return { killed: true, waited_ms: Date.now() - t0 };
}

export function removeFiles(paths: readonly string[]): void {
	for (const f of paths) rmSync(f, { force: true });
}
