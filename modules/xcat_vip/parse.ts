// Parsers of `ip -j addr show` and `arping -D` output (pure).

export interface Address {
	address: string;
	prefix: number;
	label: string;
	secondary: boolean;
}
export interface Interface {
	name: string;
	up: boolean;
	mac: string;
	addresses: Address[];
}

interface IpAddrJson {
	ifname?: string;
	flags?: string[];
	address?: string;
	addr_info?: Array<{ family?: string; local?: string; prefixlen?: number; label?: string; secondary?: boolean }>;
}

export function parseIpAddr(json: string): Interface[] {
	const data = JSON.parse(json) as IpAddrJson[];
	return data
		.filter((i) => i.ifname)
		.map((i) => ({
			name: i.ifname!,
			up: (i.flags ?? []).includes('UP'),
			mac: (i.address ?? '').toLowerCase(),
			addresses: (i.addr_info ?? [])
				.filter((a) => a.family === 'inet' && a.local)
				.map((a) => ({ address: a.local!, prefix: a.prefixlen ?? 32, label: a.label ?? i.ifname!, secondary: a.secondary === true })),
		}));
}

/**
 * The MAC of the first host that claimed the address during a duplicate-address probe, or null when none did.
 * iputils arping -D counts any ARP packet whose sender is the address and whose MAC is not ours: a reply
 * ("Unicast reply from …"), and also another host's announcement or gratuitous request
 * ("Broadcast request from 198.51.100.10 [MAC] for 198.51.100.10 …"). Each is a claim on the address.
 */
export function parseArpingReply(stdout: string): string | null {
	const m = stdout.match(/^(?:Unicast|Broadcast) (?:reply|request) from \S+ \[([0-9A-Fa-f:]{17})\]/m);
	return m ? m[1]!.toLowerCase() : null;
}

/** /proc/<pid>/cmdline: the arguments, NUL-separated. */
export function parseCmdline(raw: string): string[] {
	const args = raw.split('\0');
	if (args.at(-1) === '') args.pop();
	return args;
}
