// Parsers of `ip -j addr show` and `arping -D` output (pure).

export interface Address { address: string; prefix: number; label: string; secondary: boolean }
export interface Interface { name: string; up: boolean; mac: string; addresses: Address[] }

interface IpAddrJson {
	ifname?: string;
	flags?: string[];
	address?: string;
	addr_info?: Array<{ family?: string; local?: string; prefixlen?: number; label?: string; secondary?: boolean }>;
}

export function parseIpAddr(json: string): Interface[] {
	const data = JSON.parse(json) as IpAddrJson[];
	return data.filter((i) => i.ifname).map((i) => ({
		name: i.ifname!,
		up: (i.flags ?? []).includes('UP'),
		mac: (i.address ?? '').toLowerCase(),
		addresses: (i.addr_info ?? [])
			.filter((a) => a.family === 'inet' && a.local)
			.map((a) => ({ address: a.local!, prefix: a.prefixlen ?? 32, label: a.label ?? i.ifname!, secondary: a.secondary === true })),
	}));
}

/** The MAC of the first host that answered a duplicate-address probe, or null when none did. */
export function parseArpingReply(stdout: string): string | null {
	const m = stdout.match(/reply from \S+ \[([0-9A-Fa-f:]{17})\]/);
	return m ? m[1]!.toLowerCase() : null;
}
