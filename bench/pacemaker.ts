// Figures of xcat_ha_engine pacemaker on the lab (issue 14), medians:
//  * takeover after a power-off: the active MN loses power (faults/power-off); from then to cn1's first
//    xcatd answer from the other MN on the VIP (cn1 asks every 100 ms), with no playbook run: corosync's
//    detection, the fence through the BMC, the group's start. The old MN is powered on again and rejoins
//    as standby before the next run, so the runs alternate mn1 → mn2 → mn1.
//  * planned move: playbooks/failover.yml under the engine (pcs resource move, then clear); the outage
//    cn1 sees (last answer from the old MN → first from the new) and the playbook's wall time,
//  * beside the same planned failover.yml with the playbook engine, in the same run, on the same pair:
//    the run starts with it, then hands that pair to the engine with setup_ha (the switch an existing
//    pair makes, no rebuild). For scale, an Ansible ping of both MNs.
// Starts from a freshly provisioned lab and leaves one (bench/failover.ts wants a pair it builds itself).
import { execa } from 'execa';
import { ansibleEnv, ROOT } from '../tools/lab/env';
import { ensureLab, playbook, resetLab } from '../tools/lab/lab';
import { macOf, outage, startWatcher, stopWatcher } from '../tools/lab/mn-ha';
import { fault } from '../tools/lab/faults/scenarios';
import { cluster, ENGINE, placement, waitForGroup, waitOnline } from '../tools/lab/pacemaker';

const RUNS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const other = (mn: string) => (mn === 'mn1' ? 'mn2' : 'mn1');

resetLab();
const pair = await playbook('playbooks/setup_ha.yml');
if (pair.status !== 0) throw new Error(`setup-ha failed:\n${pair.stdout.slice(-4000)}`);
const macs: Record<string, string> = { mn1: await macOf('mn1'), mn2: await macOf('mn2') };

/** failover.yml to the other MN, timed, with cn1 watching the VIP; the outage it saw */
async function plannedFailover(from: string, extra: string[], what: string): Promise<{ outage: number; wall: number }> {
	const to = other(from);
	await startWatcher();
	await sleep(1000);
	const r = await playbook('playbooks/failover.yml', [...extra, '-e', `xcat_ha_target=${to}`, '-e', 'xcat_ha_probe_host=cn1']);
	await sleep(1000);
	const w = await stopWatcher();
	if (r.status !== 0) throw new Error(`${what} ${from} → ${to} failed:\n${r.stdout.slice(-4000)}`);
	const o = outage(w, macs[from]!, macs[to]!);
	console.log(`${what} ${from} → ${to}: outage ${s(o.ms)}${o.bothAnswered ? ' (BOTH ANSWERED)' : ''}, playbook ${s(r.ms)}`);
	return { outage: o.ms, wall: r.ms };
}

// the playbook engine's planned failover, on this pair, first
const byPlaybook: Array<{ outage: number; wall: number }> = [];
for (let i = 0; i < RUNS; i++) byPlaybook.push(await plannedFailover(i % 2 === 0 ? 'mn1' : 'mn2', [], 'planned failover, playbook engine'));

// then the same pair handed to the engine
const setup = await playbook('playbooks/setup_ha.yml', ENGINE);
if (setup.status !== 0) throw new Error(`setup-ha with the engine failed:\n${setup.stdout.slice(-4000)}`);
console.log(`setup-ha handing the pair to the engine: ${s(setup.ms)}`);

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

const moves: Array<{ outage: number; wall: number }> = [];
for (let i = 0; i < RUNS; i++) moves.push(await plannedFailover(await activeMn(), ENGINE, 'planned move, pacemaker engine'));

console.log(`\nAnsible ping of both MNs (baseline): median ${s(median(baseline))}`);
console.log(
	`takeover after a power-off (median of ${RUNS}): ${s(median(takeovers))}; ${(median(takeovers) / median(baseline)).toFixed(1)}× the ping (goal ≤ 10 s)`,
);
const med = (xs: Array<{ outage: number; wall: number }>, k: 'outage' | 'wall') => median(xs.map((x) => x[k]));
console.log(
	`planned failover.yml (median of ${RUNS}): outage ${s(med(moves, 'outage'))} under the engine, ${s(med(byPlaybook, 'outage'))} with the playbook engine (${(med(moves, 'outage') / med(byPlaybook, 'outage')).toFixed(2)}×); playbook ${s(med(moves, 'wall'))} against ${s(med(byPlaybook, 'wall'))}`,
);

resetLab();
