import { list, str } from '../runtime';

/** A host name or certificate CN; `*` (every client) and anything a shell would read specially are refused. */
export const POLICY_NAME = {
	regex: '^[A-Za-z0-9][A-Za-z0-9_.-]*$',
	hint: 'a host name or certificate CN (letters, digits, _ . -, starting with a letter or digit; not * and no spaces or shell metacharacters)',
};

export const options = {
	names: list({ required: true, minItems: 1, pattern: POLICY_NAME }),
	state: str({ choices: ['present', 'absent'] as const, default: 'present' }),
	rule: str({ choices: ['trusted', 'allow', 'accept', 'deny'] as const, default: 'trusted' }),
};
