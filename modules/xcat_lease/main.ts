import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { defineModule, ModuleError, textDiff } from '../runtime';
import { describeLease, type Lease } from './lease';
import { plan, type Plan, type Want } from './plan';
import { options } from './options';
import { readLease, withLock, writeLease } from './store';

defineModule({
	name: 'xcat_lease',
	options,
	check: (a) => (a.takeover_from !== undefined && a.takeover_from === a.holder ? [`takeover_from (${a.takeover_from}) names the holder itself; it names the MN whose lease is taken over`] : []),
	async run(ctx) {
		const { path, holder, state } = ctx.args;
		const want: Want = { holder, state, takeoverFrom: ctx.args.takeover_from };
		const dir = dirname(path);
		if (!existsSync(dirname(dir))) throw new ModuleError(`the lease's directory ${dir} cannot be created: ${dirname(dir)} does not exist (is the shared storage mounted?)`, { path });

		const decide = (): { current: Lease | null; p: Plan } => {
			const current = readLease(path);
			const p = plan(current, want, new Date());
			if (p.kind === 'refuse') throw new ModuleError(p.msg, { path, lease: current });
			return { current, p };
		};
		let { current, p } = decide();
		if (!ctx.check && p.kind === 'write') {
			if (!existsSync(dir)) mkdirSync(dir, { mode: 0o755 });
			// decided again under the lock: another MN may have written in between
			({ current, p } = await withLock(path, holder, () => {
				const d = decide();
				if (d.p.kind === 'write') writeLease(path, d.p.lease);
				return d;
			}));
		}
		const after = p.kind === 'write' ? p.lease : current;
		return {
			changed: p.kind === 'write',
			path,
			lease: after,
			previous: current,
			diff: textDiff(`lease ${path}`, describeLease(current), describeLease(after)),
		};
	},
});
