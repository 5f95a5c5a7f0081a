// Figures of xcat_ha_engine pacemaker on the lab (issue 14), medians:
//  * takeover after a power-off: the active MN loses power (faults/power-off); from then to cn1's first
//    xcatd answer from the other MN on the VIP (cn1 asks every 100 ms), with no playbook run: corosync's
//    detection, the fence through the BMC, the group's start. The old MN is powered on again and rejoins
//    as standby before the next run, so the runs alternate mn1 → mn2 → mn1.
//  * planned move: `pcs resource move xcat <other>`, then `pcs resource clear xcat`; the outage cn1 sees
//    (last answer from the old MN → first from the new).
// Baseline in the same run: the planned playbook failover's outage and the corosync default's detection
// are printed by bench/failover.ts and the docs; here, for scale, an Ansible ping of both MNs.
// Starts from a freshly provisioned lab and leaves one (the cluster cannot be handed back to the
// playbook engine yet, and bench/failover.ts needs that engine).
import { execa } from 'execa';
import { ansibleEnv, ROOT } from '../tools/lab/env';
import { ensureLab, ok, playbook, resetLab } from '../tools/lab/lab';
import { macOf, outage, startWatcher, stopWatcher } from '../tools/lab/mn-ha';
import { fault } from '../tools/lab/faults/scenarios';
import { cluster, ENGINE, placement, waitForGroup, waitOnline } from '../tools/lab/pacemaker';

const RUNS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const other = (mn: string) => (mn === 'mn1' ? 'mn2' : 'mn1');

resetLab();
const setup = await playbook('playbooks/setup_ha.yml', ENGINE);
if (setup.status !== 0) throw new Error(`setup-ha with the engine failed:\n${setup.stdout.slice(-4000)}`);
const macs: Record<string, string> = { mn1: await macOf('mn1'), mn2: await macOf('mn2') };

async function activeMn(): Promise<string> {
	for (const h of ['mn1', 'mn2']) {
		const st = await cluster(h).catch(() => null);
		const vip = st ? placement(st)['xcat-vip'] : undefined;
		if (vip?.length === 1) return vip[0]!;
	}
	throw new Error('no MN runs the group');
}

const baseline: number[] = [];
for (let i = 0; i < 3; i++) {
	const t = Date.now();
	const r = await execa('ansible', ['xcat_mn', '-i', 'inventory/lab/hosts.yml', '-m', 'ansible.builtin.ping'], { cwd: ROOT, env: ansibleEnv, reject: false });
	if (r.exitCode !== 0) throw new Error(`ping failed: ${r.stdout}`);
	baseline.push(Date.now() - t);
}

const takeovers: number[] = [];
for (let i = 0; i < RUNS; i++) {
	const from = await activeMn();
	const to = other(from);
	await startWatcher();
	await sleep(1000);
	const t0 = Date.now();
	const off = await fault('power-off', from);
	if (off.status !== 0) throw new Error(`power-off ${from}: ${off.out}`);
	const st = await waitForGroup(to, to, 120_000);
	await sleep(1000);
	const w = await stopWatcher();
	const first = w.answers.find((a) => a.mac === macs[to] && a.t > t0);
	if (!first || placement(st)['xcat-xcatd']?.[0] !== to) throw new Error(`run ${i + 1}: ${to} did not take over from ${from}`);
	takeovers.push(first.t - t0);
	console.log(`power-off ${from} → xcatd answers from ${to}: ${s(first.t - t0)}`);
	const on = await fault('power-on', from);
	if (on.status !== 0) throw new Error(`power-on ${from}: ${on.out}`);
	ensureLab(); // the MNs' keys back on the powered-on host
	if (!(await waitOnline(to, from, 180_000))) throw new Error(`${from} did not rejoin the cluster`);
}

const moves: number[] = [];
for (let i = 0; i < RUNS; i++) {
	const from = await activeMn();
	const to = other(from);
	await startWatcher();
	await sleep(1000);
	await ok(from, `pcs resource move xcat ${to}`);
	const st = await waitForGroup(to, to, 120_000);
	await ok(to, 'pcs resource clear xcat');
	await sleep(1000);
	const w = await stopWatcher();
	if (placement(st)['xcat-xcatd']?.[0] !== to) throw new Error(`move ${i + 1}: the group did not reach ${to}`);
	const o = outage(w, macs[from]!, macs[to]!);
	moves.push(o.ms);
	console.log(`pcs resource move ${from} → ${to}: outage ${s(o.ms)}${o.bothAnswered ? ' (BOTH ANSWERED)' : ''}`);
}

console.log(`\nAnsible ping of both MNs (baseline): median ${s(median(baseline))}`);
console.log(
	`takeover after a power-off (median of ${RUNS}): ${s(median(takeovers))}; ${(median(takeovers) / median(baseline)).toFixed(1)}× the ping (goal ≤ 10 s)`,
);
console.log(`planned move by pcs (median of ${RUNS}): outage ${s(median(moves))}; ${(median(moves) / median(baseline)).toFixed(1)}× the ping`);

resetLab();
