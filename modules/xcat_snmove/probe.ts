// Reads what the plan needs, on the management node, changing nothing: that this is the MN, the node
// tables the request needs (tabdump; for a few named nodes only their values, `nodels -b`), the
// noderange (nodels; with those values when it names a few nodes), node and master addresses (getent,
// as xCAT's getipaddr resolves them) and each destination SN's addresses (`xdsh <sn> /sbin/ip addr`,
// as snmove asks them). Every xCAT command costs about 0.16 s of perl start and xcatd round trip on
// real xCAT, so independent reads run together and tables the request does not use are not read.
import { ModuleError, readOk, showCommand, type CommandResult, type Read } from '../runtime';
import { requireManagementNode } from '../xcat/mn';
import { isIPv4 } from '../runtime/ipv4';
import { splitXcatList } from '../xcat/lists';
import { parseLsdef } from '../xcat/lsdef';
import { noderangeChunks } from '../xcat/noderange';
import { readTable, tabdumpOf, type Tabdump } from '../xcat/tabdump';
import { Findings } from './findings';
import { networkRows, parseAhostsv4, parseGetentHosts, parseInetAddresses, parseNodels, serviceNodeNames, siteValues, type HostsDatabase } from './parse';
import { backupServiceNode } from './rules';
import { selectNodes } from './select';
import { nodelsColumns, nodelsNodes, nodeStatesFromNodels, nodeStatesFromTables, type NodeStatesResult, type SnmoveTables } from './state';
import type { ClusterState, MoveRequest, NodeState, ServiceNodeAddress } from './types';

export type { Read };

export interface Probed {
	cluster: ClusterState;
	/** the noderange as nodels expanded it (when nodes was given) */
	nodes?: string[];
	/** site.consoleservice: goconserver → makegocons, else makeconservercf */
	consoleService: string;
	/** site.xcatdport (3001 by default): where apply checks that each destination's xcatd answers */
	xcatdPort: number;
	/** destination SN → why its addresses could not be read */
	unreachable: Map<string, string>;
	/** destination SNs that answered `xdsh` during the probe (apply need not ask them again) */
	answeredSsh: Set<string>;
	/**
	 * A named destination with dest_node_facing (whose addresses are not asked): its `xdsh <sn> true`,
	 * started with the first reads and awaited only by the destination check, so a run that moves
	 * nothing does not wait for it.
	 */
	earlySsh?: { sn: string; answer: Promise<CommandResult> };
}

const TABLES = ['nodelist', 'noderes', 'nodehm', 'nodetype', 'postscripts', 'networks', 'servicenode', 'site'] as const;
export type TableName = (typeof TABLES)[number];
export type Tables = Partial<Record<TableName, Tabdump>>;
/** Read whole whatever the request: a few rows however many nodes the cluster has. */
const WHOLE_TABLES: readonly TableName[] = ['networks', 'servicenode', 'site'];

/**
 * At most this many named nodes (a noderange without source) are read by name, in one `nodels -b`;
 * more, or a source (which must look at every node), and the node tables are dumped whole. 16 is xCAT's
 * own switch: getNodesAttribs reads whole tables past 16 nodes (Table.pm `$cachethreshold = 16`, line 60,
 * used at 2338), so past it nodels costs about what tabdump does, and tabdump also serves sources.
 */
export const FEW_NODES = 16;

/**
 * The tables a request reads (pure). nodetype always (os: AIX nodes are refused; provmethod: nodeset);
 * postscripts only when the nodes are touched (postscripts run); networks only when the new xcatmaster
 * is computed from the node's network (no dest_node_facing) or default routes may be added.
 */
export function tablesFor(request: Pick<MoveRequest, 'ignoreNodes' | 'destNodeFacing'>): TableName[] {
	return TABLES.filter(
		(table) => (table !== 'postscripts' || !request.ignoreNodes) && (table !== 'networks' || !request.ignoreNodes || request.destNodeFacing === undefined),
	);
}
const FANOUT = 16;

