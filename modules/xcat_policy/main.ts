import { defineModule, ModuleError, textDiff, type ArgsOf } from '../runtime';
import { options } from './options';
import { plan, type Desired } from './plan';
import { probe } from './probe';

const MAX_NAME = 255;

defineModule({
	name: 'xcat_policy',
	options,
	check: (a: ArgsOf<typeof options>) =>
		a.names
			.filter((n) => n.length > MAX_NAME)
			.map((n) => `value of names must be at most ${MAX_NAME} characters, got ${n.length}: ${JSON.stringify(n.slice(0, 40))}…`),
	async run(ctx) {
		const d: Desired = { names: ctx.args.names, rule: ctx.args.rule, state: ctx.args.state };
		const p = plan(await probe(ctx.read), d);
		if (p.kind === 'refuse') throw new ModuleError(p.msg);
		for (const w of p.warnings) ctx.warn(w);
		const changed = p.steps.length > 0;
		if (changed && !ctx.check) {
			for (const argv of p.steps) await ctx.change(argv);
			const again = plan(await probe(ctx.read), d);
			if (again.kind === 'refuse' || again.steps.length) {
				throw new ModuleError(
					`the policy commands ran, but tabdump policy does not show the rows asked for; it shows:\n${again.kind === 'act' ? again.before : ''}`,
					{ rows: p.rows },
				);
			}
		}
		return { changed, state: d.state, rule: d.rule, rows: p.rows, commands: p.steps, diff: textDiff('xCAT policy', p.before, p.after) };
	},
});
