// xcat_pool's options, named after the balance request (balance.ts), and the checks on them that the
// schema cannot say. Everything here fails before anything is probed. Host names and noderanges are
// checked as xcat_snmove checks its own (HOST, nameLengthProblem, noderangeOptionProblem).
import { dict, int, list, str, type ArgsOf } from '../runtime';
import { nameLengthProblem } from '../runtime/names';
import { quoteValue } from '../runtime/show';
import { noderangeOptionProblem } from '../xcat/noderange';
import { writeWithOption } from '../xcat_snmove/sql';
import { HOST } from '../xcat_snmove/validate';
import { balanceRequestProblems, type BalanceRequest } from './balance';

const HOST_RE = new RegExp(HOST.regex);

export const options = {
	members: list({ required: true, minItems: 2, pattern: HOST }),
	noderange: str({ required: true }),
	entries: int({ default: 2, min: 2 }),
	pinned: dict(),
	state: str({ choices: ['balanced'] as const, default: 'balanced' }),
	write_with: writeWithOption(),
};

export type Args = ArgsOf<typeof options>;

export function checkArgs(a: Args): string[] {
	const errors: string[] = [];
	a.members.forEach((member, i) => {
		const long = nameLengthProblem(`members[${i}]`, member);
		if (long) errors.push(long);
	});
	const noderange = noderangeOptionProblem('noderange', a.noderange);
	if (noderange) errors.push(noderange);
	const pinned: Record<string, string> = {};
	for (const [node, member] of Object.entries(a.pinned ?? {})) {
		const long = nameLengthProblem('pinned', node);
		if (long) errors.push(long);
		else if (!HOST_RE.test(node)) errors.push(`pinned has a key that is not a node name (${HOST.hint}), got: ${quoteValue(node)}`);
		else pinned[node] = member;
	}
	// the request's own rules (members, entries, pins to non-members), in the planner's words
	errors.push(...balanceRequestProblems(toRequest({ ...a, pinned })));
	return errors;
}

/** The request without its nodes: the noderange is expanded by xCAT (nodels) in the probe. */
export function toRequest(a: Pick<Args, 'members' | 'entries' | 'pinned'>, nodes?: readonly string[]): BalanceRequest {
	return {
		members: a.members,
		entries: a.entries,
		...(a.pinned !== undefined ? { pinned: new Map(Object.entries(a.pinned)) } : {}),
		...(nodes !== undefined ? { nodes } : {}),
	};
}
