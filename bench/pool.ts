// Figures for issue 15 on the lab: the MN pool's promotion (seed 004's makemn) and what it loses.
//  * planned: pool_promote between mn1 and sn1, both up: the run's own figure (start of the run to xcatd
//    answering on the new MN) and its wall time;
//  * the MN powered off: from the start of pool_promote to the first answer of xcatd on sn1's address
//    saying "This is a Management Node", seen by a client on cn1 that asks every 100 ms; the proof is
//    the BMC's status (fence_ipmilan);
//  * acknowledged writes lost at that promotion, with synchronous and with asynchronous replication: a
//    writer on sn2 sends INSERTs to xcatdb on mn1 one after another and writes each id down once psql
//    returned; after the promotion every written-down id is looked for on sn1.
// Every cycle ends with the pool as it began (mn1 powered on, made the replica by pool_setup, promoted
// back). The xCAT double charges real xCAT's time (cost model on). Run under the lab lock:
//   flock .lab.lock npx tsx bench/pool.ts        (POOL_BENCH_RUNS=3 by default)
// A benchmark prints figures; it never fails on timing.
import { execa } from 'execa';
import { join } from 'node:path';
import { ROOT } from '../tools/lab/env';
import { ensureLab, ok, playbook, resetLab, type PlaybookRun } from '../tools/lab/lab';

