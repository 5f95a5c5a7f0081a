import { defineModule, ModuleError, textDiff } from '../runtime';
import { apply } from './apply';
import { options } from './options';
import { describe, plan, predict } from './plan';
import { probeSite, probeUnits } from './probe';
import { preview, unitsChanged, unitsStarted } from './report';
import { checkArgs, roleOf } from './units';
import { conserverHasNoConsoles, NO_CONSOLES } from './consoles';
import type { UnitState } from './systemd';

/** conserver with no console defined would exit at once: it is left stopped, and says why */
async function markIdle(units: UnitState[]): Promise<UnitState[]> {
	if (!units.some((u) => roleOf(u.unit) === 'conserver') || !(await conserverHasNoConsoles())) return units;
	return units.map((u) => (roleOf(u.unit) === 'conserver' ? { ...u, idle: NO_CONSOLES } : u));
}

defineModule({
	name: 'xcat_services',
	options,
	check: checkArgs,
	async run(ctx) {
		const { state, services, enabled, regenerate, restart } = ctx.args;
		const units = await markIdle(await probeUnits(ctx.read, services));
		const p = plan(units, { state, services, enabled, regenerate, restart });
		if (p.kind === 'refuse') throw new ModuleError(p.msg, { state, services });
		for (const w of p.warnings) ctx.warn(w);
		const echo = { state, services, enabled };

		if (ctx.check) {
			const wouldRegenerate = p.steps.some((s) => s.kind === 'regenerate' && !s.skip);
			const dbUnit = units.find((u) => roleOf(u.unit) === 'database');
			const site = wouldRegenerate && (!dbUnit || dbUnit.active === 'active') ? await probeSite(ctx.read) : undefined;
			const v = preview(p.steps, site);
			for (const w of v.warnings) ctx.warn(w);
			return {
				changed: v.commands.length > 0,
				...echo,
				steps: v.steps,
				commands: v.commands,
				started: [...unitsChanged(v.steps, 'start'), ...unitsChanged(v.steps, 'restart')],
				stopped: unitsChanged(v.steps, 'stop'),
				diff: textDiff('services', p.before, p.after),
			};
		}

		const done = await apply(ctx, p.steps, { tries: ctx.args.retries, ms: ctx.args.timeout * 1000 });
		const afterUnits = await probeUnits(ctx.read, services).catch(() => undefined);
		const after = describe(afterUnits ?? predict(units, p.steps));
		const result = {
			changed: done.steps.some((s) => s.result === 'changed'),
			...echo,
			steps: done.steps,
			commands: done.commands,
			started: unitsStarted(done.steps, units, afterUnits),
			stopped: unitsChanged(done.steps, 'stop'),
			diff: textDiff('services', p.before, after),
		};
		if (done.failed) {
			const f = done.failed;
			const so =
				state === 'started' ? `started so far: ${result.started.join(', ') || 'none'}` : `stopped so far: ${result.stopped.join(', ') || 'none'}`;
			const tries = f.attempts ? ` after ${f.attempts} attempts` : '';
			throw new ModuleError(`step "${f.step}" failed${tries} (${so}):\n${f.output ?? ''}`, result);
		}
		return result;
	},
});