/** fewNodes: the FEW_NODES threshold, a parameter so tests can run both paths on the same nodes. */
export async function probe(read: Read, request: MoveRequest, noderange: string | undefined, fewNodes = FEW_NODES): Promise<Probed> {
	const names = tablesFor(request);
	const byName = noderange !== undefined && request.source === undefined;
	// read-only, so they need not wait for lsxcatd: its refusal still comes first (awaited first)
	const reads = Promise.all([
		readTables(read, byName ? names.filter((t) => WHOLE_TABLES.includes(t)) : names),
		noderange === undefined
			? undefined
			: byName
				? expandNamed(read, noderange, !request.ignoreNodes, fewNodes)
				: expand(read, noderange).then((nodes): Expanded => ({ nodes })),
		hostsDatabase(read),
	]);
	reads.catch(() => undefined); // awaited below; a failure while lsxcatd runs is not an unhandled rejection
	// A named destination is asked for its addresses (xdsh, read-only, the slowest read) with the first
	// reads rather than after the node states: used below only if it is the one destination that counts.
	const early = request.dest !== undefined && request.destNodeFacing === undefined ? askDestinations(read, [request.dest]) : undefined;
	early?.catch(() => undefined);
	const earlySsh =
		request.dest !== undefined && request.destNodeFacing !== undefined ? { sn: request.dest, answer: read(['xdsh', request.dest, 'true']) } : undefined;
	earlySsh?.answer.catch(() => undefined);
	await requireManagementNode(read, 'xcat_snmove');
	const [tables, expanded, hosts] = await reads;
	const nodes = expanded?.nodes;
	const site = siteValues(tables.site!);
	const states =
		expanded?.states ??
		(await readNodeStates(read, tables, {
			named: byName ? nodes : undefined,
			tables: names.filter((t) => !WHOLE_TABLES.includes(t)),
			withPostscripts: !request.ignoreNodes,
			fewNodes,
		}));
	const networks = tables.networks ? networkRows(tables.networks) : [];
	const siteMaster = site.get('master') || undefined;
	const cluster: ClusterState = {
		nodes: states.nodes,
		xcatdefaults: states.xcatdefaults,
		networks,
		serviceNodes: serviceNodeNames(tables.servicenode!),
		...(siteMaster ? { siteMaster } : {}),
	};
	const effective = nodes ? { ...request, nodes } : request;
	const selected = selectNodes(effective, cluster, new Findings(), new Findings()).map((name) => [name, cluster.nodes.get(name)!] as const);
	const needNodeAddresses = request.destNodeFacing === undefined || networks.some((n) => n.gateway === '<xcatmaster>');
	if (needNodeAddresses) {
		const addresses = await resolveAll(
			read,
			hosts,
			selected.map(([name]) => name),
		);
		for (const [name, state] of selected) {
			const address = addresses.get(name);
			if (address !== undefined) state.address = address;
		}
	}
	cluster.hostAddresses = await resolveAll(
		read,
		hosts,
		masterNames(
			request,
			selected.map(([, state]) => state),
		),
	);
	let unreachable = new Map<string, string>();
	let answeredSsh = new Set<string>();
	if (request.destNodeFacing === undefined) {
		const destinations = [...new Set(selected.map(([, state]) => request.dest ?? backupServiceNode(splitXcatList(state.servicenode))))].filter(
			(d): d is string => d !== undefined && cluster.serviceNodes!.has(d),
		);
		// with a dest, the destinations are that one SN or none (a dest that is no service node: its early
		// answer is dropped)
		const answers = await (early && destinations.length > 0 ? early : askDestinations(read, destinations));
		cluster.serviceNodeAddresses = answers.addresses;
		({ unreachable, answeredSsh } = answers);
	}
	const port = Number(site.get('xcatdport') || '3001');
	return {
		cluster,
		...(nodes ? { nodes } : {}),
		consoleService: site.get('consoleservice') ?? '',
		xcatdPort: Number.isInteger(port) && port > 0 && port < 65536 ? port : 3001,
		unreachable,
		answeredSsh,
		...(earlySsh ? { earlySsh } : {}),
	};
}

export interface NodeStatesQuery {
	/** the nodes asked by name (an expanded noderange), or undefined for every node in the tables */
	named: readonly string[] | undefined;
	/** the node tables to dump when they are read whole (those not already in `tables`) */
	tables: readonly TableName[];
	/** the postscripts columns too (nodels path) */
	withPostscripts: boolean;
	/** at most this many named nodes are read by name (FEW_NODES) */
	fewNodes?: number;
}

/**
 * The nodes' effective values (group inheritance resolved, with the group each inherited value came
 * from): at most `fewNodes` named nodes from one `nodels -b`; else the node tables dumped whole, what
 * xCAT computes from a regular expression asked of `lsdef -i`. TABLES holds what was read already and
 * gains the tables dumped here. Fails when the tables cannot be read. (xcat_pool reads its nodes so too.)
 */
export async function readNodeStates(read: Read, tables: Tables, query: NodeStatesQuery): Promise<Extract<NodeStatesResult, { ok: true }>> {
	const { named, fewNodes = FEW_NODES } = query;
	let states: NodeStatesResult;
	if (named !== undefined && named.length <= fewNodes) {
		states = await statesByName(read, named, query.withPostscripts);
	} else {
		const missing = query.tables.filter((t) => tables[t] === undefined);
		if (missing.length > 0) Object.assign(tables, await readTables(read, missing));
		states = nodeStatesFromTables(tables as SnmoveTables);
		if (states.ok && states.computed.length > 0) await resolveComputed(read, states.nodes, states.computed);
	}
	if (!states.ok) throw new ModuleError(`the node tables cannot be read: ${states.error}`);
	return states;
}

