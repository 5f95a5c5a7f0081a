// Two peers on one link, each in its own network namespace, created and removed by the test.
import { execa } from 'execa';

export interface Peer {
	ns: string;
	ifname: string;
	address: string;
	mac: string;
}
export interface Pair {
	a: Peer;
	b: Peer;
	remove(): Promise<void>;
}

export const ip = async (...argv: string[]) => (await execa('ip', argv)).stdout;

/** Fails loudly (never skips) when the machine cannot make namespaces. */
export async function makePair(tag: string): Promise<Pair> {
	if (process.getuid?.() !== 0) throw new Error('network namespace tests need root');
	const name = (side: string) => `xh${tag}${process.pid % 10000}${side}`;
	const a = name('a'),
		b = name('b');
	await removeNs(a, b);
	await ip('netns', 'add', a);
	await ip('netns', 'add', b);
	await ip('link', 'add', 'v0', 'netns', a, 'type', 'veth', 'peer', 'name', 'v0', 'netns', b);
	const peers: Peer[] = [];
	for (const [ns, addr] of [
		[a, '198.51.100.201'],
		[b, '198.51.100.202'],
	] as const) {
		await ip('-n', ns, 'addr', 'add', `${addr}/24`, 'dev', 'v0');
		await ip('-n', ns, 'link', 'set', 'lo', 'up');
		await ip('-n', ns, 'link', 'set', 'v0', 'up');
		const mac = JSON.parse(await ip('-n', ns, '-j', 'link', 'show', 'v0'))[0].address as string;
		peers.push({ ns, ifname: 'v0', address: addr, mac });
	}
	return { a: peers[0]!, b: peers[1]!, remove: () => removeNs(a, b) };
}

async function removeNs(...names: string[]) {
	for (const n of names) await execa('ip', ['netns', 'del', n], { reject: false });
}

export async function addresses(ns: string, ifname = 'v0'): Promise<string[]> {
	const j = JSON.parse(await ip('-n', ns, '-j', 'addr', 'show', 'dev', ifname));
	return j[0].addr_info.filter((x: any) => x.family === 'inet').map((x: any) => `${x.local}/${x.prefixlen} ${x.label}`);
}

/** The MAC a namespace has learned for an address, or undefined. */
export async function neighbourMac(ns: string, address: string): Promise<string | undefined> {
	const j = JSON.parse(await ip('-n', ns, '-j', 'neigh', 'show', address));
	return j[0]?.lladdr;
}
