import { existsSync, mkdirSync, statSync } from 'node:fs';
import { constants, hostname } from 'node:os';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { defineModule, ModuleError } from '../runtime';
import { runCommand, showCommand } from '../runtime/exec';
import { leftBehind, OWNERLESS_MS, readOwner, withDirLock } from '../runtime/lock';
import { pathKind, pathKindProblem } from '../runtime/paths';
import { ownerOnDownHost, outputTail, refusalMessage, wouldDo } from './decide';
import { checkArgs, options, type Args } from './options';
import { MARK, markOf, stillWorking, stopLeftovers } from './work';

const POLL_MS = 200;
const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/**
 * A stop signal while the lock is held stops the command (SIGTERM, SIGKILL 5 s later) and the run ends
 * as usual, releasing the lock; before the lock is taken or after it is released there is nothing to
 * release, and the module exits at once.
 */
const signals = { holding: false, got: undefined as string | undefined, stop: new AbortController() };
function onStopSignal(sig: (typeof SIGNALS)[number]): void {
	if (!signals.holding) process.exit(128 + constants.signals[sig]);
	signals.got ??= sig;
	signals.stop.abort(`the module got ${sig}`);
}

/** what every result says; `rc` only once the command ran (Ansible takes any rc but 0, null too, for a failure) */
interface Base {
	lock: string;
	holder: string;
	cmd: string[];
	waited_ms: number;
	took_over: string | null;
	ran: boolean;
	stdout: string;
	stderr: string;
}

defineModule({
	name: 'xcat_install_lock',
	options,
	check: (a) => checkArgs(a, hostname()),
	async run(ctx) {
		const a = ctx.args;
		const lock = a.path;
		const base: Base = {
			lock,
			holder: a.holder ?? hostname(),
			cmd: a.command,
			waited_ms: 0,
			took_over: null,
			ran: false,
			stdout: '',
			stderr: '',
		};
		for (const problem of [
			pathKindProblem('path', lock, ['directory', 'absent']),
			a.chdir !== undefined ? pathKindProblem('chdir', a.chdir, ['directory']) : undefined,
		])
			if (problem) throw new ModuleError(problem, { ...base });
		const parent = dirname(lock);
		if (!existsSync(parent) && !existsSync(dirname(parent)))
			throw new ModuleError(`path's directory ${parent} cannot be created: ${dirname(parent)} does not exist (is the shared /install mounted?)`, {
				...base,
			});
		const skipped = () =>
			a.creates !== undefined && pathKind(a.creates).kind !== 'absent' ? `${a.creates} exists: ${showCommand(a.command)} was not run` : null;
		const skip = skipped();
		if (skip) return { ...base, changed: false, msg: skip };
		const stopped = a.holder_down !== undefined ? ownerOnDownHost(a.holder_down) : undefined;
		const working = stillWorking(lock);

		if (ctx.check) {
			const held = existsSync(lock);
			const owner = held ? readOwner(lock) : undefined;
			const why = held ? leftBehind(lock, Date.now(), OWNERLESS_MS, stopped, working) : null;
			const state = { held, owner, ageS: held ? ageOf(lock) : 0, leftBehind: why, waitS: a.wait };
			return { ...base, changed: true, owner: owner ?? null, msg: wouldDo(lock, state, a.command) };
		}

		if (!existsSync(parent)) mkdirSync(parent, { mode: 0o755 });
		for (const sig of SIGNALS) process.on(sig, () => onStopSignal(sig));
		const started = performance.now();
		const waited = () => Math.round(performance.now() - started);
		return withDirLock(
			lock,
			base.holder,
			{
				waitMs: a.wait * 1000,
				pollMs: POLL_MS,
				...(stopped ? { stopped } : {}),
				working,
				busy: (l, owner, ageS) =>
					new ModuleError(
						refusalMessage({
							lock: l,
							owner,
							ageS,
							waitedS: a.wait > 0 ? waited() / 1000 : 0,
							command: a.command,
							holderDown: a.holder_down,
							thisHost: hostname(),
							working: owner ? working(owner) : null,
						}),
						{ ...base, owner: owner ?? null, age_s: ageS, waited_ms: waited() },
					),
			},
			async () => {
				signals.holding = true;
				try {
					const at = { ...base, waited_ms: waited() };
					// again under the lock: the run this one waited for may have made it
					const made = skipped();
					if (made) return { ...at, changed: false, msg: made };
					return await runUnderLock(a, at, (message) => ctx.warn(message));
				} finally {
					signals.holding = false;
				}
			},
			(why) => {
				base.took_over = why;
				ctx.warn(why);
			},
		);
	},
});

