// Each fault script does what its name says, and the host recovers.
import { existsSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HOSTS, MNS, bootId, describe, fault, inHost, inHostOk, lab, labCgroup, run, ssh, status, systemState, waitFor } from './lab';

const F = suite('faults');
const sns = HOSTS.filter((h) => h.groups.includes('xcat_sn')).map((h) => h.name);
const [a = 'sn1', b = 'sn2'] = sns;
const client = HOSTS.find((h) => h.groups.includes('compute'))?.name ?? 'cn1';
const [mn1 = 'mn1', mn2 = 'mn2'] = MNS;
const pingable = async (host: string) => (await inHost(client, `ping -c1 -W1 ${host}`)).exitCode === 0;
const running = async (host: string) => (await systemState(host)) === 'running';

F(`reboot inside ${a} comes back by itself`, async () => {
	const before = await bootId(a);
	await inHost(a, 'systemctl reboot');
	const ms = await waitFor(
		`${a} rebooted and running`,
		async () => {
			const r = await inHost(a, 'cat /proc/sys/kernel/random/boot_id; systemctl is-system-running', 5_000);
			const [id, state] = r.stdout.trim().split('\n');
			return id !== before && state === 'running';
		},
		60_000,
	);
	console.log(`${a} rebooted in ${ms} ms`);
	assert.is((await ssh(a, 'hostname')).stdout.trim(), a);
});

F(`power-off ${b}: every process gone at once, link and cgroup too; lab up brings it back`, async () => {
	const r = await fault('power-off', [b]);
	assert.is(r.exitCode, 0, describe('power-off', r));
	assert.ok(r.ms < 10_000, `power-off took ${r.ms} ms`);
	assert.is((await status())[b]?.state, 'stopped');
	assert.not.ok(existsSync(`/sys/class/net/vb-${b}`), 'veth gone');
	assert.not.ok(existsSync(`/sys/fs/cgroup/unified/${labCgroup}/${b}`) || existsSync(`/sys/fs/cgroup/${labCgroup}/${b}`), 'cgroup gone');
	assert.is((await run('pgrep', ['-f', '--', `--machine=${b} `])).exitCode, 1, 'no nspawn left');
	assert.not.ok(await pingable(b), `${b} still answers ping`);
	const up = await lab(['up']);
	assert.is(up.exitCode, 0, describe('lab up', up));
	assert.match(up.stderr, new RegExp(`started: ${b};`));
	assert.ok(await running(b));
	assert.ok(await pingable(b));
});

F(`power-off then power-on ${b}`, async () => {
	assert.is((await fault('power-off', [b])).exitCode, 0);
	const on = await fault('power-on', [b]);
	assert.is(on.exitCode, 0, describe('power-on', on));
	assert.ok(await running(b));
	assert.is((await ssh(b, 'hostname')).stdout.trim(), b);
});

F(`pause ${a}: nothing in it answers (its kernel still does); resume: all back`, async () => {
	const p = await fault('pause', [a]);
	assert.is(p.exitCode, 0, describe('pause', p));
	assert.is((await status())[a]?.state, 'paused');
	const frozen = await ssh(a, 'true', 6_000);
	assert.is.not(frozen.exitCode, 0, 'ssh into a paused host must not succeed');
	assert.ok(await pingable(a), 'the kernel side (ICMP, ARP) still answers: documented in faults/pause');
	const r = await fault('resume', [a]);
	assert.is(r.exitCode, 0, describe('resume', r));
	assert.is((await ssh(a, 'hostname')).stdout.trim(), a);
	assert.is((await status())[a]?.state, 'running');
});

F(`cut-link ${a}: unreachable both ways, keeps its address; restore-link: reachable again`, async () => {
	const c = await fault('cut-link', [a]);
	assert.is(c.exitCode, 0, describe('cut-link', c));
	assert.is((await status())[a]?.link, 'cut');
	assert.not.ok(await pingable(a));
	assert.is.not((await inHost(a, `ping -c1 -W1 ${client}`)).exitCode, 0, `${a} still reaches ${client}`);
	assert.match(await inHostOk(a, 'ip -4 -o addr show dev host0'), / 198\.51\.100\.\d+\/24 /);
	const r = await fault('restore-link', [a]);
	assert.is(r.exitCode, 0, describe('restore-link', r));
	await waitFor(`${a} reachable again`, () => pingable(a), 10_000);
	assert.is((await status())[a]?.link, 'up');
});

F(`fill-fs ${mn1} /HA: ${mn2} cannot write either (ENOSPC); --undo frees it`, async () => {
	const f = await fault('fill-fs', [mn1, '/HA']);
	assert.is(f.exitCode, 0, describe('fill-fs', f));
	assert.match(f.stdout, /is full: 0 bytes free/);
	const w = await inHost(mn2, 'dd if=/dev/zero of=/HA/lab-probe bs=64k count=4 conv=fsync');
	assert.is.not(w.exitCode, 0);
	assert.match(w.stderr, /No space left on device/);
	const u = await fault('fill-fs', [mn1, '/HA', '--undo']);
	assert.is(u.exitCode, 0, describe('fill-fs --undo', u));
	await inHostOk(mn2, 'dd if=/dev/zero of=/HA/lab-probe bs=64k count=4 conv=fsync status=none && rm /HA/lab-probe');
});

F('fill-fs refuses a host root and a filesystem larger than the limit', async () => {
	const root = await fault('fill-fs', [mn1, '/var/tmp']);
	assert.is.not(root.exitCode, 0);
	assert.match(root.stderr, /refusing \/var\/tmp: it is on the host root/);
	const big = await fault('fill-fs', [mn1, '/run']);
	assert.is.not(big.exitCode, 0);
	assert.match(big.stderr, /refusing \/run .*XCAT_HA_LAB_FILL_MAX/);
	assert.is((await inHost(mn1, 'ls /run/.lab-fill-fs /.lab-fill-fs')).exitCode, 2, 'nothing written');
});

F('after all that, every host runs again', async () => {
	const st = await status();
	for (const h of HOSTS) assert.is(st[h.name]?.state, 'running', h.name);
});

F.run();
