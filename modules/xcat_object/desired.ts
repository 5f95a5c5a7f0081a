// What the user asked for, checked and normalised (pure).
import type { ArgsOf } from '../runtime';
import type { options } from './options';
import { noderangeLengthProblem } from '../runtime/names';
import { quoteValue } from '../runtime/show';

export type Args = ArgsOf<typeof options>;
export type ObjectType = Args['type'];

export const SITE_OBJECT = 'clustersite';
/** xCAT attribute names: site keys and object attributes, `nicips.eth0` style included. */
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.]+$/;
/** one argument must stay below Linux's 128 KiB (MAX_ARG_STRLEN) */
const MAX_VALUE_CHARS = 100_000;

export interface Desired {
	type: ObjectType;
	/** the object name, or the noderange for nodes and groups */
	name: string;
	/** attribute → value in the order given; '' clears */
	attributes: Array<[string, string]>;
	state: 'present' | 'absent';
}

export function checkArgs(a: Args): string[] {
	const errors: string[] = [];
	const long = a.name === undefined ? undefined : noderangeLengthProblem('name', a.name);
	if (long) return [long];
	if (a.type === 'site' && a.name !== undefined && a.name !== SITE_OBJECT) {
		errors.push(`value of name must be ${SITE_OBJECT} (or left out) for type site: xCAT has one site object, got: ${quoteValue(a.name)}`);
	}
	if (a.state === 'absent' && a.type === 'site')
		errors.push('type site cannot be absent: xCAT always has its site object (clear a site attribute with an empty value instead)');
	if (a.state === 'absent' && Object.keys(a.attributes).length > 0) errors.push('attributes must be empty with state=absent: the whole object is removed');
	for (const [attr, value] of Object.entries(a.attributes)) {
		if (!ATTRIBUTE_NAME.test(attr)) {
			errors.push(`attributes has a key that is not an xCAT attribute name (letters, digits, _ and . only): ${quoteValue(attr)}`);
			continue;
		}
		if (/[\n\r\0]/.test(value)) errors.push(`value of attributes.${attr} must be one line (no newline, carriage return or NUL), got: ${quoteValue(value)}`);
		else if (value !== value.trim())
			errors.push(`value of attributes.${attr} must not start or end with whitespace (chdef would not store it as given), got: ${quoteValue(value)}`);
		// Table.pm setAttribs stores the word NULL as no value on an existing row but as the text "NULL"
		// on a new one: what xCAT would hold depends on the row, so no run could be idempotent
		if (value === 'NULL')
			errors.push(
				`value of attributes.${attr} must not be the word NULL (xCAT stores it as no value in an existing row and as the text "NULL" in a new one): use "" to clear the attribute`,
			);
		if (value.length > MAX_VALUE_CHARS)
			errors.push(`value of attributes.${attr} is ${value.length} characters long: at most ${MAX_VALUE_CHARS} fit in one command argument`);
	}
	return errors;
}

export function toDesired(a: Args): Desired {
	return {
		type: a.type,
		name: a.type === 'site' ? SITE_OBJECT : a.name!,
		attributes: Object.entries(a.attributes),
		state: a.state,
	};
}
