import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { adoptTerm, decide, notOurs, parseConfig, renewed, stepDownCommands, type GuardConfig } from '../../modules/xcat_lease/guard-decide';

const CFG: GuardConfig = {
	lease_path: '/HA/.xcat-ha/lease',
	holder: 'mn1',
	generation: 3,
	interval_ms: 1000,
	deadline_ms: 5000,
	units: ['postgresql', 'xcatd', 'named'],
	stop_timeout_ms: 2000,
	vip: { address: '198.51.100.10', prefix: 24, interface: 'host0' },
};
const D = suite('lease guard decisions');

D('renewals keep it up; one slow or failed renewal below the deadline is no reason to step down', () => {
	assert.equal(decide(CFG, { lastOkMs: 1000 }, 1000 + 4999), { stepDown: false });
	assert.equal(decide(CFG, { lastOkMs: 1000, lastError: 'EIO' }, 1000 + 4000), { stepDown: false });
});

D('no renewal for the whole deadline: step down, saying for how long and the last error', () => {
	assert.equal(decide(CFG, { lastOkMs: 1000, lastError: 'ENOENT: no such file' }, 6000), {
		stepDown: true,
		reason: 'the lease could not be renewed for 5000 ms (deadline 5000 ms): ENOENT: no such file',
	});
});

D('a lease that is not this term any more: step down at once, whatever the clock', () => {
	assert.is(notOurs(CFG, { holder: 'mn1', generation: 3, since: 'x' }), undefined);
	assert.is(notOurs(CFG, { holder: 'mn2', generation: 4, since: 'x' }), 'the lease is held by mn2 (generation 4)');
	assert.is(notOurs(CFG, { holder: 'mn1', generation: 4, since: 'x' }), "the lease is at generation 4, not 3: this MN's term ended");
	assert.is(notOurs(CFG, { holder: null, generation: 3, since: 'x' }), 'the lease was released (generation 3)');
	assert.is(notOurs(CFG, null), 'the lease /HA/.xcat-ha/lease is gone');
	assert.equal(decide(CFG, { lastOkMs: 1000, lost: 'the lease is held by mn2 (generation 4)' }, 1001), {
		stepDown: true,
		reason: 'the lease is held by mn2 (generation 4)',
	});
});

D('a renewal counts the heartbeat up and records the timing; the rest of the lease is kept', () => {
	const now = new Date('2026-11-22T05:00:00.000Z');
	assert.equal(renewed(CFG, { holder: 'mn1', generation: 3, since: 'x', taken_from: 'mn2' }, now), {
		holder: 'mn1',
		generation: 3,
		since: 'x',
		taken_from: 'mn2',
		heartbeat: 1,
		renewed: now.toISOString(),
		deadline_ms: 5000,
		interval_ms: 1000,
	});
	assert.is(renewed(CFG, { holder: 'mn1', generation: 3, since: 'x', heartbeat: 41, renewed: 'y', deadline_ms: 1, interval_ms: 1 }, now).heartbeat, 42);
});

D('the step-down: the VIP first, then the services in reverse start order; killed if the stop hangs', () => {
	assert.equal(stepDownCommands(CFG), {
		vip: ['ip', 'addr', 'del', '198.51.100.10/24', 'dev', 'host0'],
		stop: ['systemctl', 'stop', '--', 'named', 'xcatd', 'postgresql'],
		kill: ['systemctl', 'kill', '--signal=KILL', '--', 'named', 'xcatd', 'postgresql'],
	});
});

D('the configuration: good one read with the default stop timeout; each bad field named', () => {
	const { stop_timeout_ms: _s, ...rest } = CFG;
	assert.equal(parseConfig(JSON.stringify(rest)), { config: CFG, errors: [] });
	assert.equal(parseConfig('nope').errors, ['the configuration is not JSON']);
	assert.equal(
		parseConfig(JSON.stringify({ ...CFG, holder: 'mn1; reboot', interval_ms: 5000, units: ['x y'], vip: { ...CFG.vip, address: '1.2.3' } })).errors,
		[
			'holder must be a host name',
			'deadline_ms must be longer than interval_ms',
			'units must be a list of unit names',
			'vip must be {address: IPv4, prefix: 1..32, interface: a base interface name}',
		],
	);
	// the same dotted quad as every module's: no leading zero
	assert.equal(parseConfig(JSON.stringify({ ...CFG, vip: { ...CFG.vip, address: '198.51.100.01' } })).errors, [
		'vip must be {address: IPv4, prefix: 1..32, interface: a base interface name}',
	]);
});

D("a configuration without a generation: the term is the lease's when the lease names this holder, nobody's otherwise", () => {
	const { generation: _g, ...noTerm } = CFG;
	assert.equal(parseConfig(JSON.stringify(noTerm)), { config: noTerm, errors: [] });
	assert.equal(parseConfig(JSON.stringify({ ...noTerm, generation: 0 })).errors, ['generation must be a whole number from 1']);
	const ours = { holder: 'mn1', generation: 7, since: 'x' };
	assert.equal(adoptTerm(noTerm, ours), { ...noTerm, generation: 7 });
	assert.is(notOurs(adoptTerm(noTerm, ours), ours), undefined);
	// another holder, a released lease, no lease: nothing adopted, and the step-down says why
	for (const lease of [{ holder: 'mn2', generation: 8, since: 'x' }, { holder: null, generation: 8, since: 'x' }, null]) {
		const cfg = adoptTerm(noTerm, lease);
		assert.is(cfg.generation, undefined);
		assert.ok(notOurs(cfg, lease) !== undefined, JSON.stringify(lease));
	}
	assert.is(notOurs(noTerm, ours), "the lease's term was not adopted (generation 7)");
	// a term once adopted, or written in the file, is kept: a newer generation is another term
	assert.equal(adoptTerm(CFG, ours), CFG);
	assert.is(
		notOurs(adoptTerm(adoptTerm(noTerm, ours), { ...ours, generation: 9 }), { ...ours, generation: 9 }),
		"the lease is at generation 9, not 7: this MN's term ended",
	);
});

D.run();
