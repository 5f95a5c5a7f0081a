// The node states after the plan's writes, as xCAT would hold them: written values become the node's
// own (no longer inherited). Used to show the after state and to prove a second plan changes nothing.

import type { AttributeWrite, MovedAttribute, NodeState } from './types';

export function applyWrites(nodes: ReadonlyMap<string, NodeState>, writes: readonly AttributeWrite[]): Map<string, NodeState> {
	const after = new Map(nodes);
	for (const write of writes) {
		const attributes = Object.keys(write.attributes) as MovedAttribute[];
		for (const name of write.nodes) {
			const state = after.get(name);
			if (state) after.set(name, withValues(state, write.attributes, attributes));
		}
	}
	return after;
}

function withValues(state: NodeState, values: AttributeWrite['attributes'], attributes: readonly MovedAttribute[]): NodeState {
	const next: NodeState = { ...state };
	let inheritedFrom = state.inheritedFrom ? { ...state.inheritedFrom } : undefined;
	for (const attribute of attributes) {
		next[attribute] = values[attribute] ?? '';
		if (inheritedFrom) delete inheritedFrom[attribute];
	}
	if (inheritedFrom && Object.keys(inheritedFrom).length === 0) inheritedFrom = undefined;
	if (inheritedFrom) next.inheritedFrom = inheritedFrom;
	else delete next.inheritedFrom;
	return next;
}
