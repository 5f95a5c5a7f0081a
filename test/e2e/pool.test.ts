// The MN pool of seed 004 on the lab, through the playbooks as an admin runs them: mn1 the MN, sn1
// and sn2 members (inventory group xcat_pool), cn1 a compute node and cn2…cn8 made-up ones for the
// balance. Bad input, the setup (PostgreSQL on mn1 streaming to sn1, /install /etc/xcat /root/.xcat
// shared, the mesh key, the seed's site settings, the balance), the second run, the audit of drift,
// the status, and a member lost. Run:
//   flock .lab.lock npx tsx node_modules/uvu/bin.js test/e2e '^pool\.test\.ts$'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../../tools/lab/env';
import { ensureLab, ok, on, playbook, recap, resetLab, type PlaybookRun } from '../../tools/lab/lab';

const Pool = suite('the MN pool on the lab (mn1, sn1, sn2)');

const MEMBERS = ['mn1', 'sn1', 'sn2'];
const run = (path: string, ...extra: string[]) => playbook(`playbooks/${path}.yml`, extra);
const setup = (...extra: string[]) => run('pool_setup', ...extra);
const output = (r: PlaybookRun) => `${r.stdout}\n${r.stderr}`;
const changed = (r: PlaybookRun) => Object.fromEntries(MEMBERS.map((h) => [h, recap(r.stdout, h).changed ?? -1]));

async function fault(name: 'power-off' | 'power-on', host: string): Promise<void> {
	await execa('bash', [join(ROOT, 'test/lab/faults', name), host], { cwd: ROOT, env: { ...process.env, XCAT_HA_LAB_DIR: join(ROOT, '.lab') } });
	if (name === 'power-on') ensureLab();
}

/** Everything a refused run must leave alone: the tables, the directories, the database, the keys. */
async function world(): Promise<Record<string, string>> {
	const out: Record<string, string> = {};
	for (const h of MEMBERS) {
		out[h] = await ok(
			h,
			`ls -ld /etc/xcat /install /root/.xcat 2>&1 | awk '{print $1, $NF}'; ls /etc/xCAT*; ls /root/.ssh
			systemctl is-active postgresql@15-main xcatd || true; lsxcatd -d 2>&1 | head -1
			tabdump site | grep -E '"(master|sharedtftp|disjointdhcps)"' || true; tabdump noderes | sort`,
		);
	}
	return out;
}

/** The members whose DHCP configuration serves the lab's dynamic range (inventory/lab: xcat_pool_dynamic_range). */
async function rangeAt(): Promise<string[]> {
	const out: string[] = [];
	for (const h of MEMBERS) {
		if ((await ok(h, 'cat /etc/dhcp/dhcpd.conf 2>/dev/null || true')).includes('range dynamic-bootp 198.51.100.200 198.51.100.220;')) out.push(h);
	}
	return out;
}

/** psql as postgres on HOST's cluster */
const sql = (host: string, query: string, db = 'xcatdb') => ok(host, `runuser -u postgres -- psql -X -A -t -d ${db} -c ${JSON.stringify(query)}`);

Pool.before(() => {
	resetLab();
});

