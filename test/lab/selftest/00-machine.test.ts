// Can this machine run the lab at all? Each check fails with the reason, never skips.
import { existsSync, readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HOSTS, VIP, lab, run } from './lab';

const M = suite('the machine can run the lab');

M('runs as root (nspawn, bridge, loop mounts and cgroups need it)', () => {
	assert.is(process.getuid?.(), 0, 'the lab self-test must run as root: sudo npx tsx test/run.ts lab');
});

M('kernel has overlayfs, loop devices and cgroup2 with cgroup.kill', async () => {
	const fs = readFileSync('/proc/filesystems', 'utf8');
	assert.ok(/\toverlay$/m.test(fs) || (await run('modprobe', ['overlay'])).exitCode === 0, 'no overlayfs in this kernel');
	assert.ok(existsSync('/dev/loop-control') || (await run('modprobe', ['loop'])).exitCode === 0, 'no loop devices (/dev/loop-control)');
	assert.ok(existsSync('/sys/fs/cgroup/unified/cgroup.procs') || existsSync('/sys/fs/cgroup/cgroup.procs'), 'no cgroup2 hierarchy');
	const [major = 0, minor = 0] = (await run('uname', ['-r'])).stdout.split('.').map(Number);
	assert.ok(major > 5 || (major === 5 && minor >= 14), 'Linux older than 5.14 has no cgroup.kill (faults/power-off)');
});

M('ansible is installed (the inventory is tested with it)', async () => {
	const r = await run('ansible', ['--version']);
	assert.is(r.exitCode, 0, 'ansible-core is missing: apt-get install --no-install-recommends ansible-core');
});

M('hosts.conf keeps the VIP and the reserved ranges free, and the inventory follows it', async () => {
	assert.ok(HOSTS.length >= 5, 'hosts.conf lists the five default hosts');
	for (const h of HOSTS) {
		const octet = Number(h.ip.split('.')[3]);
		assert.ok(octet >= 11 && octet <= 99, `${h.name} ${h.ip} outside .11-.99`);
		assert.is.not(h.ip, VIP);
	}
	const r = await lab(['inventory', '--check']);
	assert.is(r.exitCode, 0, r.stderr);
});

M.run();
