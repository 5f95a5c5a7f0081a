// Decides what to do from what the host has and what was asked (pure).
import { inSubnet, subnetOf, toNumber } from '../runtime/ipv4';
import type { Desired } from './desired';
import type { Interface } from './parse';

export interface Current {
	interfaces: Interface[];
	/** the transient hostname now, and the static one from /etc/hostname */
	hostname?: { transient: string; static?: string };
	/** MAC that answered the ARP probe: null = nobody, undefined = not probed yet */
	holderMac?: string | null;
	/** net.ipv4.conf.<interface>.promote_secondaries */
	promoteSecondaries?: boolean;
	/** this host's network namespace (the number in /proc/self/ns/net), which keys the announcer's pid file */
	netns?: string;
	/** the process named by the announcer's pid file, if it still runs */
	announcer?: { pid: number; argv: string[]; netns: string };
}

export interface Step {
	argv: string[];
	background?: boolean;
	/** where to record the background command's pid, so that a later release can end it */
	pidFile?: string;
	/** a file to remove once the step ran */
	removeFile?: string;
}

/** Where an add records the pid of its repeated gratuitous ARPs (the same address may be tested in several namespaces). */
export const announcerPidFile = (address: string, netns: string | undefined): string => `/run/xcat-ha/garp-${address}-net${netns ?? 'unknown'}.pid`;

/** Only the repeats an add of this address on this interface started, in this namespace, are ours to end. */
function isOurAnnouncer(a: NonNullable<Current['announcer']>, current: Current, d: Desired): boolean {
	const after = (flag: string) => {
		const i = a.argv.indexOf(flag);
		return i >= 0 ? a.argv[i + 1] : undefined;
	};
	return (
		/(^|\/)arping$/.test(a.argv[0] ?? '') && a.argv.includes('-U') && after('-s') === d.address && after('-I') === d.interface && a.netns === current.netns
	);
}

export type Plan =
	| { kind: 'refuse'; msg: string; holderMac?: string }
	| { kind: 'probe-arp' }
	| { kind: 'act'; steps: Step[]; garpSent: number; before: string; after: string };

