// Length limits of host and object names, as DNS has them (RFC 1035: 253 characters a name, 63 a label)
// and xCAT inherits them; checked before any command, so a 1 MB name never reaches lsdef (E2BIG, a 3 MB message).
import { quoteValue } from './show';

/** A host name as DNS has it (RFC 1123): labels of letters, digits and inner hyphens, at most 63 characters, between dots. */
export const HOST_NAME = {
	regex: '^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$',
	hint: 'a host name (letters, digits, hyphens, dots)',
};
const HOST_NAME_RE = new RegExp(HOST_NAME.regex);
export const isHostName = (s: string): boolean => HOST_NAME_RE.test(s);

export const NAME_MAX = 253;
export const LABEL_MAX = 63;
/** a noderange as a whole: far below Linux's 128 KiB limit on one command argument */
export const NODERANGE_MAX = 65_536;

/** Why NAME is too long for a host or object name, or undefined. */
export function nameLengthProblem(option: string, name: string): string | undefined {
	const label = name.split('.').find((l) => l.length > LABEL_MAX);
	if (name.length <= NAME_MAX && label === undefined) return undefined;
	return `value of ${option} must be a name of at most ${NAME_MAX} characters with labels (between dots) of at most ${LABEL_MAX}, got: ${quoteValue(name, NAME_MAX + 2)} (${name.length > NAME_MAX ? `${name.length} characters` : `a label of ${label!.length} characters`})`;
}

/** The same for each comma-separated element of a noderange or name list, and a bound on the whole. */
export function noderangeLengthProblem(option: string, value: string): string | undefined {
	if (value.length > NODERANGE_MAX) return `value of ${option} must be at most ${NODERANGE_MAX} characters, got: ${quoteValue(value)}`;
	for (const element of value.split(',')) {
		const problem = nameLengthProblem(option, element);
		if (problem) return problem;
	}
	return undefined;
}
