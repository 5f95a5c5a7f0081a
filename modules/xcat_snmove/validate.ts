// The rules on a move request, in one wording: the module's argument check applies the rules between options
// (the schema has already applied the patterns), and the plan applies them all again to whatever request it is
// given, with the expanded nodes. Returned as strings or findings, never thrown.

import type { Findings } from './findings';
import type { ErrorKind, MoveRequest } from './types';
import { quoteValue } from '../runtime/show';

/** A host name or IPv4 address as xCAT stores it: no commas (they would corrupt servicenode), spaces or shell syntax. */
export const HOST = { regex: '^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$', hint: "a host name or IPv4 address (letters, digits, '.', '_', '-')" };
export const SCRIPT = {
	regex: '^[A-Za-z0-9_][A-Za-z0-9._+-]*$',
	hint: "a postscript name from /install/postscripts (letters, digits, '.', '_', '+', '-'), or all",
};
const HOST_RE = new RegExp(HOST.regex);
const SCRIPT_RE = new RegExp(SCRIPT.regex);

/** What is wrong between the options of a request (nodes aside); the same words as the schema for the patterns. */
export function optionProblems(request: MoveRequest): string[] {
	const errors: string[] = [];
	for (const [option, value] of hostOptions(request)) {
		if (!HOST_RE.test(value)) errors.push(`value of ${option} must be ${HOST.hint}, got: ${quoteValue(value)}`);
	}
	if (request.source !== undefined && request.source === request.dest) errors.push(`dest must differ from source, both are ${request.source}`);
	if (request.postscripts !== undefined && request.ignoreNodes)
		errors.push('postscripts cannot be combined with ignore_nodes: ignore_nodes runs nothing on the nodes');
	if (Array.isArray(request.postscripts)) errors.push(...scriptProblems(request.postscripts));
	return errors;
}

export function validateRequest(request: MoveRequest, errors: Findings<ErrorKind>): void {
	const invalid = (message: string) => errors.add('invalid-request', message);
	if (request.nodes === undefined && request.source === undefined) invalid('one of the following is required: nodes, source');
	if (request.nodes !== undefined && request.nodes.length === 0) invalid('nodes is empty');
	for (const message of optionProblems(request)) invalid(message);
	for (const node of request.nodes ?? []) {
		if (!HOST_RE.test(node)) invalid(`not a node name: ${quoteValue(node)}`);
	}
}

function hostOptions(request: MoveRequest): [string, string][] {
	const options: [string, string | undefined][] = [
		['source', request.source],
		['source_node_facing', request.sourceNodeFacing],
		['dest', request.dest],
		['dest_node_facing', request.destNodeFacing],
	];
	return options.filter((option): option is [string, string] => option[1] !== undefined);
}

function scriptProblems(scripts: readonly string[]): string[] {
	if (scripts.length === 0) return ['postscripts must have at least 1 item(s), got: []'];
	const errors = scripts.flatMap((script, i) =>
		SCRIPT_RE.test(script) ? [] : [`value of postscripts[${i}] must be ${SCRIPT.hint}, got: ${quoteValue(script)}`],
	);
	if (scripts.includes('all') && scripts.length > 1)
		errors.push(`postscripts: all stands alone (it runs every script in the nodes' lists), got: ${scripts.join(',')}`);
	return errors;
}
