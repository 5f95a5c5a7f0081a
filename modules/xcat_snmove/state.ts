// Node states for the plan: from tabdump output of nodelist, noderes, nodehm, nodetype and postscripts
// (any number of nodes), or from `nodels <nodes> -b <table.column>…` (a few named nodes): effective
// values with group inheritance and where each inherited value came from. Both give the same states.

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

/** Where xCAT keeps each attribute the plan reads (table.column, as nodels names it). */
const STATE_COLUMNS: Record<StateAttribute, string> = {
	servicenode: 'noderes.servicenode',
	xcatmaster: 'noderes.xcatmaster',
	tftpserver: 'noderes.tftpserver',
	nfsserver: 'noderes.nfsserver',
	monserver: 'noderes.monserver',
	conserver: 'nodehm.conserver',
	provmethod: 'nodetype.provmethod',
	os: 'nodetype.os',
	postscripts: 'postscripts.postscripts',
	postbootscripts: 'postscripts.postbootscripts',
};

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
	const byName: Record<string, Tabdump> = {
		noderes: tables.noderes,
		nodehm: tables.nodehm,
		nodetype: tables.nodetype ?? emptyTable(['node', 'os', 'provmethod']),
		postscripts: tables.postscripts ?? emptyTable(['node', 'postscripts', 'postbootscripts']),
	};
	const sources = {} as Record<StateAttribute, AttributeSource>;
	for (const attribute of STATE_ATTRIBUTES) {
		const [table, column] = STATE_COLUMNS[attribute].split('.') as [string, string];
		sources[attribute] = { table: byName[table]!, column };
	}
	return sources;
}

/** The columns `nodels -b` is asked for: postscripts' only when the tabdump path would read that table. */
export function nodelsColumns(withPostscripts: boolean): string[] {
	return STATE_ATTRIBUTES.filter((a) => withPostscripts || !a.startsWith('post')).map((a) => STATE_COLUMNS[a]);
}

const NODELS_LINE = /^(\S+): (\w+\.\w+)(?:: ?(.*))?$/;

/** The nodes `nodels <noderange> -b <columns>` printed, in its order (pure). */
export function nodelsNodes(stdout: string): string[] {
	const nodes = new Set<string>();
	for (const line of stdout.split('\n')) {
		const match = NODELS_LINE.exec(line);
		if (match) nodes.add(match[1]!);
	}
	return [...nodes];
}
const INHERITED = / \(inherited from group ([^()]+)\)$/;

/**
 * Node states from `nodels <nodes> -b <columns>` (tabutils.pm nodels): `node: table.column: value`, an
 * inherited value followed by ` (inherited from group g)` (Table.pm withattribution), an unset one as
 * `node: table.column` alone (xCAT::Client prints no contents when they are empty). xCAT computes
 * regular-expression values itself here. `postscripts` is the xcatdefaults row (tabdump -w), when read.
 */
export function nodeStatesFromNodels(stdout: string, asked: readonly string[], columns: readonly string[], postscripts?: Tabdump): NodeStatesResult {
	const attributeOf = new Map<string, StateAttribute>(STATE_ATTRIBUTES.map((a) => [STATE_COLUMNS[a], a]));
	const wanted = new Set(asked);
	const found = new Map<string, { values: Record<StateAttribute, string>; inheritedFrom: Partial<Record<StateAttribute, string>> }>();
	for (const line of stdout.split('\n')) {
		if (line.trim() === '') continue;
		const match = NODELS_LINE.exec(line);
		const attribute = match ? attributeOf.get(match[2]!) : undefined;
		if (!match || attribute === undefined || !columns.includes(match[2]!))
			return { ok: false, error: `nodels printed a line it was not asked for: ${line.slice(0, 200)}` };
		const node = match[1]!;
		if (!wanted.has(node)) return { ok: false, error: `nodels printed node ${node}, which was not asked for` };
		let entry = found.get(node);
		if (!entry) {
			entry = { values: Object.fromEntries(STATE_ATTRIBUTES.map((a) => [a, ''])) as Record<StateAttribute, string>, inheritedFrom: {} };
			found.set(node, entry);
		}
		const raw = match[3] ?? '';
		const inherited = INHERITED.exec(raw);
		entry.values[attribute] = inherited ? raw.slice(0, inherited.index) : raw;
		if (inherited) entry.inheritedFrom[attribute] = inherited[1]!;
	}
	const missing = asked.filter((n) => !found.has(n));
	if (missing.length > 0) return { ok: false, error: `nodels printed nothing for ${missing.join(', ')}` };
	const nodes = new Map<string, NodeState>();
	for (const name of asked) {
		const { values, inheritedFrom } = found.get(name)!;
		const state: NodeState = values;
		const moved = movedOnly(inheritedFrom);
		if (moved) state.inheritedFrom = moved;
		nodes.set(name, state);
	}
	return { ok: true, nodes, xcatdefaults: xcatdefaultsOf(postscripts), computed: [] };
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
