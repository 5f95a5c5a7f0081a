// The new xcatmaster of a node: dest_node_facing (-D) when given; otherwise, as snmove computes it,
// the destination SN's first IPv4 address inside the node's network (the last `networks` row whose
// net/mask contains the node's address, as DBobjUtils::getNetwkInfo leaves it). snmove stores that
// address itself, never a name it resolves to (snmove.pm 420 `$newxcatmaster{$node} = $IP;`, 500).
// One deliberate difference: snmove finds no address when the destination is the MN host itself
// (docs/xcat-behaviour.md#xcatmaster-when-the-destination-is-the-management-node); we do.

import { inSubnet, isIPv4, parseIPv4, parseSubnet, type IPv4Subnet } from '../runtime/ipv4';
import type { ClusterState, ErrorKind, MoveRequest, NetworkRow, NodeState, ServiceNodeAddress } from './types';

export type MasterOutcome =
	| { ok: true; value: string /** the new master's IPv4 address, when known (for routes) */; address?: string }
	| { ok: false; kind: ErrorKind; message: string };

export type MasterFinder = (state: NodeState, destination: string) => MasterOutcome;

interface ParsedNetwork {
	row: NetworkRow;
	subnet: IPv4Subnet;
}

export function makeMasterFinder(request: MoveRequest, cluster: ClusterState): MasterFinder {
	if (request.destNodeFacing !== undefined) return fixedMaster(request.destNodeFacing, cluster);
	const networks = parseNetworks(cluster.networks ?? []);
	const cache = new Map<string, MasterOutcome>();
	return (state, destination) => {
		const address = state.address === undefined ? undefined : parseIPv4(state.address);
		if (address === undefined) return { ok: false, kind: 'node-unresolved', message: 'the node has no known IPv4 address' };
		const network = nodeNetwork(address, networks);
		const key = `${destination}\u0000${network}`;
		let outcome = cache.get(key);
		if (!outcome) {
			outcome = masterInNetwork(destination, networks[network]?.row, networks[network]?.subnet, cluster);
			cache.set(key, outcome);
		}
		return outcome;
	};
}

function fixedMaster(value: string, cluster: ClusterState): MasterFinder {
	const address = isIPv4(value) ? value : cluster.hostAddresses?.get(value);
	const outcome: MasterOutcome = address === undefined ? { ok: true, value } : { ok: true, value, address };
	return () => outcome;
}

function parseNetworks(rows: readonly NetworkRow[]): ParsedNetwork[] {
	const parsed: ParsedNetwork[] = [];
	for (const row of rows) {
		const subnet = parseSubnet(row.net, row.mask);
		if (subnet) parsed.push({ row, subnet });
	}
	return parsed;
}

/** Index of the last network containing the address, or -1. */
function nodeNetwork(address: number, networks: readonly ParsedNetwork[]): number {
	for (let i = networks.length - 1; i >= 0; i--) {
		if (inSubnet(address, networks[i]!.subnet)) return i;
	}
	return -1;
}

function masterInNetwork(destination: string, row: NetworkRow | undefined, subnet: IPv4Subnet | undefined, cluster: ClusterState): MasterOutcome {
	const addresses = cluster.serviceNodeAddresses?.get(destination);
	if (!addresses) return { ok: false, kind: 'destination-unreachable', message: `could not get the IP addresses of service node ${destination}` };
	if (!row || !subnet) return { ok: false, kind: 'no-xcatmaster', message: "no networks row contains the node's address" };
	const match = addresses.find((candidate) => isInSubnet(candidate, subnet));
	if (!match) return { ok: false, kind: 'no-xcatmaster', message: `${destination} has no address in network ${row.net}/${row.mask}` };
	return { ok: true, value: match.address, address: match.address };
}

function isInSubnet(candidate: ServiceNodeAddress, subnet: IPv4Subnet): boolean {
	const address = parseIPv4(candidate.address);
	return address !== undefined && inSubnet(address, subnet);
}
