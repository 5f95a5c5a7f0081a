import { defineModule, ModuleError, textDiff } from '../runtime';
import { apply, verify } from './apply';
import { checkArgs, toDesired } from './desired';
import { options, rules } from './options';
import { plan } from './plan';
import { probe } from './probe';

defineModule({
	name: 'xcat_object',
	options,
	rules,
	check: checkArgs,
	async run(ctx) {
		const d = toDesired(ctx.args);
		const echo = { type: d.type, name: d.name, state: d.state };
		const p = plan(await probe(ctx.read, d), d);
		if (p.kind === 'refuse') throw new ModuleError(p.msg, echo);
		for (const w of p.warnings) ctx.warn(w);
		const changed = p.steps.length > 0;
		if (changed && !ctx.check) {
			await apply(ctx, p.steps);
			await verify(ctx, d);
		}
		return {
			changed,
			...echo,
			objects: p.objects,
			commands: p.steps,
			diff: textDiff(`xCAT ${d.type} ${d.name}`, p.before, p.after),
		};
	},
});
