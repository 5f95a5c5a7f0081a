// snmove's options under Ansible names (the short flags are in the docs), and the checks on them
// that the schema cannot say. Everything here fails before anything is probed.
import { bool, list, requiredOneOf, str } from '../runtime';
import { noderangeProblem } from '../xcat/noderange';
import { nameLengthProblem, noderangeLengthProblem } from '../runtime/names';
import { quoteValue } from '../runtime/show';

/** A host name or IPv4 address as xCAT stores it: no commas (they would corrupt servicenode), spaces or shell syntax. */
const HOST = { regex: '^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$', hint: "a host name or IPv4 address (letters, digits, '.', '_', '-')" };
const SCRIPT = { regex: '^[A-Za-z0-9_][A-Za-z0-9._+-]*$', hint: "a postscript name from /install/postscripts (letters, digits, '.', '_', '+', '-'), or all" };

export const options = {
	nodes: str(),
	source: str({ pattern: HOST }),
	source_node_facing: str({ pattern: HOST }),
	dest: str({ pattern: HOST }),
	dest_node_facing: str({ pattern: HOST }),
	ignore_nodes: bool({ default: false }),
	postscripts: list({ minItems: 1, pattern: SCRIPT }),
	reconfigure_boot: bool({ default: true }),
};

export const rules = [requiredOneOf('nodes', 'source')];

interface Given {
	nodes?: string;
	source?: string;
	source_node_facing?: string;
	dest?: string;
	dest_node_facing?: string;
	ignore_nodes: boolean;
	postscripts?: string[];
}

export function checkArgs(a: Given): string[] {
	const errors: string[] = [];
	for (const [option, value] of [['source', a.source], ['source_node_facing', a.source_node_facing], ['dest', a.dest], ['dest_node_facing', a.dest_node_facing]] as const) {
		const long = value === undefined ? undefined : nameLengthProblem(option, value);
		if (long) errors.push(long);
	}
	const longNodes = a.nodes === undefined ? undefined : noderangeLengthProblem('nodes', a.nodes);
	if (longNodes) return [...errors, longNodes];
	if (a.nodes !== undefined) {
		const problem = noderangeProblem(a.nodes);
		if (problem) errors.push(`value of nodes must be an xCAT noderange (e.g. cn1,cn[3-7],rack2), got: ${quoteValue(a.nodes)}: ${problem}`);
	}
	if (a.nodes !== undefined && a.source === undefined && a.dest === undefined) {
		errors.push('nodes needs dest (or source): without a destination every node would go to its backup, and running it again would move it back');
	}
	if (a.source_node_facing !== undefined && a.source === undefined) errors.push('source_node_facing needs source (snmove -S goes with -s)');
	if (a.source !== undefined && a.source === a.dest) errors.push(`dest must differ from source, both are ${a.source}`);
	if (a.postscripts !== undefined && a.ignore_nodes) errors.push('postscripts cannot be combined with ignore_nodes: ignore_nodes runs nothing on the nodes');
	if (a.postscripts !== undefined && a.postscripts.includes('all') && a.postscripts.length > 1) {
		errors.push(`postscripts: all stands alone (it runs every script in the nodes' lists), got: ${a.postscripts.join(',')}`);
	}
	return errors;
}
