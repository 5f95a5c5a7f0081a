import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { analyse, formatSample, GAPS_MAX, parseSamples, type Sample } from '../../modules/xcat_probe/analyse';
import { planStart, planStop } from '../../modules/xcat_probe/plan';
import { filesOf, parseState, proberCmdlineMatches, type Current, type RunState } from '../../modules/xcat_probe/probe';
import { arpMac, MARKER } from '../../modules/xcat_probe/prober';

const T0 = 1_796_000_000_000;
const OLD = '02:00:00:00:00:11';
const NEW = '02:00:00:00:00:12';

/** samples every 100 ms from T0, one per character: '1' answered, '.' refused, 't' timed out, 'a'/'b' answered by OLD/NEW */
function timeline(pattern: string, step = 100): Sample[] {
	return [...pattern].map((c, i) => ({
		t: T0 + i * step,
		ok: c === '1' || c === 'a' || c === 'b',
		code: c === '.' ? 'ECONNREFUSED' : c === 't' ? 'timeout' : '',
		mac: c === 'a' ? OLD : c === 'b' ? NEW : '',
	}));
}

const A = suite('xcat_probe analyse');

A('no gap: every probe answered, outage 0, nothing listed', () => {
	const a = analyse(timeline('1111111111'), 100);
	assert.equal([a.probes, a.answered, a.outage_ms, a.outage, a.gaps, a.never_answered], [10, 10, 0, null, [], false]);
	assert.equal([a.first_probe_ms, a.last_probe_ms], [T0, T0 + 900]);
	assert.equal([a.macs, a.switch, a.old_answered_after_new], [[], null, null]);
});

A('one gap: from the last answer before it to the first answer after it', () => {
	const a = analyse(timeline('111.....1111'), 100);
	assert.is(a.outage_ms, 600);
	assert.equal(a.outage, { from_ms: T0 + 200, to_ms: T0 + 800, ms: 600, unanswered: 5, codes: { ECONNREFUSED: 5 } });
	assert.equal(a.gaps, [a.outage]);
	assert.is(a.answered, 7);
});

A('the longest of two outages is the outage; both are gaps; the codes are counted', () => {
	const a = analyse(timeline('11..111tt.tt11'), 100);
	assert.is(a.outage_ms, 600);
	assert.equal(a.outage!.codes, { timeout: 4, ECONNREFUSED: 1 });
	assert.equal(
		a.gaps.map((g) => [g.from_ms - T0, g.ms]),
		[
			[100, 300],
			[600, 600],
		],
	);
});

A('a single unanswered probe is an outage of two intervals, not a gap over twice the interval', () => {
	const a = analyse(timeline('11.11'), 100);
	assert.is(a.outage_ms, 200);
	assert.equal(a.gaps, []);
});

A('a gap at the start: never answered before, counted from the first probe and flagged', () => {
	const a = analyse(timeline('....111'), 100);
	assert.is(a.outage_ms, 400);
	assert.equal(a.outage, { from_ms: T0, to_ms: T0 + 400, ms: 400, unanswered: 4, codes: { ECONNREFUSED: 4 }, open_start: true });
	assert.equal(a.gaps, [a.outage]);
});

A('a gap at the end: still going at the last probe, flagged', () => {
	const a = analyse(timeline('111...'), 100);
	assert.equal(a.outage, { from_ms: T0 + 200, to_ms: T0 + 500, ms: 300, unanswered: 3, codes: { ECONNREFUSED: 3 }, open_end: true });
});

A('never answered at all: the whole run, both ends open, flagged', () => {
	const a = analyse(timeline('tttttt'), 100);
	assert.is(a.never_answered, true);
	assert.is(a.answered, 0);
	assert.is(a.outage_ms, 500);
	assert.equal(a.outage, { from_ms: T0, to_ms: T0 + 500, ms: 500, unanswered: 6, codes: { timeout: 6 }, open_start: true, open_end: true });
});

A('no probes at all: nothing measured (null), not an outage of 0', () => {
	const a = analyse([], 100);
	assert.equal([a.probes, a.outage_ms, a.first_probe_ms, a.last_probe_ms, a.never_answered], [0, null, null, null, false]);
});

