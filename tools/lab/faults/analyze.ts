// What the invariant monitor's samples mean (pure): the time two MNs served at once (two MACs
// claiming the VIP in one ARP round, or more than one postmaster on the shared data), the
// acknowledged rows lost, the time to recover and the guard's step-down. The monitor
// (monitor.ts) collects; this file only reads what it collected, so it is unit-tested alone.

/** one ARP packet seen on the lab bridge: our own probe (request from the bridge), or a claim
 *  on the VIP by MAC (a reply, or an announcement whose sender address is the VIP) */
export interface ArpPacket {
	t: number;
	kind: 'probe' | 'claim';
	mac?: string;
}

/** what one MN answered about itself at time t; 'off' comes from the lab machine (the host has
 *  no processes left), 'unknown' when the MN did not answer in time */
export interface HostSample {
	t: number;
	host: string;
	state: 'up' | 'off' | 'unknown';
	/** postmasters whose data directory is on the shared storage */
	postmasters: number;
	/** the VIP configured on one of its interfaces */
	vip: boolean;
	xcatd: boolean;
}

export interface LeaseSample {
	t: number;
	holder: string | null | undefined;
	generation?: number;
}

/** one insert through the VIP: when it was sent, and when it was acknowledged or refused */
export interface Write {
	id: number;
	sent: number;
	acked?: number;
	failed?: number;
}

export interface Samples {
	start: number;
	end: number;
	/** when the fault was injected */
	fault: number;
	arp: ArpPacket[];
	hosts: HostSample[];
	lease: LeaseSample[];
	writes: Write[];
}

export interface Interval {
	from: number;
	to: number;
	why: string;
}

/**
 * ARP rounds with more than one MAC claiming the VIP. A round is the time from one of our probes
 * to the next: every host that holds the address answers the same broadcast within a millisecond,
 * and a host that announces it claims it too. A round lasts as long as the probe interval.
 */
export function arpConflicts(arp: readonly ArpPacket[], end: number): Interval[] {
	const sorted = [...arp].sort((a, b) => a.t - b.t);
	const probes = sorted.filter((p) => p.kind === 'probe');
	const out: Interval[] = [];
	for (let i = 0; i < probes.length; i++) {
		const from = probes[i]!.t;
		const to = probes[i + 1]?.t ?? end;
		const macs = new Set(sorted.filter((p) => p.kind === 'claim' && p.t >= from && p.t < to).map((p) => p.mac));
		if (macs.size > 1) out.push({ from, to, why: `ARP: ${[...macs].sort().join(' and ')} claim the VIP` });
	}
	return out;
}

/**
 * Times when more than one MN ran a postmaster on the shared data. Each MN's count is a step
 * function of time: a sample holds until the next one of the same host. (Two postmasters on one
 * host cannot share a data directory; PostgreSQL's lock file stops the second, and only across
 * hosts does that lock fail, since each host sees its own PIDs.) An MN that does not answer (frozen, hung) keeps the count
 * it had last: a host that held the database before it stopped answering still holds it.
 */
export function postmasterConflicts(hosts: readonly HostSample[], end: number): Interval[] {
	const sorted = [...hosts].sort((a, b) => a.t - b.t);
	const names = [...new Set(sorted.map((s) => s.host))];
	const count: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
	const out: Interval[] = [];
	for (let i = 0; i < sorted.length; i++) {
		const s = sorted[i]!;
		if (s.state === 'up') count[s.host] = s.postmasters;
		else if (s.state === 'off') count[s.host] = 0;
		// 'unknown' keeps the last known count
		const to = sorted[i + 1]?.t ?? end;
		const serving = names.filter((n) => count[n]! > 0);
		if (serving.length > 1 && to > s.t) {
			out.push({ from: s.t, to, why: `postmasters on the shared data on ${serving.map((n) => `${n} (${count[n]})`).join(' and ')}` });
		}
	}
	return out;
}

/** total length of the union of INTERVALS, in ms */
export function unionMs(intervals: readonly Interval[]): number {
	const sorted = [...intervals].sort((a, b) => a.from - b.from);
	let total = 0,
		curFrom = -Infinity,
		curTo = -Infinity;
	for (const iv of sorted) {
		if (iv.from > curTo) {
			if (curTo > curFrom) total += curTo - curFrom;
			curFrom = iv.from;
			curTo = iv.to;
		} else curTo = Math.max(curTo, iv.to);
	}
	if (curTo > curFrom) total += curTo - curFrom;
	return total;
}

/**
 * Fault to the first acknowledged write after which every write was acknowledged: 0 when no
 * write after the fault failed, null when writes never came back.
 */
