import { defineModule, ModuleError } from '../runtime';
import { checkDestinations, runSteps, type StepTime } from './apply';
import { commandsFor } from './commands';
import { diffSummary } from './diff';
import { checkArgs, options, rules } from './options';
import { plan } from './plan';
import { probe } from './probe';
import { startSqlProbe } from './sql';
import { countsResult, findingLine, refusal, toRequest } from './report';

defineModule({
	name: 'xcat_snmove',
	options,
	rules,
	check: checkArgs,
	async run(ctx) {
		const began = performance.now();
		const request = toRequest(ctx.args);
		const times: StepTime[] = [];
		const timed = async <T>(step: string, work: () => Promise<T> | T, commands = 0): Promise<T> => {
			const started = performance.now();
			const result = await work();
			times.push({ step, ms: Math.round(performance.now() - started), commands });
			return result;
		};
		const [probed, target] = await timed('probe', async () => {
			const sqlTarget = startSqlProbe(ctx.read, ctx.args.write_with);
			return [await probe(ctx.read, request, ctx.args.nodes), await sqlTarget()] as const;
		});
		const p = await timed('plan', () => plan({ request: probed.nodes ? { ...request, nodes: probed.nodes } : request, cluster: probed.cluster }));
		for (const warning of p.warnings) ctx.warn(findingLine(warning));
		const no_backup = p.errors.find((e) => e.kind === 'no-backup')?.nodes ?? [];
		if (!p.ok) throw new ModuleError(refusal(p, probed.unreachable), { errors: p.errors, no_backup, counts: countsResult(p.counts) });
		const steps = commandsFor(p.actions, probed.consoleService, target);
		const changed = p.moves.length > 0;
		if (changed)
			await timed('check_destinations', () => checkDestinations(ctx.read, p.destinations, probed.xcatdPort, probed.answeredSsh, probed.earlySsh));
		const moved = p.moves.map((m) => m.node);
		const counts = countsResult(p.counts);
		if (changed && !ctx.check) {
			try {
				times.push(...(await runSteps(ctx.change, ctx.read, steps, p.actions.writes, target)));
			} catch (error) {
				if (!(error instanceof ModuleError)) throw error;
				throw new ModuleError(error.message, {
					moved,
					counts,
					...error.extra,
					steps: [...times, ...((error.extra.steps as StepTime[] | undefined) ?? [])],
				});
			}
		}
		return {
			changed,
			moved,
			counts,
			no_backup,
			destinations: p.destinations,
			actions: p.actions,
			commands: steps.flatMap((s) => s.commands),
			steps: times,
			elapsed_ms: Math.round(performance.now() - began),
			...(ctx.diff ? { diff: diffSummary(p, 100, 10) } : {}),
		};
	},
});