const RUNS = Number(process.env.POOL_BENCH_RUNS ?? 3);
const SN1 = '198.51.100.21';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function run(path: string, ...extra: string[]): Promise<PlaybookRun> {
	const r = await playbook(`playbooks/${path}.yml`, extra);
	if (r.status !== 0) throw new Error(`${path} ${extra.join(' ')} failed:\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-2000)}`);
	return r;
}
const answered = (r: PlaybookRun) => Number(/xcatd answered on \S+ ([\d.]+) s after the start/.exec(r.stdout)?.[1] ?? NaN) * 1000;
const steps = (r: PlaybookRun) => /steps: +([^"]*)"/.exec(r.stdout)?.[1] ?? '';
async function fault(name: string, host: string) {
	await execa('bash', [join(ROOT, 'test/lab/faults', name), host], { cwd: ROOT });
	if (name === 'power-on') ensureLab();
}

const ACKED = '/root/pool-bench.acked';
// one psql session, one INSERT after another; "\echo id" prints only once the INSERT returned
const WRITER = `pw=$(sed -n 's/^.*|xcatadm|//p' /etc/xcat/cfgloc)
: > ${ACKED}
nohup bash -c 'for i in $(seq 1 1000000); do echo "INSERT INTO pooltest VALUES ($i);"; echo "\\\\echo $i"; done |
  PGPASSWORD="$0" stdbuf -oL psql -X -q -v ON_ERROR_STOP=1 "host=198.51.100.11 dbname=xcatdb user=xcatadm connect_timeout=1" > ${ACKED} 2>/dev/null' "$pw" >/dev/null 2>&1 &
echo $! > /root/pool-bench.writer`;
// every 100 ms: does xcatd on sn1's address answer, and as what?
const PROBE = `nohup bash -c 'while :; do t=$(date +%s%3N); r=$(timeout 0.3 bash -c "exec 3<>/dev/tcp/${SN1}/3001; echo >&3; cat <&3" 2>/dev/null | grep -c "Management Node"); echo "$t $r"; sleep 0.1; done' > /root/pool-bench.probe 2>/dev/null &
echo $! > /root/pool-bench.prober`;

resetLab();
const setupStart = performance.now();
await run('pool_setup');
console.log(`pool_setup on a fresh lab (mn1 MN, sn1 replica, sn2; 8 compute nodes): ${s(performance.now() - setupStart)}`);
// the made-up compute nodes have no host to run postscripts on when a promotion moves the old MN's nodes
await ok('mn1', 'rmdef -t node -o cn2,cn3,cn4,cn5,cn6,cn7,cn8 >/dev/null');
await run('pool_setup');

const planned: { answer: number; wall: number; steps: string }[] = [];
for (let i = 0; i < RUNS; i++) {
	for (const target of ['sn1', 'mn1']) {
		const started = performance.now();
		const r = await run('pool_promote', '-e', `xcat_pool_target=${target}`);
		planned.push({ answer: answered(r), wall: performance.now() - started, steps: steps(r) });
	}
}
console.log(`\nplanned promotion (both up), ${planned.length} runs, mn1 <-> sn1:`);
console.log(
	`  start of the run -> xcatd answers on the new MN: median ${s(median(planned.map((p) => p.answer)))} (runs: ${planned.map((p) => s(p.answer)).join(', ')})`,
);
console.log(`  whole run: median ${s(median(planned.map((p) => p.wall)))}; steps of the last: ${planned.at(-1)!.steps}`);

const down: Record<string, { client: number; run: number; wall: number; acked: number; lost: number; steps: string }[]> = { synchronous: [], asynchronous: [] };
for (let i = 0; i < RUNS; i++) {
	for (const mode of ['synchronous', 'asynchronous'] as const) {
		await run('pool_setup', '-e', `xcat_pool_synchronous=${mode === 'synchronous'}`);
		await ok(
			'mn1',
			`runuser -u postgres -- psql -X -q -d xcatdb -c 'DROP TABLE IF EXISTS pooltest; CREATE TABLE pooltest (id int PRIMARY KEY); GRANT ALL ON pooltest TO xcatadm'`,
		);
		await ok('sn2', WRITER);
		await ok('cn1', PROBE);
		await new Promise((r) => setTimeout(r, 3000));
		await fault('power-off', 'mn1');
		const started = Date.now();
		const r = await run('pool_promote', '-e', 'xcat_pool_target=sn1');
		const wall = Date.now() - started;
		await new Promise((r) => setTimeout(r, 500));
		await ok('cn1', 'kill $(cat /root/pool-bench.prober) 2>/dev/null || true');
		await ok('sn2', 'kill $(cat /root/pool-bench.writer) 2>/dev/null || true; pkill -x psql || true');
		const probe = (await ok('cn1', 'cat /root/pool-bench.probe'))
			.trim()
			.split('\n')
			.map((l) => l.split(' ').map(Number));
		const first = probe.find(([t, mn]) => t! > started && mn! > 0);
		const acked = (await ok('sn2', `cat ${ACKED}`)).trim().split('\n').filter(Boolean);
		const kept = new Set((await ok('sn1', `runuser -u postgres -- psql -X -A -t -d xcatdb -c 'SELECT id FROM pooltest'`)).trim().split('\n'));
		down[mode]!.push({
			client: first ? first[0]! - started : NaN,
			run: answered(r),
			wall,
			acked: acked.length,
			lost: acked.filter((id) => !kept.has(id)).length,
			steps: steps(r),
		});
		await fault('power-on', 'mn1');
		await run('pool_setup');
		await run('pool_promote', '-e', 'xcat_pool_target=mn1');
	}
}
for (const [mode, rows] of Object.entries(down)) {
	console.log(`\nmn1 powered off, ${mode} replication, ${rows.length} runs (promotion of sn1, proof: mn1's BMC reports off):`);
	console.log(
		`  start of pool_promote -> cn1 gets "This is a Management Node" from ${SN1}: median ${s(median(rows.map((x) => x.client)))} (goal <= 10 s; runs: ${rows.map((x) => s(x.client)).join(', ')})`,
	);
	console.log(
		`  the run's own figure (xcatd answered): median ${s(median(rows.map((x) => x.run)))}; whole run: median ${s(median(rows.map((x) => x.wall)))}`,
	);
	console.log(`  acknowledged writes lost: ${rows.map((x) => `${x.lost} of ${x.acked}`).join(', ')}`);
	console.log(`  steps of the last: ${rows.at(-1)!.steps}`);
}
resetLab();
