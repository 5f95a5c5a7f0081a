// The module's words (pure): the balance plan as result keys, its refusal, and the note on what a
// database-only change means for running nodes.
import { findingLine } from '../xcat_snmove/report';
import type { BalancePlan } from './balance';

/** Why the plan refuses: every error, with the nodes it concerns. */
export function refusal(plan: Pick<BalancePlan, 'errors'>): string {
	return `nothing was changed: ${plan.errors.map(findingLine).join('; ')}`;
}

/** Said when nodes get another first service node: the rows change, the running nodes do not. */
export function firstMovesNote(firstMoves: number): string | undefined {
	if (firstMoves === 0) return undefined;
	return (
		`${firstMoves} node(s) get another first service node in the xCAT database only: a running node keeps the service node ` +
		'it booted from until its next nodeset and boot; to move running nodes now (consoles, boot configuration, postscripts), use xcat.ha.xcat_snmove'
	);
}

/** The result keys a plan gives (commands and diff aside). */
export function balanceResult(plan: BalancePlan) {
	const note = firstMovesNote(plan.firstMoves);
	return {
		changed: plan.moves.length > 0,
		selected: plan.selected.length,
		moves: plan.moves.length,
		first_moves: plan.firstMoves,
		unchanged: plan.unchanged.length,
		load: plan.load,
		...(note !== undefined ? { note } : {}),
	};
}
