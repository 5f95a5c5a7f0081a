// Which nodes a request moves. By source, xCAT keys every node by its raw servicenode string (site.master
// when empty) and keeps the keys that are the source or start with "<source>,": the nodes that list the
// source FIRST. A node listing it second is not selected.

import { splitXcatList } from '../xcat/lists';
import type { Findings } from './findings';
import type { ClusterState, ErrorKind, MoveRequest, NodeState, WarningKind } from './types';

export function firstServiceNode(state: NodeState, siteMaster: string | undefined): string | undefined {
	return splitXcatList(state.servicenode)[0] ?? siteMaster;
}

export function selectNodes(
	request: MoveRequest,
	cluster: ClusterState,
	errors: Findings<ErrorKind>,
	warnings: Findings<WarningKind>,
): string[] {
	const selected = request.nodes ? selectListed(request, cluster, errors, warnings) : selectBySource(request, cluster);
	if (selected.length === 0 && request.source !== undefined) {
		warnings.add('nothing-selected', `no node lists ${request.source} as its first service node`);
	}
	return selected;
}

function selectBySource(request: MoveRequest, cluster: ClusterState): string[] {
	const selected: string[] = [];
	for (const [name, state] of cluster.nodes) {
		if (firstServiceNode(state, cluster.siteMaster) === request.source) selected.push(name);
	}
	return selected;
}

/** The listed nodes; with a source too, only those that list it first (the others are already moved). */
function selectListed(
	request: MoveRequest,
	cluster: ClusterState,
	errors: Findings<ErrorKind>,
	warnings: Findings<WarningKind>,
): string[] {
	const selected: string[] = [];
	for (const name of new Set(request.nodes)) {
		const state = cluster.nodes.get(name);
		if (!state) { errors.add('unknown-node', 'no such node in the xCAT database', name); continue; }
		if (request.source !== undefined && firstServiceNode(state, cluster.siteMaster) !== request.source) {
			warnings.add('not-listing-source-first', `does not list ${request.source} first: left as it is`, name);
			continue;
		}
		selected.push(name);
	}
	return selected;
}
