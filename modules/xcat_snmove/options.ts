// snmove's options under Ansible names (the short flags are in the docs), and the checks on them
// that the schema cannot say. Everything here fails before anything is probed.
import { bool, list, requiredOneOf, str, type ArgsOf } from '../runtime';
import { noderangeOptionProblem } from '../xcat/noderange';
import { nameLengthProblem } from '../runtime/names';
import { toRequest } from './report';
import { writeWithOption } from './sql';
import { HOST, optionProblems, SCRIPT } from './validate';

export const options = {
	nodes: str(),
	source: str({ pattern: HOST }),
	source_node_facing: str({ pattern: HOST }),
	dest: str({ pattern: HOST }),
	dest_node_facing: str({ pattern: HOST }),
	ignore_nodes: bool({ default: false }),
	postscripts: list({ minItems: 1, pattern: SCRIPT }),
	reconfigure_boot: bool({ default: true }),
	write_with: writeWithOption(),
};

export const rules = [requiredOneOf('nodes', 'source')];

export type Args = ArgsOf<typeof options>;

export function checkArgs(a: Args): string[] {
	const errors: string[] = [];
	for (const [option, value] of [
		['source', a.source],
		['source_node_facing', a.source_node_facing],
		['dest', a.dest],
		['dest_node_facing', a.dest_node_facing],
	] as const) {
		const long = value === undefined ? undefined : nameLengthProblem(option, value);
		if (long) errors.push(long);
	}
	const nodes = a.nodes === undefined ? undefined : noderangeOptionProblem('nodes', a.nodes);
	if (nodes) errors.push(nodes);
	if (a.nodes !== undefined && a.source === undefined && a.dest === undefined) {
		errors.push('nodes needs dest (or source): without a destination every node would go to its backup, and running it again would move it back');
	}
	if (a.source_node_facing !== undefined && a.source === undefined) errors.push('source_node_facing needs source (snmove -S goes with -s)');
	errors.push(...optionProblems(toRequest(a)));
	return errors;
}
