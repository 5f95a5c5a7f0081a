import { dict, int, str } from '../runtime';
import { HOST_NAME } from '../runtime/names';

const PATH = { regex: '^/(?!.*(^|/)\\.\\.(/|$))[A-Za-z0-9_./+-]+$', hint: "an absolute path of letters, digits and '_./+-', without '..'" };

/** the longest a takeover may watch the holder's heartbeat */
export const STALE_WAIT_MAX_MS = 120_000;

export const options = {
	path: str({ required: true, pattern: PATH }),
	holder: str({ required: true, pattern: HOST_NAME }),
	state: str({ choices: ['held', 'released', 'restored'] as const, default: 'held' }),
	takeover_from: str({ pattern: HOST_NAME }),
	stale_wait_ms: int({ min: 0, max: STALE_WAIT_MAX_MS, default: 30_000 }),
	restore: dict({ values: 'any' }),
	guard_interval_ms: int({ min: 100, max: 60_000 }),
	guard_deadline_ms: int({ min: 200, max: 600_000 }),
};
