import { list, str } from '../runtime';

export const ABSOLUTE = { regex: '^/[^\\n\\r\\0]*$', hint: 'an absolute path' };
export const UNIT = { regex: '^[A-Za-z0-9][A-Za-z0-9@._-]*$', hint: 'a systemd unit name (letters, digits, @ . _ -)' };

export const options = {
	type: str({ required: true, choices: ['postgresql', 'mysql', 'sqlite'] as const }),
	vip: str({ required: true }),
	addresses: list({ required: true, minItems: 1 }),
	password: str({ secret: true }),
	path: str({ pattern: ABSOLUTE }),
	pg_data: str({ default: '/var/lib/pgsql/data', pattern: ABSOLUTE }),
	/** where pg_hba.conf and postgresql.conf are; unset: pg_data (EL). Debian: /etc/postgresql/<ver>/main */
	pg_conf: str({ pattern: ABSOLUTE }),
	/** who sets the database up in a switch; unset: pgsqlsetup when pg_conf is pg_data, else the module */
	pg_setup: str({ choices: ['pgsqlsetup', 'module'] as const }),
	pg_service: str({ default: 'postgresql', pattern: UNIT }),
	mysql_data: str({ default: '/var/lib/mysql', pattern: ABSOLUTE }),
	mysql_service: str({ default: 'mariadb', pattern: UNIT }),
};
