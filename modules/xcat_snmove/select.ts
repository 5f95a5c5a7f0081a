// Which nodes a request moves. By source, xCAT keys every node by its raw servicenode string (site.master
// when empty) and keeps the keys that are the source or start with "<source>,": the nodes that list the
// source FIRST. A node listing it second is not selected.

import { splitXcatList } from '../xcat/lists';
import type { Findings } from './findings';
import type { ClusterState, ErrorKind, MoveRequest, NodeState, WarningKind } from './types';

export function firstServiceNode(state: NodeState, siteMaster: string | undefined): string | undefined {
	return splitXcatList(state.servicenode)[0] ?? siteMaster;
}

export function selectNodes(request: MoveRequest, cluster: ClusterState, errors: Findings<ErrorKind>, warnings: Findings<WarningKind>): string[] {
	if (request.source !== undefined && !isKnownHost(request.source, cluster)) {
		// a typo must not read as "nothing to move": a known source with nothing left to move is ok, an unknown one is not
		errors.add(
			'unknown-source',
			`source ${request.source} names no known node: not a service node (servicenode table), not a node, not in any node's servicenode list, not site.master`,
		);
		return [];
	}
	const selected = request.nodes ? selectListed(request, cluster, errors, warnings) : selectBySource(request, cluster);
	if (selected.length === 0 && request.source !== undefined) {
		warnings.add('nothing-selected', `no node lists ${request.source} as its first service node`);
	}
	return selected;
}

/** NAME is a defined service node, a node, an entry of some node's servicenode, or site.master. */
function isKnownHost(name: string, cluster: ClusterState): boolean {
	if (cluster.serviceNodes?.has(name) || cluster.nodes.has(name) || cluster.siteMaster === name) return true;
	for (const state of cluster.nodes.values()) if (splitXcatList(state.servicenode).includes(name)) return true;
	return false;
}

function selectBySource(request: MoveRequest, cluster: ClusterState): string[] {
	const selected: string[] = [];
	for (const [name, state] of cluster.nodes) {
		if (firstServiceNode(state, cluster.siteMaster) === request.source) selected.push(name);
	}
	return selected;
}

/** The listed nodes; with a source too, only those that list it first (the others are already moved). */
function selectListed(request: MoveRequest, cluster: ClusterState, errors: Findings<ErrorKind>, warnings: Findings<WarningKind>): string[] {
	const selected: string[] = [];
	for (const name of new Set(request.nodes)) {
		const state = cluster.nodes.get(name);
		if (!state) {
			errors.add('unknown-node', 'no such node in the xCAT database', name);
			continue;
		}
		if (request.source !== undefined && firstServiceNode(state, cluster.siteMaster) !== request.source) {
			warnings.add('not-listing-source-first', `does not list ${request.source} first: left as it is`, name);
			continue;
		}
		selected.push(name);
	}
	return selected;
}
