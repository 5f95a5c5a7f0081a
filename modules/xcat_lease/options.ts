import { str } from '../runtime';

const PATH = { regex: '^/(?!.*(^|/)\\.\\.(/|$))[A-Za-z0-9_./+-]+$', hint: "an absolute path of letters, digits and '_./+-', without '..'" };
const NAME = { regex: '^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$', hint: 'a host name (letters, digits, hyphens, dots)' };

export const options = {
	path: str({ required: true, pattern: PATH }),
	holder: str({ required: true, pattern: NAME }),
	state: str({ choices: ['held', 'released'] as const, default: 'held' }),
	takeover_from: str({ pattern: NAME }),
};
