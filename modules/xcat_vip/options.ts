import { bool, int, mutuallyExclusive, str } from '../runtime';
import { HOST_NAME } from '../runtime/names';

const IFNAME = { regex: '^[A-Za-z0-9_.-]{1,15}$', hint: "a base interface name (1-15 letters, digits, '_', '.', '-'; no ':')" };
const LABEL = { regex: '^[A-Za-z0-9_.-]{1,14}:[A-Za-z0-9_.-]{1,14}$', hint: '<interface>:<suffix>, at most 15 characters' };

export const options = {
	address: str({ required: true }),
	prefix: int({ min: 1, max: 32 }),
	netmask: str(),
	interface: str({ required: true, pattern: IFNAME }),
	label: str({ pattern: LABEL }),
	state: str({ choices: ['present', 'absent'] as const, default: 'present' }),
	arp_check: bool({ default: true }),
	arp_wait_ms: int({ min: 100, max: 10000, default: 1000 }),
	gratuitous_arp: int({ min: 0, max: 100, default: 3 }),
	hostname: str({ pattern: HOST_NAME }),
};

export const rules = [mutuallyExclusive('prefix', 'netmask')];
