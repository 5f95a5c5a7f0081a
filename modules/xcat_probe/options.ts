import { int, requiredIf, str } from '../runtime';
import { HOST_NAME } from '../runtime/names';

/** a run's name: it names its files, so no '/', no leading '.' */
const ID = { regex: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$', hint: "a name of 1-64 letters, digits, '_', '.', '-' (not starting with '.', '_' or '-')" };
const DIR = { regex: '^/(?!.*(^|/)\\.\\.(/|$))[A-Za-z0-9_./+-]+$', hint: "an absolute path of letters, digits and '_./+-', without '..'" };

/** a name is resolved once, by the module; main.ts refuses a dotted number that is not a dotted quad */
const ADDRESS = { regex: HOST_NAME.regex, hint: 'an IPv4 address or a host name (letters, digits, hyphens, dots)' };

export const DEFAULT_DIR = '/run/xcat-ha/probe';

export const options = {
	id: str({ required: true, pattern: ID }),
	state: str({ choices: ['started', 'stopped'] as const, default: 'started' }),
	address: str({ pattern: ADDRESS }),
	port: int({ min: 1, max: 65535, default: 3001 }),
	also_port: int({ min: 1, max: 65535 }),
	interval_ms: int({ min: 20, max: 5000, default: 100 }),
	timeout_ms: int({ min: 10, max: 5000 }),
	max_seconds: int({ min: 1, max: 3600, default: 600 }),
	dir: str({ pattern: DIR, default: DEFAULT_DIR }),
};

export const rules = [requiredIf('state', 'started', ['address'])];
