import { defineModule, ModuleError, textDiff } from '../runtime';
import { applyDir } from './apply';
import { checkArgs, toDesired } from './args';
import { clearStaleLock, withLock } from './lock';
import { options } from './options';
import { argvOf, plan, writesShared, type DirPlan } from './plan';
import { onPath, probe } from './probe';

defineModule({
	name: 'xcat_shared_data',
	options,
	check: checkArgs,
	async run(ctx) {
		const d = toDesired(ctx.args);
		const decide = () => {
			const p = plan(probe(d), d, new Date());
			if (p.kind === 'refuse') throw new ModuleError(p.msg, { path: d.root, state: d.state, ...(p.inUse.length ? { in_use: p.inUse } : {}) });
			return p.dirs;
		};
		let dirs = decide();
		const changed = dirs.some((x) => x.steps.length > 0);
		const withXattrs = onPath('getfattr');
		if (changed && !withXattrs && dirs.some((x) => x.steps.some((s) => s.op === 'verify'))) {
			ctx.warn('getfattr (package attr) is not installed: extended attributes and ACLs were copied by rsync but not verified');
		}
		const ms = new Map<string, number>();
		const results = (list: DirPlan[]) =>
			list.map((x) => ({
				path: x.dir,
				shared: x.shared,
				action: x.action,
				files: x.files,
				bytes: x.bytes,
				ms: ms.get(x.dir) ?? 0,
				...(x.aside ? { aside: x.aside } : {}),
				warnings: x.warnings,
			}));
		if (changed && !ctx.check) {
			const work = async () => {
				dirs = decide(); // again, under the lock: another run may have finished meanwhile
				for (const x of dirs) {
					try {
						ms.set(x.dir, (await applyDir(ctx, x, withXattrs)).ms);
					} catch (e) {
						if (e instanceof ModuleError)
							throw new ModuleError(`${x.dir}: ${e.message}`, { ...e.extra, directories: results(dirs.slice(0, dirs.indexOf(x))) });
						throw e;
					}
				}
			};
			if (writesShared(dirs, d.root)) await withLock(d.root, work);
			else {
				clearStaleLock(d.root);
				await work();
			}
		}
		for (const x of dirs) for (const w of x.warnings) ctx.warn(w);
		return {
			changed: dirs.some((x) => x.steps.length > 0),
			path: d.root,
			state: d.state,
			directories: results(dirs),
			commands: dirs.flatMap((x) => x.steps.flatMap(argvOf)),
			diff: dirs
				.filter((x) => x.steps.length > 0)
				.map((x) => textDiff(x.dir, `${x.before}\n`, `${x.after}\n${x.aside ? `${x.aside}: directory (the local copy, kept aside)\n` : ''}`)),
		};
	},
});
