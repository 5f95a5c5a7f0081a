// Decides the ordered steps from the units' states and what was asked (pure). Regeneration is planned as
// slots: which xCAT command fills a slot depends on the site table, read once the database answers.
import type { Site } from './site';
import { isEnabled, isRunning, isStopped, type UnitState } from './systemd';
import { baseName, roleOf, type Role } from './units';

export interface Desired {
	state: 'started' | 'stopped';
	services: string[];
	enabled: boolean;
	regenerate: boolean;
	/** units (of services) restarted when they run, started when they do not: a new configuration or term to take */
	restart?: readonly string[];
}

export type UnitAction = 'start' | 'restart' | 'stop' | 'enable' | 'disable';
export type RegenRole = 'dns' | 'dhcp' | 'console';

export type Planned =
	/** `needed: false` = already so; `skip` = cannot apply here (the unit is not installed) */
	| { kind: 'unit'; action: UnitAction; unit: string; needed: boolean; runtime?: boolean; skip?: string }
	| { kind: 'check'; what: 'database' | 'xcatd' }
	/** `unit` undefined: that service is not in the list; `skip` set: nothing to regenerate this run */
	| { kind: 'regenerate'; role: RegenRole; unit?: string; consoleRole?: 'conserver' | 'goconserver'; skip?: string };

export type Plan = { kind: 'refuse'; msg: string } | { kind: 'act'; steps: Planned[]; warnings: string[]; before: string; after: string };

export function plan(units: readonly UnitState[], d: Desired): Plan {
	const refusal = refuse(units, d);
	if (refusal) return { kind: 'refuse', msg: refusal };
	const warnings: string[] = [];
	const order = d.state === 'started' ? [...units] : [...units].reverse();
	const steps: Planned[] = [];

	for (const u of order) {
		if (u.load === 'not-found') continue;
		if (!d.enabled && isEnabled(u.enabled)) {
			steps.push({ kind: 'unit', action: 'disable', unit: u.unit, needed: true, ...(u.enabled === 'enabled-runtime' ? { runtime: true } : {}) });
			warnings.push(
				`${u.unit} was enabled at boot (${u.enabled}): HA services stay disabled, so that a management node that reboots does not start them while its peer is active`,
			);
		}
		if (d.enabled && u.enabled === 'disabled') steps.push({ kind: 'unit', action: 'enable', unit: u.unit, needed: true });
	}
	if (d.state === 'stopped') {
		for (const u of order) {
			if (u.load === 'not-found') {
				steps.push({ kind: 'unit', action: 'stop', unit: u.unit, needed: false, skip: 'not installed on this host' });
				warnings.push(`${u.unit} is not installed on this host (no such unit): nothing to stop`);
			} else steps.push({ kind: 'unit', action: 'stop', unit: u.unit, needed: !isStopped(u.active) });
		}
	} else {
		// the services are started themselves; what activates them on demand is left as it is
		steps.push(
			...startSteps(
				units.filter((u) => !u.triggers),
				d,
			),
		);
	}
	return { kind: 'act', steps, warnings, before: describe(units), after: describe(predict(units, steps)) };
}

function refuse(units: readonly UnitState[], d: Desired): string | undefined {
	for (const u of units.filter((x) => !x.triggers)) {
		if (d.state === 'started' && u.load === 'not-found')
			return `${u.unit} is not installed on this host (systemd has no such unit): install it or leave it out of services; nothing was changed`;
		if (d.state === 'started' && u.load === 'masked')
			return `${u.unit} is masked, so it cannot start: systemctl unmask ${u.unit}, or leave it out of services; nothing was changed`;
		if (d.state === 'started' && u.load !== 'loaded')
			return `${u.unit} cannot be loaded by systemd (LoadState=${u.load}): fix its unit file (systemctl status ${u.unit}); nothing was changed`;
		if (d.enabled && u.enabled === 'masked')
			return `${u.unit} is masked, so it cannot be enabled: systemctl unmask ${u.unit}, or set enabled: false; nothing was changed`;
	}
	return undefined;
}

const CONSOLE_ROLES: readonly Role[] = ['conserver', 'goconserver'];

