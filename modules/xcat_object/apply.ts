// Runs the plan's commands, then proves with lsdef that xCAT now shows what was asked; never called in check mode.
import { ModuleError, type Ctx } from '../runtime';
import type { Args, Desired } from './desired';
import { plan } from './plan';
import { probe } from './probe';

export async function apply(ctx: Ctx<Args>, steps: readonly string[][]): Promise<void> {
	for (const argv of steps) await ctx.change(argv);
}

/** A value a node inherits from a group (or xcatdefaults' postscripts) is what lsdef shows, whatever chdef set. */
export async function verify(ctx: Ctx<Args>, d: Desired): Promise<void> {
	const again = plan(await probe(ctx.read, d), d);
	if (again.kind === 'refuse' || again.steps.length === 0) return;
	const left = Object.entries(again.objects).flatMap(([name, attrs]) => {
		const entries = Object.entries(attrs);
		return entries.length
			? entries.map(([a, c]) => `${name}: ${a}=${c.before} (wanted ${JSON.stringify(c.after)})`)
			: [`${name} still ${d.state === 'absent' ? 'exists' : 'does not exist'}`];
	});
	const hint =
		d.type === 'node'
			? "; a node shows the value of its groups when its own is empty, and xcatdefaults' postscripts ahead of its own: change the group (type group) instead"
			: '';
	throw new ModuleError(
		`the commands ran, but lsdef still shows ${left.slice(0, 10).join('; ')}${left.length > 10 ? `; … (${left.length} in all)` : ''}${hint}`,
		{ still_differs: again.objects },
	);
}
