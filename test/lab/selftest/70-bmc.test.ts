// Every lab host has a virtual BMC (ipmi_sim on this machine) that real ipmitool and real
// fence_ipmilan drive over lanplus, from here and from inside an MN; its power is the host's power.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HOSTS, MNS, describe, fault, lab, labDir, labOk, labScript, run, ssh, status, waitFor } from './lab';

const B = suite('virtual BMCs');
const octet = (name: string) => Number(HOSTS.find((h) => h.name === name)!.ip.split('.')[3]);
const bmcIp = (name: string) => `198.51.100.${100 + octet(name)}`;
const user = () => readFileSync(join(labDir, 'bmc/username'), 'utf8').trim();
const password = () => readFileSync(join(labDir, 'bmc/password'), 'utf8').trim();
const [mn1 = 'mn1', mn2 = 'mn2'] = MNS;
// the host this suite powers off and on: a service node, so the MNs' state is left alone
const victim = HOSTS.find((h) => h.groups.includes('xcat_sn'))?.name ?? 'sn2';

/** ipmitool from this machine, the password in its environment (-E), never in argv */
const ipmitool = (name: string, args: string[], pw = password()) =>
	run(
		'env',
		[`IPMI_PASSWORD=${pw}`, 'ipmitool', '-I', 'lanplus', '-C', '3', '-H', bmcIp(name), '-p', '623', '-U', user(), '-E', '-N', '1', '-R', '2', ...args],
		{ timeoutMs: 20_000 },
	);
/** fence_ipmilan's options as key=value lines on stdin, the way it reads them without arguments */
const fenceInput = (name: string, action: string, pw = password()) =>
	[`action=${action}`, `ip=${bmcIp(name)}`, 'ipport=623', `username=${user()}`, `password=${pw}`, 'lanplus=1', 'cipher=3', ''].join('\n');
const fence = (name: string, action: string, pw?: string) => run('fence_ipmilan', [], { input: fenceInput(name, action, pw), timeoutMs: 60_000 });
const bmcLine = async (name: string) => (await labOk(['status'], 60_000)).split('\n').find((l) => l.startsWith(`bmc ${name} `)) ?? '';

B('lab status lists every BMC, up, at 198.51.100.(100+octet):623, reporting the power of its running host', async () => {
	const out = await labOk(['status'], 60_000);
	for (const h of HOSTS) assert.match(out, new RegExp(`^bmc ${h.name}\\s+${bmcIp(h.name).replace(/\./g, '\\.')}:623 up, reports power on$`, 'm'), out);
	const addrs = (await run('ip', ['-4', '-o', 'addr', 'show', 'dev', 'xhalab0'])).stdout;
	for (const h of HOSTS) assert.match(addrs, new RegExp(` ${bmcIp(h.name).replace(/\./g, '\\.')}/32 `), addrs);
});

B('credentials are per lab, 0600, and on no command line', async () => {
	assert.match(password(), /^[A-Za-z0-9]{16}$/);
	for (const f of ['bmc/username', 'bmc/password', ...HOSTS.map((h) => `bmc/${h.name}/lan.conf`)]) {
		assert.is(statSync(join(labDir, f)).mode & 0o777, 0o600, f);
	}
	const ps = (await run('ps', ['-eo', 'args'])).stdout;
	assert.match(ps, /ipmi_sim -n -c /, 'ipmi_sim runs');
	assert.not.ok(ps.includes(password()), 'the password shows in ps');
});

B('ipmitool -I lanplus from this machine: power is on for a running host', async () => {
	const r = await ipmitool(victim, ['chassis', 'power', 'status']);
	assert.is(r.exitCode, 0, describe('ipmitool power status', r));
	assert.is(r.stdout.trim(), 'Chassis Power is on');
	console.log(`ipmitool chassis power status: ${r.ms} ms`);
});

B('a wrong password is refused, by ipmitool and by fence_ipmilan, and nothing happens to the host', async () => {
	const r = await ipmitool(victim, ['chassis', 'power', 'off'], 'wrongPassword123');
	assert.is.not(r.exitCode, 0, describe('ipmitool with a wrong password', r));
	assert.match(r.stderr, /Unable to establish IPMI v2 \/ RMCP\+ session/);
	const f = await fence(victim, 'off', 'wrongPassword123');
	assert.is(f.exitCode, 1, describe('fence_ipmilan off with a wrong password', f));
	assert.is((await status())[victim]?.state, 'running');
});