function startSteps(units: readonly UnitState[], d: Desired): Planned[] {
	const steps: Planned[] = [];
	const roles = units.map((u) => roleOf(u.unit));
	const hasXcatd = roles.includes('xcatd');
	const hasDatabase = roles.includes('database');
	const regenerate = d.regenerate && hasXcatd;
	const restarted = (u: UnitState) => isRunning(u.active) && (d.restart ?? []).some((r) => baseName(r) === baseName(u.unit));
	// a restart takes a new configuration or term of a unit that ran: nothing of xCAT's to regenerate for it
	const anyStart = units.some((u) => !isRunning(u.active) && !u.idle);
	const skip = anyStart ? {} : { skip: 'nothing was started, so the configuration is left as it is' };

	units.forEach((u, i) => {
		const role = roles[i]!;
		if (role === 'xcatd' && !hasDatabase) steps.push({ kind: 'check', what: 'database' });
		if (regenerate && (role === 'dns' || role === 'dhcp')) steps.push({ kind: 'regenerate', role, unit: u.unit, ...skip });
		if (regenerate && (role === 'conserver' || role === 'goconserver'))
			steps.push({ kind: 'regenerate', role: 'console', unit: u.unit, consoleRole: role, ...skip });
		steps.push({
			kind: 'unit',
			action: restarted(u) ? 'restart' : 'start',
			unit: u.unit,
			needed: restarted(u) || (!isRunning(u.active) && !u.idle),
			...(u.idle && !isRunning(u.active) ? { skip: u.idle } : {}),
		});
		if (role === 'database') steps.push({ kind: 'check', what: 'database' });
		if (role === 'xcatd') {
			steps.push({ kind: 'check', what: 'xcatd' });
			if (regenerate) {
				const absent = (r: readonly Role[]) => !roles.some((x) => r.includes(x));
				const why = 'its service is not in services';
				if (absent(['dns'])) steps.push({ kind: 'regenerate', role: 'dns', skip: why });
				if (absent(['dhcp'])) steps.push({ kind: 'regenerate', role: 'dhcp', skip: why });
				if (absent(CONSOLE_ROLES)) steps.push({ kind: 'regenerate', role: 'console', skip: why });
			}
		}
	});
	return steps;
}

/** A regeneration slot made concrete: the xCAT commands to run, or why none runs. */
export interface Regeneration {
	name: string;
	argv: string[];
	/**
	 * Writes its service's whole configuration from the tables and needs nothing but xcatd and the
	 * database: the writes of DNS, DHCP and consoles run side by side once xcatd answers (each is a
	 * separate xcatd request writing its own files), rather than one after the other on the way to
	 * the service they configure.
	 */
	writes?: true;
	skip?: string;
	note?: string;
	warning?: string;
}

/**
 * `site` undefined: the site table could not be read yet (check mode before the database runs); the
 * commands are then named with the condition that will decide them.
 */
export function resolveRegeneration(slot: Extract<Planned, { kind: 'regenerate' }>, site: Site | undefined): Regeneration[] {
	if (slot.role === 'dns') {
		const one: Regeneration = { name: 'makedns -n', argv: ['makedns', '-n'], writes: true };
		if (slot.skip) return [{ ...one, skip: slot.skip }];
		if (!site) return [{ ...one, note: 'runs if site.domain is set (the site table cannot be read before the database runs)' }];
		return [site.domain ? one : { ...one, skip: 'site.domain is not set, so xCAT serves no DNS zone' }];
	}
	if (slot.role === 'dhcp') {
		const both: Regeneration[] = [
			{ name: 'makedhcp -n', argv: ['makedhcp', '-n'], writes: true },
			{ name: 'makedhcp -a', argv: ['makedhcp', '-a'] },
		];
		return slot.skip ? both.map((r) => ({ ...r, skip: slot.skip! })) : both;
	}
	const wanted = site === undefined ? undefined : site.consoleservice === 'goconserver' ? 'goconserver' : 'conserver';
	const command = (role: 'conserver' | 'goconserver'): Regeneration =>
		role === 'goconserver'
			? { name: 'makegocons', argv: ['makegocons'], writes: true }
			: { name: 'makeconservercf', argv: ['makeconservercf'], writes: true };
	if (!slot.consoleRole) {
		const name = wanted ? command(wanted).name : 'makeconservercf or makegocons';
		return [{ name, argv: [], skip: slot.skip ?? 'its service is not in services' }];
	}
	const mine = command(slot.consoleRole);
	if (slot.skip) return [{ ...mine, skip: slot.skip }];
	if (!wanted)
		return [
			{
				...mine,
				note: `runs if site.consoleservice ${slot.consoleRole === 'goconserver' ? 'is' : 'is not'} goconserver (the site table cannot be read before the database runs)`,
			},
		];
	if (wanted === slot.consoleRole) return [mine];
	const said = site?.consoleservice ? `site.consoleservice is ${site.consoleservice}` : 'site.consoleservice is not set (conserver)';
	return [
		{
			...mine,
			skip: `${said}, so ${slot.unit} is not xCAT's console service`,
			warning: `${slot.unit} is in services but ${said}: its console configuration was not regenerated`,
		},
	];
}

/** The step's name in the report. */
export function stepName(p: Exclude<Planned, { kind: 'regenerate' }>): string {
	return p.kind === 'unit' ? `${p.action} ${p.unit}` : `check ${p.what}`;
}

/** The states once the steps have run, as far as the plan can tell. */
export function predict(units: readonly UnitState[], steps: readonly Planned[]): UnitState[] {
	return units.map((u) => {
		let { active, enabled } = u;
		for (const s of steps) {
			if (s.kind !== 'unit' || s.unit !== u.unit || !s.needed) continue;
			if (s.action === 'start' || s.action === 'restart') active = 'active';
			if (s.action === 'stop') active = 'inactive';
			if (s.action === 'enable') enabled = 'enabled';
			if (s.action === 'disable') enabled = 'disabled';
		}
		return { ...u, active, enabled };
	});
}

/** One line per unit, `unit: active-state, enabled-state`, for --diff. */
export function describe(units: readonly UnitState[]): string {
	return units.map((u) => `${u.unit}: ${u.load === 'not-found' ? 'not installed' : `${u.active}, ${u.enabled || 'unknown'}`}\n`).join('');
}
