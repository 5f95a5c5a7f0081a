// Carries out the plan's steps; never called in check mode.
import type { Ctx } from '../runtime';
import type { Args } from './desired';
import type { Step } from './plan';

export async function apply(ctx: Ctx<Args>, steps: Step[]): Promise<void> {
	for (const step of steps) {
		if (step.background) await ctx.changeInBackground(step.argv);
		else await ctx.change(step.argv);
	}
}
