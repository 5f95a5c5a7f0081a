// ansible-playbook drives xcat_vip inside a network namespace, against a real peer on the link.
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ansibleEnv, ROOT } from '../../tools/lab/env';
import { addresses, ip, makePair, neighbourMac, type Pair } from '../../tools/lab/netns';

let pair: Pair;
const VIP = '198.51.100.10';

async function playbook(ns: string, file: string, ...extra: string[]) {
	const r = await execa(
		'ip',
		['netns', 'exec', ns, 'unshare', '--uts', 'ansible-playbook', '-i', 'localhost,', `test/integration/playbooks/${file}`, ...extra],
		{ cwd: ROOT, env: ansibleEnv, reject: false, all: true },
	);
	return { rc: r.exitCode, out: String(r.all) };
}
const recap = (out: string) =>
	out
		.match(/localhost\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/)
		?.slice(1)
		.map(Number);

const Play = suite('xcat_vip through ansible-playbook');
Play.before(async () => {
	pair = await makePair('i');
});
Play.after(async () => {
	await pair.remove();
});

Play('check, add, add again, check again; the peer learns our MAC; absent twice', async () => {
	await ip('-n', pair.b.ns, 'neigh', 'replace', VIP, 'lladdr', '02:00:00:00:00:99', 'dev', 'v0', 'nud', 'stale');
	await new Promise((r) => setTimeout(r, 1100));
	const hold = await playbook(pair.a.ns, 'xcat_vip.yml', '--skip-tags', 'release');
	assert.is(hold.rc, 0, hold.out);
	assert.match(hold.out, /Pipelining is enabled|ok=/);
	assert.equal(recap(hold.out), [8, 2, 0, 0], hold.out); // the preview reports changed too
	assert.is(await neighbourMac(pair.b.ns, VIP), pair.a.mac);
	const release = await playbook(pair.a.ns, 'xcat_vip.yml', '--tags', 'release');
	assert.is(release.rc, 0, release.out);
	assert.equal(recap(release.out), [3, 1, 0, 0], release.out);
	assert.equal(await addresses(pair.a.ns), ['198.51.100.201/24 v0']);
});

Play('--check on a fresh host changes nothing', async () => {
	const r = await playbook(pair.a.ns, 'xcat_vip.yml', '--check', '--skip-tags', 'release');
	// In --check the real "hold" tasks only preview, so the assertion that the VIP is held must fail.
	assert.is(r.rc, 2, r.out);
	assert.match(r.out, /Check that the VIP is held once/);
	assert.equal(await addresses(pair.a.ns), ['198.51.100.201/24 v0']);
});

Play('refused while the peer holds the VIP; the peer keeps it', async () => {
	await ip('-n', pair.b.ns, 'addr', 'add', `${VIP}/24`, 'dev', 'v0', 'label', 'v0:0');
	const r = await playbook(pair.a.ns, 'xcat_vip_refused.yml', '-e', `peer_mac=${pair.b.mac}`);
	assert.is(r.rc, 0, r.out);
	assert.equal(await addresses(pair.a.ns), ['198.51.100.201/24 v0']);
	assert.equal(await addresses(pair.b.ns), ['198.51.100.202/24 v0', `${VIP}/24 v0:0`]);
});

Play.run();
