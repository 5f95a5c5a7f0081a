// Reads what the balance plan needs, on the management node, changing nothing: that this is the MN
// (lsxcatd -t), the servicenode table (every member must be a defined service node), the noderange
// (nodels) and the nodes' servicenode and xcatmaster with group inheritance, read as xcat_snmove reads
// them from the node tables dumped whole, and what the groups alone give each node as xcatmaster.
import { ModuleError, type Read } from '../runtime';
import { resolveNodeAttributes } from '../xcat/inherit';
import { columnIndex, type Tabdump } from '../xcat/tabdump';
import { requireManagementNode } from '../xcat/mn';
import { serviceNodeNames } from '../xcat_snmove/parse';
import { expand, readNodeStates, readTables } from '../xcat_snmove/probe';
import type { NodeState } from '../xcat_snmove/types';

export interface Probed {
	/** the noderange as nodels expanded it */
	nodes: string[];
	/** every node read: the expanded ones (and more when the tables were read whole) */
	states: Map<string, NodeState>;
	/** the enabled rows of the servicenode table */
	serviceNodes: Set<string>;
	/** per node, the xcatmaster its groups give it when its own is blank (groupXcatmaster) */
	groupXcatmaster: Map<string, { value: string; group: string }>;
}

/** The node tables balance reads when it reads them whole: servicenode and xcatmaster are in noderes. */
const NODE_TABLES = ['nodelist', 'noderes', 'nodehm'] as const;

/**
 * fewNodes: 0, so the node tables are always read whole: blanking xcatmaster needs the groups' own values
 * too, which `nodels -b` does not show beside a node's own value (a pool balances whole clusters anyway).
 */
export async function probe(read: Read, members: readonly string[], noderange: string, fewNodes = 0): Promise<Probed> {
	// read-only, so they need not wait for lsxcatd: its refusal still comes first (awaited first)
	const reads = Promise.all([readTables(read, ['servicenode']), expand(read, noderange)]);
	reads.catch(() => undefined); // awaited below; a failure while lsxcatd runs is not an unhandled rejection
	await requireManagementNode(read, 'xcat_pool');
	const [tables, nodes] = await reads;
	const serviceNodes = serviceNodeNames(tables.servicenode!);
	const problems = memberProblems(members, serviceNodes);
	if (problems.length) throw new ModuleError(`nothing was changed: ${problems.join('; ')}`, { members: [...members] });
	const states = await readNodeStates(read, tables, { named: nodes, tables: NODE_TABLES, withPostscripts: false, fewNodes });
	return {
		nodes,
		states: states.nodes,
		serviceNodes,
		groupXcatmaster: tables.nodelist && tables.noderes ? groupXcatmaster(tables.nodelist, tables.noderes) : new Map(),
	};
}

/**
 * What each node would inherit as xcatmaster from its groups if its own value were blank (pure): the
 * noderes rows of groups alone, resolved as xCAT resolves them. Only nodes with such a value.
 */
export function groupXcatmaster(nodelist: Tabdump, noderes: Tabdump): Map<string, { value: string; group: string }> {
	const node = columnIndex(nodelist, 'node');
	const names = new Set(nodelist.rows.map((r) => r[node]));
	const key = columnIndex(noderes, 'node');
	const groupsOnly: Tabdump = { columns: noderes.columns, rows: noderes.rows.filter((r) => !names.has(r[key] ?? null)) };
	const resolved = resolveNodeAttributes(nodelist, { xcatmaster: { table: groupsOnly, column: 'xcatmaster' } });
	const found = new Map<string, { value: string; group: string }>();
	if (!resolved.ok) return found;
	for (const n of resolved.nodes) {
		const group = n.inheritedFrom?.xcatmaster;
		if (group !== undefined) found.set(n.name, { value: n.values.xcatmaster, group });
	}
	return found;
}

/** Each member that is not a defined service node (no enabled servicenode table row), named (pure). */
export function memberProblems(members: readonly string[], serviceNodes: ReadonlySet<string>): string[] {
	return members
		.filter((member) => !serviceNodes.has(member))
		.map(
			(member) =>
				`member ${member} has no enabled row in the servicenode table, so it is not a service node xCAT knows (give it one, e.g. chdef ${member} setuptftp=1, or take it out of members)`,
		);
}