export function recoveryMs(writes: readonly Write[], fault: number): number | null {
	const after = [...writes].filter((w) => w.sent >= fault).sort((a, b) => a.sent - b.sent);
	let lastBad = -1;
	for (let i = 0; i < after.length; i++) if (after[i]!.acked === undefined) lastBad = i;
	if (lastBad < 0) return 0;
	const next = after.slice(lastBad + 1).find((w) => w.acked !== undefined);
	return next ? next.acked! - fault : null;
}

/** ids that were acknowledged and are missing from PRESENT (read back through the VIP) */
export function lostRows(writes: readonly Write[], present: ReadonlySet<number>): number[] {
	return writes
		.filter((w) => w.acked !== undefined && !present.has(w.id))
		.map((w) => w.id)
		.sort((a, b) => a - b);
}

/**
 * When HOST stopped serving after the fault: the first sample from which on it had no VIP and no
 * postmaster (and it kept that to the end), minus the fault time; null if it still served.
 */
export function stepDownMs(hosts: readonly HostSample[], host: string, fault: number): number | null {
	const mine = hosts.filter((s) => s.host === host && s.t >= fault && s.state !== 'unknown').sort((a, b) => a.t - b.t);
	let from: number | null = null;
	for (const s of mine) {
		const serving = s.state === 'up' && (s.vip || s.postmasters > 0);
		if (serving) from = null;
		else if (from === null) from = s.t;
	}
	return from === null ? null : from - fault;
}

export interface Figures {
	/** ms with two MNs serving: two MACs claiming the VIP, or postmasters on the shared data on two MNs */
	dualMs: number;
	dual: Interval[];
	writes: number;
	acked: number;
	lost: number[];
	recoveryMs: number | null;
	/** the longest time between two samples of one MN, and of the ARP probes (the monitor's resolution) */
	maxGapMs: { arp: number; hosts: Record<string, number> };
	holders: Array<string | null>;
}

/** the longest time without a sample, from the first sample to END */
function maxGap(ts: number[], end: number): number {
	const all = [...ts.filter((t) => t <= end).sort((a, b) => a - b), end];
	let g = 0;
	for (let i = 1; i < all.length; i++) g = Math.max(g, all[i]! - all[i - 1]!);
	return g;
}

export function analyze(s: Samples, present: ReadonlySet<number>): Figures {
	const dual = [...arpConflicts(s.arp, s.end), ...postmasterConflicts(s.hosts, s.end)];
	const holders: Array<string | null> = [];
	for (const l of s.lease) if (l.holder !== undefined && holders[holders.length - 1] !== l.holder) holders.push(l.holder);
	const hostNames = [...new Set(s.hosts.map((h) => h.host))];
	return {
		dualMs: unionMs(dual),
		dual,
		writes: s.writes.length,
		acked: s.writes.filter((w) => w.acked !== undefined).length,
		lost: lostRows(s.writes, present),
		recoveryMs: recoveryMs(s.writes, s.fault),
		maxGapMs: {
			arp: maxGap(
				s.arp.filter((p) => p.kind === 'probe').map((p) => p.t),
				s.end,
			),
			hosts: Object.fromEntries(
				hostNames.map((h) => [
					h,
					maxGap(
						s.hosts.filter((x) => x.host === h && x.state !== 'unknown').map((x) => x.t),
						s.end,
					),
				]),
			),
		},
		holders,
	};
}

const median = (xs: number[]) => {
	const v = [...xs].sort((a, b) => a - b);
	return v.length === 0 ? NaN : v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
};

export interface RunFigures {
	scenario: string;
	ok: boolean;
	dualMs: number;
	lost: number;
	recoveryMs: number | null;
}

/** the bench's table: per scenario and in total, runs, ms with two MNs serving, rows lost, recovery */
export function table(runs: readonly RunFigures[]): string {
	const names = [...new Set(runs.map((r) => r.scenario))];
	const fmt = (ms: number | null) => (ms === null || !Number.isFinite(ms) ? 'never' : `${(ms / 1000).toFixed(2)} s`);
	const row = (name: string, rs: readonly RunFigures[]) => {
		const rec = rs.map((r) => r.recoveryMs).filter((x): x is number => x !== null);
		const never = rs.length - rec.length;
		return `| ${name} | ${rs.length} | ${rs.filter((r) => !r.ok).length} | ${rs.reduce((a, r) => a + r.dualMs, 0)} ms | ${rs.reduce((a, r) => a + r.lost, 0)} | ${fmt(median(rec))} | ${fmt(rec.length ? Math.max(...rec) : null)}${never ? ` (${never} never)` : ''} |`;
	};
	return [
		'| scenario | runs | failed | time with two MNs serving | acknowledged rows lost | median recovery | worst recovery |',
		'|---|---|---|---|---|---|---|',
		...names.map((n) =>
			row(
				n,
				runs.filter((r) => r.scenario === n),
			),
		),
		row('**all**', runs),
	].join('\n');
}
