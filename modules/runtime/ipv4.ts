// IPv4 text forms and arithmetic: strict dotted quads, netmasks, prefixes, subnets.
// A leading zero is refused ('010.0.0.1'): inet_aton, and so many C and Perl tools, would read it as octal (8).
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const DOTTED = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

export const isIPv4 = (s: string): boolean => DOTTED.test(s);
export const looksLikeIPv6 = (s: string): boolean => s.includes(':');

/** A dotted quad already checked with isIPv4, as an unsigned 32-bit number. */
export function toNumber(ip: string): number {
	return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

/** A dotted quad as an unsigned 32-bit number, or undefined when it is not one. */
export function parseIPv4(text: string): number | undefined {
	return isIPv4(text) ? toNumber(text) : undefined;
}

/** 255.255.255.0 → 24; undefined for a non-contiguous or malformed mask. */
export function netmaskToPrefix(mask: string): number | undefined {
	if (!isIPv4(mask)) return undefined;
	const bits = toNumber(mask).toString(2).padStart(32, '0');
	return /^1*0*$/.test(bits) ? (bits.indexOf('0') === -1 ? 32 : bits.indexOf('0')) : undefined;
}

/** Why an address cannot be a host's unicast address in a /prefix, or undefined when it can. */
export function unicastProblem(ip: string, prefix: number): string | undefined {
	const n = toNumber(ip),
		first = Number(ip.split('.')[0]);
	if (first === 0) return 'it is in 0.0.0.0/8';
	if (first === 127) return 'it is a loopback address';
	if (first >= 224) return first < 240 ? 'it is a multicast address' : 'it is a reserved or broadcast address';
	if (prefix <= 30) {
		const host = n % 2 ** (32 - prefix);
		if (host === 0) return `it is the network address of its /${prefix}`;
		if (host === 2 ** (32 - prefix) - 1) return `it is the broadcast address of its /${prefix}`;
	}
	return undefined;
}

/** A subnet as unsigned 32-bit numbers. */
export interface IPv4Subnet {
	net: number;
	mask: number;
}

/** A `networks` row's net and mask, or undefined when either is not a dotted quad. */
export function parseSubnet(net: string, mask: string): IPv4Subnet | undefined {
	const netValue = parseIPv4(net);
	const maskValue = parseIPv4(mask);
	return netValue === undefined || maskValue === undefined ? undefined : { net: netValue, mask: maskValue };
}

/** The subnet of ADDRESS/PREFIX (an address checked with isIPv4). */
export function subnetOf(address: string, prefix: number): IPv4Subnet {
	const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
	return { net: (toNumber(address) & mask) >>> 0, mask };
}

/** As xCAT does it (NetworkUtils::ishostinsubnet): (ip & mask) == net. */
export function inSubnet(address: number, subnet: IPv4Subnet): boolean {
	return (address & subnet.mask) >>> 0 === subnet.net;
}
