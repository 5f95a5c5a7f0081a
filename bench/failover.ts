// Figures on the lab: median of 5 planned failovers (alternating mn1 ↔ mn2) and of 3 unplanned
// ones (the active MN powered off, fenced through its BMC) — the client-visible outage seen by cn1
// (last answer from the old MN → first from the new, probes every 100 ms) and the failover
// playbook's wall time — and the audit (setup-ha in check mode over both MNs). Baseline measured in
// the same run: an Ansible play doing nothing but reaching both MNs (ping), so the figures read as
// multiples of Ansible's own overhead. The lab's xCAT charges real xCAT's time (its cost model, on
// unless XCAT_LAB_COST=off), so xcatd's start and stop cost what they cost on a real MN.
// The planned failovers run with cn1 as the probe host (xcat_ha_probe_host), so their reports carry an
// outage measured by xcat_probe beside the watcher's; from those reports the steps on the outage's path
// are printed with their median cost: the floor of this design.
// Needs the HA built: runs setup-ha first (a no-op when it is already built).
import { ensureLab, playbook } from '../tools/lab/lab';
import { lastReport, macOf, outage, startWatcher, stopWatcher } from '../tools/lab/mn-ha';
import { execa } from 'execa';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ansibleEnv, ROOT } from '../tools/lab/env';
import { fault, mnFacts } from '../tools/lab/faults/scenarios';

const RUNS = 5;
const UNPLANNED_RUNS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

ensureLab();
const setup = await playbook('playbooks/setup_ha.yml');
if (setup.status !== 0) throw new Error(`setup-ha failed:\n${setup.stdout.slice(-4000)}`);

const baseline: number[] = [];
for (let i = 0; i < 3; i++) {
	const t = Date.now();
	const r = await execa('ansible', ['xcat_mn', '-i', 'inventory/lab/hosts.yml', '-m', 'ansible.builtin.ping'], {
		cwd: ROOT,
		env: { ...ansibleEnv, LC_ALL: 'C.UTF-8' },
		reject: false,
	});
	if (r.exitCode !== 0) throw new Error(`ping failed: ${r.stdout}`);
	baseline.push(Date.now() - t);
}

const macs = { mn1: await macOf('mn1'), mn2: await macOf('mn2') };
const active = async () =>
	(await execa('bash', ['test/lab/lab', 'exec', 'mn1', 'sh', '-c', 'cat /HA/.xcat-ha/lease'], { cwd: ROOT })).stdout.includes('"holder":"mn1"')
		? 'mn1'
		: 'mn2';
const outages: number[] = [],
	walls: number[] = [],
	reported: number[] = [];
/** per step of the planned reports ('old: stop xcatd', 'new: start xcatd', ...): the ms of each run */
const stepMs = new Map<string, number[]>();
/** per task on the outage's path, by Ansible's junit callback (its wall time on that host): the ms of each run */
const taskMs = new Map<string, number[]>();
const JUNIT = join(ROOT, '.cache/bench-failover-junit');

/** The tasks of one run, in the order they started: '[host] task' and seconds, from the junit callback's file. */
async function junitTasks(): Promise<Array<{ host: string; task: string; ms: number }>> {
	const files = (await readdir(JUNIT)).filter((f) => f.endsWith('.xml'));
	if (files.length !== 1) throw new Error(`expected one junit file in ${JUNIT}, found ${files.length}`);
	const xml = await readFile(join(JUNIT, files[0]!), 'utf8');
	const unescape = (t: string) =>
		t
			.replace(/&quot;/g, '"')
			.replace(/&apos;/g, "'")
			.replace(/&lt;/g, '<')
			.replace(/&gt;/g, '>')
			.replace(/&amp;/g, '&');
	return [...xml.matchAll(/<testcase [^>]*name="\[([^\]]+)\] [^:]*: ([^"]*)" time="([0-9.]+)"/g)].map((m) => ({
		host: m[1]!,
		// the name is followed by the task's arguments (" key=value ..."), which vary from run to run
		task: unescape(m[2]!)
			.replace(/^[\w.]+ : /, '') // a role's task is named '<role> : <task>'
			.replace(/ [a-z_]+=[\s\S]*$/, ''),
		ms: Number(m[3]) * 1000,
	}));
}
let from = await active();
for (let i = 0; i < RUNS; i++) {
	const to = from === 'mn1' ? 'mn2' : 'mn1';
	await startWatcher();
	await new Promise((r) => setTimeout(r, 1000));
	await rm(JUNIT, { recursive: true, force: true });
	const run = await playbook('playbooks/failover.yml', ['-e', `xcat_ha_target=${to}`, '-e', 'xcat_ha_probe_host=cn1'], {
		ANSIBLE_CALLBACKS_ENABLED: 'ansible.builtin.junit',
		JUNIT_OUTPUT_DIR: JUNIT,
	});
	await new Promise((r) => setTimeout(r, 1500));
	const seen = outage(await stopWatcher(), macs[from as 'mn1'], macs[to as 'mn1']);
	if (run.status !== 0) throw new Error(`failover to ${to} failed:\n${run.stdout.slice(-4000)}`);
	if (seen.bothAnswered) console.log(`  run ${i + 1}: TWO MNs ANSWERED on the VIP`);
	const rep = await lastReport(to);
	console.log(
		`  run ${i + 1}: ${from} -> ${to}: outage ${s(seen.ms)} (the report: ${s(rep.outage_ms)} ${rep.outage_measured ? 'measured by cn1' : 'ESTIMATED'}, its estimate ${s(rep.outage_estimated_ms)}), playbook ${s(run.ms)}`,
	);
	if (rep.outage_measured) reported.push(rep.outage_ms);
	for (const st of rep.steps as Array<{ host: string; step: string; ms: number }>) {
		const key = `${st.host === from ? 'old' : st.host === to ? 'new' : st.host}: ${st.step}`;
		stepMs.set(key, [...(stepMs.get(key) ?? []), st.ms]);
	}
	// the outage's path in Ansible's tasks: from the old MN's services stop to the new MN's services start
	const tasks = await junitTasks();
	const first = tasks.findIndex((t) => t.host === from && t.task.startsWith('Stop the xCAT services'));
	const last = tasks.findIndex((t) => t.host === to && /^Start (the lease guard and )?the xCAT services/.test(t.task));
	if (first < 0 || last < first) throw new Error(`the outage's tasks were not found in the junit report: ${JSON.stringify(tasks.map((t) => t.task))}`);
	for (const t of tasks.slice(first, last + 1)) {
		if (t.host !== from && t.host !== to) continue;
		const key = `${t.host === from ? 'old' : 'new'}: ${t.task}`;
		taskMs.set(key, [...(taskMs.get(key) ?? []), t.ms]);
	}
	outages.push(seen.ms);
	walls.push(run.ms);
	from = to;
}

