// Carries out the plan's steps; never called in check mode.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Ctx } from '../runtime';
import type { Args } from './desired';
import type { Step } from './plan';

export async function apply(ctx: Ctx<Args>, steps: Step[]): Promise<void> {
	for (const step of steps) {
		if (step.background) {
			const r = await ctx.changeInBackground(step.argv);
			if (step.pidFile && r.pid !== undefined) {
				mkdirSync(dirname(step.pidFile), { recursive: true, mode: 0o755 });
				writeFileSync(step.pidFile, `${r.pid}\n`, { mode: 0o644 });
			}
		} else await ctx.change(step.argv);
		if (step.removeFile) rmSync(step.removeFile, { force: true });
	}
}