Pool('bad input to every variable is refused before anything changes, each message naming the variable', async () => {
	const before = await world();
	// types and choices: meta/argument_specs.yml, all at once
	const typed = await setup('-e', 'xcat_pool_synchronous=maybe', '-e', 'xcat_pool_entries=two');
	assert.is.not(typed.status, 0);
	assert.match(output(typed), /xcat_pool_synchronous/);
	assert.match(output(typed), /xcat_pool_entries/);
	// the rest: tasks/validate.yml, every problem in one message
	const bad = {
		xcat_pool_replica: 'nosuch',
		xcat_pool_shared_path: 'HA',
		xcat_pool_shared_directories: ['/install'],
		xcat_pool_db_password: 'short',
		xcat_pool_replication_password: 'not-alnum!',
		xcat_pool_replication_user: 'Repl-User',
		xcat_pool_nodes: 'cn1;reboot',
		xcat_pool_entries: 9,
		xcat_pool_member_groups: 'a b',
		xcat_pool_site_attributes: { 'bad key': 'x' },
		xcat_pool_network: 'net1',
		xcat_pool_dynamic_range: '', // the lab's inventory sets one: the pair is incomplete again
		xcat_pool_mesh_key: '/root/.ssh/id_rsa',
		xcat_pool_service_timeout: 0,
		xcat_pool_dhcpd_conf: 'dhcpd.conf',
	};
	const r = await setup('-e', JSON.stringify(bad));
	assert.is.not(r.status, 0);
	const text = output(r);
	for (const name of Object.keys(bad)) assert.match(text, new RegExp(`${name} (must|and|\\()`), name);
	assert.match(text, /xcat_pool_dynamic_range/);
	assert.not.match(text, /short|not-alnum!/, 'a password is never shown');
	assert.is(recap(r.stdout, 'mn1').changed, 0);
	// a precondition: the MN is the member with /etc/xCATMN; another one is pool_promote's job
	const other = await setup('-e', 'xcat_pool_mn=sn1');
	assert.is.not(other.status, 0);
	assert.match(output(other), /xcat_pool_mn is sn1 but mn1 has \/etc\/xCATMN: to change the MN run pool_promote\.yml/);
	assert.equal(await world(), before);
});

let firstRun: PlaybookRun;
Pool('setup: PostgreSQL on mn1 streaming to sn1, the shared directories, the mesh key, the seed settings, the nodes balanced', async () => {
	firstRun = await setup();
	assert.is(firstRun.status, 0, output(firstRun));
	for (const h of MEMBERS) {
		assert.match(await ok(h, 'readlink /etc/xcat /install /root/.xcat'), /^\/HA\/etc\/xcat\n\/HA\/install\n\/HA\/root\/.xcat\n$/, h);
		assert.match(await ok(h, 'lsxcatd -d | head -1'), /^cfgloc=Pg:dbname=xcatdb;host=198\.51\.100\.11\|xcatadm$/m, h);
		assert.is(await ok(h, 'systemctl is-active xcatd; systemctl is-enabled xcatd'), 'active\nenabled\n', h);
	}
	assert.match(await ok('sn1', 'ls -d /etc/xcat.xcat-ha-*'), /\/etc\/xcat\.xcat-ha-/, "a member's own /etc/xcat is kept aside");
	// a real streaming replica: a row written on mn1 is read on sn1
	assert.is((await sql('sn1', 'SELECT pg_is_in_recovery()', 'postgres')).trim(), 't');
	assert.match(await sql('mn1', 'SELECT application_name, state FROM pg_stat_replication', 'postgres'), /^sn1\|streaming$/m);
	await ok('mn1', 'chdef -t site clustersite pooltest=written-on-mn1 >/dev/null');
	let seen = '';
	for (let i = 0; i < 50 && !seen.includes('written-on-mn1'); i++) {
		seen = await sql('sn1', "SELECT value FROM site WHERE key = 'pooltest'");
		if (!seen.includes('written-on-mn1')) await new Promise((r) => setTimeout(r, 100));
	}
	assert.match(seen, /written-on-mn1/, 'the row reached the replica');
	assert.is((await sql('sn1', "INSERT INTO site (key, value) VALUES ('x', 'y')").catch((e: Error) => e.message)).includes('read-only'), true);
	// the seed's settings
	const site = await ok('mn1', 'lsdef -t site -i master,disjointdhcps,sharedtftp');
	assert.match(site, /disjointdhcps=0/);
	assert.match(site, /master=198\.51\.100\.11/);
	assert.match(site, /sharedtftp=0/);
	// the dynamic range: the column names the MN, and only the MN's configuration holds it
	assert.match(await ok('mn1', 'lsdef -t network -o 198_51_100_0-255_255_255_0 -i dhcpserver'), /dhcpserver=198\.51\.100\.11/);
	assert.equal(await rangeAt(), ['mn1']);
	// every member a service node of xCAT, the nodes balanced: first entries 3/3/2 over 8 nodes, xcatmaster blank
	assert.match(await ok('mn1', 'tabdump servicenode'), /"mn1","1","1","1","1","1"/);
	const rows = (await ok('mn1', 'nodels compute noderes.servicenode noderes.xcatmaster')).trim().split('\n');
	const first: Record<string, number> = {};
	for (const line of rows.filter((l) => l.includes('servicenode'))) {
		const m = /: (\S+?)(,|$)/.exec(line.replace(/^(\S+): noderes\.servicenode/, '$1'));
		if (m) first[m[1]!] = (first[m[1]!] ?? 0) + 1;
	}
	const counts = Object.values(first).sort();
	assert.equal(counts.length, 3, JSON.stringify(first));
	assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, JSON.stringify(first));
	assert.not.match(rows.filter((l) => l.includes('xcatmaster')).join('\n'), /xcatmaster: \S/);
	// the mesh key: each member reaches the others with it alone; it is not root's default key
	const key = await ok('sn1', 'cat /root/.ssh/id_xcat_pool.pub');
	assert.is(await ok('sn2', 'cat /root/.ssh/id_xcat_pool.pub'), key);
	assert.is(await ok('sn1', 'ssh -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -i /root/.ssh/id_xcat_pool sn2 hostname'), 'sn2\n');
	assert.is.not(key, await ok('mn1', 'cat /root/.ssh/id_rsa.pub 2>/dev/null || true'));
	assert.not.match(output(firstRun), /labOnly2026|labRepl2026/, 'no password in the output');
});

