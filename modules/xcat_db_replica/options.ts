// xcat_db_replica's options, the checks on them a schema cannot say, and what they ask for (pure).
// The PostgreSQL location options are xcat_db's, by the same names and defaults (EL's layout).
import { bool, dictList, int, requiredIf, str, type ArgsOf } from '../runtime';
import { isIPv4 } from '../runtime/ipv4';
import { HOST_NAME, isHostName, nameLengthProblem } from '../runtime/names';
import { quoteValue } from '../runtime/show';
import { dirOptionProblem } from '../xcat_db/desired';
import { ABSOLUTE, UNIT } from '../xcat_db/options';

/** A PostgreSQL role name we put in SQL and pg_hba.conf without quoting. */
const ROLE = { regex: '^[a-z_][a-z0-9_]{0,62}$', hint: 'a PostgreSQL role name of lower-case letters, digits and _ (at most 63, not starting with a digit)' };

export const options = {
	state: str({ required: true, choices: ['primary', 'replica', 'promoted'] as const }),
	user: str({ default: 'xcatrepl', pattern: ROLE }),
	password: str({ secret: true }),
	/** always: the role's password is made the given one when it differs (compared with the stored verifier); on_create: set only when the role is created */
	update_password: str({ choices: ['always', 'on_create'] as const, default: 'always' }),
	replicas: dictList({ default: [] }),
	synchronous: bool({ default: false }),
	primary: str(),
	name: str(),
	rejoin: bool({ default: false }),
	pg_data: str({ default: '/var/lib/pgsql/data', pattern: ABSOLUTE }),
	pg_conf: str({ pattern: ABSOLUTE }),
	pg_service: str({ default: 'postgresql', pattern: UNIT }),
	port: int({ default: 5432, min: 1, max: 65535 }),
	wait_seconds: int({ default: 30, min: 1, max: 3600 }),
};

export const rules = [requiredIf('state', 'primary', ['password']), requiredIf('state', 'replica', ['password', 'primary', 'name'])];

export type Args = ArgsOf<typeof options>;

const PASSWORD_MIN = 8;
const PASSWORD_MAX = 128;

/** A member's name as a slot and application_name: lower case, anything but [a-z0-9_] as _ (at most 63). */
export function slotName(name: string): string {
	return name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/** Why NAME (the value of LABEL) cannot name a member, or undefined. */
function memberNameProblem(label: string, name: string): string | undefined {
	const long = nameLengthProblem(label, name);
	if (long) return long;
	if (!isHostName(name)) return `value of ${label} must be ${HOST_NAME.hint}, got: ${quoteValue(name)}`;
	if (slotName(name).length > 63) return `value of ${label} must make a slot name of at most 63 characters, got: ${quoteValue(name)}`;
	return undefined;
}

/** Why ADDRESS (the value of LABEL) cannot be a member's IPv4 address, or undefined. */
function addressProblem(label: string, address: string): string | undefined {
	return isIPv4(address) ? undefined : `value of ${label} must be an IPv4 address in dotted-quad form (e.g. 198.51.100.21), got: ${quoteValue(address)}`;
}

export function checkArgs(a: Args): string[] {
	const errors: string[] = [];
	if (a.password !== undefined) {
		// it goes into SQL (on stdin) and a passfile: letters and digits need no quoting in either
		if (!/^[A-Za-z0-9]+$/.test(a.password)) errors.push('value of password must be letters and digits only');
		else if (a.password.length < PASSWORD_MIN) errors.push(`value of password must be at least ${PASSWORD_MIN} characters, got ${a.password.length}`);
		else if (a.password.length > PASSWORD_MAX) errors.push(`value of password must be at most ${PASSWORD_MAX} characters, got ${a.password.length}`);
	}
	const slots = new Map<string, string>();
	a.replicas.forEach((r, i) => {
		const label = `replicas[${i}]`;
		const unknown = Object.keys(r).filter((k) => k !== 'name' && k !== 'address');
		if (unknown.length) return void errors.push(`${label} has unknown key(s) ${unknown.map((k) => quoteValue(k, 40)).join(', ')}: give name and address`);
		if (r.name === undefined || r.address === undefined) return void errors.push(`${label} must have both name and address, got: ${quoteValue(r)}`);
		const problem = memberNameProblem(`${label}.name`, r.name) ?? addressProblem(`${label}.address`, r.address);
		if (problem) return void errors.push(problem);
		const slot = slotName(r.name);
		const other = slots.get(slot);
		if (other !== undefined) errors.push(`replicas must name each replica once: ${quoteValue(other)} and ${quoteValue(r.name)} both make the slot ${slot}`);
		slots.set(slot, r.name);
	});
	if (a.state === 'primary' && a.synchronous && a.replicas.length === 0)
		errors.push('synchronous is true but replicas is empty: give the replicas a commit waits for');
	if (a.state !== 'primary' && a.replicas.length > 0) errors.push(`replicas is for state=primary only, got state=${a.state}`);
	if (a.primary !== undefined) {
		const long = nameLengthProblem('primary', a.primary);
		if (long) errors.push(long);
		else if (!isIPv4(a.primary) && (!isHostName(a.primary) || /^[\d.]+$/.test(a.primary)))
			errors.push(`value of primary must be the primary's IPv4 address or host name, got: ${quoteValue(a.primary)}`);
	}
	if (a.name !== undefined) {
		const problem = memberNameProblem('name', a.name);
		if (problem) errors.push(problem);
	}
	errors.push(...(['pg_data', 'pg_conf'] as const).flatMap((option) => dirOptionProblem(option, a[option]) ?? []));
	if (a.pg_data === '/') errors.push('value of pg_data must be the data directory, not /');
	return errors;
}

export interface Replica {
	name: string;
	address: string;
	slot: string;
}

/** What the user asked for, normalised. */
export interface Desired {
	state: Args['state'];
	user: string;
	password?: string;
	updatePassword: Args['update_password'];
	replicas: Replica[];
	synchronous: boolean;
	primary?: string;
	/** this replica's slot and application_name */
	slot?: string;
	rejoin: boolean;
	pgData: string;
	pgConf: string;
	pgService: string;
	port: number;
	waitSeconds: number;
}

export function toDesired(a: Args): Desired {
	return {
		state: a.state,
		user: a.user,
		updatePassword: a.update_password,
		replicas: a.replicas.map((r) => ({ name: r.name!, address: r.address!, slot: slotName(r.name!) })),
		synchronous: a.synchronous,
		rejoin: a.rejoin,
		pgData: a.pg_data,
		pgConf: a.pg_conf ?? a.pg_data,
		pgService: a.pg_service,
		port: a.port,
		waitSeconds: a.wait_seconds,
		...(a.password !== undefined ? { password: a.password } : {}),
		...(a.primary !== undefined ? { primary: a.primary } : {}),
		...(a.name !== undefined ? { slot: slotName(a.name) } : {}),
	};
}
