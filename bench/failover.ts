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
// Needs the HA built: runs setup-ha first (a no-op when it is already built). Then xcatha.py's planned
// failover replayed beside ours (what users run instead), and the lab reset.
import { ensureLab, on, PG, playbook, resetLab, VIP } from '../tools/lab/lab';
import { lastAnswerMac, lastReport, macOf, outage, startWatcher, stopWatcher } from '../tools/lab/mn-ha';
import { execa } from 'execa';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ansibleEnv, ROOT } from '../tools/lab/env';
import { fault, mnFacts } from '../tools/lab/faults/scenarios';

// FAILOVER_BENCH_RUNS, _UNPLANNED, _XCATHA: fewer runs for a quick look (the README's figures use these defaults)
const RUNS = Number(process.env.FAILOVER_BENCH_RUNS ?? 5);
const UNPLANNED_RUNS = Number(process.env.FAILOVER_BENCH_UNPLANNED ?? 3);
const XCATHA_RUNS = Number(process.env.FAILOVER_BENCH_XCATHA ?? 2);
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

// What users run instead: xcatha.py's planned failover (xcat-extensions HA/xcatha.py, what xCAT's docs
// give), replayed command by command as docs/xcatha.md §What it does describes it, with the
// same watcher on cn1. xcatha.py itself cannot run here (Python 2, RHEL's ifconfig and unit names), so
// each of its commands runs as it would, on the lab's units: `xcatha.py -d` on the active MN (disable,
// then stop in its order, then the VIP removed), then at once `xcatha.py -a` on the standby (its
// `ping -c 1 -w 10` of the VIP, which ends when ARP gives up on the address, the VIP added, no
// gratuitous ARP, the database, xcatd, then named and DHCP regenerated and the console started). Left out, each in
// xcatha's favour: its retries (a unit it lists that the host lacks, goconserver and ntpd here, costs it 3
// attempts with 3-s sleeps), the hostname changes and the lines it appends to /etc/hosts and resolv.conf,
// and a person's time between the two commands. It ignores our lease (the guard of the MN it leaves
// keeps renewing it), so the lab is reset after it.
const XCATHA_UNITS = ['conserver-server', 'isc-dhcp-server', 'named', 'xcatd', PG.unit]; // its goconserver, conserver, ntpd, dhcpd, named, xcatd, postgresql
const timedLines = (cmds: string[]) =>
	cmds.map((c) => `s=$(date +%s%N); ${c} >/dev/null 2>&1; rc=$?; echo "$(( ($(date +%s%N) - s) / 1000000 )) $rc ${c.replace(/["$`\\]/g, '')}"`).join('\n');
const xcathaDeactivate = timedLines([
	...XCATHA_UNITS.map((u) => `systemctl disable ${u}`),
	...XCATHA_UNITS.map((u) => `systemctl stop ${u}`),
	`ip addr del ${VIP}/24 dev host0`,
]);
const xcathaActivate = timedLines([
	'test -e /HA',
	`ping -c 1 -w 10 ${VIP}`,
	`ip addr add ${VIP}/24 dev host0 label host0:0`,
	`getent hosts ${VIP}`,
	`systemctl start ${PG.unit}`,
	'systemctl start xcatd',
	'lsdef -t site -i domain',
	'makedns -n',
	'makedhcp -n',
	'makedhcp -a',
	'makeconservercf',
	'systemctl start conserver-server',
]);
const xOutages: number[] = [],
	xWalls: number[] = [],
	xServed: number[] = [];
for (let i = 0; i < XCATHA_RUNS; i++) {
	const to = from === 'mn1' ? 'mn2' : 'mn1';
	await startWatcher();
	await new Promise((r) => setTimeout(r, 1000));
	const t0 = Date.now();
	const down = await on(from, xcathaDeactivate, 120_000);
	const up = await on(to, xcathaActivate, 180_000);
	const wall = Date.now() - t0;
	// no gratuitous ARP: cn1 keeps sending to the old MAC until its neighbour entry fails; wait for that (60 s at most)
	for (let wait = 0; wait < 120 && (await lastAnswerMac()) !== macs[to as 'mn1']; wait++) await new Promise((r) => setTimeout(r, 500));
	await new Promise((r) => setTimeout(r, 1500));
	const seen = outage(await stopWatcher(), macs[from as 'mn1'], macs[to as 'mn1']);
	// each command's line: "<ms> <rc> <command>"
	const lines = (out: string) =>
		out
			.trim()
			.split('\n')
			.map((l) => l.split(' '))
			.map(([ms, rc, ...cmd]) => ({ ms: Number(ms), rc: Number(rc), cmd: cmd.join(' ') }));
	const downLines = lines(down.stdout),
		upLines = lines(up.stdout);
	// the server side of the outage: its commands from xcatd's stop on the old MN to xcatd's start on the new (ssh between not counted)
	const fromStop = downLines.slice(downLines.findIndex((l) => l.cmd === 'systemctl stop xcatd'));
	const toStart = upLines.slice(0, upLines.findIndex((l) => l.cmd === 'systemctl start xcatd') + 1);
	const served = [...fromStop, ...toStart].reduce((sum, l) => sum + l.ms, 0);
	const ping = upLines.find((l) => l.cmd.startsWith('ping '));
	console.log(
		`  xcatha ${i + 1}: ${from} -> ${to}: outage ${Number.isFinite(seen.ms) ? s(seen.ms) : 'not seen (no answer from the new MN within 60 s)'} (cn1's ARP entry still named the old MN; xcatd stop to xcatd start, its commands: ${s(served)}, of which its ping ${s(ping?.ms ?? NaN)}, rc ${ping?.rc}), both commands ${s(wall)}`,
	);
	console.log(`    activation: ${upLines.map((l) => `${l.cmd.split(' ').slice(0, 3).join(' ')} ${l.ms}${l.rc ? ` (rc ${l.rc})` : ''}`).join(', ')} ms`);
	if (seen.bothAnswered) console.log(`  xcatha ${i + 1}: TWO MNs ANSWERED on the VIP`);
	if (Number.isFinite(seen.ms)) xOutages.push(seen.ms);
	xWalls.push(wall);
	xServed.push(served);
	from = to;
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
if (xOutages.length > 0) {
	console.log(
		`xcatha.py's planned failover, replayed  outage ${s(median(xOutages))} median of ${xOutages.length} = ${(median(xOutages) / median(outages)).toFixed(1)}x ours; both commands ${s(median(xWalls))} = ${(median(xWalls) / median(walls)).toFixed(1)}x our playbook (xcatd stop to xcatd start, its commands: ${s(median(xServed))})`,
	);
} else console.log(`xcatha.py's planned failover, replayed  cn1 saw no answer from the new MN in any run; both commands ${s(median(xWalls))}`);

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

console.log("\nresetting the lab (xcatha's replay left the lease and the VIP's label as xcatha.py leaves them)…");
resetLab();
