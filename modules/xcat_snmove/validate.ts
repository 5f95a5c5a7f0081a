// Checks of the request alone, before any node is looked at. Returned as findings, never thrown.

import type { Findings } from './findings';
import type { ErrorKind, MoveRequest } from './types';
import { quoteValue } from '../runtime/show';

/** A host name or IPv4 address: no commas (they would corrupt the servicenode list), spaces or shell syntax. */
const HOST_TOKEN = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const SCRIPT_NAME = /^[A-Za-z0-9_][A-Za-z0-9._+-]*$/;

export function validateRequest(request: MoveRequest, errors: Findings<ErrorKind>): void {
	const invalid = (message: string) => errors.add('invalid-request', message);
	if (request.nodes === undefined && request.source === undefined) invalid('give nodes or source');
	if (request.nodes !== undefined && request.nodes.length === 0) invalid('nodes is empty');
	for (const [option, value] of hostOptions(request)) {
		if (!HOST_TOKEN.test(value)) invalid(`${option} is not a host name or IPv4 address: ${quoteValue(value)}`);
	}
	if (request.source !== undefined && request.source === request.dest) invalid(`dest is the source (${request.source})`);
	if (request.postscripts !== undefined && request.ignoreNodes) invalid('postscripts cannot be combined with ignore_nodes');
	if (Array.isArray(request.postscripts)) validateScripts(request.postscripts, invalid);
	for (const node of request.nodes ?? []) {
		if (!HOST_TOKEN.test(node)) invalid(`not a node name: ${quoteValue(node)}`);
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

function validateScripts(scripts: readonly string[], invalid: (message: string) => void): void {
	if (scripts.length === 0) invalid('postscripts is empty');
	if (scripts.includes('all') && scripts.length > 1) invalid("postscripts: 'all' stands alone");
	for (const script of scripts) {
		if (!SCRIPT_NAME.test(script)) invalid(`postscripts: not a script name: ${quoteValue(script)}`);
	}
}