A('clock jitter: out of order and uneven samples are sorted; jitter under twice the interval is no gap', () => {
	const s = timeline('1111....1111');
	const jittered = s.map((x, i) => ({ ...x, t: x.t + [0, 37, -12, 55, 0, 20, -30, 41, 9, -40, 60, 0][i]! }));
	const a = analyse([...jittered].reverse(), 100);
	// last answer at 300+55, first answer after at 800+9
	assert.is(a.outage_ms, 809 - 355);
	assert.is(a.gaps.length, 1);
	assert.is(a.first_probe_ms, T0);
});

A('a stall of the prober (answers, then none made for a while) is a gap without unanswered probes, not an outage', () => {
	const s = [...timeline('111'), ...timeline('111').map((x) => ({ ...x, t: x.t + 1500 }))];
	const a = analyse(s, 100);
	assert.is(a.outage_ms, 0);
	assert.equal(a.gaps, [{ from_ms: T0 + 200, to_ms: T0 + 1500, ms: 1300, unanswered: 0, codes: {} }]);
});

A('two MACs: the order, the switch (the lab measure: last old answer -> first new answer)', () => {
	const a = analyse(timeline('aaa....bbb'), 100);
	assert.equal(a.macs, [OLD, NEW]);
	assert.equal(a.mac_switches, [{ t_ms: T0 + 700, from: OLD, to: NEW }]);
	assert.equal(a.switch, { from_ms: T0 + 200, to_ms: T0 + 700, ms: 500, old_mac: OLD, new_mac: NEW });
	assert.is(a.old_answered_after_new, false);
	assert.is(a.outage_ms, 500);
});

A('a switch with no unanswered probe between: outage 0, the switch still measured', () => {
	const a = analyse(timeline('aaabbb'), 100);
	assert.is(a.outage_ms, 0);
	assert.equal(a.switch!.ms, 100);
});

A('the old MAC answering again after the new one: flagged, every switch listed', () => {
	const a = analyse(timeline('aa..bbabb'), 100);
	assert.equal(a.macs, [OLD, NEW, OLD, NEW]);
	assert.is(a.mac_switches.length, 3);
	assert.is(a.old_answered_after_new, true);
	assert.equal(a.switch, { from_ms: T0 + 100, to_ms: T0 + 400, ms: 300, old_mac: OLD, new_mac: NEW });
});

A('back to the old MAC in the end (the failover rolled back): the other MAC is the new one', () => {
	const a = analyse(timeline('aa.bb.aa'), 100);
	assert.equal(a.macs, [OLD, NEW, OLD]);
	assert.is(a.switch!.new_mac, NEW);
	assert.is(a.old_answered_after_new, true);
});

A('one MAC only: known, no switch, nobody answered twice', () => {
	const a = analyse(timeline('aa..aa'), 100);
	assert.equal([a.macs, a.switch, a.old_answered_after_new], [[OLD], null, false]);
});

A('the gaps listed are capped, their count is not', () => {
	const a = analyse(timeline('1..'.repeat(GAPS_MAX + 20) + '1'), 100);
	assert.is(a.gaps.length, GAPS_MAX);
	assert.is(a.gaps_total, GAPS_MAX + 20);
});

A.run();

const S = suite('xcat_probe sample lines');

S('a line is written and read back the same', () => {
	const s: Sample[] = [
		{ t: T0, ok: true, code: '', mac: OLD, ms: 1 },
		{ t: T0 + 100, ok: false, code: 'EHOSTUNREACH', mac: '', ms: 3001 },
	];
	assert.equal(parseSamples(s.map(formatSample).join('')), { samples: s, bad: 0 });
});

S("a line cut by a kill, or anything else, is counted, not read; the lab's lines without ms are read", () => {
	const text = `${T0} 1 - - 2\n${T0 + 100} 0 ECONNREFUSED - 0\n${T0 + 200} 1 - 02:00\n1796000000300 1 -\nhello\n`;
	const { samples, bad } = parseSamples(text);
	assert.is(samples.length, 3);
	assert.is(bad, 2);
	assert.equal(samples[2], { t: T0 + 200, ok: true, code: '', mac: '02:00' });
});

S.run();

const N = suite('xcat_probe neighbour table');

