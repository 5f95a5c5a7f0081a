// Runs the benchmarks one after another. They print figures; they never fail on timing.
import { execa } from 'execa';
import { existsSync } from 'node:fs';

const BENCHES = ['vip.ts', 'snmove-plan.ts', 'snmove-apply.ts', 'pool-balance.ts', 'pool.ts', 'xcat-double.ts', 'failover.ts', 'pacemaker.ts'];
const wanted = process.argv.slice(2);
for (const b of BENCHES.filter((f) => existsSync(`bench/${f}`) && (wanted.length === 0 || wanted.some((w) => f.startsWith(w))))) {
	console.log(`\n=== bench/${b} ===`);
	await execa('npx', ['tsx', `bench/${b}`], { stdio: 'inherit', reject: false });
}