export function plan(current: Current, d: Desired): Plan {
	const iface = current.interfaces.find((i) => i.name === d.interface);
	if (!iface)
		return { kind: 'refuse', msg: `interface ${d.interface} does not exist on this host; interfaces: ${current.interfaces.map((i) => i.name).join(', ')}` };
	const elsewhere = current.interfaces.find((i) => i.name !== d.interface && i.addresses.some((a) => a.address === d.address));
	if (elsewhere) {
		const a = elsewhere.addresses.find((x) => x.address === d.address)!;
		return {
			kind: 'refuse',
			msg: `${d.address} is on interface ${elsewhere.name} (label ${a.label}), not on ${d.interface}: remove it there first or name that interface`,
		};
	}
	const mine = iface.addresses.find((a) => a.address === d.address);
	const steps: Step[] = [];
	let garpSent = 0;

	if (d.state === 'present') {
		const exact = mine && mine.prefix === d.prefix && mine.label === d.label;
		if (!exact) {
			if (!mine && d.arpCheck) {
				if (!iface.up)
					return {
						kind: 'refuse',
						msg: `interface ${d.interface} is down: the address cannot be probed for duplicates (bring it up, or set arp_check: false)`,
					};
				if (current.holderMac === undefined) return { kind: 'probe-arp' };
				if (current.holderMac !== null) {
					return {
						kind: 'refuse',
						holderMac: current.holderMac,
						msg: `${d.address} is already in use on the network: the host with MAC ${current.holderMac} claimed it over ARP (an answer or an announcement); nothing was changed`,
					};
				}
			}
			if (mine) {
				const blocked = removalBlocked(iface, d.address, current.promoteSecondaries);
				if (blocked) return { kind: 'refuse', msg: blocked };
				steps.push({ argv: ['ip', 'addr', 'del', `${d.address}/${mine.prefix}`, 'dev', d.interface] });
			}
			steps.push({ argv: ['ip', 'addr', 'add', `${d.address}/${d.prefix}`, 'brd', '+', 'dev', d.interface, 'label', d.label] });
			if (d.garpCount > 0) {
				steps.push({
					argv: ['arping', '-q', '-U', '-c', String(d.garpCount), '-I', d.interface, '-s', d.address, d.address],
					background: true,
					pidFile: announcerPidFile(d.address, current.netns),
				});
				garpSent = d.garpCount;
			}
		}
		if (d.hostname !== undefined && current.hostname?.transient !== d.hostname) steps.push({ argv: ['hostname', d.hostname] });
	} else {
		// An earlier add's repeated announcements would go on claiming the address for the new holder's
		// duplicate check: they end first, before the address goes.
		if (current.announcer && isOurAnnouncer(current.announcer, current, d)) {
			steps.push({ argv: ['kill', '-TERM', String(current.announcer.pid)], removeFile: announcerPidFile(d.address, current.netns) });
		}
		if (mine) {
			const blocked = removalBlocked(iface, d.address, current.promoteSecondaries);
			if (blocked) return { kind: 'refuse', msg: blocked };
			steps.push({ argv: ['ip', 'addr', 'del', `${d.address}/${mine.prefix}`, 'dev', d.interface] });
		}
		const h = current.hostname;
		if (d.hostname !== undefined && h?.transient === d.hostname) {
			if (!h.static)
				return {
					kind: 'refuse',
					msg: `the transient hostname is ${d.hostname} and /etc/hostname is empty or missing: cannot tell which hostname to restore`,
				};
			if (h.static !== d.hostname) steps.push({ argv: ['hostname', h.static] });
		}
	}
	return { kind: 'act', steps, garpSent, before: describe(current, iface, d), after: describe(afterSteps(current, d, steps), iface, d) };
}

/** Deleting a primary address also deletes the secondaries of its subnet unless the kernel promotes them. */
function removalBlocked(iface: Interface, address: string, promote: boolean | undefined): string | undefined {
	const a = iface.addresses.find((x) => x.address === address)!;
	if (a.secondary || promote) return undefined;
	const subnet = subnetOf(address, a.prefix);
	const dependents = iface.addresses.filter((x) => x.secondary && inSubnet(toNumber(x.address), subnet)).map((x) => x.address);
	if (dependents.length === 0) return undefined;
	return `${address} is the primary address of its subnet on ${iface.name}: removing it would also remove ${dependents.join(', ')}; set net.ipv4.conf.${iface.name}.promote_secondaries=1 first`;
}

function afterSteps(current: Current, d: Desired, steps: Step[]): Current {
	if (steps.length === 0) return current;
	const interfaces = current.interfaces.map((i) => {
		if (i.name !== d.interface) return i;
		const others = i.addresses.filter((a) => a.address !== d.address);
		const added = d.state === 'present' ? [{ address: d.address, prefix: d.prefix, label: d.label, secondary: true }] : [];
		return { ...i, addresses: [...others, ...added] };
	});
	const hostStep = steps.find((s) => s.argv[0] === 'hostname');
	const hostname = hostStep && current.hostname ? { ...current.hostname, transient: hostStep.argv[1]! } : current.hostname;
	return { ...current, interfaces, ...(hostname ? { hostname } : {}) };
}

/** The interface's IPv4 addresses (and the hostname when managed), one per line, for --diff. */
function describe(current: Current, iface: Interface, d: Desired): string {
	const now = current.interfaces.find((i) => i.name === iface.name) ?? iface;
	const lines = now.addresses.map((a) => `inet ${a.address}/${a.prefix} label ${a.label}`);
	if (d.hostname !== undefined && current.hostname) lines.push(`hostname ${current.hostname.transient}`);
	return lines.length ? `${lines.join('\n')}\n` : '';
}
