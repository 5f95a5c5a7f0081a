// Turns the per-node moves into what apply runs: a few bulk writes (nodes grouped by identical
// assignment), the consoles to regenerate, nodeset per provmethod, default routes, postscripts.

import { inSubnet, parseIPv4, parseSubnet, type IPv4Subnet } from '../runtime/ipv4';
import type { Findings } from './findings';
import { nodesetArgument, postscriptsToRun } from './rules';
import type {
	AttributeWrite,
	ClusterState,
	MoveRequest,
	NodeMove,
	NodeState,
	NodesetGroup,
	PlanActions,
	PostscriptGroup,
	RouteGroup,
	WarningKind,
} from './types';

/** A node that changes, with what the node-side steps need. */
export interface PlannedMove {
	move: NodeMove;
	state: NodeState;
	/** the new xcatmaster's IPv4 address, when known */
	masterAddress?: string;
}

export const NO_ACTIONS: PlanActions = Object.freeze({ writes: [], consoles: [], nodeset: [], routes: [], postscripts: [] });

export function buildActions(planned: readonly PlannedMove[], request: MoveRequest, cluster: ClusterState, warnings: Findings<WarningKind>): PlanActions {
	const touchNodes = !request.ignoreNodes;
	return {
		writes: groupWrites(planned),
		consoles: planned.filter(({ move }) => move.changes.some((c) => c.attribute === 'conserver')).map(({ move }) => move.node),
		nodeset: request.reconfigureBoot === false ? [] : groupNodeset(planned, warnings),
		routes: touchNodes ? groupRoutes(planned, cluster, warnings) : [],
		postscripts: touchNodes ? groupPostscripts(planned, request, cluster) : [],
	};
}

/** One write per distinct set of new values: 10,000 nodes moving alike become one chdef. (xcat_pool's balance uses it too.) */
export function groupWrites(planned: readonly { move: NodeMove }[]): AttributeWrite[] {
	const writes = new Map<string, AttributeWrite>();
	for (const { move } of planned) {
		let key = '';
		for (const change of move.changes) key += `${change.attribute}=${change.after}\u0000`;
		let write = writes.get(key);
		if (!write) {
			write = { nodes: [], attributes: {} };
			for (const change of move.changes) write.attributes[change.attribute] = change.after;
			writes.set(key, write);
		}
		write.nodes.push(move.node);
	}
	return [...writes.values()];
}

function groupNodeset(planned: readonly PlannedMove[], warnings: Findings<WarningKind>): NodesetGroup[] {
	const groups = new Map<string, NodesetGroup>();
	for (const { move, state } of planned) {
		const provmethod = state.provmethod ?? '';
		if (provmethod === '') {
			warnings.add('no-provmethod', 'no provmethod: nodeset skipped (as xCAT does); its boot configuration still names the old SN', move.node);
			continue;
		}
		let group = groups.get(provmethod);
		if (!group) groups.set(provmethod, (group = { provmethod, argument: nodesetArgument(provmethod), nodes: [] }));
		group.nodes.push(move.node);
	}
	return [...groups.values()];
}

function groupPostscripts(planned: readonly PlannedMove[], request: MoveRequest, cluster: ClusterState): PostscriptGroup[] {
	const extra = request.postscripts?.length === 1 && request.postscripts[0] === 'all' ? 'all' : request.postscripts;
	const groups = new Map<string, PostscriptGroup>();
	const byLists = new Map<string, PostscriptGroup | undefined>(); // most nodes share their lists
	for (const { move, state } of planned) {
		const lists = `${state.postscripts ?? ''}\u0000${state.postbootscripts ?? ''}`;
		if (!byLists.has(lists)) byLists.set(lists, postscriptGroup(groups, postscriptsFor(state, cluster, extra)));
		byLists.get(lists)?.nodes.push(move.node); // no scripts: xCAT runs no updatenode at all for the node
	}
	return [...groups.values()];
}

function postscriptsFor(state: NodeState, cluster: ClusterState, extra: MoveRequest['postscripts']): string[] {
	return postscriptsToRun(
		{
			defaultPostscripts: cluster.xcatdefaults?.postscripts,
			postscripts: state.postscripts,
			defaultPostbootscripts: cluster.xcatdefaults?.postbootscripts,
			postbootscripts: state.postbootscripts,
		},
		extra,
	);
}

function postscriptGroup(groups: Map<string, PostscriptGroup>, scripts: string[]): PostscriptGroup | undefined {
	if (scripts.length === 0) return undefined;
	const key = scripts.join(',');
	let group = groups.get(key);
	if (!group) groups.set(key, (group = { scripts, nodes: [] }));
	return group;
}

/** Nodes in a network whose gateway is `<xcatmaster>` get a default route via their new master. */
function groupRoutes(planned: readonly PlannedMove[], cluster: ClusterState, warnings: Findings<WarningKind>): RouteGroup[] {
	const gatewayNets = masterGatewayNetworks(cluster);
	if (gatewayNets.length === 0) return [];
	const groups = new Map<string, RouteGroup>();
	for (const { move, state, masterAddress } of planned) {
		const address = state.address === undefined ? undefined : parseIPv4(state.address);
		if (address === undefined) {
			warnings.add('route-gateway-unresolved', 'the node has no known address: its default route is not checked', move.node);
			continue;
		}
		if (!gatewayNets.some((subnet) => inSubnet(address, subnet))) continue;
		if (masterAddress === undefined) {
			warnings.add('route-gateway-unresolved', "the new xcatmaster's address is unknown: default route not set", move.node);
			continue;
		}
		let group = groups.get(masterAddress);
		if (!group) groups.set(masterAddress, (group = { gateway: masterAddress, nodes: [] }));
		group.nodes.push(move.node);
	}
	return [...groups.values()];
}

function masterGatewayNetworks(cluster: ClusterState): IPv4Subnet[] {
	return (cluster.networks ?? [])
		.filter((row) => row.gateway === '<xcatmaster>')
		.map((row) => parseSubnet(row.net, row.mask))
		.filter((subnet): subnet is IPv4Subnet => subnet !== undefined);
}
