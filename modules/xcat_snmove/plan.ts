// The heart of xcat_snmove: a pure plan of what snmove would change, node by node, by xCAT's rules
// (docs/xcat-behaviour.md#snmove). Nothing may change unless every selected node has a valid destination.

import { isIPv4 } from '../runtime/ipv4';
import { splitXcatList } from '../xcat/lists';
import { buildActions, NO_ACTIONS, type PlannedMove } from './actions';
import { Findings } from './findings';
import { makeMasterFinder, type MasterFinder } from './master';
import { backupServiceNode, reorderServicenode, rewriteConserver, rewriteMonserver, rewriteServer, servicenodeListProblem, type OldMaster } from './rules';
import { selectNodes } from './select';
import {
	MOVED_ATTRIBUTES,
	type AttributeChange,
	type ChangeCounts,
	type ClusterState,
	type ErrorKind,
	type MovedAttribute,
	type MoveRequest,
	type NodeState,
	type Plan,
	type PlanInput,
	type WarningKind,
} from './types';
import { validateRequest } from './validate';

export function plan(input: PlanInput): Plan {
	const { request, cluster } = input;
	const errors = new Findings<ErrorKind>();
	const warnings = new Findings<WarningKind>();
	validateRequest(request, errors);
	if (errors.size > 0) return assemble([], [], [], errors, warnings, NO_ACTIONS);
	const selected = selectNodes(request, cluster, errors, warnings);
	if (request.nodes && request.dest === undefined && request.source === undefined) {
		warnings.add('toggles-back', 'without dest or source each node goes to its backup: running this again moves the nodes back');
	}
	const context: NodeContext = { request, cluster, masters: makeMasterFinder(request, cluster), errors, warnings };
	const planned: PlannedMove[] = [];
	const unchanged: string[] = [];
	for (const name of selected) {
		const outcome = planNode(name, cluster.nodes.get(name)!, context);
		if (outcome === 'unchanged') unchanged.push(name);
		else if (outcome) planned.push(outcome);
	}
	const actions = errors.size === 0 ? buildActions(planned, request, cluster, warnings) : NO_ACTIONS;
	return assemble(selected, planned, unchanged, errors, warnings, actions);
}

interface NodeContext {
	request: MoveRequest;
	cluster: ClusterState;
	masters: MasterFinder;
	errors: Findings<ErrorKind>;
	warnings: Findings<WarningKind>;
}

/** A planned move, 'unchanged' when the node is already where the request puts it, or undefined on error. */
function planNode(name: string, state: NodeState, context: NodeContext): PlannedMove | 'unchanged' | undefined {
	const { request, errors } = context;
	const entries = splitXcatList(state.servicenode);
	const listProblem = servicenodeListProblem(entries);
	if (listProblem) return void errors.add('invalid-servicenode', listProblem, name);
	if (state.os === 'AIX') return void errors.add('unsupported-os', 'AIX nodes are not supported (only the Linux path of snmove is)', name);
	const destination = request.dest ?? backupServiceNode(entries);
	if (destination === undefined) {
		return void errors.add('no-backup', 'Could not determine a backup service node: servicenode has no second entry and no dest was given', name);
	}
	if (!isUsableDestination(name, destination, context)) return undefined;
	const master = context.masters(state, destination);
	if (!master.ok) return void errors.add(master.kind, master.message, name);
	const oldServiceNode = request.source ?? entries[0];
	const after = newValues(state, entries, { destination, master: master.value, oldServiceNode, oldMaster: oldMasterOf(state, context) }, name, context);
	const changes = changesOf(state, after);
	if (changes.length === 0) return 'unchanged';
	const move = { node: name, from: oldServiceNode ?? '', to: destination, changes };
	return master.address === undefined ? { move, state } : { move, state, masterAddress: master.address };
}

function isUsableDestination(name: string, destination: string, { cluster, errors }: NodeContext): boolean {
	if (destination === name) {
		errors.add('destination-is-node', 'the destination service node is the node itself', name);
		return false;
	}
	if (cluster.serviceNodes && !cluster.serviceNodes.has(destination)) {
		errors.add('destination-not-service-node', `${destination} is not a defined service node (no servicenode table row)`, name);
		return false;
	}
	return true;
}

/** The old master as the nodes know it: -S, else the node's xcatmaster; compared by name and address. */
function oldMasterOf(state: NodeState, { request, cluster }: NodeContext): OldMaster {
	const name = request.sourceNodeFacing ?? (state.xcatmaster || undefined);
	if (name === undefined) return {};
	const address = isIPv4(name) ? name : cluster.hostAddresses?.get(name);
	return address === undefined ? { name } : { name, address };
}

interface MoveTarget {
	destination: string;
	master: string;
	oldServiceNode: string | undefined;
	oldMaster: OldMaster;
}

function newValues(state: NodeState, entries: string[], target: MoveTarget, name: string, { warnings }: NodeContext): Record<MovedAttribute, string> {
	const monserver = rewriteMonserver(state.monserver, target.oldServiceNode, target.destination, target.master);
	if (monserver.oneField) {
		warnings.add('monserver-one-field', 'The current value of the monserver attribute is not valid.  It will not be reset.', name);
	}
	const conserver = rewriteConserver(state.conserver, target.oldServiceNode, target.destination);
	if (conserver.hostForm) {
		warnings.add('conserver-host-form', `conserver names ${target.oldServiceNode} in host:nodehost form, not exactly: left as it is (xCAT's rule)`, name);
	}
	return {
		servicenode: reorderServicenode(entries, target.destination),
		xcatmaster: target.master,
		tftpserver: rewriteServer(state.tftpserver, target.oldMaster, target.master),
		nfsserver: rewriteServer(state.nfsserver, target.oldMaster, target.master),
		monserver: monserver.value,
		conserver: conserver.value,
	};
}

function changesOf(state: NodeState, after: Record<MovedAttribute, string>): AttributeChange[] {
	const changes: AttributeChange[] = [];
	for (const attribute of MOVED_ATTRIBUTES) {
		if (after[attribute] === state[attribute]) continue;
		const inheritedFrom = state.inheritedFrom?.[attribute];
		const before = state[attribute];
		changes.push(
			inheritedFrom === undefined ? { attribute, before, after: after[attribute] } : { attribute, before, after: after[attribute], inheritedFrom },
		);
	}
	return changes;
}

function assemble(
	selected: string[],
	planned: PlannedMove[],
	unchanged: string[],
	errors: Findings<ErrorKind>,
	warnings: Findings<WarningKind>,
	actions: Plan['actions'],
): Plan {
	const moves = planned.map((p) => p.move);
	return {
		ok: errors.size === 0,
		selected,
		moves,
		unchanged,
		destinations: [...new Set(moves.map((m) => m.to))],
		counts: countChanges(selected.length, moves, unchanged.length),
		errors: errors.list(),
		warnings: warnings.list(),
		actions,
	};
}

/** Per-attribute change counts of the moves (xcat_pool's balance counts its moves the same way). */
export function countChanges(selected: number, moves: Plan['moves'], unchanged: number): ChangeCounts {
	const counts: ChangeCounts = {
		selected,
		moved: moves.length,
		unchanged,
		servicenode: 0,
		xcatmaster: 0,
		tftpserver: 0,
		nfsserver: 0,
		monserver: 0,
		conserver: 0,
		inheritedOverrides: 0,
	};
	for (const move of moves) {
		for (const change of move.changes) {
			counts[change.attribute]++;
			if (change.inheritedFrom !== undefined) counts.inheritedOverrides++;
		}
	}
	return counts;
}
