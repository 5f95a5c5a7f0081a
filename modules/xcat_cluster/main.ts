import { defineModule, ModuleError, textDiff } from '../runtime';
import { apply, commandsFor, verify } from './apply';
import { checkArgs, toDesired } from './desired';
import { options } from './options';
import { plan } from './plan';
import { probe, requireQuorumDevice } from './probe';

defineModule({
	name: 'xcat_cluster',
	options,
	check: checkArgs,
	async run(ctx) {
		const d = toDesired(ctx.args);
		const target = ctx.args.cib_file ?? 'live';
		if (ctx.args.quorum_device) await requireQuorumDevice(ctx.read, ctx.args.quorum_device);
		const p = plan(await probe(ctx.read, ctx.args.cib_file), d);
		if (p.kind === 'refuse') throw new ModuleError(p.msg, { cib: target });
		const changed = p.steps.length > 0;
		if (changed && !ctx.check) {
			await apply(ctx, p.steps);
			await verify(ctx, d);
		}
		return {
			changed,
			cib: target,
			changes: p.changes,
			commands: commandsFor(ctx.args.cib_file, p.steps),
			diff: textDiff(ctx.args.cib_file ? `CIB ${ctx.args.cib_file}` : 'CIB', p.before, p.after),
		};
	},
});
