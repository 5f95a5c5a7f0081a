// The fault matrix on the lab (suite `faults`): one representative of each kind of fault in CI,
// every fault with XCAT_HA_FAULTS_ALL=1; `npm run bench:faults` repeats the whole matrix 50 times
// and prints the table. Every test starts from a healthy active/standby pair, runs the
// invariant monitor around the fault and the recovery, and fails on any failed expectation: time
// with two MNs serving above 0 ms, an acknowledged row lost, a final state other than exactly one
// active MN and a clean standby, or what the scenario itself expects (tools/lab/faults/scenarios.ts).
// Order matters only for speed: "old MN returns" starts from the MN "power-off" left off (and
// prepares that state itself when run alone).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildPair, restorePair, runScenario, SCENARIOS } from '../../tools/lab/faults/scenarios';

const Faults = suite('fault matrix: one run of each fault, invariants asserted');
const t0 = Date.now();

Faults.before(async () => {
	await buildPair();
});

Faults.after(async () => {
	await restorePair();
	console.log(`    fault matrix: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
});

// The whole matrix takes about 20 min on the lab's 2-core machine (a failover with its restore
// is 30-150 s); CI runs the cheapest scenario of each kind, and XCAT_HA_FAULTS_ALL=1 all of them.
const all = process.env.XCAT_HA_FAULTS_ALL === '1';
for (const s of SCENARIOS.filter((x) => all || x.ci)) {
	Faults(`${s.name}: ${s.expect}`, async () => {
		const o = await runScenario(s, { tag: 'ci' });
		console.log(`    ${o.line}`);
		// every piece the matrix needs (BMCs, the guard) is part of the lab and the role: a scenario
		// that cannot run is a failure, never a quiet pass
		assert.is(o.skipped, undefined, `${s.name}: could not run (${o.skipped})`);
		assert.equal(o.failures, [], `${s.name}: ${o.failures.join('\n')}`);
	});
}

Faults.run();
