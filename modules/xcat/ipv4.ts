// IPv4 arithmetic as xCAT does it (NetworkUtils::ishostinsubnet): (ip & mask) == net.

/** A dotted quad as an unsigned 32-bit number, or undefined when it is not one. */
export function parseIpv4(text: string): number | undefined {
	let value = 0, octet = 0, digits = 0, dots = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c === 46 /* . */) {
			if (digits === 0 || ++dots > 3) return undefined;
			value = value * 256 + octet;
			octet = 0;
			digits = 0;
		} else if (c >= 48 && c <= 57 && digits < 3) {
			octet = octet * 10 + (c - 48);
			digits++;
			if (octet > 255) return undefined;
		} else {
			return undefined;
		}
	}
	if (dots !== 3 || digits === 0) return undefined;
	return value * 256 + octet;
}

export function isIpv4(text: string): boolean {
	return parseIpv4(text) !== undefined;
}

export interface Ipv4Subnet {
	net: number;
	mask: number;
}

/** A `networks` row's net and mask, or undefined when either is not a dotted quad. */
export function parseSubnet(net: string, mask: string): Ipv4Subnet | undefined {
	const netValue = parseIpv4(net);
	const maskValue = parseIpv4(mask);
	return netValue === undefined || maskValue === undefined ? undefined : { net: netValue, mask: maskValue };
}

export function inSubnet(address: number, subnet: Ipv4Subnet): boolean {
	return ((address & subnet.mask) >>> 0) === subnet.net;
}
