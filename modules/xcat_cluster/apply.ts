// Runs the plan's pcs commands and proves the CIB now reads as asked; never called in check mode.
// On a file: each command with `pcs -f FILE`, in order. On the live cluster: the same commands on a
// copy of the CIB, then one `pcs cluster cib-push COPY diff-against=ORIGINAL`, so the cluster sees
// one change (all of it or none) and keeps whatever else changed in the CIB meanwhile.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModuleError, readOk, type Ctx } from '../runtime';
import type { Args, Desired } from './desired';
import { plan } from './plan';
import { probe } from './probe';

/** the argv each step runs as: `pcs -f FILE ...` on a file, `pcs ...` as shown for the live cluster */
export const commandsFor = (cibFile: string | undefined, steps: readonly string[][]): string[][] =>
	steps.map((s) => ['pcs', ...(cibFile ? ['-f', cibFile] : []), ...s]);

export async function apply(ctx: Ctx<Args>, steps: readonly string[][]): Promise<void> {
	const file = ctx.args.cib_file;
	if (file) {
		for (const argv of commandsFor(file, steps)) await ctx.change(argv);
		return;
	}
	// the copies hold the fence passwords: a private directory, removed whatever happens
	const dir = mkdtempSync(join(tmpdir(), 'xcat-cluster-'));
	try {
		const original = join(dir, 'original.xml'),
			work = join(dir, 'new.xml');
		await readOk(ctx.read, ['pcs', 'cluster', 'cib', original]);
		copyFileSync(original, work);
		for (const argv of commandsFor(work, steps)) await ctx.change(argv);
		await ctx.change(['pcs', 'cluster', 'cib-push', work, `diff-against=${original}`]);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** The CIB read again must need nothing more. */
export async function verify(ctx: Ctx<Args>, d: Desired): Promise<void> {
	const again = plan(await probe(ctx.read, ctx.args.cib_file), d);
	if (again.kind === 'act' && again.steps.length === 0) return;
	const left = again.kind === 'refuse' ? [again.msg] : again.changes;
	throw new ModuleError(
		`the pcs commands ran, but the CIB still differs: ${left.slice(0, 10).join('; ')}${left.length > 10 ? `; … (${left.length} in all)` : ''}`,
		{
			still_differs: left,
		},
	);
}
