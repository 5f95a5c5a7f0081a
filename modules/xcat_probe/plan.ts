// What to do for the run asked for (pure): start a prober, keep the one running, stop one, or nothing.
import type { Current, RunState } from './probe';

/** The settings a started run is asked for. */
export type Wanted = Pick<RunState, 'address' | 'port' | 'also_port' | 'interval_ms' | 'timeout_ms' | 'max_seconds'>;

export type Plan =
	| { kind: 'start'; remove: string[]; note?: string }
	| { kind: 'keep'; state: RunState }
	| { kind: 'refuse'; msg: string }
	| { kind: 'stop'; signal: boolean; remove: string[] }
	| { kind: 'none' };

const SETTINGS = ['address', 'port', 'also_port', 'interval_ms', 'timeout_ms', 'max_seconds'] as const;

export function planStart(id: string, c: Current, want: Wanted): Plan {
	if (c.running && c.state) {
		const differ = SETTINGS.filter((k) => c.state![k] !== want[k]);
		if (differ.length === 0) return { kind: 'keep', state: c.state };
		return {
			kind: 'refuse',
			msg:
				`a prober with id ${id} is already running (pid ${c.state.pid}) with other settings: ` +
				`${differ.map((k) => `${k} ${c.state![k]}, not ${want[k]}`).join('; ')}. Stop it first (state=stopped), or give another id`,
		};
	}
	// the files of a run that ended by itself (max_seconds) or was killed, and was never collected
	const left = c.present.includes(c.files.samples);
	return {
		kind: 'start',
		remove: c.present,
		...(left ? { note: `the samples of an earlier run with id ${id}, which is no longer running, were discarded` } : {}),
	};
}

export function planStop(c: Current): Plan {
	if (!c.running && c.present.length === 0) return { kind: 'none' };
	return { kind: 'stop', signal: c.running, remove: c.present };
}
