// The data the snmove plan reads (PlanInput: what the user asked + what the probe saw) and what it
// returns (Plan: what would change and the commands' inputs). Names follow snmove's options.

/** The node attributes snmove rewrites, in the order writes and diffs list them. */
export const MOVED_ATTRIBUTES = ['servicenode', 'xcatmaster', 'tftpserver', 'nfsserver', 'monserver', 'conserver'] as const;
export type MovedAttribute = (typeof MOVED_ATTRIBUTES)[number];

/** One node as `lsdef -i` shows it: effective values, inherited ones resolved; '' = unset. */
export interface NodeState {
	servicenode: string;
	xcatmaster: string;
	tftpserver: string;
	nfsserver: string;
	monserver: string;
	conserver: string;
	provmethod?: string | undefined;
	postscripts?: string | undefined;
	postbootscripts?: string | undefined;
	/** nodetype.os: AIX nodes are refused (only snmove's Linux path is implemented) */
	os?: string | undefined;
	/** the node's IPv4 address (xCAT resolves every node); needed to compute xcatmaster and routes */
	address?: string | undefined;
	/** attribute → the group whose row supplied the value; absent = the node's own row */
	inheritedFrom?: Partial<Record<MovedAttribute, string>> | undefined;
}

/** What the user asked for: snmove's options, with the noderange already expanded by xCAT (nodels). */
export interface MoveRequest {
	/** noderange expanded; with `source` too, only those that list the source first are moved */
	nodes?: readonly string[] | undefined;
	/** -s: the source SN as the MN knows it; selects the nodes that list it first */
	source?: string | undefined;
	/** -S: the source SN as the nodes know it; replaces each node's xcatmaster as the "old master" */
	sourceNodeFacing?: string | undefined;
	/** -d: the destination SN as the MN knows it; default each node's backup (second servicenode entry) */
	dest?: string | undefined;
	/** -D: the destination as the nodes know it (the new xcatmaster); default computed per node */
	destNodeFacing?: string | undefined;
	/** -i: leave the nodes alone (no routes, no postscripts); nodeset still runs, as in xCAT */
	ignoreNodes?: boolean | undefined;
	/** -P: extra postscripts, or 'all' (everything in the node's postscripts lists) */
	postscripts?: readonly string[] | 'all' | undefined;
	/** run nodeset for the moved nodes (default true, as xCAT does) */
	reconfigureBoot?: boolean | undefined;
}

/** An IPv4 address on a service node, as `ip addr` there lists it (snmove compares and stores addresses, not names). */
export interface ServiceNodeAddress {
	address: string;
}

/** A `networks` row (only the columns snmove reads). */
export interface NetworkRow {
	net: string;
	mask: string;
	gateway?: string | undefined;
}

/** What the probe saw. Maps, not objects, so any node or host name is a safe key. */
export interface ClusterState {
	/** every node the selection may consider (all nodes when selecting by `source`), in xCAT's order */
	nodes: ReadonlyMap<string, NodeState>;
	/** site.master: xCAT files nodes with an empty servicenode under it when selecting by source */
	siteMaster?: string | undefined;
	/** the `xcatdefaults` row of the postscripts table */
	xcatdefaults?: { postscripts?: string | undefined; postbootscripts?: string | undefined } | undefined;
	/** the networks table in table order */
	networks?: readonly NetworkRow[] | undefined;
	/** destination SN → its IPv4 addresses (asked over ssh as xCAT does); absent = could not be asked */
	serviceNodeAddresses?: ReadonlyMap<string, readonly ServiceNodeAddress[]> | undefined;
	/** host name → IPv4 address, for names compared by address (xcatmaster values, -S, -D) */
	hostAddresses?: ReadonlyMap<string, string> | undefined;
	/** the defined service nodes (servicenode table); when given, every destination must be one */
	serviceNodes?: ReadonlySet<string> | undefined;
}

export interface PlanInput {
	request: MoveRequest;
	cluster: ClusterState;
}

export interface AttributeChange {
	attribute: MovedAttribute;
	before: string;
	after: string;
	/** the group the old value came from; the new value is written on the node itself */
	inheritedFrom?: string;
}

export interface NodeMove {
	node: string;
	/** the SN the node is moved off (source, or its first servicenode entry) */
	from: string;
	/** the destination SN (as the MN knows it) */
	to: string;
	changes: AttributeChange[];
}

/** One chdef: the same attribute values for all these nodes. */
export interface AttributeWrite {
	nodes: string[];
	attributes: Partial<Record<MovedAttribute, string>>;
}

export interface NodesetGroup {
	provmethod: string;
	/** nodeset's argument: the provmethod itself for install/netboot/statelite, else osimage=<name> */
	argument: string;
	nodes: string[];
}

export interface PostscriptGroup {
	scripts: string[];
	nodes: string[];
}

export interface RouteGroup {
	/** the new xcatmaster's address: `route add default gw <gateway>` on the nodes */
	gateway: string;
	nodes: string[];
}

/** What apply runs, in this order. All empty when the plan is not ok. */
export interface PlanActions {
	writes: AttributeWrite[];
	/** nodes whose conserver changed: makeconservercf (or makegocons) for them */
	consoles: string[];
	nodeset: NodesetGroup[];
	/** networks whose gateway is `<xcatmaster>` (skipped with ignoreNodes) */
	routes: RouteGroup[];
	/** updatenode -s, then -P (skipped with ignoreNodes) */
	postscripts: PostscriptGroup[];
}

export type ErrorKind =
	| 'invalid-request'
	| 'unknown-node'
	| 'unknown-source'
	| 'invalid-servicenode'
	| 'unsupported-os'
	| 'no-backup'
	| 'destination-is-node'
	| 'destination-not-service-node'
	| 'destination-unreachable'
	| 'node-unresolved'
	| 'no-xcatmaster';

export type WarningKind =
	| 'nothing-selected'
	| 'not-listing-source-first'
	| 'toggles-back'
	| 'monserver-one-field'
	| 'conserver-host-form'
	| 'no-provmethod'
	| 'route-gateway-unresolved';

/** A finding with every node it concerns (one entry per kind and message, however many nodes). */
export interface Finding<K extends string> {
	kind: K;
	message: string;
	nodes: string[];
}

export interface ChangeCounts {
	selected: number;
	moved: number;
	unchanged: number;
	servicenode: number;
	xcatmaster: number;
	tftpserver: number;
	nfsserver: number;
	monserver: number;
	conserver: number;
	/** values that were inherited from a group and are now written on the node */
	inheritedOverrides: number;
}

export interface Plan {
	/** false when any error: then actions are empty and nothing may change */
	ok: boolean;
	selected: string[];
	/** nodes whose attributes change (computed even when not ok, as a preview) */
	moves: NodeMove[];
	/** selected nodes already where the request puts them */
	unchanged: string[];
	/** destination SNs of the moves: apply checks each answers before changing anything */
	destinations: string[];
	counts: ChangeCounts;
	errors: Finding<ErrorKind>[];
	warnings: Finding<WarningKind>[];
	actions: PlanActions;
}