/** The command, run while this module holds the lock: bounded by the timeout and stopped by a stop signal. */
async function runUnderLock(a: Args, at: Base, warn: (message: string) => void) {
	const me = readOwner(at.lock);
	if (me?.pid !== process.pid)
		throw new ModuleError(`the lock ${at.lock} is not this run's any more (taken over by ${me?.name ?? 'another run'}); nothing was run`, { ...at });
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		signals.stop.abort(`it ran longer than timeout (${a.timeout} s)`);
	}, a.timeout * 1000);
	const cmd = showCommand(a.command);
	try {
		if (signals.got) throw new ModuleError(`the module got ${signals.got}: ${cmd} was not run, and the lock ${at.lock} is released`, { ...at });
		// the mark: whatever the command starts carries it, so a killed run's command is still seen working
		// its own process group: a timeout or a stop signal reaches what it started, not only itself
		const r = await runCommand(a.command, {
			signal: signals.stop.signal,
			env: { [MARK]: markOf(at.lock, me) },
			group: true,
			...(a.chdir !== undefined ? { cwd: a.chdir } : {}),
		});
		const out = { ...at, ran: true, rc: r.rc, stdout: outputTail(r.stdout), stderr: outputTail(r.stderr), commands: [a.command] };
		// what it left running may still write to /install: stopped before the lock is released, and
		// while any of it survives SIGKILL the lock is kept (withDirLock asks `working` before it releases)
		const leftovers = await stopLeftovers(markOf(at.lock, me));
		const pids = (p: number[]) => `pid ${p.slice(0, 5).join(', ')}${p.length > 5 ? ', …' : ''}`;
		if (leftovers.left.length)
			throw new ModuleError(
				`${cmd} ended (rc ${r.rc}) but ${leftovers.left.length} process(es) it started still run after SIGKILL (${pids(leftovers.left)}): the lock ${at.lock} is kept, and the next run takes it over once they end`,
				{ ...out, changed: true, leftovers: leftovers.stopped },
			);
		if (leftovers.stopped.length)
			warn(`${cmd} left ${leftovers.stopped.length} process(es) running (${pids(leftovers.stopped)}): they were stopped before the lock was released`);
		if (timedOut)
			throw new ModuleError(`${cmd} ran longer than timeout (${a.timeout} s): it was stopped, and the lock ${at.lock} is released`, {
				...out,
				changed: true,
			});
		if (signals.got)
			throw new ModuleError(`the module got ${signals.got} while ${cmd} ran: the command was stopped, and the lock ${at.lock} is released`, {
				...out,
				changed: true,
			});
		if (r.rc !== 0) {
			const said = (r.stderr.trim() || r.stdout.trim()).slice(-500);
			throw new ModuleError(`${cmd} failed (rc ${r.rc})${said ? `: ${said}` : ''}; the lock ${at.lock} is released`, { ...out, changed: true });
		}
		return { ...out, changed: true, msg: `${cmd} ran under the lock ${at.lock}` };
	} finally {
		clearTimeout(timer);
	}
}

/** the age of the lock directory, in seconds (0 when it went away meanwhile) */
function ageOf(lock: string): number {
	try {
		return Math.round((Date.now() - statSync(lock).mtimeMs) / 1000);
	} catch {
		return 0;
	}
}
