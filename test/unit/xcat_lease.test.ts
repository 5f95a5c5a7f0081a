import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { describeLease, formatLease, parseLease, type Lease } from '../../modules/xcat_lease/lease';
import { plan, type Want } from '../../modules/xcat_lease/plan';

const NOW = new Date('2026-11-22T05:00:00.000Z');
const held = (holder: string | null, generation = 3): Lease => ({ holder, generation, since: '2026-11-22T04:00:00.000Z' });

const P = suite('xcat_lease plan');

P('a missing lease is taken at generation 1', () => {
	assert.equal(plan(null, { holder: 'mn1', state: 'held' }, NOW), { kind: 'write', lease: { holder: 'mn1', generation: 1, since: NOW.toISOString() } });
});

P('a released lease is taken at the next generation', () => {
	assert.equal(plan(held(null, 7), { holder: 'mn2', state: 'held' }, NOW), {
		kind: 'write',
		lease: { holder: 'mn2', generation: 8, since: NOW.toISOString() },
	});
});

P('our own lease is kept as it is (activate twice changes nothing)', () => {
	assert.equal(plan(held('mn1'), { holder: 'mn1', state: 'held' }, NOW), { kind: 'keep', lease: held('mn1') });
	assert.equal(plan(held('mn1'), { holder: 'mn1', state: 'held', takeoverFrom: 'mn2' }, NOW).kind, 'keep');
});

P("another MN's lease is refused, naming the holder, its generation and the two ways forward", () => {
	const p = plan(held('mn1', 5), { holder: 'mn2', state: 'held' }, NOW);
	assert.is(p.kind, 'refuse');
	assert.is(
		(p as { msg: string }).msg,
		'the activation lease is held by mn1 (generation 5, since 2026-11-22T04:00:00.000Z): deactivate mn1 first (planned failover), or confirm it is down and take over from it (unplanned failover)',
	);
});

P('a takeover names the holder it takes from; naming another MN is refused', () => {
	assert.equal(plan(held('mn1', 5), { holder: 'mn2', state: 'held', takeoverFrom: 'mn1' }, NOW), {
		kind: 'write',
		lease: { holder: 'mn2', generation: 6, since: NOW.toISOString(), taken_from: 'mn1' },
	});
	const p = plan(held('mn1', 5), { holder: 'mn2', state: 'held', takeoverFrom: 'mn3' }, NOW);
	assert.is(p.kind, 'refuse');
	assert.match((p as { msg: string }).msg, /\(takeover_from names mn3, not the holder\)/);
});

P('release: ours is freed keeping the generation; free or foreign leases are left alone', () => {
	assert.equal(plan(held('mn1', 5), { holder: 'mn1', state: 'released' }, NOW), {
		kind: 'write',
		lease: { holder: null, generation: 5, since: NOW.toISOString() },
	});
	assert.equal(plan(held('mn2', 5), { holder: 'mn1', state: 'released' }, NOW), { kind: 'keep', lease: held('mn2', 5) });
	assert.equal(plan(null, { holder: 'mn1', state: 'released' }, NOW), { kind: 'keep', lease: null });
	assert.equal(plan(held(null), { holder: 'mn1', state: 'released' }, NOW).kind, 'keep');
});

const guarded = (holder: string, generation: number, heartbeat: number): Lease => ({
	...held(holder, generation),
	heartbeat,
	renewed: '2026-11-22T04:59:59.000Z',
	deadline_ms: 5000,
	interval_ms: 1000,
});
const takeover: Want = { holder: 'mn2', state: 'held', takeoverFrom: 'mn1', staleWaitMs: 30_000 };

P('a take with the guard timing records heartbeat 0, so the lease is guarded from the start', () => {
	const g = { intervalMs: 1000, deadlineMs: 5000 };
	assert.equal(plan(held(null, 2), { holder: 'mn1', state: 'held', guard: g }, NOW), {
		kind: 'write',
		lease: { holder: 'mn1', generation: 3, since: NOW.toISOString(), heartbeat: 0, renewed: NOW.toISOString(), deadline_ms: 5000, interval_ms: 1000 },
	});
});

P('takeover of a guarded lease: first watch its heartbeat for deadline + one interval, on our own clock', () => {
	const current = guarded('mn1', 5, 42);
	assert.equal(plan(current, takeover, NOW), { kind: 'watch', waitMs: 6001, needMs: 6000 });
	assert.equal(plan(current, takeover, NOW, { first: current, stillMs: 2500 }), { kind: 'watch', waitMs: 3501, needMs: 6000 });
	assert.equal(plan(current, takeover, NOW, { first: current, stillMs: 6000 }).kind, 'watch', 'exactly the deadline is not longer than it');
	const p = plan(current, takeover, NOW, { first: current, stillMs: 6001 });
	assert.equal(p, { kind: 'write', lease: { holder: 'mn2', generation: 6, since: NOW.toISOString(), taken_from: 'mn1' } });
});

