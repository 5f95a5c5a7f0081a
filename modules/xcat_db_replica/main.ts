import { defineModule, ModuleError, textDiff } from '../runtime';
import { pathKindProblem } from '../runtime/paths';
import { applyPrimary, applyPromote, applyRebase, applyStart, type Runner } from './apply';
import { checkArgs, options, rules, toDesired } from './options';
import { plan } from './plan';
import { probe } from './probe';
import { replicationFacts, roleText, wantedText } from './report';

defineModule({
	name: 'xcat_db_replica',
	options,
	rules,
	check: checkArgs,
	async run(ctx) {
		const d = toDesired(ctx.args);
		const kinds = (
			[
				['pg_data', d.pgData],
				['pg_conf', d.pgConf],
			] as const
		).flatMap(([option, value]) => pathKindProblem(option, value, ['directory', 'absent']) ?? []);
		if (kinds.length) throw new ModuleError(kinds.join('. '), { state: d.state, changed: false });
		const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
		const current = await probe(ctx.read, d);
		const p = plan(current, d, { stamp });
		if (p.kind === 'refuse') throw new ModuleError(p.msg, { state: d.state, changed: false, replication: replicationFacts(current) });
		p.warnings.forEach((w) => ctx.warn(w));
		const changed = p.kind !== 'none';
		const diff = [
			...(changed ? [textDiff(`replication of ${d.pgData}`, roleText(current), wantedText(d, p.kind, current))] : []),
			...(p.kind === 'primary' && p.hba ? [textDiff(p.hba.path, p.hba.before, p.hba.after)] : []),
		];
		const result = { changed, state: d.state, msg: p.msg, changes: p.changes, diff, replication: replicationFacts(current) };
		if (!changed || ctx.check) return { ...result, commands: [] as string[][] };
		const r: Runner = { ctx, log: [] };
		let extra: Record<string, unknown> = {};
		if (p.kind === 'primary') extra = { files: await applyPrimary(r, p, d) };
		else if (p.kind === 'promote') await applyPromote(r, p, d);
		else if (p.kind === 'start') await applyStart(r, d);
		else {
			const done = await applyRebase(r, p, d, stamp);
			extra = done.aside ? { set_aside: done.aside } : {};
		}
		// the facts after the change, read the same way
		const after = await probe(ctx.read, d);
		return { ...result, ...extra, commands: r.log, replication: replicationFacts(after) };
	},
});