/** Dumps the tables (all at once); site and nodelist must have rows (else the database did not answer). */
export async function readTables(read: Read, names: readonly TableName[]): Promise<Tables> {
	const dumps = await Promise.all(names.map(async (table) => [table, await readTable(read, table)] as const));
	const tables: Tables = Object.fromEntries(dumps);
	// tabdump prints the header alone, exit 0, when the database does not answer: a cluster has site rows and nodes
	for (const table of ['site', 'nodelist'] as const) {
		if (tables[table]?.rows.length === 0) {
			throw new ModuleError(
				`tabdump ${table} printed no rows: the xCAT database did not answer, or it defines no ${table === 'site' ? 'site' : 'nodes'}; nothing was changed`,
			);
		}
	}
	return tables;
}

/**
 * A few named nodes' states from one `nodels -b` (effective values, with the group each inherited one
 * came from), and, when postscripts run, the xcatdefaults row alone (`tabdump -w`): the states the
 * tabdump path builds for these nodes, without reading 10,000-row tables.
 */
export async function statesByName(read: Read, nodes: readonly string[], withPostscripts: boolean): Promise<NodeStatesResult> {
	const columns = nodelsColumns(withPostscripts);
	const argv = ['nodels', nodes.join(','), '-b', ...columns];
	const [r, xcatdefaults] = await Promise.all([readOk(read, argv), withPostscripts ? readXcatdefaults(read) : undefined]);
	const states = nodeStatesFromNodels(r.stdout, nodes, columns, xcatdefaults);
	return states.ok ? states : { ok: false, error: `${showCommand(argv).slice(0, 300)}: ${states.error}` };
}

async function readXcatdefaults(read: Read): Promise<Tabdump> {
	const r = await readOk(read, ['tabdump', '-w', 'node==xcatdefaults', 'postscripts']);
	const t = tabdumpOf('postscripts', r.stdout);
	if (!t.ok) throw new ModuleError(t.why, { stdout: r.stdout.slice(0, 2000) });
	return t.table;
}

/** The noderange as xCAT expands it (`nodels`); fails when it selects nothing or names what xCAT does not know. */
export async function expand(read: Read, noderange: string): Promise<string[]> {
	const r = await readOk(read, ['nodels', noderange], undefined, UNKNOWN_HINT);
	return someNodes(noderange, parseNodels(r.stdout));
}
const UNKNOWN_HINT = ' (the noderange names nodes or groups xCAT does not know)';

function someNodes(noderange: string, nodes: string[]): string[] {
	if (nodes.length === 0) throw new ModuleError(`the noderange ${JSON.stringify(noderange)} selects no nodes`);
	return nodes;
}

interface Expanded {
	nodes: string[];
	/** the nodes' states, when the expansion read them too (expandNamed) */
	states?: Extract<NodeStatesResult, { ok: true }>;
}

/** A name xCAT cannot read as a range, a pattern or a group expression (`-`, `[`, `+`, `@`, `^`, `/` …). */
const PLAIN_NAME = /^[A-Za-z0-9_.]+$/;

/**
 * A noderange of at most fewNodes plain names, the usual small move, is expanded and read in one call,
 * `nodels <noderange> -b <columns>` (it prints every node it selects, one line per column), rather than
 * `nodels` and then `nodels -b`: one xCAT call (about 0.16 s on real xCAT) less before anything is
 * decided. A name may still be a group: past fewNodes nodes their values are dropped and the node tables
 * read as for any large noderange, the price of the guess being that one larger read. Other noderanges
 * are expanded alone (a range could select 10,000 nodes, each read by name).
 */
export async function expandNamed(read: Read, noderange: string, withPostscripts: boolean, fewNodes = FEW_NODES): Promise<Expanded> {
	const items = noderange.split(',');
	if (items.length > fewNodes || !items.every((item) => PLAIN_NAME.test(item))) return { nodes: await expand(read, noderange) };
	const columns = nodelsColumns(withPostscripts);
	const argv = ['nodels', noderange, '-b', ...columns];
	const [r, xcatdefaults] = await Promise.all([readOk(read, argv, undefined, UNKNOWN_HINT), withPostscripts ? readXcatdefaults(read) : undefined]);
	const nodes = someNodes(noderange, nodelsNodes(r.stdout));
	if (nodes.length > fewNodes) return { nodes };
	const states = nodeStatesFromNodels(r.stdout, nodes, columns, xcatdefaults);
	if (!states.ok) throw new ModuleError(`${showCommand(argv).slice(0, 300)}: ${states.error}`);
	return { nodes, states };
}