P('a heartbeat that moves while watched refuses at once: the holder is alive', () => {
	const first = guarded('mn1', 5, 42);
	const p = plan(guarded('mn1', 5, 43), takeover, NOW, { first, stillMs: 1200 });
	assert.is(p.kind, 'refuse');
	assert.ok(p.kind === 'refuse');
	assert.equal(p.extra, { holder_alive: true, heartbeat_age_ms: 1200, heartbeat: 43, previous_heartbeat: 42 });
	assert.match(p.msg, /^mn1's lease guard is still renewing the lease \(heartbeat 42 -> 43 within 1200 ms\), so mn1 is alive/);
	// a new term (released and taken again) is also a live writer
	assert.is(plan({ ...guarded('mn1', 6, 42) }, takeover, NOW, { first, stillMs: 7000 }).kind, 'refuse');
});

P('a lease without a heartbeat (the guard never ran, or stopped on purpose) is taken over without a wait', () => {
	assert.is(plan(held('mn1', 5), takeover, NOW).kind, 'write');
});

P('a wait longer than stale_wait_ms is refused before watching, naming what to raise', () => {
	const p = plan(guarded('mn1', 5, 42), { ...takeover, staleWaitMs: 3000 }, NOW);
	assert.ok(p.kind === 'refuse');
	assert.equal(p.extra, { holder_alive: null, stale_after_ms: 6000 });
	assert.match(
		p.msg,
		/must stay still for 6000 ms \(its guard's deadline 5000 ms plus one renewal of 1000 ms\).*longer than stale_wait_ms \(3000 ms\): raise stale_wait_ms$/,
	);
});

const R = suite('xcat_lease restore (rollback of a take)');
const rest = (restore: Lease | null): Want => ({ holder: 'mn2', state: 'restored', restore });

R('a lease taken over from a live holder goes back to that holder exactly, heartbeat included', () => {
	const found = guarded('mn1', 5, 42);
	const ours = { ...held('mn2', 6), taken_from: 'mn1' };
	assert.equal(plan(ours, rest(found), NOW), { kind: 'write', lease: found });
});

R('a lease that was free (or missing) is freed again, at the generation this run took', () => {
	assert.equal(plan(held('mn2', 8), rest(held(null, 7)), NOW), { kind: 'write', lease: { holder: null, generation: 8, since: NOW.toISOString() } });
	assert.equal(plan(held('mn2', 1), rest(null), NOW), { kind: 'write', lease: { holder: null, generation: 1, since: NOW.toISOString() } });
});

R('a lease that is no longer the one this run wrote is left alone, and the result says why', () => {
	const found = guarded('mn1', 5, 42);
	for (const current of [held('mn3', 7), held('mn2', 7), held(null, 6), null]) {
		const p = plan(current, rest(found), NOW);
		assert.is(p.kind, 'keep', JSON.stringify(current));
		assert.ok(p.kind === 'keep' && /is not the one mn2 took .*: left as it is$/.test(p.note ?? ''), JSON.stringify(p));
	}
	assert.equal(plan(found, rest(found), NOW), { kind: 'keep', lease: found, note: 'the lease is already as it was found' });
	assert.equal(plan(held('mn2', 5), rest(held('mn2', 5)), NOW).kind, 'keep');
});

const F = suite('xcat_lease file format');

F('round trip, and text a person can read', () => {
	const l: Lease = { holder: 'mn2', generation: 6, since: '2026-11-22T05:00:00.000Z', taken_from: 'mn1' };
	assert.equal(parseLease(formatLease(l), '/HA/l'), l);
	assert.is(describeLease(l), 'held by mn2 (generation 6, since 2026-11-22T05:00:00.000Z)\n');
	assert.is(describeLease(held(null, 2)), 'free (generation 2, released 2026-11-22T04:00:00.000Z)\n');
	assert.is(describeLease(null), 'no lease\n');
});

F('a lease written before the heartbeat existed stays readable; a guarded one round-trips; a broken heartbeat is an error', () => {
	assert.equal(parseLease('{"holder":"mn1","generation":2,"since":"x"}', '/HA/l'), { holder: 'mn1', generation: 2, since: 'x' });
	const g = { holder: 'mn1', generation: 2, since: 'x', heartbeat: 9, renewed: 'y', deadline_ms: 5000, interval_ms: 1000 };
	assert.equal(parseLease(formatLease(g), '/HA/l'), g);
	assert.is(describeLease(g), 'held by mn1 (generation 2, since x, heartbeat 9 renewed y, guard deadline 5000 ms)\n');
	assert.throws(() => parseLease('{"holder":"mn1","generation":2,"since":"x","heartbeat":"9"}', '/HA/l'), /\/HA\/l has a broken heartbeat/);
});

F('anything else in the file is an error naming it, never a free lease', () => {
	assert.throws(() => parseLease('', '/HA/l'), /\/HA\/l is not a lease \(not JSON\)/);
	assert.throws(() => parseLease('{"holder":"mn1"}', '/HA/l'), /\/HA\/l is not a lease \(needs holder, generation, since\)/);
	assert.throws(() => parseLease('null', '/HA/l'), /not a lease/);
});

P.run();
R.run();
F.run();
