// Parsers of the command outputs the probe reads (pure): nodels, `xdsh <sn> /sbin/ip addr`, getent, site.
import { isIPv4 } from '../runtime/ipv4';
import { columnIndex, isDisabledValue, type Tabdump } from '../xcat/tabdump';
import type { NetworkRow } from './types';

/** `nodels <noderange>`: one node per line. */
export function parseNodels(text: string): string[] {
	return text
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line !== '');
}

/** The IPv4 addresses in `xdsh <sn> /sbin/ip addr` output (`sn: inet a.b.c.d/len ...`), loopback left out, as xCAT collects them. */
export function parseInetAddresses(text: string): string[] {
	const addresses: string[] = [];
	for (const match of text.matchAll(/^(?:\S+: )?\s*inet (\d+\.\d+\.\d+\.\d+)\/\d+/gm)) {
		const address = match[1]!;
		if (isIPv4(address) && !address.startsWith('127.') && !addresses.includes(address)) addresses.push(address);
	}
	return addresses;
}

export interface HostsDatabase {
	/** name or alias → its first IPv4 address */
	byName: Map<string, string>;
	/** IPv4 address → its first (canonical) name */
	byAddress: Map<string, string>;
}

/** `getent hosts` (the whole files database) or `getent hosts <key>`: `address name alias...`, IPv4 lines only, first entry wins. */
export function parseGetentHosts(text: string): HostsDatabase {
	const byName = new Map<string, string>();
	const byAddress = new Map<string, string>();
	for (const line of text.split('\n')) {
		const [address, ...names] = line.trim().split(/\s+/);
		if (!address || !isIPv4(address) || names.length === 0) continue;
		if (!byAddress.has(address)) byAddress.set(address, names[0]!);
		for (const name of names) if (!byName.has(name)) byName.set(name, address);
	}
	return { byName, byAddress };
}

/** `getent ahostsv4 <name>`: the first address. */
export function parseAhostsv4(text: string): string | undefined {
	const first = text.split('\n')[0]?.trim().split(/\s+/)[0];
	return first !== undefined && isIPv4(first) ? first : undefined;
}

/** `site` keys, enabled rows only. */
export function siteValues(site: Tabdump): Map<string, string> {
	const [key, value, disable] = ['key', 'value', 'disable'].map((c) => columnIndex(site, c)) as [number, number, number];
	const values = new Map<string, string>();
	for (const row of site.rows) {
		const k = row[key];
		if (k && !isDisabledValue(row[disable]) && !values.has(k)) values.set(k, row[value] ?? '');
	}
	return values;
}

/** `networks` rows in table order (net, mask, gateway), enabled rows only. */
export function networkRows(networks: Tabdump): NetworkRow[] {
	const [net, mask, gateway, disable] = ['net', 'mask', 'gateway', 'disable'].map((c) => columnIndex(networks, c)) as [number, number, number, number];
	const rows: NetworkRow[] = [];
	for (const row of networks.rows) {
		if (isDisabledValue(row[disable]) || !row[net] || !row[mask]) continue;
		const gw = row[gateway];
		rows.push(gw ? { net: row[net]!, mask: row[mask]!, gateway: gw } : { net: row[net]!, mask: row[mask]! });
	}
	return rows;
}

/** The defined service nodes: the `servicenode` table's enabled rows. */
export function serviceNodeNames(servicenode: Tabdump): Set<string> {
	const [node, disable] = ['node', 'disable'].map((c) => columnIndex(servicenode, c)) as [number, number];
	const names = new Set<string>();
	for (const row of servicenode.rows) if (row[node] && !isDisabledValue(row[disable])) names.add(row[node]!);
	return names;
}
