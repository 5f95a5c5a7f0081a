// xcat_db on MariaDB on the lab's mn1: the switch from SQLite through mysqlsetup with every row
// kept, Debian's bind-address opened (real mysqlsetup misses it), idempotence, a lost grant put
// back, and a failed switch rolled back. Destructive: each suite starts from resetLab().
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ok, on, resetLab, VIP } from '../../tools/lab/lab';
import { allTables, dbOn, MN1, MN2, PW, vipOn, withXcatdFault } from './xcat_db.lab';

const SERVER_CNF = '/etc/mysql/mariadb.conf.d/50-server.cnf';
const db = dbOn('mysql');

/** what a run must not change: cfgloc, the SQLite tables, MariaDB's files, data and units, the backups */
const snapshot = (host: string) =>
	ok(
		host,
		`
	cat /etc/xcat/cfgloc 2>/dev/null || echo no-cfgloc
	for f in /etc/xcat/*.sqlite; do echo "$f $(sha256sum < "$f")"; done
	sha256sum ${SERVER_CNF}; ls -a /etc/mysql/mariadb.conf.d /var/lib/mysql /var/lib/xcat-ha 2>&1 | sort
	systemctl is-active xcatd mariadb || true
	systemctl is-enabled mariadb || true`,
	);
const grants = (host: string) => ok(host, `mysql -N -B -e "SELECT Host FROM mysql.db WHERE User = 'xcatadmin' AND Db = 'xcatdb' ORDER BY Host"`);
const fromMn2 = () => on('mn2', `MYSQL_PWD=${PW} mysql --protocol=TCP --connect-timeout=5 -h ${VIP} -u xcatadmin -N -B -e 'SELECT COUNT(*) FROM xcatdb.site'`);

const S = suite('xcat_db on mn1: switch to MariaDB, idempotence, a lost grant');
S.before(() => resetLab());

