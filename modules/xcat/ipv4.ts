// IPv4 arithmetic as xCAT does it (NetworkUtils::ishostinsubnet): (ip & mask) == net.

/** A dotted quad as an unsigned 32-bit number, or undefined when it is not one. */
export function parseIpv4(text: string): number | undefined {
	const parts = text.split('.');
	if (parts.length !== 4) return undefined;
	let value = 0;
	for (const part of parts) {
		if (!/^\d{1,3}$/.test(part)) return undefined;
		const octet = Number(part);
		if (octet > 255) return undefined;
		value = value * 256 + octet;
	}
	return value;
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
