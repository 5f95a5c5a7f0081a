// `lab down` removes everything the lab created outside its base image; twice is fine.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HOSTS, describe, lab, labCgroup, labDir, run } from './lab';

const D = suite('lab down');

D('stops every host and says how long it took', async () => {
	const r = await lab(['down']);
	assert.is(r.exitCode, 0, describe('lab down', r));
	assert.match(r.stderr, /down: done in/);
	console.log(`lab down: ${r.ms} ms`);
});

D('no bridge, no veth', async () => {
	const links = (await run('ip', ['-o', 'link', 'show'])).stdout;
	assert.not.match(links, /xhalab0/);
	for (const h of HOSTS) assert.not.match(links, new RegExp(`vb-${h.name}[@:]`), h.name);
});

D('no mount and no loop device of the lab', async () => {
	const mounts = (await run('findmnt', ['-rn', '-o', 'TARGET,SOURCE'])).stdout;
	assert.not.ok(
		mounts.split('\n').some((l) => l.includes(labDir)),
		mounts,
	);
	assert.is((await run('losetup', ['-j', `${labDir}/shared.img`])).stdout, '');
});

D('no process of the lab: hosts, launchers, ssh masters', async () => {
	const ps = (await run('ps', ['-eo', 'pid,args'])).stdout.split('\n');
	const ours = ps.filter((l) => l.includes(labDir) && !l.includes('uvu') && !/\sps -eo/.test(l));
	assert.equal(ours, [], ours.join('\n'));
});

D('no virtual BMC left: no ipmi_sim of the lab, no BMC address on any interface', async () => {
	const ps = (await run('ps', ['-eo', 'pid,args'])).stdout.split('\n');
	assert.equal(
		ps.filter((l) => /ipmi_sim/.test(l) && l.includes(labDir)),
		[],
	);
	const addrs = (await run('ip', ['-4', '-o', 'addr', 'show'])).stdout;
	for (const h of HOSTS) assert.not.ok(addrs.includes(` 198.51.100.${100 + Number(h.ip.split('.')[3])}/`), h.name);
});

D('no cgroup and no /run/systemd/nspawn entry of the lab', () => {
	for (const root of ['/sys/fs/cgroup', '/sys/fs/cgroup/systemd', '/sys/fs/cgroup/unified']) {
		assert.not.ok(existsSync(`${root}/${labCgroup}`), `${root}/${labCgroup}`);
	}
	const propagate = existsSync('/run/systemd/nspawn/propagate') ? readdirSync('/run/systemd/nspawn/propagate') : [];
	for (const h of HOSTS) assert.not.ok(propagate.includes(h.name), `/run/systemd/nspawn/propagate/${h.name}`);
	const base = statSync(`${labDir}/base`);
	assert.not.ok(existsSync(`/run/systemd/nspawn/locks/inode-${base.dev}:${base.ino}`), 'nspawn lock on the base image left');
});

D('the hosts disks and /HA are gone; the base image stays for the next up', () => {
	assert.not.ok(existsSync(`${labDir}/hosts`));
	assert.not.ok(existsSync(`${labDir}/shared.img`));
	assert.ok(existsSync(`${labDir}/base/usr/bin/systemctl`));
});

D('down again is a no-op that succeeds', async () => {
	const r = await lab(['down']);
	assert.is(r.exitCode, 0, describe('second lab down', r));
});

D.run();
