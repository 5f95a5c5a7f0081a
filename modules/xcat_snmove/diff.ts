// What `--diff` shows: per node, the attributes that change, before and after. Past `limit` nodes,
// the change counts per kind and the first `sample` nodes, so a 10,000-node move stays readable.

import type { ChangeCounts, NodeMove, Plan } from './types';

export interface SnmoveDiff {
	before: Record<string, unknown>;
	after: Record<string, unknown>;
	before_header: string;
	after_header: string;
}

type ChangeKindCounts = Omit<ChangeCounts, 'selected' | 'moved' | 'unchanged'>;

/** Takes any plan with moves and counts (xcat_pool's balance plan too). */
export function diffSummary(plan: Pick<Plan, 'moves' | 'counts'>, limit = 100, sample = 10): SnmoveDiff {
	const total = plan.moves.length;
	if (total <= limit) {
		return {
			before_header: `xCAT node attributes (${total} nodes)`,
			after_header: `xCAT node attributes (${total} nodes)`,
			before: nodeSides(plan.moves, 'before'),
			after: nodeSides(plan.moves, 'after'),
		};
	}
	const shown = plan.moves.slice(0, sample);
	const header = `xCAT node attributes (${total} nodes, first ${shown.length} shown)`;
	const summary = { nodes: total, changes: changeKindCounts(plan.counts), more_nodes: total - shown.length };
	return {
		before_header: header,
		after_header: header,
		before: { ...summary, first_nodes: nodeSides(shown, 'before') },
		after: { ...summary, first_nodes: nodeSides(shown, 'after') },
	};
}

/** node → changed attribute → value; the before side also says which values were inherited from a group. */
function nodeSides(moves: readonly NodeMove[], side: 'before' | 'after'): Record<string, unknown> {
	const nodes: Record<string, unknown> = {};
	for (const move of moves) {
		const values: Record<string, unknown> = {};
		const inherited: Record<string, string> = {};
		for (const change of move.changes) {
			values[change.attribute] = change[side];
			if (change.inheritedFrom !== undefined) inherited[change.attribute] = change.inheritedFrom;
		}
		if (side === 'before' && Object.keys(inherited).length > 0) values.inherited_from = inherited;
		// defineProperty: a node named like an Object.prototype key stays an ordinary key
		Object.defineProperty(nodes, move.node, { value: values, enumerable: true, writable: true, configurable: true });
	}
	return nodes;
}

function changeKindCounts(counts: ChangeCounts): ChangeKindCounts {
	const { selected: _selected, moved: _moved, unchanged: _unchanged, ...kinds } = counts;
	return kinds;
}
