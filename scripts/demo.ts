// The demo on the built-in lab (npm run demo brings the lab up first): the management-node HA as
// users run it. setup-ha turns mn1 (an MN with nodes and data) and mn2 into an HA pair, a planned
// failover moves the active role to mn2, then mn2 loses power and an unplanned failover brings it
// back to mn1. cn1 watches the VIP throughout; each failover prints its report.
import { macOf, outage, startWatcher, stopWatcher, mnState } from '../tools/lab/mn-ha';
import { playbook, resetLab, type PlaybookRun } from '../tools/lab/lab';
import { execa } from 'execa';
import { ROOT } from '../tools/lab/env';

const step = (n: number, text: string) => console.log(`\n[${n}] ${text}`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function check(r: PlaybookRun, what: string) {
	if (r.status === 0) return;
	console.log(r.stdout.slice(-5000));
	throw new Error(`${what} failed (exit ${r.status}); its output is above`);
}
const recapLines = (r: PlaybookRun) =>
	r.stdout
		.split('\n')
		.filter((l) => /^(mn\d|sn\d|cn\d|localhost)\s+: ok=/.test(l))
		.map((l) => `    ${l.replace(/\s+/g, ' ')}`);
/** the report lines printed by the "Show the failover report" task */
function report(r: PlaybookRun): string[] {
	const block = r.stdout.split('TASK [xcat_ha : Show the failover report]')[1] ?? '';
	return [...block.matchAll(/^\s+"(.*)",?$/gm)].map((m) => `    ${m[1]!.replace(/\\"/g, '"')}`).filter((l) => l.trim() !== '');
}

const macs: Record<string, string> = {};

async function failover(target: string, from: string, unplanned: boolean) {
	const [oldMac = '', newMac = ''] = [macs[from], macs[target]];
	await startWatcher();
	await new Promise((res) => setTimeout(res, 1000));
	const startedAt = Date.now();
	const r = await playbook('playbooks/failover.yml', ['-e', `xcat_ha_target=${target}`, ...(unplanned ? ['-e', 'xcat_ha_unplanned=true'] : [])]);
	await new Promise((res) => setTimeout(res, 1500));
	const seen = outage(await stopWatcher(), oldMac, newMac);
	check(r, `failover to ${target}`);
	for (const l of report(r)) console.log(l);
	const gap = Number.isFinite(seen.ms)
		? `last answer from ${from} -> first from ${target}: ${secs(seen.ms)}`
		: `no answer from ${from} (down); first answer from ${target} ${secs(seen.firstNew - startedAt)} after the playbook started`;
	console.log(`    cn1 saw: ${gap}; two MNs answering at once: ${seen.bothAnswered ? 'YES' : 'never'}`);
}

console.log('xcat-ha demo: management-node HA on the lab (mn1, mn2, shared /HA, VIP 198.51.100.10 xcatmn-vip)');

console.log('Starting from a freshly provisioned lab (bash test/lab/lab down, then up: about 15 s)');
resetLab();
for (const mn of ['mn1', 'mn2']) macs[mn] = await macOf(mn);

step(1, 'setup-ha: mn1 (nodes and data on SQLite) and mn2 become an HA pair on PostgreSQL, data on /HA');
const setup = await playbook('playbooks/setup_ha.yml');
check(setup, 'setup-ha');
for (const l of recapLines(setup)) console.log(l);
console.log(`    took ${secs(setup.ms)}`);

step(2, 'setup-ha again: nothing to change');
const again = await playbook('playbooks/setup_ha.yml');
check(again, 'setup-ha (again)');
for (const l of recapLines(again)) console.log(l);

step(3, 'audit (setup-ha in check mode): no drift');
const audit = await playbook('playbooks/audit.yml', ['-e', `xcat_ha_audit_dir=${ROOT}/.cache/demo-audit`]);
check(audit, 'audit');
console.log(
	`    ${audit.stdout.match(/no drift: \d+ items checked/)?.[0] ?? 'audit passed'} in ${secs(audit.ms)}; JSON and JUnit reports in .cache/demo-audit/`,
);

step(4, 'planned failover mn1 -> mn2, cn1 asking xcatd on the VIP every 100 ms');
await failover('mn2', 'mn1', false);

step(
	5,
	"mn2's cable is cut (a partition: it still runs); unplanned failover back to mn1, which powers mn2 off through its BMC (fence_ipmilan) and takes over only once the BMC reports it off",
);
await execa('bash', ['test/lab/faults/cut-link', 'mn2'], { cwd: ROOT });
await failover('mn1', 'mn2', true);

step(6, 'mn2 is powered on again: it comes back as a standby (services disabled at boot, VIP not persistent)');
await execa('bash', ['test/lab/faults/power-on', 'mn2'], { cwd: ROOT });
const s2 = await mnState('mn2');
console.log(`    mn2: VIP ${s2.vip ? 'held (wrong!)' : 'not held'}, xcatd ${s2.xcatd}, hostname ${s2.hostname}`);
const status = await playbook('playbooks/status.yml');
check(status, 'status');
const lines = status.stdout.split('TASK [xcat_ha : Show who is active')[1] ?? '';
for (const m of lines.matchAll(/^\s+"(.*)",?$/gm)) console.log(`    ${m[1]}`);
console.log('\nEvery failover is also logged as one JSON line in /HA/.xcat-ha/failover.log. The lab stays up: npm run lab:down ends it.');
