// Node lists handed to xCAT commands as one noderange argument (chdef -o, nodeset, makeconservercf,
// updatenode). Linux refuses any single argument over 128 KiB (MAX_ARG_STRLEN) with E2BIG, so a list
// of 100,000 names is split into a few comma-joined chunks, each a separate command.

import { noderangeLengthProblem } from '../runtime/names';
import { quoteValue } from '../runtime/show';

/** Comfortably below MAX_ARG_STRLEN (131072 bytes, terminating NUL included). */
export const MAX_NODERANGE_CHARS = 100_000;

export function noderangeChunks(nodes: readonly string[], maxChars = MAX_NODERANGE_CHARS): string[] {
	const chunks: string[] = [];
	let current: string[] = [];
	let length = 0;
	for (const node of nodes) {
		if (node.length > maxChars) throw new RangeError(`node name longer than ${maxChars} characters`);
		const added = current.length === 0 ? node.length : node.length + 1;
		if (length + added > maxChars) {
			chunks.push(current.join(','));
			current = [];
			length = 0;
		}
		length += current.length === 0 ? node.length : node.length + 1;
		current.push(node);
	}
	if (current.length > 0) chunks.push(current.join(','));
	return chunks;
}

/** The characters a noderange may use (man 3 noderange): names, ranges, regexes, files, groups, selections. */
const NODERANGE_CHARS = /^[A-Za-z0-9_.,:+@()[\]/^=!~*-]+$/;

/**
 * Why a noderange is malformed before xCAT sees it, or undefined: characters outside its grammar (spaces,
 * newlines, shell metacharacters such as ; $ ` | & < > quotes), empty elements, unbalanced brackets.
 * Whether the names exist is xCAT's to say (nodels).
 */
export function noderangeProblem(text: string): string | undefined {
	if (text === '') return 'it is empty';
	if (!NODERANGE_CHARS.test(text)) {
		const bad = [...new Set(text.replace(/[A-Za-z0-9_.,:+@()[\]/^=!~*-]/g, ''))].map((c) => JSON.stringify(c)).join(' ');
		return `it contains characters a noderange cannot have: ${bad}`;
	}
	let square = 0,
		round = 0,
		element = 0;
	for (const c of text) {
		if (c === '[') square++;
		else if (c === ']' && --square < 0) return 'a "]" has no "["';
		else if (c === '(') round++;
		else if (c === ')' && --round < 0) return 'a ")" has no "("';
		else if (c === ',' && square === 0 && round === 0) {
			if (element === 0) return 'it has an empty element (",," or a leading or trailing ",")';
			element = -1;
		}
		element++;
	}
	if (square !== 0) return 'a "[" is not closed';
	if (round !== 0) return 'a "(" is not closed';
	if (element === 0) return 'it has an empty element (",," or a leading or trailing ",")';
	return undefined;
}

/**
 * What is wrong with OPTION's noderange VALUE, as one message naming the option, the value and what is
 * allowed, or undefined: too long (as a whole, or a name in it), or malformed (noderangeProblem).
 */
export function noderangeOptionProblem(option: string, value: string): string | undefined {
	const long = noderangeLengthProblem(option, value);
	if (long) return long;
	const problem = noderangeProblem(value);
	return problem ? `value of ${option} must be an xCAT noderange (e.g. cn1,cn[3-7],rack2), got: ${quoteValue(value)}: ${problem}` : undefined;
}
