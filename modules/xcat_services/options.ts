import { bool, int, list, str } from '../runtime';

// A systemd service name: no '/', no shell metacharacters, no whitespace, no leading '-' (it would read as an option).
const UNIT = {
	regex: '^[A-Za-z0-9_][A-Za-z0-9:_.@-]{0,249}$',
	hint: "a systemd service name (letters, digits, ':', '_', '.', '@', '-'; starting with a letter, digit or '_')",
};

export const options = {
	state: str({ required: true, choices: ['started', 'stopped'] as const }),
	services: list({ required: true, minItems: 1, pattern: UNIT }),
	restart: list({ pattern: UNIT, default: [] }),
	enabled: bool({ default: false }),
	regenerate: bool({ default: true }),
	retries: int({ min: 1, max: 20, default: 3 }),
	timeout: int({ min: 1, max: 3600, default: 60 }),
};