const ARP = `IP address       HW type     Flags       HW address            Mask     Device
198.51.100.1     0x1         0x2         02:00:00:00:00:AA     *        eth0
198.51.100.10    0x1         0x0         00:00:00:00:00:00     *        eth0
198.51.100.10    0x1         0x2         02:00:00:00:00:12     *        eth1
198.51.100.11    0x1         0x0         00:00:00:00:00:00     *        eth0
`;

N('a complete entry gives its MAC (lower case); an incomplete one or none gives nothing', () => {
	assert.is(arpMac(ARP, '198.51.100.1'), '02:00:00:00:00:aa');
	assert.is(arpMac(ARP, '198.51.100.10'), '02:00:00:00:00:12');
	assert.is(arpMac(ARP, '198.51.100.11'), '');
	assert.is(arpMac(ARP, '198.51.100.111'), '');
	assert.is(arpMac('', '198.51.100.1'), '');
});

N.run();

const P = suite('xcat_probe plan');

const state: RunState = {
	pid: 42,
	address: 'vip',
	probed_address: '198.51.100.10',
	port: 3001,
	interval_ms: 100,
	timeout_ms: 100,
	max_seconds: 600,
	started_ms: T0,
};
const want = { address: 'vip', port: 3001, interval_ms: 100, timeout_ms: 100, max_seconds: 600 };
const files = filesOf('/run/p', 'f');
const cur = (c: Partial<Current>): Current => ({ files, present: [], state: null, running: false, ...c });

P('start when nothing runs; keep a running prober with the same settings; refuse other settings, naming them', () => {
	assert.equal(planStart('f', cur({}), want), { kind: 'start', remove: [] });
	assert.equal(planStart('f', cur({ state, running: true, present: [files.state, files.samples] }), want), { kind: 'keep', state });
	const p = planStart('f', cur({ state, running: true }), { ...want, interval_ms: 50, port: 3002 });
	assert.equal(p, {
		kind: 'refuse',
		msg: 'a prober with id f is already running (pid 42) with other settings: port 3001, not 3002; interval_ms 100, not 50. Stop it first (state=stopped), or give another id',
	});
});

P("an ended run's files are replaced, and its uncollected samples noted", () => {
	const p = planStart('f', cur({ state, running: false, present: [files.state, files.samples, files.log] }), want);
	assert.equal(p, {
		kind: 'start',
		remove: [files.state, files.samples, files.log],
		note: 'the samples of an earlier run with id f, which is no longer running, were discarded',
	});
});

P('stop: nothing when there is no run; signal only a running prober; remove what is there', () => {
	assert.equal(planStop(cur({})), { kind: 'none' });
	assert.equal(planStop(cur({ state, running: true, present: [files.state] })), { kind: 'stop', signal: true, remove: [files.state] });
	assert.equal(planStop(cur({ state, present: [files.samples] })), { kind: 'stop', signal: false, remove: [files.samples] });
});

P('the state file is read only when whole and right', () => {
	assert.equal(parseState(JSON.stringify(state)), state);
	assert.is(parseState('{"pid": 42'), null);
	assert.is(parseState(JSON.stringify({ ...state, pid: -1 })), null);
	assert.is(parseState(JSON.stringify({ ...state, port: '3001' })), null);
});

P("a pid is our prober only when its command line is node -e <source> -- <this run's config>", () => {
	const cfg = JSON.stringify({ marker: MARKER, stop_file: files.stop });
	assert.ok(proberCmdlineMatches(['/usr/bin/node', '-e', 'src', '--', cfg], files.stop));
	assert.not.ok(proberCmdlineMatches(['/usr/bin/node', '-e', 'src', '--', cfg], '/run/p/other.stop'));
	assert.not.ok(proberCmdlineMatches(['/usr/bin/node', '-e', 'src', '--', JSON.stringify({ marker: 'x', stop_file: files.stop })], files.stop));
	assert.not.ok(proberCmdlineMatches(['sleep', '100'], files.stop));
	assert.not.ok(proberCmdlineMatches([''], files.stop)); // a zombie
	assert.not.ok(proberCmdlineMatches(['/usr/bin/node', '-e', 'src', '--', '{not json'], files.stop));
});

P.run();
