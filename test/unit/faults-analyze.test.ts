// The fault matrix's invariant monitor: what its samples mean (tools/lab/faults/analyze.ts) and how it
// reads tcpdump's ARP lines (tools/lab/faults/monitor.ts). Pure; no lab.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
	analyze,
	arpConflicts,
	lostRows,
	postmasterConflicts,
	recoveryMs,
	stepDownMs,
	table,
	unionMs,
	type HostSample,
	type Samples,
} from '../../tools/lab/faults/analyze';
import { parseArpLine } from '../../tools/lab/faults/monitor';

const A = 'aa:aa:aa:aa:aa:01',
	B = 'bb:bb:bb:bb:bb:02';
const probe = (t: number) => ({ t, kind: 'probe' as const });
const claim = (t: number, mac: string) => ({ t, kind: 'claim' as const, mac });
const up = (t: number, host: string, postmasters: number, vip = postmasters > 0): HostSample => ({ t, host, state: 'up', postmasters, vip, xcatd: vip });

const Arp = suite('fault monitor: ARP');

Arp('one MAC per probe round is no conflict, even when the VIP moves between rounds', () => {
	assert.equal(arpConflicts([probe(0), claim(1, A), probe(200), claim(201, A), probe(400), claim(401, B), probe(600), claim(602, B)], 800), []);
});

Arp('two MACs answering the same probe are a conflict lasting the round', () => {
	const c = arpConflicts([probe(0), claim(1, A), probe(200), claim(201, A), claim(202, B), probe(400), claim(401, B)], 600);
	assert.equal(
		c.map((x) => [x.from, x.to]),
		[[200, 400]],
	);
	assert.match(c[0]!.why, /aa:aa.*bb:bb/);
});

Arp('an announcement by the old MAC while the new one answers is a conflict too', () => {
	assert.is(arpConflicts([probe(0), claim(1, B), claim(50, A), probe(200)], 400).length, 1);
});

Arp('tcpdump lines: our probe, a reply, an announcement; other traffic ignored', () => {
	const req =
		'1796400649.751111 22:03:af:2d:3f:f8 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 198.51.100.10 (ff:ff:ff:ff:ff:ff) tell 198.51.100.1, length 28';
	const rep =
		'1796400649.751155 92:31:32:7e:35:f6 > 22:03:af:2d:3f:f8, ethertype ARP (0x0806), length 42: Reply 198.51.100.10 is-at 92:31:32:7e:35:f6, length 28';
	const ann =
		'1796400650.000001 92:31:32:7e:35:f6 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 198.51.100.10 tell 198.51.100.10, length 28';
	const other =
		'1796400650.1 92:31:32:7e:35:f6 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 198.51.100.31 tell 198.51.100.11, length 28';
	const dad = '1796400650.2 92:31:32:7e:35:f6 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 198.51.100.10 tell 0.0.0.0, length 28';
	assert.equal(parseArpLine(req), { t: 1796400649751, kind: 'probe' });
	assert.equal(parseArpLine(rep), { t: 1796400649751, kind: 'claim', mac: '92:31:32:7e:35:f6' });
	assert.equal(parseArpLine(ann), { t: 1796400650000, kind: 'claim', mac: '92:31:32:7e:35:f6' });
	assert.is(parseArpLine(other), null);
	assert.is(parseArpLine(dad), null);
	assert.is(parseArpLine('listening on xhalab0, link-type EN10MB (Ethernet)'), null);
});

const Db = suite('fault monitor: postmasters');

Db('a handover with a gap is no conflict', () => {
	assert.equal(postmasterConflicts([up(0, 'mn1', 1), up(0, 'mn2', 0), up(200, 'mn1', 0), up(300, 'mn2', 1)], 500), []);
});

Db('postmasters on two MNs at once are a conflict for as long as both run', () => {
	const c = postmasterConflicts([up(0, 'mn1', 1), up(0, 'mn2', 0), up(200, 'mn2', 1), up(400, 'mn1', 1), up(600, 'mn1', 0)], 800);
	assert.is(unionMs(c), 400);
});

