import { list, str } from '../runtime';

const ABSOLUTE = { regex: '^/[^\\n\\r\\0]*$', hint: 'an absolute path' };
const UNIT = { regex: '^[A-Za-z0-9][A-Za-z0-9@._-]*$', hint: 'a systemd unit name (letters, digits, @ . _ -)' };

export const options = {
	type: str({ required: true, choices: ['postgresql', 'mysql', 'sqlite'] as const }),
	vip: str({ required: true }),
	addresses: list({ required: true, minItems: 1 }),
	password: str({ secret: true }),
	path: str({ pattern: ABSOLUTE }),
	pg_data: str({ default: '/var/lib/pgsql/data', pattern: ABSOLUTE }),
	pg_service: str({ default: 'postgresql', pattern: UNIT }),
	mysql_data: str({ default: '/var/lib/mysql', pattern: ABSOLUTE }),
	mysql_service: str({ default: 'mariadb', pattern: UNIT }),
};
