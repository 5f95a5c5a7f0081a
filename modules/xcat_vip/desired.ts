// What the user asked for, checked and normalised (pure).
import type { ArgsOf } from '../runtime';
import { isIPv4, looksLikeIPv6, netmaskToPrefix, unicastProblem } from '../runtime/ipv4';
import type { options } from './options';
import { cut, quoteValue } from '../runtime/show';

export type Args = ArgsOf<typeof options>;

export interface Desired {
	address: string;
	prefix: number;
	interface: string;
	label: string;
	state: 'present' | 'absent';
	arpCheck: boolean;
	/** how long the ARP probe waits for an answer */
	arpWaitMs: number;
	garpCount: number;
	hostname?: string;
}

export function checkArgs(a: Args): string[] {
	const errors: string[] = [];
	if (looksLikeIPv6(a.address)) errors.push(`value of address is an IPv6 address (${cut(a.address)}): IPv6 is not supported yet, give an IPv4 address`);
	else if (!isIPv4(a.address))
		errors.push(`value of address must be an IPv4 address in dotted-quad form (e.g. 198.51.100.10), got: ${quoteValue(a.address)}`);
	if (a.netmask !== undefined && netmaskToPrefix(a.netmask) === undefined) {
		errors.push(`value of netmask must be a contiguous dotted netmask such as 255.255.255.0, got: ${quoteValue(a.netmask)}`);
	}
	if (a.netmask === '0.0.0.0') errors.push('value of netmask must be longer than /0, got: "0.0.0.0"');
	if (errors.length === 0) {
		const why = unicastProblem(a.address, prefixOf(a));
		if (why) errors.push(`value of address must be a unicast host address, got: ${a.address} (${why})`);
	}
	if (a.label !== undefined && a.label.length > 15) {
		errors.push(`value of label must be <interface>:<suffix>, at most 15 characters, got: ${quoteValue(a.label)}`);
	} else if (a.label !== undefined && !a.label.startsWith(`${a.interface}:`)) {
		errors.push(`value of label must be ${a.interface}:<suffix> (a label of interface ${a.interface}), got: ${quoteValue(a.label)}`);
	}
	if (a.label === undefined && `${a.interface}:0`.length > 15) {
		errors.push(`the default label ${a.interface}:0 is longer than the kernel's 15 characters: give a shorter label`);
	}
	if (a.hostname !== undefined && a.hostname.length > 64) errors.push(`value of hostname must be at most 64 characters, got ${a.hostname.length}`);
	return errors;
}

const prefixOf = (a: Args): number => a.prefix ?? (a.netmask !== undefined ? (netmaskToPrefix(a.netmask) ?? 24) : 24);

export function toDesired(a: Args): Desired {
	return {
		address: a.address,
		prefix: prefixOf(a),
		interface: a.interface,
		label: a.label ?? `${a.interface}:0`,
		state: a.state,
		arpCheck: a.arp_check,
		arpWaitMs: a.arp_wait_ms,
		garpCount: a.gratuitous_arp,
		...(a.hostname !== undefined ? { hostname: a.hostname } : {}),
	};
}
