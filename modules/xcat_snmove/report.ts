// The module's words (pure): options to the plan's request, findings as messages, counts as result keys.
import type { Args } from './options';
import type { ChangeCounts, Finding, MoveRequest, Plan } from './types';

/** The request without its nodes: the noderange is expanded by xCAT (nodels) in the probe. */
export function toRequest(a: Omit<Args, 'nodes'>): MoveRequest {
	const request: MoveRequest = { ignoreNodes: a.ignore_nodes, reconfigureBoot: a.reconfigure_boot };
	if (a.source !== undefined) request.source = a.source;
	if (a.source_node_facing !== undefined) request.sourceNodeFacing = a.source_node_facing;
	if (a.dest !== undefined) request.dest = a.dest;
	if (a.dest_node_facing !== undefined) request.destNodeFacing = a.dest_node_facing;
	if (a.postscripts !== undefined) request.postscripts = a.postscripts.length === 1 && a.postscripts[0] === 'all' ? 'all' : a.postscripts;
	return request;
}

const SHOWN = 10;

/** "message (3 nodes: cn1, cn2, cn3)", at most ten names. */
export function findingLine(finding: Finding<string>): string {
	const { nodes } = finding;
	if (nodes.length === 0) return finding.message;
	const names = nodes.slice(0, SHOWN).join(', ') + (nodes.length > SHOWN ? `, … ${nodes.length - SHOWN} more` : '');
	return `${finding.message} (${nodes.length} node${nodes.length === 1 ? '' : 's'}: ${names})`;
}

/** Why the plan refuses: every error, and for unreachable SNs what the probe saw. */
export function refusal(p: Plan, unreachable: ReadonlyMap<string, string>): string {
	const lines = p.errors.map(findingLine);
	for (const [sn, why] of unreachable) lines.push(`${sn}: ${why}`);
	return `nothing was changed: ${lines.join('; ')}`;
}

export function countsResult(c: ChangeCounts): Record<string, number> {
	return {
		selected: c.selected,
		moved: c.moved,
		unchanged: c.unchanged,
		servicenode: c.servicenode,
		xcatmaster: c.xcatmaster,
		tftpserver: c.tftpserver,
		nfsserver: c.nfsserver,
		monserver: c.monserver,
		conserver: c.conserver,
		inherited_overrides: c.inheritedOverrides,
	};
}
