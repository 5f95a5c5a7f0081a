// Every host: reachable by ssh with the lab's key, systemd fully up, names, packages, services.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HOSTS, VIP, describe, inHostOk, run, ssh } from './lab';

const H = suite('hosts');

H('each host answers ssh and systemctl is-system-running says running', async () => {
	for (const h of HOSTS) {
		const r = await ssh(h.name, 'hostname; systemctl is-system-running');
		assert.is(r.exitCode, 0, describe(`ssh ${h.name}`, r));
		assert.is(r.stdout, `${h.name}\nrunning`, h.name); // execa strips the final newline
	}
});

H('each host is reached by address too, and names every host and the VIP', async () => {
	const names = await Promise.all(HOSTS.map((h) => ssh(h.ip, 'hostname')));
	assert.equal(
		names.map((r) => r.stdout.trim()),
		HOSTS.map((h) => h.name),
	);
	for (const h of HOSTS) {
		const out = await inHostOk(h.name, `getent hosts ${[...HOSTS.map((x) => x.name), 'xcatmn-vip'].join(' ')}`);
		const resolved = out
			.trim()
			.split('\n')
			.map((l) => l.split(/\s+/).slice(0, 2).join(' '));
		assert.equal(resolved, [...HOSTS.map((x) => `${x.ip} ${x.name}`), `${VIP} xcatmn-vip`], `/etc/hosts in ${h.name}`);
	}
});

H('hosts reach each other over the bridge', async () => {
	const [a, b] = [HOSTS[0]!, HOSTS[HOSTS.length - 1]!];
	await inHostOk(b.name, `ping -c1 -W2 ${a.name} >/dev/null`);
	await inHostOk(a.name, `ping -c1 -W2 ${b.ip} >/dev/null`);
});

H('Node 18, python3 and the base tools are there; HA services installed but disabled and stopped', async () => {
	const h = HOSTS[0]!.name;
	assert.match(await inHostOk(h, 'node --version'), /^v18\./);
	await inHostOk(
		h,
		'python3 -c "import apt" && command -v arping psql mysql mariadbd sqlite3 rsync setfacl getfattr curl nc dig named dhcpd conserver chronyd >/dev/null',
	);
	for (const unit of ['postgresql', 'mariadb', 'named', 'isc-dhcp-server', 'conserver-server']) {
		for (const host of HOSTS) {
			const out = (await run('bash', ['test/lab/lab', 'exec', host.name, 'systemctl', 'is-enabled', unit])).stdout.trim().split('\n').pop();
			assert.is(out, 'disabled', `${unit} enabled at boot on ${host.name}`);
		}
	}
	const pg = await run('bash', ['test/lab/lab', 'exec', HOSTS[HOSTS.length - 1]!.name, 'pg_lsclusters', '-h']);
	assert.match(pg.stdout, /^15 main 5432 down/m, 'the base PostgreSQL cluster exists and is not running');
});

H('ansible -i inventory/lab all -m ping works with the inventory alone', async () => {
	const r = await run('ansible', ['-i', 'inventory/lab', 'all', '-m', 'ping', '-o'], { timeoutMs: 120_000 });
	assert.is(r.exitCode, 0, describe('ansible ping', r));
	for (const h of HOSTS) assert.match(r.stdout, new RegExp(`^${h.name} \\| SUCCESS`, 'm'), h.name);
});

H.run();