Pool('a second run changes nothing', async () => {
	const again = await setup();
	assert.is(again.status, 0, output(again));
	assert.equal(changed(again), { mn1: 0, sn1: 0, sn2: 0 }, again.stdout);
});

Pool('the dynamic range: a member whose DHCP configuration disagrees is found in check mode and written again', async () => {
	await ok('mn1', "sed -i '/range dynamic-bootp/d' /etc/dhcp/dhcpd.conf");
	const audit = await setup('--check', '--diff');
	assert.is(audit.status, 0, output(audit));
	assert.equal(changed(audit), { mn1: 1, sn1: 0, sn2: 0 }, audit.stdout);
	assert.match(
		audit.stdout,
		/lacks the dynamic range 198\.51\.100\.200-198\.51\.100\.220, which networks\.dhcpserver gives to 198\.51\.100\.11: makedhcp -n -l would add it/,
	);
	assert.equal(await rangeAt(), [], 'check mode wrote nothing');
	const fix = await setup();
	assert.is(fix.status, 0, output(fix));
	assert.equal(changed(fix), { mn1: 1, sn1: 0, sn2: 0 }, fix.stdout);
	assert.equal(await rangeAt(), ['mn1']);
});

Pool('check mode with diff audits the drift and touches nothing; the next run repairs it', async () => {
	await ok('mn1', 'chdef -t site clustersite sharedtftp=1 >/dev/null');
	const before = await world();
	const audit = await setup('--check', '--diff');
	assert.is(audit.status, 0, output(audit));
	assert.equal(changed(audit), { mn1: 1, sn1: 0, sn2: 0 }, audit.stdout);
	assert.match(audit.stdout, /-\s+"sharedtftp": "1"|sharedtftp/);
	assert.equal(await world(), before);
	// the same for CI pipelines: pool_audit exits non-zero and names the drifted check in its reports
	const dir = mkdtempSync(join(tmpdir(), 'pool-audit-'));
	const pipeline = await run('pool_audit', '--diff', '-e', `xcat_ha_audit_dir=${dir}`);
	assert.is.not(pipeline.status, 0, 'the audit fails on drift');
	const report = JSON.parse(readFileSync(join(dir, 'pool-audit.json'), 'utf8'));
	assert.equal(
		report.items.filter((i: { status: string }) => i.status !== 'ok').map((i: { host: string; check: string }) => `${i.host}: ${i.check}`),
		["mn1: Set the pool's site settings (site.master the MN; DHCP and TFTP on every member)"],
	);
	assert.match(readFileSync(join(dir, 'pool-audit.junit.xml'), 'utf8'), /failures="1" errors="0"/);
	assert.equal(await world(), before);
	const fix = await setup();
	assert.is(fix.status, 0, output(fix));
	assert.match(await ok('mn1', 'lsdef -t site -i sharedtftp'), /sharedtftp=0/);
	const clean = await run('pool_audit', '-e', `xcat_ha_audit_dir=${dir}`);
	assert.is(clean.status, 0, output(clean));
	rmSync(dir, { recursive: true, force: true });
});

