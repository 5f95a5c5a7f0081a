import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { describeLease, formatLease, parseLease, type Lease } from '../../modules/xcat_lease/lease';
import { plan } from '../../modules/xcat_lease/plan';

const NOW = new Date('2026-11-22T05:00:00.000Z');
const held = (holder: string | null, generation = 3): Lease => ({ holder, generation, since: '2026-11-22T04:00:00.000Z' });

const P = suite('xcat_lease plan');

P('a missing lease is taken at generation 1', () => {
	assert.equal(plan(null, { holder: 'mn1', state: 'held' }, NOW), { kind: 'write', lease: { holder: 'mn1', generation: 1, since: NOW.toISOString() } });
});

P('a released lease is taken at the next generation', () => {
	assert.equal(plan(held(null, 7), { holder: 'mn2', state: 'held' }, NOW), { kind: 'write', lease: { holder: 'mn2', generation: 8, since: NOW.toISOString() } });
});

P('our own lease is kept as it is (activate twice changes nothing)', () => {
	assert.equal(plan(held('mn1'), { holder: 'mn1', state: 'held' }, NOW), { kind: 'keep', lease: held('mn1') });
	assert.equal(plan(held('mn1'), { holder: 'mn1', state: 'held', takeoverFrom: 'mn2' }, NOW).kind, 'keep');
});

P("another MN's lease is refused, naming the holder, its generation and the two ways forward", () => {
	const p = plan(held('mn1', 5), { holder: 'mn2', state: 'held' }, NOW);
	assert.is(p.kind, 'refuse');
	assert.is((p as { msg: string }).msg, 'the activation lease is held by mn1 (generation 5, since 2026-11-22T04:00:00.000Z): deactivate mn1 first (planned failover), or confirm it is down and take over from it (unplanned failover)');
});

P('a takeover names the holder it takes from; naming another MN is refused', () => {
	assert.equal(plan(held('mn1', 5), { holder: 'mn2', state: 'held', takeoverFrom: 'mn1' }, NOW), { kind: 'write', lease: { holder: 'mn2', generation: 6, since: NOW.toISOString(), taken_from: 'mn1' } });
	const p = plan(held('mn1', 5), { holder: 'mn2', state: 'held', takeoverFrom: 'mn3' }, NOW);
	assert.is(p.kind, 'refuse');
	assert.match((p as { msg: string }).msg, /\(takeover_from names mn3, not the holder\)/);
});

P('release: ours is freed keeping the generation; free or foreign leases are left alone', () => {
	assert.equal(plan(held('mn1', 5), { holder: 'mn1', state: 'released' }, NOW), { kind: 'write', lease: { holder: null, generation: 5, since: NOW.toISOString() } });
	assert.equal(plan(held('mn2', 5), { holder: 'mn1', state: 'released' }, NOW), { kind: 'keep', lease: held('mn2', 5) });
	assert.equal(plan(null, { holder: 'mn1', state: 'released' }, NOW), { kind: 'keep', lease: null });
	assert.equal(plan(held(null), { holder: 'mn1', state: 'released' }, NOW).kind, 'keep');
});

const F = suite('xcat_lease file format');

F('round trip, and text a person can read', () => {
	const l: Lease = { holder: 'mn2', generation: 6, since: '2026-11-22T05:00:00.000Z', taken_from: 'mn1' };
	assert.equal(parseLease(formatLease(l), '/HA/l'), l);
	assert.is(describeLease(l), 'held by mn2 (generation 6, since 2026-11-22T05:00:00.000Z)\n');
	assert.is(describeLease(held(null, 2)), 'free (generation 2, released 2026-11-22T04:00:00.000Z)\n');
	assert.is(describeLease(null), 'no lease\n');
});

F('anything else in the file is an error naming it, never a free lease', () => {
	assert.throws(() => parseLease('', '/HA/l'), /\/HA\/l is not a lease \(not JSON\)/);
	assert.throws(() => parseLease('{"holder":"mn1"}', '/HA/l'), /\/HA\/l is not a lease \(needs holder, generation, since\)/);
	assert.throws(() => parseLease('null', '/HA/l'), /not a lease/);
});

P.run();
F.run();
