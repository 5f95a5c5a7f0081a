import { defineModule, ModuleError } from '../runtime';
import { writeDatabase } from '../xcat_snmove/apply';
import { diffSummary } from '../xcat_snmove/diff';
import { psqlArgv, startSqlProbe } from '../xcat_snmove/sql';
import { findingLine } from '../xcat_snmove/report';
import { balanceCommands, planBalance } from './balance';
import { checkArgs, options, toRequest } from './options';
import { probe } from './probe';
import { balanceResult, refusal } from './report';

defineModule({
	name: 'xcat_pool',
	options,
	check: checkArgs,
	async run(ctx) {
		const { members, state } = ctx.args;
		const sqlTarget = startSqlProbe(ctx.read, ctx.args.write_with);
		const probed = await probe(ctx.read, members, ctx.args.noderange);
		const target = await sqlTarget();
		const plan = planBalance({ request: toRequest(ctx.args, probed.nodes), nodes: probed.states, groupXcatmaster: probed.groupXcatmaster });
		for (const warning of plan.warnings) ctx.warn(findingLine(warning));
		if (!plan.ok) throw new ModuleError(refusal(plan), { members, state, errors: plan.errors });
		const commands = target && plan.writes.length ? [psqlArgv(target)] : balanceCommands(plan);
		const result = balanceResult(plan);
		// the rows only (DB-only): snmove's database step, its bulk chdef calls (or one psql transaction) read back and checked
		if (result.changed && !ctx.check) await writeDatabase(ctx.change, ctx.read, commands, plan.writes, target);
		return {
			...result,
			members,
			state,
			commands,
			...(ctx.diff ? { diff: diffSummary(plan, 100, 10) } : {}),
		};
	},
});
