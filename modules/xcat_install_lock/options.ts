// xcat_install_lock's options and the checks on them that the schema cannot say; all of it fails
// before anything is read or run.
import { int, list, str, type ArgsOf } from '../runtime';
import { HOST_NAME, nameLengthProblem } from '../runtime/names';

/** an absolute path without '..' (as xcat_lease's path) */
const PATH = { regex: '^/(?!.*(^|/)\\.\\.(/|$))[A-Za-z0-9_./+-]+$', hint: "an absolute path of letters, digits and '_./+-', without '..'" };
/** a name for people: letters, digits and '_.@:+-', no spaces (it is shown in messages and logs) */
const HOLDER = { regex: '^[A-Za-z0-9][A-Za-z0-9_.@:+-]{0,127}$', hint: "up to 128 letters, digits and '_.@:+-'" };

export const DEFAULT_PATH = '/install/.xcat-ha/install.lock';
/** the longest a run may wait for a live holder, and the longest its command may run (seconds) */
export const WAIT_MAX_S = 3600;
export const TIMEOUT_MAX_S = 7 * 24 * 3600;

export const options = {
	command: list({ required: true, minItems: 1 }),
	path: str({ default: DEFAULT_PATH, pattern: PATH }),
	holder: str({ pattern: HOLDER }),
	wait: int({ default: 0, min: 0, max: WAIT_MAX_S }),
	timeout: int({ default: 3600, min: 1, max: TIMEOUT_MAX_S }),
	chdir: str({ pattern: PATH }),
	holder_down: str({ pattern: HOST_NAME }),
	creates: str({ pattern: PATH }),
};

export type Args = ArgsOf<typeof options>;

/** Problems of the arguments that the schema cannot say; THIS_HOST is the host the module runs on. */
export function checkArgs(a: Args, thisHost: string): string[] {
	const errors: string[] = [];
	if (!a.command[0]) errors.push('command must start with the program to run, got an empty first item');
	const nul = a.command.findIndex((c) => c.includes('\u0000'));
	if (nul >= 0) errors.push(`command[${nul}] holds a NUL character, which no argument can carry`);
	if (a.path === '/' || a.path.endsWith('/')) errors.push(`path must name the lock directory itself (not '/', no trailing '/'), got: ${a.path}`);
	if (a.holder_down !== undefined) {
		const long = nameLengthProblem('holder_down', a.holder_down);
		if (long) errors.push(long);
		else if (sameHost(a.holder_down, thisHost)) errors.push(`holder_down (${a.holder_down}) names this host, which is running this module: it is not down`);
	}
	return errors;
}

/**
 * Whether host names A and B name the same host: the same name in any case, or the same first label
 * when one of them is a short name (sn1 and sn1.cluster.example).
 */
export function sameHost(a: string, b: string): boolean {
	const x = a.toLowerCase(),
		y = b.toLowerCase();
	if (x === y) return true;
	if (x.includes('.') && y.includes('.')) return false;
	return x.split('.')[0] === y.split('.')[0];
}
