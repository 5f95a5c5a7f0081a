// This host's IPv4 interfaces (from `ip -j addr`), and address arithmetic.
import { run } from './sys.js';

export interface Iface {
	name: string;
	address: string;
	prefix: number;
	label: string;
	secondary: boolean;
}

export function ipv4Interfaces(): Iface[] {
	// test-only: XCAT_DOUBLE_IFACES="host0=198.51.100.11/24,host0:0=198.51.100.10/24"
	const fake = process.env.XCAT_DOUBLE_IFACES;
	if (fake !== undefined) {
		return fake
			.split(',')
			.filter(Boolean)
			.map((spec) => {
				const [label = '', cidr = ''] = spec.split('=');
				const [address = '', prefix = '24'] = cidr.split('/');
				return { name: label.split(':')[0]!, address, prefix: Number(prefix), label, secondary: label.includes(':') };
			});
	}
	const r = run('ip', ['-j', '-4', 'addr', 'show']);
	if (r.status !== 0) return [];
	const links = JSON.parse(r.stdout) as { ifname: string; addr_info?: { local: string; prefixlen: number; label?: string; secondary?: boolean }[] }[];
	const out: Iface[] = [];
	for (const l of links) {
		for (const a of l.addr_info ?? []) {
			out.push({ name: l.ifname, address: a.local, prefix: a.prefixlen, label: a.label ?? l.ifname, secondary: !!a.secondary });
		}
	}
	return out;
}

export function toInt(ip: string): number {
	return ip.split('.').reduce((acc, o) => ((acc << 8) | (Number(o) & 255)) >>> 0, 0);
}

export function fromInt(n: number): string {
	return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

export function maskOf(prefix: number): string {
	return fromInt(prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
}

export function prefixOf(mask: string): number {
	return toInt(mask).toString(2).replace(/0+$/, '').length;
}

export function networkOf(ip: string, mask: string): string {
	return fromInt((toInt(ip) & toInt(mask)) >>> 0);
}

export function inNetwork(ip: string, net: string, mask: string): boolean {
	return (toInt(ip) & toInt(mask)) >>> 0 === toInt(net);
}

/** xCAT's network object names: 198_51_100_0-255_255_255_0 */
export function netname(net: string, mask: string): string {
	return `${net.replace(/\./g, '_')}-${mask.replace(/\./g, '_')}`;
}
