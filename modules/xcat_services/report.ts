// What each step did, as the module returns it (the failover report reads these), and the check-mode preview (pure).
import { resolveRegeneration, stepName, type Planned } from './plan';
import type { Site } from './site';
import { isRunning, type UnitState } from './systemd';

export type StepAction = 'start' | 'restart' | 'stop' | 'enable' | 'disable' | 'check' | 'regenerate';
export type StepResult = 'ok' | 'changed' | 'failed' | 'skipped';

export interface StepReport {
	step: string;
	action: StepAction;
	result: StepResult;
	ms: number;
	/**
	 * when the step ended, in ms from the start of the run (steps that ran side by side overlap, so the
	 * sum of `ms` is not the time a run took)
	 */
	done_ms?: number;
	/** attempts made, when more than one */
	attempts?: number;
	/** why a step was skipped, or the condition a check-mode step depends on */
	reason?: string;
	/** the commands' output and the unit's journal, when the step failed */
	output?: string;
}

export interface Preview {
	steps: StepReport[];
	commands: string[][];
	warnings: string[];
}

/** Check mode: what a run would do, without running anything (health checks included: they need the services up). */
export function preview(planned: readonly Planned[], site: Site | undefined): Preview {
	const steps: StepReport[] = [],
		commands: string[][] = [],
		warnings: string[] = [];
	for (const p of planned) {
		if (p.kind === 'regenerate') {
			for (const r of resolveRegeneration(p, site)) {
				const reason = r.skip ?? r.note;
				steps.push({ step: r.name, action: 'regenerate', result: r.skip ? 'skipped' : 'changed', ms: 0, ...(reason ? { reason } : {}) });
				if (!r.skip) commands.push(r.argv);
				if (r.warning) warnings.push(r.warning);
			}
		} else if (p.kind === 'check') {
			steps.push({ step: stepName(p), action: 'check', result: 'skipped', ms: 0, reason: 'check mode: health checks run only when the services run' });
		} else if (p.skip) {
			steps.push({ step: stepName(p), action: p.action, result: 'skipped', ms: 0, reason: p.skip });
		} else {
			steps.push({ step: stepName(p), action: p.action, result: p.needed ? 'changed' : 'ok', ms: 0 });
			if (p.needed) commands.push(unitArgv(p));
		}
	}
	return { steps, commands, warnings };
}

export function unitArgv(p: Extract<Planned, { kind: 'unit' }>): string[] {
	return ['systemctl', p.action, ...(p.runtime ? ['--runtime'] : []), '--', p.unit];
}

/** The units a run started or stopped: the steps that changed them. */
export function unitsChanged(steps: readonly StepReport[], action: 'start' | 'restart' | 'stop'): string[] {
	return steps.filter((s) => s.action === action && s.result === 'changed').map((s) => s.step.slice(action.length + 1));
}

/**
 * The units a run started: those whose start (or restart) step changed them, and those that were not running before the run and
 * are after it. A configuration write can start a unit whose own step never came (makeconservercf restarts conserver,
 * and it runs ahead of the steps before conserver's), and a rollback must stop it too. In the order of `before`.
 */
export function unitsStarted(steps: readonly StepReport[], before: readonly UnitState[], after: readonly UnitState[] | undefined): string[] {
	const byStep = new Set([...unitsChanged(steps, 'start'), ...unitsChanged(steps, 'restart')]);
	const runs = new Map((after ?? []).map((u) => [u.unit, isRunning(u.active)]));
	return before.filter((u) => byStep.has(u.unit) || (!isRunning(u.active) && runs.get(u.unit) === true)).map((u) => u.unit);
}