Pool('status: members and roles, the replication and its lag, nodes per member, who may be promoted and why not', async () => {
	const r = await run('pool_status');
	assert.is(r.status, 0, output(r));
	const text = r.stdout;
	assert.match(text, /MN: mn1, replica: sn1 \(asynchronous, streaming, lag \d+ bytes/);
	assert.match(text, /mn1 \[MN\]: xcatd answers, database reachable, shared storage mounted, first for \d+ node\(s\), not promotable: is the MN/);
	assert.match(text, /sn1 \[SN\]: xcatd answers, database reachable, shared storage mounted, first for \d+ node\(s\), may be promoted/);
	assert.match(text, /sn2 \[SN\]: .* not promotable: holds no copy of the database \(the replica is sn1\)/);
	assert.equal(changed(r), { mn1: 0, sn1: 0, sn2: 0 });
});

Pool('a member lost: its nodes move to their next member (the plan first), the MN among them', async () => {
	// cn1 is the one real compute node (postscripts run on it); the made-up ones go, cn1 is first on sn2
	await ok('mn1', 'rmdef -t node -o cn2,cn3,cn4,cn5,cn6,cn7,cn8 >/dev/null; chdef -t node -o cn1 servicenode=sn2,mn1 >/dev/null');
	await fault('power-off', 'sn2');
	try {
		const preview = await run('pool_member_down', '-e', 'xcat_pool_member=sn2', '--check');
		assert.is(preview.status, 0, output(preview));
		assert.match(preview.stdout, /1 node\(s\) would move off sn2: cn1 to mn1/);
		assert.match(await ok('mn1', 'nodels cn1 noderes.servicenode'), /cn1: sn2,mn1/, 'check mode changes nothing');
		const moved = await run('pool_member_down', '-e', 'xcat_pool_member=sn2');
		assert.is(moved.status, 0, output(moved));
		assert.match(moved.stdout, /moved 1 node\(s\) off sn2 to mn1/);
		assert.match(await ok('mn1', 'nodels cn1 noderes.servicenode'), /cn1: mn1,sn2/);
		assert.match(await ok('cn1', 'cat /opt/xcat/xcatinfo'), /^XCATSERVER=198\.51\.100\.11$/m);
		const refused = await run('pool_member_down', '-e', 'xcat_pool_member=mn1');
		assert.is.not(refused.status, 0);
		assert.match(output(refused), /mn1 is the MN of the pool/);
	} finally {
		await fault('power-on', 'sn2');
	}
	// back: pool_setup balances again, blanks the xcatmaster snmove wrote, and gives sn2 the mesh key again
	const rebalance = await setup();
	assert.is(rebalance.status, 0, output(rebalance));
	assert.match(await ok('mn1', 'nodels cn1 noderes.servicenode noderes.xcatmaster'), /^cn1: noderes\.xcatmaster: ?$/m);
	assert.is(await ok('sn1', 'ssh -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -i /root/.ssh/id_xcat_pool sn2 hostname'), 'sn2\n');
});

/** who is the MN, where each member's xcatd gets its database, who streams from whom */
async function roles(): Promise<string> {
	const out: string[] = [];
	for (const h of MEMBERS) {
		out.push(
			await ok(
				h,
				`echo "${h}: $(ls /etc/xCATMN /etc/xCATSN 2>/dev/null | tr '\\n' ' ')$(lsxcatd -d | head -1) xcatd=$(systemctl is-active xcatd)" \
				"recovery=$(runuser -u postgres -- psql -X -A -t -d postgres -c 'SELECT pg_is_in_recovery()' 2>/dev/null || echo down)"`,
			),
		);
	}
	return out.join('');
}

Pool('planned promotion: sn1 becomes the MN with every write of mn1, mn1 its replica; a rerun changes nothing; and back', async () => {
	await ok('mn1', 'chdef -t site clustersite pooltest=before-promotion >/dev/null');
	const r = await run('pool_promote', '-e', 'xcat_pool_target=sn1');
	assert.is(r.status, 0, output(r));
	assert.match(r.stdout, /sn1 is the MN \(planned\); xcatd answered on 198\.51\.100\.21 [\d.]+ s after the start; steps: +xcatd_stopped/);
	const host = 'cfgloc=Pg:dbname=xcatdb;host=198.51.100.21|xcatadm xcatd=active';
	assert.is(await roles(), `mn1: /etc/xCATSN ${host} recovery=t\nsn1: /etc/xCATMN ${host} recovery=f\nsn2: /etc/xCATSN ${host} recovery=down\n`);
	assert.match(await ok('sn1', 'cat /HA/.xcat-pool/mn.lease'), /"holder":"sn1".*"taken_from":"mn1"/);
	assert.match(await ok('sn2', 'lsdef -t site -i master'), /master=198\.51\.100\.21/);
	assert.match(await sql('sn1', "SELECT value FROM site WHERE key = 'pooltest'"), /before-promotion/, 'the last write of mn1 is on sn1');
	assert.match(await sql('sn1', 'SELECT application_name, state FROM pg_stat_replication', 'postgres'), /^mn1\|streaming$/m);
	assert.match(await ok('mn1', 'ls -d /var/lib/postgresql/15/main.xcat-ha-*'), /main\.xcat-ha-/, "the old primary's data is kept aside");
	assert.equal(await rangeAt(), ['sn1'], 'the dynamic range moved with the MN');
	const again = await run('pool_promote', '-e', 'xcat_pool_target=sn1');
	assert.is(again.status, 0, output(again));
	assert.match(again.stdout, /sn1 is the MN already: nothing to do/);
	assert.equal(changed(again), { mn1: 0, sn1: 0, sn2: 0 }, again.stdout);
	const setupThere = await setup();
	assert.is(setupThere.status, 0, output(setupThere));
	assert.equal(changed(setupThere), { mn1: 0, sn1: 0, sn2: 0 }, 'pool_setup agrees with the promotion');
	const back = await run('pool_promote', '-e', 'xcat_pool_target=mn1');
	assert.is(back.status, 0, output(back));
	const home = 'cfgloc=Pg:dbname=xcatdb;host=198.51.100.11|xcatadm xcatd=active';
	assert.is(await roles(), `mn1: /etc/xCATMN ${home} recovery=f\nsn1: /etc/xCATSN ${home} recovery=t\nsn2: /etc/xCATSN ${home} recovery=down\n`);
	assert.equal(await rangeAt(), ['mn1']);
});

const ACKED = '/root/pooltest.acked';
/** on sn2: one INSERT per psql call into mn1's xcatdb, each id written down once psql says it committed */
const WRITER = `
pw=$(sed -n 's/^.*|xcatadm|//p' /etc/xcat/cfgloc)
: > ${ACKED}
nohup bash -c 'for i in $(seq 1 100000); do
  PGPASSWORD="$0" psql -X -q "host=198.51.100.11 dbname=xcatdb user=xcatadm connect_timeout=1" -c "INSERT INTO pooltest VALUES ($i)" >/dev/null 2>&1 && echo $i >> ${ACKED}
done' "$pw" >/dev/null 2>&1 &
echo $! > /root/pooltest.pid`;

Pool('the MN loses power: refused until it is proven stopped, then fenced through its BMC; synchronous: no acknowledged write lost', async () => {
	const sync = await setup('-e', 'xcat_pool_synchronous=true');
	assert.is(sync.status, 0, output(sync));
	assert.match(await sql('mn1', 'SELECT application_name, sync_state FROM pg_stat_replication', 'postgres'), /^sn1\|sync$/m);
	await sql('mn1', 'CREATE TABLE pooltest (id int PRIMARY KEY); GRANT ALL ON pooltest TO xcatadm');
	await ok('sn2', WRITER);
	await new Promise((r) => setTimeout(r, 3000));
	await fault('power-off', 'mn1');
	try {
		await execa('bash', [join(ROOT, 'test/lab/faults/bmc-down'), 'mn1'], { cwd: ROOT });
		const refused = await run('pool_promote', '-e', 'xcat_pool_target=sn1');
		assert.is.not(refused.status, 0);
		assert.match(output(refused), /mn1 is not proven stopped: .* Nothing was changed/);
		assert.is((await sql('sn1', 'SELECT pg_is_in_recovery()', 'postgres')).trim(), 't', 'sn1 was not promoted');
		assert.match(await ok('sn1', 'cat /HA/.xcat-pool/mn.lease'), /"holder":"mn1"/);
	} finally {
		await execa('bash', [join(ROOT, 'test/lab/faults/bmc-up'), 'mn1'], { cwd: ROOT });
	}
	const r = await run('pool_promote', '-e', 'xcat_pool_target=sn1');
	assert.is(r.status, 0, output(r));
	assert.match(r.stdout, /sn1 is the MN \(unplanned, its BMC reports power off\); xcatd answered on 198\.51\.100\.21 [\d.]+ s after the start/);
	// cn1 was first served by mn1 (the member-down test moved it there): it moves to its next member
	assert.match(await ok('sn1', 'nodels cn1 noderes.servicenode'), /cn1: sn2,mn1/);
	assert.match(
		await ok('sn1', 'cat /etc/dhcp/dhcpd.conf'),
		/range dynamic-bootp 198\.51\.100\.200 198\.51\.100\.220;/,
		'the new MN serves the dynamic range',
	);
	await ok('sn2', 'kill $(cat /root/pooltest.pid) 2>/dev/null || true');
	const acked = (await ok('sn2', `cat ${ACKED}`)).trim().split('\n').filter(Boolean);
	const kept = new Set((await sql('sn1', 'SELECT id FROM pooltest')).trim().split('\n'));
	assert.ok(acked.length > 10, `the writer had written: ${acked.length} rows acknowledged`);
	assert.equal(
		acked.filter((id) => !kept.has(id)),
		[],
		`acknowledged rows lost (${acked.length} acknowledged)`,
	);
});

Pool('the old MN comes back: its PostgreSQL does not start as a second primary; pool_setup makes it the replica; promoted back', async () => {
	await fault('power-on', 'mn1');
	assert.is((await on('mn1', 'systemctl is-active postgresql@15-main')).stdout, 'inactive\n');
	assert.match(await ok('mn1', 'journalctl -b -u postgresql@15-main --no-pager'), /xcat-pool-pg-guard: REFUSED: the pool's MN is sn1/);
	const status = await run('pool_status');
	assert.match(status.stdout, /mn1 \[former MN\]: .* not promotable: its database is not a standby/);
	const rejoin = await setup();
	assert.is(rejoin.status, 0, output(rejoin));
	const host = 'cfgloc=Pg:dbname=xcatdb;host=198.51.100.21|xcatadm xcatd=active';
	assert.is(await roles(), `mn1: /etc/xCATSN ${host} recovery=t\nsn1: /etc/xCATMN ${host} recovery=f\nsn2: /etc/xCATSN ${host} recovery=down\n`);
	assert.equal(await rangeAt(), ['sn1'], 'pool_setup took the range off the old MN');
	const back = await run('pool_promote', '-e', 'xcat_pool_target=mn1');
	assert.is(back.status, 0, output(back));
	assert.match(await ok('sn2', 'lsdef -t site -i master'), /master=198\.51\.100\.11/);
	assert.equal(await rangeAt(), ['mn1']);
});

Pool.run();
