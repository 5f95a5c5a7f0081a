// Reads the units' states, and the site table when check mode needs it to name the regeneration commands.
import { readOk, type Read } from '../runtime';
import { xcatEnv } from '../xcat/env';
import { parseSite, type Site } from './site';
import { parseShow, SHOW_PROPERTIES, type UnitState } from './systemd';

export type { Read };

/**
 * The services' states, each followed by the units that activate it on demand (sockets, paths,
 * timers): a stopped service whose socket still listens is started again by the next connection,
 * which on a standby means a second database on the shared data.
 */
export async function probeUnits(read: Read, services: readonly string[]): Promise<UnitState[]> {
	const states = await showUnits(read, services);
	const listed = new Set(services.map((u) => (u.includes('.') ? u : `${u}.service`)));
	const triggers = [...new Set(states.flatMap((s) => s.triggeredBy ?? []))].filter((t) => !listed.has(t));
	if (!triggers.length) return states;
	const byName = new Map((await showUnits(read, triggers)).map((t) => [t.unit, t]));
	return states.flatMap((s) => [s, ...(s.triggeredBy ?? []).filter((t) => byName.has(t)).map((t) => ({ ...byName.get(t)!, triggers: s.unit }))]);
}

async function showUnits(read: Read, units: readonly string[]): Promise<UnitState[]> {
	const r = await readOk(read, ['systemctl', 'show', `--property=${SHOW_PROPERTIES}`, '--', ...units]);
	const states = parseShow(r.stdout, units);
	// SysV scripts (Debian's isc-dhcp-server) show as "generated": only is-enabled asks their rc links.
	for (const s of states) {
		if (s.load !== 'not-found' && (s.enabled === 'generated' || s.enabled === '')) s.enabled = await isEnabled(read, s.unit);
	}
	return states;
}

async function isEnabled(read: Read, unit: string): Promise<string> {
	const r = await read(['systemctl', 'is-enabled', '--', unit]);
	return r.stdout.trim().split('\n').pop() ?? '';
}

/** The command of the `check database` step: every row of the site table, straight from the database. */
export const SITE_ARGV = ['tabdump', 'site'];
export const siteEnv = (): Record<string, string> => xcatEnv({ XCATBYPASS: '1' });

/** The site table if the database answers now (a read: check mode uses it to plan regeneration). */
export async function probeSite(read: Read): Promise<Site | undefined> {
	const r = await read(SITE_ARGV, { env: siteEnv(), timeoutMs: 30_000 });
	const s = r.rc === 0 ? parseSite(r.stdout) : undefined;
	return s?.ok ? s.site : undefined;
}
