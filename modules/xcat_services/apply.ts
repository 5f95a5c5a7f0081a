// Runs the planned steps in order, with retries, a time budget per step and the health checks; stops at the
// first failed step and reports it with its output. Never called in check mode. One exception to the order:
// once xcatd answers, the regeneration commands that write a whole configuration (makedns -n, makedhcp -n,
// makeconservercf) start together, and each slot then waits for its own; the rest keeps its order.
import { ModuleError, showCommand, type CommandResult, type Ctx } from '../runtime';
import type { RunOptions } from '../runtime/exec';
import { xcatEnv } from '../xcat/env';
import { attempt, type Attempted, type Outcome } from './attempt';
import { resolveRegeneration, stepName, type Planned, type Regeneration } from './plan';
import { SITE_ARGV, siteEnv } from './probe';
import { unitArgv, type StepAction, type StepReport } from './report';
import { parseSite, type Site } from './site';
import { isRunning, isStopped } from './systemd';
import { roleOf, type Args } from './units';
import { CONSERVER_CONFIGS, conserverHasNoConsoles, NO_CONSOLES } from './consoles';

export interface Applied {
	steps: StepReport[];
	commands: string[][];
	/** the step that failed; the steps after it did not run */
	failed?: StepReport;
}

interface Budget {
	tries: number;
	ms: number;
}

/** `consoleConfigs`: where conserver's configuration is looked for (a test points it elsewhere) */
export async function apply(ctx: Ctx<Args>, planned: readonly Planned[], budget: Budget, consoleConfigs = CONSERVER_CONFIGS): Promise<Applied> {
	const steps: StepReport[] = [];
	const commands: string[][] = [];
	const t0 = Date.now();
	let site: Site | undefined;
	/** the configuration writes started when xcatd answered, by command name, until their slot takes them */
	const ahead = new Map<string, Promise<Attempted & { endedAt: number }>>();

	const change = async (argv: string[], opts: RunOptions): Promise<CommandResult> => {
		commands.push(argv);
		try {
			return await ctx.change(argv, opts);
		} catch (e) {
			if (!(e instanceof ModuleError)) throw e;
			return { argv, rc: Number(e.extra.rc ?? 1), stdout: String(e.extra.stdout ?? ''), stderr: String(e.extra.stderr ?? e.message) };
		}
	};
	const record = (step: string, action: StepAction, a: Attempted & { endedAt?: number }, extraOutput = ''): StepReport => {
		const report: StepReport = {
			step,
			action,
			result: a.ok ? (action === 'check' ? 'ok' : 'changed') : 'failed',
			ms: a.ms,
			done_ms: (a.endedAt ?? Date.now()) - t0,
			...(a.attempts > 1 ? { attempts: a.attempts } : {}),
		};
		if (!a.ok) report.output = `${a.output.trimEnd()}\n${extraOutput}`.trim();
		steps.push(report);
		return report;
	};

	// the database check before xcatd read the site table; without it nothing decides what to run
	const resolved = (p: Extract<Planned, { kind: 'regenerate' }>) =>
		resolveRegeneration(site ? p : { ...p, skip: p.skip ?? 'the site table was not read' }, site);
	const regenerate = async (r: Regeneration) => ({
		...(await attempt(budget.tries, budget.ms, async (left) => shown(await change(r.argv, { env: xcatEnv(), timeoutMs: left })))),
		endedAt: Date.now(),
	});
	// A run that stops early still waits for the writes it started, and reports them (before the failed
	// step, which stays the last): they ran.
	const stop = async (failed: StepReport): Promise<Applied> => {
		steps.pop();
		for (const [name, a] of ahead) record(name, 'regenerate', await a);
		ahead.clear();
		steps.push(failed);
		return { steps, commands, failed };
	};

	for (const [i, p] of planned.entries()) {
		if (p.kind === 'regenerate') {
			for (const r of resolved(p)) {
				if (r.warning) ctx.warn(r.warning);
				if (r.skip) {
					steps.push({ step: r.name, action: 'regenerate', result: 'skipped', ms: 0, reason: r.skip });
					continue;
				}
				const started = ahead.get(r.name);
				ahead.delete(r.name);
				const a = await (started ?? regenerate(r));
				const report = record(r.name, 'regenerate', a);
				if (!a.ok) return stop(report);
			}
			continue;
		}
		if (p.kind === 'check') {
			const a = await attempt(budget.tries, budget.ms, async (left) => {
				if (p.what === 'xcatd') return shown(await ctx.read(['lsxcatd', '-a'], { env: xcatEnv(), timeoutMs: left }));
				const r = await ctx.read(SITE_ARGV, { env: siteEnv(), timeoutMs: left });
				const s = r.rc === 0 ? parseSite(r.stdout) : { ok: false as const, why: `tabdump site failed (rc ${r.rc})` };
				if (s.ok) site = s.site;
				return { ok: s.ok, output: `${shown(r, 'XCATBYPASS=1 ').output}${s.ok ? '' : `${s.why}\n`}` };
			});
			const report = record(stepName(p), 'check', a);
			if (!a.ok) return stop(report);
			if (p.what === 'xcatd')
				for (const slot of planned.slice(i + 1))
					if (slot.kind === 'regenerate')
						for (const r of resolved(slot)) if (r.writes && !r.skip && !ahead.has(r.name)) ahead.set(r.name, regenerate(r));
			continue;
		}
		if (p.skip) {
			steps.push({ step: stepName(p), action: p.action, result: 'skipped', ms: 0, reason: p.skip });
			continue;
		}
		if (!p.needed) {
			steps.push({ step: stepName(p), action: p.action, result: 'ok', ms: 0 });
			continue;
		}
		// makeconservercf ran just before and may have written a configuration without consoles (no nodes yet)
		if (p.action === 'start' && roleOf(p.unit) === 'conserver' && (await conserverHasNoConsoles(consoleConfigs))) {
			steps.push({ step: stepName(p), action: p.action, result: 'skipped', ms: 0, reason: NO_CONSOLES });
			continue;
		}
		const a = await attempt(budget.tries, budget.ms, (left) => unitStep(ctx, change, p, left));
		const journal = a.ok || p.action === 'enable' || p.action === 'disable' ? '' : await journalOf(ctx, p.unit);
		const report = record(stepName(p), p.action, a, journal);
		if (!a.ok) return stop(report);
	}
	return { steps, commands };
}