let rowsBefore = '';
S('check mode shows mysqlsetup and the bind-address it would open, and changes nothing', async () => {
	await vipOn('mn1');
	rowsBefore = await allTables('mn1');
	const before = await snapshot('mn1');
	const { result, stdout } = await db('mn1', { path: '/HA' }, { check: true, diff: true });
	assert.is(result.failed, undefined, result.msg);
	assert.equal([result.changed, result.mode, result.type_before, result.type], [true, 'switch', 'sqlite', 'mysql']);
	assert.ok(
		result.commands.some((c: string[]) => c.join(' ').startsWith('env XCATMYSQLADMIN_PW=******** XCATMYSQLROOT_PW=******** mysqlsetup -i -f ')),
		JSON.stringify(result.commands),
	);
	const cnf = result.diff.find((d: any) => d.before_header === `${SERVER_CNF} (before)`);
	assert.ok(cnf, JSON.stringify(result.diff.map((d: any) => d.before_header)));
	assert.match(cnf.after, /^#bind-address\s+= 127\.0\.0\.1$/m);
	assert.not.ok(stdout.includes(PW));
	assert.is(await snapshot('mn1'), before);
});

S('the switch: every row kept, MariaDB open to mn2 through the VIP, xcatd on it', async () => {
	const { result, ms, stdout } = await db('mn1', { path: '/HA' });
	assert.is(result.failed, undefined, result.msg);
	console.log(`    switch sqlite -> mariadb on the lab: ${ms} ms`);
	assert.equal([result.changed, result.switched, result.type_before, result.type], [true, true, 'sqlite', 'mysql']);
	assert.not.ok(stdout.includes(PW));
	assert.is(await allTables('mn1'), rowsBefore);
	assert.match(await ok('mn1', 'lsxcatd -d'), new RegExp(`dbengine=mysql\\ndbname=xcatdb\\ndbhost=${VIP.replace(/\./g, '\\.')}`));
	assert.match(await ok('mn1', `grep -n bind-address ${SERVER_CNF}; ls ${SERVER_CNF}.xcat-ha.orig`), /^\d+:#bind-address/);
	for (const ip of [VIP, MN1, MN2]) assert.match(await grants('mn1'), new RegExp(`^${ip.replace(/\./g, '\\.')}$`, 'm'), `granted from ${ip}`);
	const far = await fromMn2();
	assert.is(far.status, 0, far.stderr);
});

S('apply again and check again: unchanged, no command', async () => {
	const again = await db('mn1', { path: '/HA' });
	assert.equal([again.result.changed, again.result.commands], [false, []], again.result.msg);
	const check = await db('mn1', { path: '/HA' }, { check: true });
	assert.is(check.result.changed, false);
});

S('a grant lost (the VIP, as xcatha.py never grants it): check reports it, apply grants it, the password never shown', async () => {
	await ok('mn1', `mysql -e "DROP USER 'xcatadmin'@'${VIP}'"`);
	const check = await db('mn1', {}, { check: true });
	assert.equal([check.result.changed, check.result.commands], [true, [['mysql', '--batch']]]);
	const fix = await db('mn1');
	assert.is(fix.result.failed, undefined, fix.result.msg);
	assert.not.ok(fix.stdout.includes(PW));
	assert.match(await grants('mn1'), new RegExp(`^${VIP.replace(/\./g, '\\.')}$`, 'm'));
	assert.is((await db('mn1')).result.changed, false);
});

S('bind-address closed again in another option file: opened, MariaDB restarted, xcatd answering', async () => {
	await ok('mn1', `printf '[mariadb]\\nbind-address = 127.0.0.1\\n' > /etc/mysql/mariadb.conf.d/90-site.cnf`);
	const { result } = await db('mn1');
	assert.is(result.failed, undefined, result.msg);
	assert.equal(result.commands.slice(0, 1), [['systemctl', 'restart', 'mariadb']]);
	assert.match(await ok('mn1', 'cat /etc/mysql/mariadb.conf.d/90-site.cnf'), /^#bind-address = 127\.0\.0\.1$/m);
	assert.is((await fromMn2()).status, 0);
	assert.match(await ok('mn1', 'lsxcatd -d'), /dbengine=mysql/);
});

S.run();

const F = suite('xcat_db: a switch to MariaDB that fails puts the previous configuration back');
F.before(() => resetLab());

F(
	'xcatd cannot start on MariaDB: failed with the cause; SQLite cfgloc, xcatdb dropped, MariaDB stopped and disabled, option file as it was; a re-run succeeds',
	async () => {
		await vipOn('mn1');
		const rows = await allTables('mn1');
		const cnf = await ok('mn1', `cat ${SERVER_CNF}`);
		await withXcatdFault('mysql:', async () => {
			const { result } = await db('mn1');
			assert.is(result.failed, true);
			assert.match(result.msg, /^switching xCAT's database from sqlite to mysql failed: /);
			assert.match(
				result.msg,
				/The previous configuration is back: .*the new xcatdb database dropped.*mariadb stopped, mariadb disabled.*50-server\.cnf as it was.*xcatd answering on sqlite/,
			);
			assert.equal([result.restored, result.switched], [true, false]);
			assert.is(
				await ok(
					'mn1',
					'test -e /etc/xcat/cfgloc || echo no-cfgloc; lsxcatd -d; systemctl is-active xcatd mariadb || true; systemctl is-enabled mariadb || true; test -e /var/lib/mysql/xcatdb || echo no-xcatdb',
				),
				'no-cfgloc\ndbengine=SQLite\nactive\ninactive\ndisabled\nno-xcatdb\n',
			);
			assert.is(await ok('mn1', `cat ${SERVER_CNF}`), cnf);
			assert.is(await allTables('mn1'), rows);
		});
		const again = await db('mn1');
		assert.is(again.result.failed, undefined, again.result.msg);
		assert.is(again.result.switched, true);
		assert.is(await allTables('mn1'), rows);
	},
);

F.run();
