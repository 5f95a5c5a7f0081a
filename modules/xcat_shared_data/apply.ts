// Carries out one directory's steps, in order; never called in check mode. Each step re-checks the
// one thing it relies on just before acting, so a surprise fails the step instead of losing data.
import { lstatSync, readlinkSync } from 'node:fs';
import { ModuleError, type Ctx } from '../runtime';
import type { Args } from './args';
import { argvOf, PARTIAL, type DirPlan, type Step } from './plan';
import { describeDifferences, verifyCopy } from './verify';
import { summarise } from './compare';

const exists = (p: string) => {
	try {
		lstatSync(p);
		return true;
	} catch {
		return false;
	}
};

async function run(ctx: Ctx<Args>, step: Step, withXattrs: boolean): Promise<void> {
	switch (step.op) {
		case 'remove':
			if (!step.path.endsWith(PARTIAL)) throw new Error(`refusing to remove ${step.path}: not a partial copy of this module`);
			break;
		case 'verify': {
			const v = await verifyCopy(ctx.read, step.from, step.to, withXattrs);
			if (v.differences.length)
				throw new ModuleError(
					`${describeDifferences(step.from, step.to, v.differences)}; nothing was switched: ${step.from} is untouched, and the next run copies again into ${step.to}`,
				);
			if (v.sparseLost.length)
				ctx.warn(
					`the copy ${step.to} is faithful but not as sparse as ${step.from} (${v.sparseLost.length} file(s): ${summarise(v.sparseLost)}): it takes more space than the source`,
				);
			return;
		}
		case 'rename':
		case 'aside':
			if (exists(step.to)) throw new ModuleError(`${step.to} appeared while this run was working; stopped before moving ${step.from} there`);
			break;
		case 'unlink':
			if (!lstatSync(step.path).isSymbolicLink() || readlinkSync(step.path).replace(/\/+$/, '') !== step.target) {
				throw new ModuleError(`${step.path} is no longer the link to ${step.target}; stopped before removing it`);
			}
			break;
		default:
	}
	for (const argv of argvOf(step)) await ctx.change(argv);
}

export interface DirResult {
	ms: number;
}

export async function applyDir(ctx: Ctx<Args>, p: DirPlan, withXattrs: boolean): Promise<DirResult> {
	const started = Date.now();
	for (const step of p.steps) await run(ctx, step, withXattrs);
	return { ms: Date.now() - started };
}
