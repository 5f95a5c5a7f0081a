// Parses `systemctl show --property=… -- UNIT…` output: one block of KEY=VALUE lines per unit, in argument order (pure).

export interface UnitState {
	unit: string;
	/** loaded, not-found, masked, bad-setting, error */
	load: string;
	/** active, reloading, inactive, failed, activating, deactivating */
	active: string;
	/** enabled, enabled-runtime, disabled, static, masked, generated (SysV), … as `systemctl is-enabled` words it */
	enabled: string;
	/** why this unit is not started even when asked (conserver with no console to serve) */
	idle?: string;
	/** units that start this one on demand (Debian's mariadb.socket): the service runs again on the next connection unless they stop too */
	triggeredBy?: string[];
	/** set on such an activating unit: the service it starts */
	triggers?: string;
}

export const SHOW_PROPERTIES = 'Id,LoadState,ActiveState,UnitFileState,TriggeredBy';

export function parseShow(stdout: string, units: readonly string[]): UnitState[] {
	const blocks = stdout
		.split(/\n\s*\n/)
		.map((b) => b.trim())
		.filter(Boolean);
	if (blocks.length !== units.length) {
		throw new Error(`systemctl show printed ${blocks.length} block(s) for ${units.length} unit(s): ${JSON.stringify(stdout.slice(0, 400))}`);
	}
	return blocks.map((block, i) => {
		const kv = new Map<string, string>();
		for (const line of block.split('\n')) {
			const eq = line.indexOf('=');
			if (eq > 0) kv.set(line.slice(0, eq), line.slice(eq + 1));
		}
		const triggeredBy = (kv.get('TriggeredBy') ?? '').split(/\s+/).filter(Boolean);
		return {
			unit: units[i]!,
			load: kv.get('LoadState') ?? '',
			active: kv.get('ActiveState') ?? '',
			enabled: kv.get('UnitFileState') ?? '',
			...(triggeredBy.length ? { triggeredBy } : {}),
		};
	});
}

/** `active` and `reloading` run; `activating` is not up yet and `deactivating` is going down. */
export const isRunning = (active: string): boolean => active === 'active' || active === 'reloading';
/** After a stop: `inactive`, or `failed` (it is not running either). */
export const isStopped = (active: string): boolean => active === 'inactive' || active === 'failed';

/** Starts at boot: these `is-enabled` words are what `systemctl disable` undoes. */
export const isEnabled = (state: string): boolean => state === 'enabled' || state === 'enabled-runtime';