B(`fence_ipmilan (options on stdin) powers ${victim} off for real; status says off; on boots it again`, async () => {
	const t0 = Date.now();
	const off = await fence(victim, 'off');
	assert.is(off.exitCode, 0, describe('fence_ipmilan off', off));
	assert.match(off.stdout, /Success: Powered OFF/);
	const st = await fence(victim, 'status');
	assert.is(st.exitCode, 2, describe('fence_ipmilan status (2 = off)', st));
	assert.match(st.stdout, /Status: OFF/);
	console.log(`fence_ipmilan off: ${off.ms} ms, then status: ${st.ms} ms (round trip ${Date.now() - t0} ms)`);
	assert.is((await status())[victim]?.state, 'stopped', 'lab status says the host stopped');
	assert.is((await run('pgrep', ['-f', '--', `--machine=${victim} `])).exitCode, 1, 'no nspawn of the host left');
	assert.is((await ipmitool(victim, ['chassis', 'power', 'status'])).stdout.trim(), 'Chassis Power is off');
	assert.match(await bmcLine(victim), /up, reports power off$/, 'the BMC stays up while its host is off');

	const on = await fence(victim, 'on');
	assert.is(on.exitCode, 0, describe('fence_ipmilan on', on));
	assert.match(on.stdout, /Success: Powered ON/);
	const ms = await waitFor(`${victim} answers ssh again`, async () => (await ssh(victim, 'hostname', 5_000)).stdout.trim() === victim, 60_000);
	console.log(`fence_ipmilan on: ${on.ms} ms; ssh answered ${ms} ms later`);
	assert.not.ok(statExists(join(labDir, 'hosts', victim, 'provisioned')), 'a host powered on waits for the provision hooks');
	const up = await lab(['up']);
	assert.is(up.exitCode, 0, describe('lab up', up));
	assert.ok(statExists(join(labDir, 'hosts', victim, 'provisioned')), 'lab up ran the provision hooks for it');
});

B(`${victim} cut off the network: fence_ipmilan off answers once its processes are gone; on at once boots it with its link up`, async () => {
	const cut = await fault('cut-link', [victim]);
	assert.is(cut.exitCode, 0, describe('cut-link', cut));
	// the kernel drops the veth of a cut link seconds after the host's namespace: the BMC does not wait
	// for it (a real BMC answers when the power is off), the next boot does
	const off = await fence(victim, 'off');
	assert.is(off.exitCode, 0, describe('fence_ipmilan off', off));
	const on = await fence(victim, 'on');
	assert.is(on.exitCode, 0, describe('fence_ipmilan on', on));
	const ms = await waitFor(`${victim} answers ssh again`, async () => (await ssh(victim, 'hostname', 5_000)).stdout.trim() === victim, 60_000);
	console.log(`fence_ipmilan off of a host cut off the network: ${off.ms} ms; on: ${on.ms} ms; ssh answered ${ms} ms later`);
	assert.is((await status())[victim]?.link, 'up', 'booted with its link up');
	const up = await lab(['up']);
	assert.is(up.exitCode, 0, describe('lab up', up));
});

B(`fence_ipmilan from inside ${mn2} against ${mn1}'s BMC (password on stdin)`, async () => {
	const r = await run('bash', [labScript, 'exec', mn2, 'fence_ipmilan'], { input: fenceInput(mn1, 'status'), timeoutMs: 30_000 });
	assert.is(r.exitCode, 0, describe(`fence_ipmilan status in ${mn2}`, r));
	assert.match(r.stdout, /Status: ON/);
	assert.is((await status())[mn1]?.state, 'running');
});

B('bmc-down: the BMC does not answer (the fence fails) while its host runs; bmc-up: it answers again', async () => {
	const d = await fault('bmc-down', [victim]);
	assert.is(d.exitCode, 0, describe('bmc-down', d));
	const r = await ipmitool(victim, ['chassis', 'power', 'status']);
	assert.is.not(r.exitCode, 0, describe('ipmitool against a BMC that is down', r));
	// power_timeout bounds each ipmitool call fence_ipmilan makes (default 20 s)
	const f = await run('fence_ipmilan', [], { input: `${fenceInput(victim, 'off')}power_timeout=3\n`, timeoutMs: 60_000 });
	assert.is(f.exitCode, 1, describe('fence_ipmilan off against a BMC that is down', f));
	assert.ok(f.ms < 15_000, `a BMC that does not answer cost the fence ${f.ms} ms`);
	console.log(`fence_ipmilan off against a BMC that is down failed after ${f.ms} ms`);
	assert.match(await bmcLine(victim), /unreachable/);
	assert.is((await status())[victim]?.state, 'running');
	const u = await fault('bmc-up', [victim]);
	assert.is(u.exitCode, 0, describe('bmc-up', u));
	assert.is((await ipmitool(victim, ['chassis', 'power', 'status'])).stdout.trim(), 'Chassis Power is on');
});

B('lab up restarts a killed ipmi_sim', async () => {
	const pid = readFileSync(join(labDir, 'bmc', mn1, 'pid'), 'utf8').trim();
	await run('kill', ['-9', pid]);
	await waitFor('the BMC is down', async () => /down$/.test(await bmcLine(mn1)), 10_000);
	const up = await lab(['up']);
	assert.is(up.exitCode, 0, describe('lab up', up));
	assert.match(up.stderr, new RegExp(`started BMC of ${mn1}`));
	assert.is((await ipmitool(mn1, ['chassis', 'power', 'status'])).stdout.trim(), 'Chassis Power is on');
	const again = await lab(['up']);
	assert.match(again.stderr, /up: nothing changed/, describe('second lab up', again));
});

function statExists(path: string): boolean {
	try {
		statSync(path);
		return true;
	} catch {
		return false;
	}
}

B.run();
