// What the user asked for, checked and normalised into the CIB's terms (pure).
import type { ArgsOf } from '../runtime';
import { isHostName } from '../runtime/names';
import { quoteValue } from '../runtime/show';
import type { options } from './options';

export type Args = ArgsOf<typeof options>;

export interface Resource {
	id: string;
	agent: string;
	params: Record<string, string>;
	meta: Record<string, string>;
	/** action → its attributes (interval always set) */
	ops: Record<string, Record<string, string>>;
}

export interface Desired {
	/** in the order they are set */
	properties: Array<[string, string]>;
	rscDefaults: Array<[string, string]>;
	stonith: Resource[];
	group?: { id: string; members: Resource[] };
	forceAgents: boolean;
}

/** XML IDs as Pacemaker and pcs accept them */
const ID = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
/** class:provider:type for OCF; class:type for systemd, lsb and service */
const AGENT = /^(ocf:[A-Za-z0-9_.-]+:[A-Za-z0-9_.+-]+|(systemd|lsb|service):[A-Za-z0-9_.@+-]+)$/;
/** Pacemaker's durations: a number with an optional unit */
const DURATION = /^\d+(ms|msec|us|usec|s|sec|m|min|h|hr)?$/;
/** names of agent parameters that carry a secret: shown as ******** in the diff whatever the value */
export const SECRET_PARAM = /pass(wd|word)?$/i;
/** properties this module sets from its own options */
const OWN_PROPERTIES = { 'stonith-enabled': 'stonith_enabled', 'no-quorum-policy': 'no_quorum_policy' } as const;
export const FENCE_AGENT = 'stonith:fence_ipmilan';
export const fenceId = (node: string) => `fence-${node}`;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const ONE_LINE = /^[^\n\r\0]*$/;

/** a scalar as Pacemaker stores it: booleans as true/false, numbers as written */
function scalar(v: unknown): string | undefined {
	if (typeof v === 'string') return v;
	if (typeof v === 'number' && Number.isFinite(v)) return String(v);
	if (typeof v === 'boolean') return String(v);
	return undefined;
}

/** A mapping of names to one-line scalars, each problem naming where it is. */
function pairs(where: string, v: unknown, errors: string[]): Record<string, string> {
	if (v === undefined || v === null) return {};
	if (!isRecord(v)) {
		errors.push(`${where} must be a mapping of names to values, got: ${quoteValue(v)}`);
		return {};
	}
	const out: Record<string, string> = {};
	for (const [k, x] of Object.entries(v)) {
		const s = scalar(x);
		if (!NAME.test(k)) errors.push(`${where} has a name that Pacemaker does not accept (a letter or _, then letters, digits, _ . -): ${quoteValue(k)}`);
		else if (s === undefined) errors.push(`value of ${where}.${k} must be a string, number or boolean, got: ${quoteValue(x)}`);
		else if (!ONE_LINE.test(s)) errors.push(`value of ${where}.${k} must be one line (no newline, carriage return or NUL), got: ${quoteValue(s)}`);
		else out[k] = s;
	}
	return out;
}

function opsOf(where: string, v: unknown, errors: string[]): Resource['ops'] {
	if (v === undefined || v === null) return {};
	if (!isRecord(v)) {
		errors.push(`${where} must be a mapping of actions (start, stop, monitor, ...) to their attributes, got: ${quoteValue(v)}`);
		return {};
	}
	const out: Resource['ops'] = {};
	for (const [action, attrs] of Object.entries(v)) {
		if (!NAME.test(action)) {
			errors.push(`${where} has an action name Pacemaker does not accept: ${quoteValue(action)}`);
			continue;
		}
		const a = pairs(`${where}.${action}`, attrs, errors);
		for (const k of ['interval', 'timeout'] as const) {
			if (a[k] !== undefined && !DURATION.test(a[k]))
				errors.push(`value of ${where}.${action}.${k} must be a duration such as 10s, 500ms or 2min, got: ${quoteValue(a[k])}`);
		}
		if (action === 'monitor' && a.interval === undefined) errors.push(`${where}.monitor needs an interval (e.g. 10s)`);
		out[action] = { interval: '0s', ...a };
	}
	return out;
}

