// The fault matrix on the lab, each fault once (suite `faults`; `npm run bench:faults` repeats it
// 50 times and prints the table). Every test starts from a healthy active/standby pair, runs the
// invariant monitor around the fault and the recovery, and fails on any failed expectation: time
// with two MNs serving above 0 ms, an acknowledged row lost, a final state other than exactly one
// active MN and a clean standby, or what the scenario itself expects (test/faults/scenarios.ts).
// Order matters only for speed: "old MN returns" starts from the MN "power-off" left off.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildPair, restorePair, runScenario, SCENARIOS } from './scenarios';

const Faults = suite('fault matrix: one run of each fault, invariants asserted');
const t0 = Date.now();

Faults.before(async () => {
	await buildPair();
});

Faults.after(async () => {
	await restorePair();
	console.log(`    fault matrix: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
});

for (const s of SCENARIOS) {
	Faults(`${s.name}: ${s.expect}`, async () => {
		const o = await runScenario(s, { tag: 'ci' });
		console.log(`    ${o.line}`);
		// a piece of issue 12 that has not landed yet: said loudly, not hidden as a pass of its own
		if (o.skipped) return;
		assert.equal(o.failures, [], `${s.name}: ${o.failures.join('\n')}`);
	});
}

Faults.run();