type Change = (argv: string[], opts: RunOptions) => Promise<CommandResult>;

/** systemctl's exit status is not the whole truth: after a start or stop, the unit's state must say so. */
async function unitStep(ctx: Ctx<Args>, change: Change, p: Extract<Planned, { kind: 'unit' }>, leftMs: number): Promise<Outcome> {
	const r = await change(unitArgv(p), { timeoutMs: leftMs });
	const out = shown(r);
	if (!out.ok || p.action === 'enable' || p.action === 'disable') return out;
	const check = await ctx.read(['systemctl', 'is-active', '--', p.unit]);
	const state = check.stdout.trim();
	const reached = p.action === 'stop' ? isStopped(state) : isRunning(state);
	return reached ? out : { ok: false, output: `${out.output}systemctl ${p.action} returned 0 but ${p.unit} is ${state || 'in an unknown state'}\n` };
}

async function journalOf(ctx: Ctx<Args>, unit: string): Promise<string> {
	const argv = ['journalctl', '-u', unit, '-n', '20', '--no-pager'];
	const r = await ctx.read(argv, { timeoutMs: 10_000 });
	return `$ ${showCommand(argv)}\n${r.stdout}${r.stderr}`;
}

/** A command's result as a step outcome: its command line, then what it printed. */
function shown(r: CommandResult, envShown = ''): Outcome {
	return { ok: r.rc === 0, output: `$ ${envShown}${showCommand(r.argv)}${r.rc === 0 ? '' : ` (rc ${r.rc})`}\n${r.stderr}${r.stdout}` };
}
