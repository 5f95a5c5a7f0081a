// Node states for the plan from tabdump output of nodelist, noderes, nodehm, nodetype and postscripts:
// effective values with group inheritance and where each inherited value came from.

import { resolveNodeAttributes, type AttributeSource, type ComputedValue } from '../xcat/inherit';
import { columnIndex, isDisabledValue, type Tabdump } from '../xcat/tabdump';
import { MOVED_ATTRIBUTES, type ClusterState, type MovedAttribute, type NodeState } from './types';

export interface SnmoveTables {
	nodelist: Tabdump;
	noderes: Tabdump;
	nodehm: Tabdump;
	nodetype?: Tabdump;
	postscripts?: Tabdump;
}

const STATE_ATTRIBUTES = [...MOVED_ATTRIBUTES, 'provmethod', 'os', 'postscripts', 'postbootscripts'] as const;
type StateAttribute = (typeof STATE_ATTRIBUTES)[number];

export type NodeStatesResult =
	| {
			ok: true;
			nodes: Map<string, NodeState>;
			xcatdefaults: NonNullable<ClusterState['xcatdefaults']>;
			/** values xCAT computes per node from a regular expression: ask `lsdef -i` for these nodes */
			computed: ComputedValue<StateAttribute>[];
	  }
	| { ok: false; error: string };

export function nodeStatesFromTables(tables: SnmoveTables, addresses?: ReadonlyMap<string, string>): NodeStatesResult {
	const resolved = resolveNodeAttributes(tables.nodelist, attributeSources(tables));
	if (!resolved.ok) return resolved;
	const nodes = new Map<string, NodeState>();
	for (const node of resolved.nodes) {
		const state: NodeState = node.values; // owned by this call: extended in place
		const address = addresses?.get(node.name);
		if (address !== undefined) state.address = address;
		const inheritedFrom = movedOnly(node.inheritedFrom);
		if (inheritedFrom) state.inheritedFrom = inheritedFrom;
		nodes.set(node.name, state);
	}
	return { ok: true, nodes, xcatdefaults: xcatdefaultsOf(tables.postscripts), computed: resolved.computed };
}

function attributeSources(tables: SnmoveTables): Record<StateAttribute, AttributeSource> {
	const nodetype = tables.nodetype ?? emptyTable(['node', 'os', 'provmethod']);
	const postscripts = tables.postscripts ?? emptyTable(['node', 'postscripts', 'postbootscripts']);
	const from = (table: Tabdump, column: string): AttributeSource => ({ table, column });
	return {
		servicenode: from(tables.noderes, 'servicenode'),
		xcatmaster: from(tables.noderes, 'xcatmaster'),
		tftpserver: from(tables.noderes, 'tftpserver'),
		nfsserver: from(tables.noderes, 'nfsserver'),
		monserver: from(tables.noderes, 'monserver'),
		conserver: from(tables.nodehm, 'conserver'),
		provmethod: from(nodetype, 'provmethod'),
		os: from(nodetype, 'os'),
		postscripts: from(postscripts, 'postscripts'),
		postbootscripts: from(postscripts, 'postbootscripts'),
	};
}

function movedOnly(inheritedFrom: Partial<Record<StateAttribute, string>> | undefined): NodeState['inheritedFrom'] {
	if (!inheritedFrom) return undefined;
	const moved: Partial<Record<MovedAttribute, string>> = {};
	let any = false;
	for (const attribute of MOVED_ATTRIBUTES) {
		const group = inheritedFrom[attribute];
		if (group !== undefined) {
			moved[attribute] = group;
			any = true;
		}
	}
	return any ? moved : undefined;
}

/** The `xcatdefaults` row of the postscripts table (not a node: read directly, no inheritance). */
function xcatdefaultsOf(table: Tabdump | undefined): NonNullable<ClusterState['xcatdefaults']> {
	if (!table) return {};
	const [node, scripts, bootscripts, disable] = ['node', 'postscripts', 'postbootscripts', 'disable'].map((c) => columnIndex(table, c)) as [
		number,
		number,
		number,
		number,
	];
	const row = table.rows.find((r) => r[node] === 'xcatdefaults' && !isDisabledValue(r[disable]));
	if (!row) return {};
	return { postscripts: row[scripts] ?? '', postbootscripts: row[bootscripts] ?? '' };
}

function emptyTable(columns: string[]): Tabdump {
	return { columns, rows: [] };
}