/** Values xCAT computes from a regular expression: asked of xCAT itself (lsdef -i) rather than guessed. */
async function resolveComputed(read: Read, nodes: Map<string, NodeState>, computed: { node: string; attribute: string }[]): Promise<void> {
	const names = [...new Set(computed.map((c) => c.node))];
	const attributes = [...new Set(computed.map((c) => c.attribute))];
	for (const chunk of noderangeChunks(names)) {
		// -S: without it lsdef leaves hidden nodes out, and they would keep the raw expression
		const argv = ['lsdef', '-t', 'node', '-o', chunk, '-S', '-i', attributes.join(',')];
		const r = await readOk(read, argv);
		const problem = mergeComputed(nodes, chunk.split(','), attributes, r.stdout);
		if (problem) throw new ModuleError(`${showCommand(argv).slice(0, 300)}: ${problem}; nothing was changed`, { stdout: r.stdout.slice(0, 2000) });
	}
}

/** Puts the values lsdef computed into the node states; says which asked nodes it did not show (pure). */
export function mergeComputed(nodes: Map<string, NodeState>, asked: readonly string[], attributes: readonly string[], stdout: string): string | undefined {
	const shown = parseLsdef(stdout).objects;
	for (const [name, values] of shown) {
		const state = nodes.get(name) as Record<string, unknown> | undefined;
		if (!state) continue;
		for (const attribute of attributes) if (values[attribute] !== undefined) state[attribute] = values[attribute];
	}
	const left = asked.filter((n) => !shown.has(n));
	return left.length
		? `lsdef showed no values for ${left.slice(0, 10).join(', ')}${left.length > 10 ? `, … (${left.length} nodes)` : ''}, whose values are xCAT expressions only xCAT can compute`
		: undefined;
}

async function hostsDatabase(read: Read): Promise<HostsDatabase> {
	const r = await read(['getent', 'hosts']);
	return parseGetentHosts(r.rc === 0 ? r.stdout : '');
}

/** Names to IPv4 addresses: the hosts file first (one read for all), then the resolver name by name. */
async function resolveAll(read: Read, hosts: HostsDatabase, names: readonly string[]): Promise<Map<string, string>> {
	const addresses = new Map<string, string>();
	const missing: string[] = [];
	for (const name of new Set(names)) {
		const address = isIPv4(name) ? name : hosts.byName.get(name);
		if (address !== undefined) addresses.set(name, address);
		else missing.push(name);
	}
	await inParallel(missing, async (name) => {
		const r = await read(['getent', 'ahostsv4', name]);
		const address = r.rc === 0 ? parseAhostsv4(r.stdout) : undefined;
		if (address !== undefined) addresses.set(name, address);
	});
	return addresses;
}

/** The names compared by address: -S, -D, and the nodes' current xcatmaster values. */
function masterNames(request: MoveRequest, states: readonly NodeState[]): string[] {
	const names = new Set<string>();
	if (request.sourceNodeFacing !== undefined) names.add(request.sourceNodeFacing);
	if (request.destNodeFacing !== undefined) names.add(request.destNodeFacing);
	for (const state of states) if (state.xcatmaster) names.add(state.xcatmaster);
	return [...names];
}

interface DestinationAnswers {
	addresses: Map<string, ServiceNodeAddress[]>;
	/** destination → why its addresses are unknown */
	unreachable: Map<string, string>;
	/** destinations that answered xdsh */
	answeredSsh: Set<string>;
}

/** Each destination SN's IPv4 addresses, as snmove asks them: `xdsh <sn> /sbin/ip addr`, in parallel. */
async function askDestinations(read: Read, destinations: readonly string[]): Promise<DestinationAnswers> {
	const found = new Map<string, ServiceNodeAddress[]>();
	const unreachable = new Map<string, string>();
	const answeredSsh = new Set<string>();
	await inParallel(destinations, async (sn) => {
		const argv = ['xdsh', sn, '/sbin/ip', 'addr'];
		const r = await read(argv);
		if (r.rc === 0) answeredSsh.add(sn);
		const addresses = r.rc === 0 ? parseInetAddresses(r.stdout) : [];
		if (addresses.length === 0) {
			unreachable.set(
				sn,
				r.rc === 0 ? `${showCommand(argv)} listed no IPv4 address` : `${showCommand(argv)} failed (rc ${r.rc}): ${(r.stderr || r.stdout).trim()}`,
			);
			return;
		}
		found.set(
			sn,
			addresses.map((address) => ({ address })),
		);
	});
	return { addresses: found, unreachable, answeredSsh };
}

async function inParallel<T>(items: readonly T[], job: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < items.length) await job(items[next++]!);
	};
	await Promise.all(Array.from({ length: Math.min(FANOUT, items.length) }, worker));
}