Db('an MN that stops answering keeps the database it held (a frozen host is counted as holding it)', () => {
	const unknown: HostSample = { t: 200, host: 'mn1', state: 'unknown', postmasters: 0, vip: false, xcatd: false };
	const c = postmasterConflicts([up(0, 'mn1', 1), up(0, 'mn2', 0), unknown, up(400, 'mn2', 1)], 1000);
	assert.is(unionMs(c), 600);
});

Db('an MN the lab machine finds off holds nothing', () => {
	const off: HostSample = { t: 200, host: 'mn1', state: 'off', postmasters: 0, vip: false, xcatd: false };
	assert.equal(postmasterConflicts([up(0, 'mn1', 1), off, up(400, 'mn2', 1)], 1000), []);
});

Db('two postmasters on one MN (orphans of a killed one) are not two MNs', () => {
	assert.equal(postmasterConflicts([up(0, 'mn1', 2), up(0, 'mn2', 0)], 500), []);
});

const Rows = suite('fault monitor: rows and recovery');

Rows('every acknowledged id must be read back; unacknowledged ones may be missing', () => {
	const writes = [
		{ id: 1, sent: 0, acked: 5 },
		{ id: 2, sent: 100, failed: 3100 },
		{ id: 3, sent: 3200, acked: 3300 },
	];
	assert.equal(lostRows(writes, new Set([1, 3])), []);
	assert.equal(lostRows(writes, new Set([3])), [1]);
});

Rows('recovery: fault to the first ack after the last failure; 0 with no failure; null when never', () => {
	const w = [
		{ id: 1, sent: 0, acked: 5 },
		{ id: 2, sent: 1000, failed: 4000 },
		{ id: 3, sent: 4000, failed: 4100 },
		{ id: 4, sent: 4500, acked: 4600 },
		{ id: 5, sent: 4700, acked: 4750 },
	];
	assert.is(recoveryMs(w, 900), 3700);
	assert.is(recoveryMs(w.slice(0, 1), 0), 0);
	assert.is(recoveryMs(w.slice(0, 3), 900), null);
});

Rows('union of overlapping intervals', () => {
	assert.is(
		unionMs([
			{ from: 0, to: 100, why: '' },
			{ from: 50, to: 150, why: '' },
			{ from: 300, to: 400, why: '' },
		]),
		250,
	);
});

Rows('step-down: from the first sample with neither VIP nor postmaster, if it lasts', () => {
	const s = [up(0, 'mn1', 1), up(1000, 'mn1', 1), up(2000, 'mn1', 0, true), up(3000, 'mn1', 0, false), up(4000, 'mn1', 0, false)];
	assert.is(stepDownMs(s, 'mn1', 500), 2500);
	assert.is(stepDownMs(s.slice(0, 3), 'mn1', 500), null);
});

Rows('analyze: figures of a run, and the bench table sums them', () => {
	const s: Samples = {
		start: 0,
		end: 1000,
		fault: 100,
		arp: [probe(0), claim(1, A), probe(200), claim(201, A), claim(202, B), probe(400)],
		hosts: [up(0, 'mn1', 1), up(0, 'mn2', 0)],
		lease: [
			{ t: 0, holder: 'mn1' },
			{ t: 200, holder: 'mn1' },
			{ t: 400, holder: 'mn2' },
		],
		writes: [
			{ id: 1, sent: 0, acked: 10 },
			{ id: 2, sent: 150, failed: 500 },
			{ id: 3, sent: 600, acked: 700 },
		],
	};
	const f = analyze(s, new Set([3]));
	assert.is(f.dualMs, 200);
	assert.equal(f.lost, [1]);
	assert.is(f.recoveryMs, 600);
	assert.equal(f.holders, ['mn1', 'mn2']);
	const t = table([
		{ scenario: 'x', ok: true, dualMs: 0, lost: 0, recoveryMs: 1000 },
		{ scenario: 'x', ok: false, dualMs: 200, lost: 1, recoveryMs: 3000 },
		{ scenario: 'y', ok: true, dualMs: 0, lost: 0, recoveryMs: null },
	]);
	assert.match(t, /\| x \| 2 \| 1 \| 200 ms \| 1 \| 2\.00 s \| 3\.00 s \|/);
	assert.match(t, /\| \*\*all\*\* \| 3 \| 1 \| 200 ms \| 1 \| 2\.00 s \| 3\.00 s \(1 never\) \|/);
});

Arp.run();
Db.run();
Rows.run();