function member(where: string, v: unknown, errors: string[]): Resource | undefined {
	if (!isRecord(v)) {
		errors.push(`${where} must be a mapping with id and agent (and params, meta, ops), got: ${quoteValue(v)}`);
		return undefined;
	}
	const unknown = Object.keys(v).filter((k) => !['id', 'agent', 'params', 'meta', 'ops'].includes(k));
	if (unknown.length) errors.push(`${where} has unknown keys ${unknown.join(', ')}; known: id, agent, params, meta, ops`);
	const id = v.id,
		agent = v.agent;
	if (typeof id !== 'string' || !ID.test(id))
		errors.push(`value of ${where}.id must be a Pacemaker id (a letter or _, then letters, digits, _ . -), got: ${quoteValue(id)}`);
	if (typeof agent !== 'string' || !AGENT.test(agent))
		errors.push(
			`value of ${where}.agent must be ocf:PROVIDER:TYPE, systemd:UNIT, lsb:SCRIPT or service:NAME (stonith devices come from fence_devices), got: ${quoteValue(agent)}`,
		);
	const params = pairs(`${where}.params`, v.params, errors);
	const meta = pairs(`${where}.meta`, v.meta, errors);
	const ops = opsOf(`${where}.ops`, v.ops, errors);
	if (typeof id !== 'string' || typeof agent !== 'string') return undefined;
	return { id, agent, params, meta, ops };
}

/** what a fence password may be: one line (no CR, LF or NUL), 1-255 characters */
export const PASSWORD = /^[^\n\r\0]{1,255}$/;

const FENCE_KEYS = ['ip', 'username', 'lanplus', 'delay_base', 'params'];

function fenceDevice(node: string, v: unknown, password: string | undefined, errors: string[]): Resource | undefined {
	const where = `fence_devices.${node}`;
	if (!isHostName(node)) errors.push(`fence_devices has a key that is not a node name: ${quoteValue(node)}`);
	if (!isRecord(v)) {
		errors.push(`${where} must be a mapping with ip and username (and lanplus, delay_base, params), got: ${quoteValue(v)}`);
		return undefined;
	}
	const unknown = Object.keys(v).filter((k) => !FENCE_KEYS.includes(k));
	if (unknown.length)
		errors.push(
			`${where} has unknown keys ${unknown.join(', ')}; known: ${FENCE_KEYS.join(', ')}${unknown.some((k) => SECRET_PARAM.test(k)) ? ' (the password goes in fence_password or fence_passwords, which are never shown)' : ''}`,
		);
	const ip = scalar(v.ip),
		username = scalar(v.username);
	if (!ip || !/^[A-Za-z0-9_.:-]+$/.test(ip)) errors.push(`value of ${where}.ip must be the BMC's address or host name, got: ${quoteValue(v.ip)}`);
	if (!username || !ONE_LINE.test(username)) errors.push(`value of ${where}.username must be the BMC user name, got: ${quoteValue(v.username)}`);
	const lanplus = v.lanplus === undefined ? true : v.lanplus;
	if (typeof lanplus !== 'boolean') errors.push(`value of ${where}.lanplus must be a boolean, got: ${quoteValue(v.lanplus)}`);
	const delay = v.delay_base === undefined ? undefined : scalar(v.delay_base);
	if (v.delay_base !== undefined && (delay === undefined || !DURATION.test(delay)))
		errors.push(`value of ${where}.delay_base must be a duration such as 5s, got: ${quoteValue(v.delay_base)}`);
	const extra = pairs(`${where}.params`, v.params, errors);
	for (const k of Object.keys(extra)) {
		if (SECRET_PARAM.test(k)) errors.push(`${where}.params.${k} is refused: the password goes in fence_password or fence_passwords, which are never shown`);
		if (['ip', 'username', 'lanplus', 'pcmk_host_list', 'pcmk_delay_base'].includes(k))
			errors.push(`${where}.params.${k} is set by the module (from ${k === 'pcmk_host_list' ? 'the key' : k === 'pcmk_delay_base' ? 'delay_base' : k})`);
	}
	if (password === undefined) errors.push(`${where} needs a password: set fence_password (every BMC) or fence_passwords.${node}`);
	// a fence agent reads its options as key=value lines: a newline would add one (the value is never shown)
	else if (!PASSWORD.test(password))
		errors.push(`the password for ${node} (fence_passwords.${node} or fence_password) must be one line of 1-255 characters without NUL`);
	if (!ip || !username || password === undefined) return undefined;
	return {
		id: fenceId(node),
		agent: FENCE_AGENT,
		params: {
			ip,
			username,
			password,
			lanplus: lanplus === false ? '0' : '1',
			pcmk_host_list: node,
			...(delay !== undefined ? { pcmk_delay_base: delay } : {}),
			...extra,
		},
		meta: {},
		ops: { monitor: { interval: '60s' } },
	};
}

/** Every problem with the arguments, each naming the option, the value and what is allowed; empty when they are fine. */
export function checkArgs(a: Args): string[] {
	return toDesiredChecked(a).errors;
}

