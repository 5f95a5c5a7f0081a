// The fault matrix, repeated (npm run bench:faults): every scenario of tools/lab/faults/scenarios.ts in
// order, round after round, until at least RUNS runs (default 50; XCAT_HA_FAULT_RUNS overrides),
// each from a healthy pair and watched by the invariant monitor. Prints one line per run and the
// table: runs, time with two MNs serving, acknowledged rows lost, median and worst recovery.
// Never fails on timing; it exits non-zero only when an invariant or an expectation failed.
//   npx tsx bench/faults.ts [name-prefix…]   (only the scenarios whose names start so)
import { table, type RunFigures } from '../tools/lab/faults/analyze';
import { buildPair, restorePair, runScenario, SCENARIOS } from '../tools/lab/faults/scenarios';

const wanted = process.argv.slice(2);
const chosen = SCENARIOS.filter((s) => wanted.length === 0 || wanted.some((w) => s.name.startsWith(w)));
const target = Number(process.env.XCAT_HA_FAULT_RUNS ?? 50);

const runs: RunFigures[] = [];
const skipped = new Map<string, string>();
const failures: string[] = [];
const t0 = Date.now();
// the lab up and the pair built first: a scenario's needs (its BMCs) are read from the running lab
await buildPair();
while (runs.length < target) {
	let ran = 0;
	for (const s of chosen) {
		if (runs.length >= target) break;
		const o = await runScenario(s, { tag: 'bench' });
		if (o.skipped) {
			skipped.set(s.name, o.skipped);
			continue;
		}
		ran++;
		skipped.delete(s.name);
		console.log(`${String(runs.length + 1).padStart(3)} ${o.line}`);
		for (const f of o.failures) {
			console.log(`      ${f}`);
			failures.push(`${s.name}: ${f}`);
		}
		runs.push({
			scenario: s.name,
			ok: o.failures.length === 0,
			dualMs: o.figures!.dualMs,
			lost: o.figures!.lost.length,
			recoveryMs: o.figures!.recoveryMs,
		});
	}
	if (ran === 0) break;
}
await restorePair();
console.log(`\n${table(runs)}`);
for (const [name, why] of skipped) console.log(`skipped: ${name} (waits for ${why})`);
console.log(`${runs.length} runs in ${((Date.now() - t0) / 60000).toFixed(1)} min; ${failures.length} failed expectations`);
process.exit(failures.length ? 1 : 0);
