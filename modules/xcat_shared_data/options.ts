import { bool, list, str } from '../runtime';

const PATH = {
	regex: '^(/[A-Za-z0-9._+@,=-]+)+/?$',
	hint: 'an absolute path of letters, digits and . _ + @ , = - (no spaces, shell metacharacters or newlines)',
};

export const options = {
	path: str({ required: true, pattern: PATH }),
	directories: list({ minItems: 1, pattern: PATH }),
	db_type: str({ choices: ['postgresql', 'mysql', 'sqlite'] as const, default: 'postgresql' }),
	state: str({ choices: ['linked', 'unlinked'] as const, default: 'linked' }),
	require_mount: bool({ default: true }),
};
