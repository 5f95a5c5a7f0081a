// The management-node HA on MariaDB (xcat_ha_db_type mysql), end to end on the lab: setup-ha
// converts the existing MN (SQLite, with nodes) through mysqlsetup, the standby's own MariaDB is
// opened to the network although it never ran mysqlsetup, a second run and the audit are clean,
// and a planned failover brings xCAT up on mn2 with the same rows.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ADDRESS, ok, on, playbook, recap, resetLab, VIP, type PlaybookRun } from '../../tools/lab/lab';
import { audit, driftOf, leaseHolder, mnState, tables } from '../../tools/lab/mn-ha';

const MYSQL = ['-e', 'xcat_ha_db_type=mysql'];
const SERVER_CNF = '/etc/mysql/mariadb.conf.d/50-server.cnf';
const LINKS = ['/HA/install', '/HA/etc/xcat', '/HA/root/.xcat', '/HA/var/lib/mysql', '/HA/tftpboot'];

function okRun(r: PlaybookRun, what: string) {
	assert.is(r.status, 0, `${what} failed (${r.status}):\n${r.stdout.slice(-6000)}\n${r.stderr.slice(-2000)}`);
}
const changedOn = (r: PlaybookRun, host: string) => recap(r.stdout, host).changed ?? -1;
const links = (host: string) => ok(host, `for d in /install /etc/xcat /root/.xcat /var/lib/mysql /tftpboot; do readlink $d; done`);
const grants = (host: string) => ok(host, `mysql -N -B -e "SELECT Host FROM mysql.db WHERE User = 'xcatadmin' AND Db = 'xcatdb'"`);
const active = async (host: string, unit: string) => (await on(host, `systemctl is-active ${unit}`)).stdout.trim();
/** xcatadmin through the VIP with the password of the inventory, as xcatd connects */
const rowsThroughVip = (host: string) =>
	ok(host, `MYSQL_PWD=labOnly2026 mysql --protocol=TCP -h ${VIP} -u xcatadmin -N -B -e 'SELECT COUNT(*) FROM xcatdb.site'`);

const M = suite('setup-ha on MariaDB, then a planned failover');
let before: Record<string, string[]> = {};

M.before(async () => {
	resetLab();
	before = await tables('mn1');
});

M('setup-ha: xCAT on MariaDB through the VIP, every row kept, the data shared, both servers open to the network', async () => {
	const r = await playbook('playbooks/setup_ha.yml', MYSQL);
	okRun(r, 'setup-ha (mysql)');
	assert.match(await ok('mn1', 'lsxcatd -d'), new RegExp(`dbengine=mysql[\\s\\S]*dbhost=${VIP.replace(/\./g, '\\.')}`));
	const after = await tables('mn1');
	for (const [t, rows] of Object.entries(before)) {
		if (['site', 'networks', 'policy'].includes(t)) continue;
		assert.equal(after[t], rows, `table ${t} identical after the move to MariaDB`);
	}
	assert.equal([(await links('mn1')).trim().split('\n'), (await links('mn2')).trim().split('\n')], [LINKS, LINKS]);
	assert.equal([await active('mn1', 'mariadb'), await active('mn2', 'mariadb')], ['active', 'inactive']);
	for (const host of ['mn1', 'mn2']) {
		assert.not.match(await ok(host, `cat ${SERVER_CNF}`), /^\s*bind-address/m, `${host}: bind-address still closes the server`);
		assert.match(await ok(host, `ls ${SERVER_CNF}.xcat-ha.orig`), /\.xcat-ha\.orig/, `${host}: the original option file is kept`);
	}
	assert.match(await rowsThroughVip('mn2'), /^\d+\n$/, 'mn2 reaches the database through the VIP as xcatadmin');
	assert.equal(
		[await ok('mn1', 'systemctl is-enabled mariadb || true'), await ok('mn2', 'systemctl is-enabled mariadb || true')],
		['disabled\n', 'disabled\n'],
	);
});

M('setup-ha again changes nothing; the audit finds no drift', async () => {
	const r = await playbook('playbooks/setup_ha.yml', MYSQL);
	okRun(r, 'setup-ha (mysql, second run)');
	assert.equal([changedOn(r, 'mn1'), changedOn(r, 'mn2')], [0, 0], r.stdout.slice(-3000));
	const a = await audit(MYSQL);
	okRun(a.run, 'audit (mysql)');
	assert.is(a.report.drift, 0);
});

M("a grant lost and the standby's bind-address back: the audit sees both, setup-ha fixes both", async () => {
	await ok('mn1', `mysql -e "REVOKE ALL ON xcatdb.* FROM 'xcatadmin'@'${ADDRESS.mn2}'"`);
	await ok('mn2', `printf '[mysqld]\\nbind-address = 127.0.0.1\\n' > /etc/mysql/mariadb.conf.d/60-local.cnf`);
	const a = await audit(MYSQL);
	assert.is.not(a.run.status, 0, 'the audit fails on drift');
	assert.equal(driftOf(a.report), [
		"mn1: Switch xCAT's database and open it to the VIP and every MN",
		'mn2: Check the database configuration the standby MN will use',
	]);
	assert.match(a.run.stdout, /60-local\.cnf \(after\)[\s\S]*\+#bind-address = 127\.0\.0\.1/);
	const r = await playbook('playbooks/setup_ha.yml', MYSQL);
	okRun(r, 'setup-ha (mysql, repair)');
	assert.match(await ok('mn2', 'cat /etc/mysql/mariadb.conf.d/60-local.cnf'), /^#bind-address = 127\.0\.0\.1$/m);
	assert.match(await grants('mn1'), new RegExp(`^${ADDRESS.mn2!.replace(/\./g, '\\.')}$`, 'm'));
	okRun((await audit(MYSQL)).run, 'audit after the repair');
});

M('planned failover mn1 → mn2: MariaDB and xcatd move, the rows with them', async () => {
	await ok('mn1', 'chtab key=e2e_mysql site.value=before-failover');
	const f = await playbook('playbooks/failover.yml', [...MYSQL, '-e', 'xcat_ha_target=mn2']);
	okRun(f, 'failover to mn2 (mysql)');
	const [s1, s2] = [await mnState('mn1'), await mnState('mn2')];
	assert.equal([s1.vip, s1.xcatd, s2.vip, s2.xcatd], [false, 'inactive', true, 'active']);
	assert.is(leaseHolder(s2), 'mn2');
	assert.equal([await active('mn1', 'mariadb'), await active('mn2', 'mariadb')], ['inactive', 'active']);
	assert.match(await ok('mn2', 'lsxcatd -d'), /dbengine=mysql/);
	assert.match(await ok('mn2', 'tabdump site'), /"e2e_mysql","before-failover"/);
	assert.match(await rowsThroughVip('mn1'), /^\d+\n$/, 'mn1 reaches the database on mn2 through the VIP');
});

M.run();