function toDesiredChecked(a: Args): { desired: Desired; errors: string[] } {
	const errors: string[] = [];
	if (!a.stonith_enabled)
		errors.push(
			'stonith_enabled=false is refused: without fencing, a management node that stops answering may still hold the VIP, the database and the shared storage, and the other would start them too (split brain). Keep stonith_enabled=true and give fence_devices',
		);
	for (const [prop, option] of Object.entries(OWN_PROPERTIES)) {
		if (prop in a.properties) errors.push(`properties.${prop} is refused: it is set by the option ${option}`);
	}
	for (const [k, v] of Object.entries(a.properties)) {
		if (!NAME.test(k)) errors.push(`properties has a name Pacemaker does not accept: ${quoteValue(k)}`);
		if (!ONE_LINE.test(v)) errors.push(`value of properties.${k} must be one line, got: ${quoteValue(v)}`);
	}
	if (a.quorum_device !== undefined && a.cib_file !== undefined)
		errors.push(
			`quorum_device=${a.quorum_device} cannot be checked on a CIB file (cib_file ${a.cib_file}): it is proved against the running corosync; on a file, give one fence device a different delay_base`,
		);
	const nodes = Object.keys(a.fence_devices);
	if (nodes.length === 0)
		errors.push('fence_devices is empty: with stonith enabled, Pacemaker starts no resource until a fence device exists (give one per management node)');
	for (const n of Object.keys(a.fence_passwords ?? {})) {
		if (!nodes.includes(n)) errors.push(`fence_passwords has a key that is not in fence_devices: ${quoteValue(n)} (known: ${nodes.join(', ') || 'none'})`);
	}
	const stonith = nodes.flatMap((n) => fenceDevice(n, a.fence_devices[n], a.fence_passwords?.[n] ?? a.fence_password, errors) ?? []);
	// two devices with the same delay fence each other at the same moment when the link between the MNs
	// breaks; with a quorum device only the partition it votes for has quorum, and only that one fences
	// (a delay there would only lengthen every takeover: the fence of a dead active MN waits for it)
	const delays = stonith.map((d) => durationMs(d.params.pcmk_delay_base ?? '0') ?? 0);
	if (a.quorum_device === undefined && stonith.length >= 2 && delays.every((d) => d === delays[0]))
		errors.push(
			`fence_devices must give one node a different delay_base (e.g. ${nodes[0]}: delay_base 5s), or the cluster a quorum device (quorum_device): with equal delays (${stonith[0]!.params.pcmk_delay_base ?? 'none'}) both MNs fence each other at once when their link breaks`,
		);
	let group: Desired['group'];
	if (a.group !== undefined) {
		const g = a.group;
		const unknown = Object.keys(g).filter((k) => k !== 'id' && k !== 'members');
		if (unknown.length) errors.push(`group has unknown keys ${unknown.join(', ')}; known: id, members`);
		if (typeof g.id !== 'string' || !ID.test(g.id))
			errors.push(`value of group.id must be a Pacemaker id (a letter or _, then letters, digits, _ . -), got: ${quoteValue(g.id)}`);
		if (!Array.isArray(g.members) || g.members.length === 0)
			errors.push(`group.members must be a non-empty list of resources, got: ${quoteValue(g.members)}`);
		else {
			const members = g.members.flatMap((m, i) => member(`group.members[${i}]`, m, errors) ?? []);
			if (typeof g.id === 'string') group = { id: g.id, members };
		}
	}
	const ids = [...stonith.map((r) => r.id), ...(group?.members.map((r) => r.id) ?? []), ...(group ? [group.id] : [])];
	const twice = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
	if (twice.length)
		errors.push(`ids must be unique across the group, its members and the fence devices (fence-NODE): ${twice.join(', ')} appear more than once`);
	const desired: Desired = {
		properties: [['stonith-enabled', 'true'], ['no-quorum-policy', a.no_quorum_policy], ...Object.entries(a.properties)],
		rscDefaults: [['resource-stickiness', String(a.resource_stickiness)]],
		stonith,
		...(group ? { group } : {}),
		forceAgents: a.force_agents,
	};
	return { desired, errors };
}

export function toDesired(a: Args): Desired {
	return toDesiredChecked(a).desired;
}

const UNIT_MS: Record<string, number> = {
	'': 1000,
	ms: 1,
	msec: 1,
	us: 0.001,
	usec: 0.001,
	s: 1000,
	sec: 1000,
	m: 60_000,
	min: 60_000,
	h: 3_600_000,
	hr: 3_600_000,
};

/** A Pacemaker duration in milliseconds (a bare number is seconds), or undefined when it is not one. */
export function durationMs(s: string): number | undefined {
	const m = /^\s*(\d+)\s*([a-z]*)\s*$/.exec(s);
	const unit = m ? UNIT_MS[m[2]!] : undefined;
	return m && unit !== undefined ? Number(m[1]) * unit : undefined;
}
