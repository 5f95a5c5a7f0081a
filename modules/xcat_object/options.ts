import { dict, requiredIf, str } from '../runtime';

/** Object names and noderanges: what xCAT names and noderanges use, no spaces or shell metacharacters. */
export const OBJECT_NAME = {
	regex: '^[A-Za-z0-9_.,:@+/^\\[\\]][A-Za-z0-9_.,:@+/^\\[\\]-]*$',
	hint: 'an xCAT object name or noderange (letters, digits and _ . , : @ + - [ ] / ^; no spaces or shell metacharacters; not starting with -)',
};

export const TYPES = ['site', 'network', 'node', 'group'] as const;

export const options = {
	type: str({ required: true, choices: TYPES }),
	name: str({ pattern: OBJECT_NAME }),
	attributes: dict({ default: {} }),
	state: str({ choices: ['present', 'absent'] as const, default: 'present' }),
};

export const rules = [requiredIf('type', 'network', ['name']), requiredIf('type', 'node', ['name']), requiredIf('type', 'group', ['name'])];