// Unplanned: the active MN loses power at once; the failover fences it through its BMC (proof it
// stopped) and the standby takes over. The outage runs from cn1's last answer before the power
// went to its first answer from the new MN, so it includes what a person or a monitor takes to
// start the playbook here: nothing (it starts at once), which makes it the floor of a real one.
const uOutages: number[] = [],
	uWalls: number[] = [];
for (let i = 0; i < UNPLANNED_RUNS; i++) {
	const to = from === 'mn1' ? 'mn2' : 'mn1';
	await startWatcher();
	await new Promise((r) => setTimeout(r, 1000));
	const off = await fault('power-off', from);
	if (off.status !== 0) throw new Error(`power-off ${from}: ${off.out}`);
	const run = await playbook('playbooks/failover.yml', ['-e', `xcat_ha_target=${to}`, '-e', 'xcat_ha_unplanned=true']);
	await new Promise((r) => setTimeout(r, 1500));
	const seen = outage(await stopWatcher(), macs[from as 'mn1'], macs[to as 'mn1']);
	if (run.status !== 0) throw new Error(`unplanned failover to ${to} failed:\n${run.stdout.slice(-4000)}`);
	if (seen.bothAnswered) console.log(`  unplanned ${i + 1}: TWO MNs ANSWERED on the VIP`);
	console.log(`  unplanned ${i + 1}: ${from} powered off -> ${to}: outage ${s(seen.ms)}, playbook ${s(run.ms)}`);
	uOutages.push(seen.ms);
	uWalls.push(run.ms);
	// the old MN boots again, a standby (services disabled at boot, the VIP not persistent)
	const on = await fault('power-on', from);
	if (on.status !== 0) throw new Error(`power-on ${from}: ${on.out}`);
	const back = await mnFacts(from);
	if (back.vip || back.postmasters || back.xcatd) throw new Error(`${from} came back serving: ${JSON.stringify(back)}`);
	from = to;
}

const audits: number[] = [];
for (let i = 0; i < 3; i++) {
	const r = await playbook('playbooks/audit.yml', ['-e', `xcat_ha_audit_dir=${ROOT}/.cache/bench-audit`]);
	if (r.status !== 0) throw new Error(`audit failed:\n${r.stdout.slice(-4000)}`);
	audits.push(r.ms);
}

const base = median(baseline);
console.log(`\nbaseline: ansible ping of both MNs        ${s(base)} (median of 3)`);
console.log(
	`client-visible outage (cn1)              ${s(median(outages))} median of ${RUNS} (min ${s(Math.min(...outages))}, max ${s(Math.max(...outages))}); goal <= 1 s at real xCAT latencies`,
);
if (reported.length > 0) console.log(`the report's outage (cn1's xcat_probe)   ${s(median(reported))} median of ${reported.length}`);
console.log(`failover playbook wall                   ${s(median(walls))} median of ${RUNS} = ${(median(walls) / base).toFixed(1)}x baseline; goal <= 20 s`);
console.log(
	`unplanned (power-off, fenced): outage   ${s(median(uOutages))} median of ${UNPLANNED_RUNS} (min ${s(Math.min(...uOutages))}, max ${s(Math.max(...uOutages))})`,
);
console.log(`unplanned failover playbook wall         ${s(median(uWalls))} median of ${UNPLANNED_RUNS} = ${(median(uWalls) / base).toFixed(1)}x baseline`);
console.log(`audit (check mode over both MNs)         ${s(median(audits))} median of 3 = ${(median(audits) / base).toFixed(1)}x baseline; goal <= 15 s`);

// The floor of this design: each step of the planned failover's reports, median ms. On the outage's
// path: the old MN's steps from 'stop xcatd' on, its VIP removal, and the new MN's up to 'check xcatd'.
console.log('\nplanned failover, each step (median ms of the reports; old = the MN that was active):');
for (const [key, xs] of stepMs) console.log(`  ${key.padEnd(48)} ${String(Math.round(median(xs))).padStart(7)} ms`);

// The same path as Ansible ran it: every task from the old MN's services stop to the new MN's services
// start, with its wall time (an ssh round and a module start each, besides the work)
console.log('\nplanned failover, the tasks on the outage path (median ms, Ansible junit callback):');
let sum = 0;
for (const [key, xs] of taskMs) {
	const m = Math.round(median(xs));
	sum += m;
	console.log(`  ${key.slice(0, 90).padEnd(92)} ${String(m).padStart(6)} ms`);
}
console.log(`  ${'sum (each task counted whole; the outage starts inside the first and ends inside the last)'.padEnd(92)} ${String(sum).padStart(6)} ms`);
