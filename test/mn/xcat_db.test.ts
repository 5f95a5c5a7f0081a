// xcat_db on the lab's management nodes: refusals that change nothing, the switch from SQLite to
// PostgreSQL with every row kept, idempotence, B13 drift (pg_hba, cfgloc host), the standby seeing
// the shared database, and a failed switch rolled back. Destructive: each suite starts from resetLab().
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ok, on, resetLab, VIP } from '../../tools/lab/lab';
import { allTables, dbOn, MN1, MN2, PW, vipOn, withXcatdFault } from './xcat_db.lab';

const HBA = '/var/lib/pgsql/data/pg_hba.conf';
const db = dbOn('postgresql');

/** what a run must not change: cfgloc, the SQLite tables, PostgreSQL's files and services, the backups */
const snapshot = (host: string) =>
	ok(
		host,
		`
	cat /etc/xcat/cfgloc 2>/dev/null || echo no-cfgloc
	for f in /etc/xcat/*.sqlite; do echo "$f $(sha256sum < "$f")"; done
	ls -a /var/lib/pgsql /var/lib/xcat-ha /HA/etc 2>&1 | sort
	systemctl is-active xcatd postgresql || true
	systemctl is-enabled postgresql || true`,
	);
const psqlFrom = (host: string) =>
	on(host, `PGPASSWORD=${PW} PGCONNECT_TIMEOUT=5 psql -X -q -A -t -h ${VIP} -U xcatadm -d xcatdb -c "select count(*) from site"`);

const S = suite('xcat_db on mn1: refusals, switch to PostgreSQL, idempotence, B13 drift, the standby');
S.before(() => resetLab());

S('a switch without the VIP on this host is refused, nothing changed', async () => {
	const before = await snapshot('mn1');
	const { result } = await db('mn1');
	assert.is(result.failed, true);
	assert.match(result.msg, /^switching xCAT's database from sqlite to postgresql needs the vip 198\.51\.100\.10 on this host/);
	assert.is(await snapshot('mn1'), before);
});

S('a switch without a password is refused before anything, naming the option', async () => {
	await vipOn('mn1');
	const before = await snapshot('mn1');
	const { result } = await db('mn1', { password: null });
	assert.is(result.failed, true);
	assert.match(result.msg, /^password is required for switching xCAT's database from sqlite to postgresql/);
	assert.equal(result.commands, []);
	assert.is(await snapshot('mn1'), before);
});

S('shared data holding MySQL while type is postgresql: refused naming both, nothing changed', async () => {
	await ok('mn1', 'mkdir -p /HA/etc/xcat && echo "mysql:dbname=xcatdb;host=198.51.100.10|xcatadmin|x" > /HA/etc/xcat/cfgloc');
	try {
		const before = await snapshot('mn1');
		const { result } = await db('mn1', { path: '/HA' });
		assert.is(result.failed, true);
		assert.match(result.msg, /^the shared data at \/HA holds a mysql database \(\/HA\/etc\/xcat\/cfgloc\), but type is postgresql/);
		assert.is(await snapshot('mn1'), before);
	} finally {
		await ok('mn1', 'rm -rf /HA/etc');
	}
});

let rowsBefore = '';
let siteRows = 0;
S('check mode reports the switch (password masked) and changes nothing', async () => {
	rowsBefore = await allTables('mn1');
	assert.match(rowsBefore, /== site\n(.*\n){30,}/);
	const before = await snapshot('mn1');
	const { result, stdout } = await db('mn1', { path: '/HA' }, { check: true, diff: true });
	assert.is(result.failed, undefined, result.msg);
	assert.equal([result.changed, result.switched, result.type_before, result.type, result.mode], [true, false, 'sqlite', 'postgresql', 'switch']);
	assert.ok(
		result.commands.some((c: string[]) => c.join(' ') === `env XCATPGPW=******** pgsqlsetup -i -N -a ${MN1} -a ${MN2} -a ${VIP}`),
		JSON.stringify(result.commands),
	);
	assert.is(result.diff[0].after, `Pg:dbname=xcatdb;host=${VIP}|xcatadm|********\n`);
	assert.not.ok(stdout.includes(PW));
	assert.is(await snapshot('mn1'), before);
});

S('the switch: every row of every table kept, PostgreSQL reachable through the VIP from both MNs, xcatd on it', async () => {
	const { result, ms, stdout } = await db('mn1', { path: '/HA' });
	assert.is(result.failed, undefined, result.msg);
	console.log(`    switch sqlite -> postgresql on the lab: ${ms} ms`);
	assert.equal([result.changed, result.switched, result.type_before, result.type], [true, true, 'sqlite', 'postgresql']);
	assert.not.ok(stdout.includes(PW));
	siteRows = Number(await ok('mn1', 'tabdump site | grep -vc "^#"'));
	assert.ok(siteRows >= 35, `site rows: ${siteRows}`);
	assert.is(result.rows.site, siteRows);
	assert.is(await allTables('mn1'), rowsBefore);
	assert.is(await ok('mn1', 'cat /etc/xcat/cfgloc; stat -c %a /etc/xcat/cfgloc'), `Pg:dbname=xcatdb;host=${VIP}|xcatadm|${PW}\n600\n`);
	assert.is(await ok('mn1', 'lsxcatd -d'), `cfgloc=Pg:dbname=xcatdb;host=${VIP}|xcatadm\ndbengine=Pg\ndbname=xcatdb\ndbhost=${VIP}\ndbadmin=xcatadm\n`);
	for (const ip of [VIP, MN1, MN2])
		assert.match(await ok('mn1', `cat ${HBA}`), new RegExp(`^host    all          all        ${ip.replace(/\./g, '\\.')}/32      md5$`, 'm'));
	assert.match(await ok('mn1', 'grep "^listen_addresses" /var/lib/pgsql/data/postgresql.conf'), new RegExp(`'localhost,.*${VIP}.*'`));
	assert.is((await psqlFrom('mn2')).stdout, `${siteRows}\n`, 'mn2 reaches the database through the VIP');
	assert.ok(result.backup_dir.startsWith('/var/lib/xcat-ha/xcat_db/'));
	assert.is(await ok('mn1', `grep -vc "^#" ${result.backup_dir}/site.csv`), `${siteRows}\n`);
});

S('apply again and check again: unchanged, no command', async () => {
	for (const check of [false, true]) {
		const { result } = await db('mn1', { path: '/HA' }, { check, diff: true });
		assert.is(result.failed, undefined, result.msg);
		assert.equal([result.changed, result.switched, result.mode, result.type_before], [false, false, 'ensure', 'postgresql']);
		assert.equal(result.commands, []);
		assert.equal(result.diff, []);
	}
});

S('B13 drift: a pg_hba line gone is reported in check and diff, then fixed with a reload', async () => {
	await ok('mn1', `sed -i '/${MN2.replace(/\./g, '\\.')}\\/32/d' ${HBA}; systemctl reload postgresql`);
	assert.match((await psqlFrom('mn2')).stderr, /no pg_hba\.conf entry for host "198\.51\.100\.12"/);
	const drifted = await ok('mn1', `cat ${HBA}`);
	const check = await db('mn1', {}, { check: true, diff: true });
	assert.equal([check.result.changed, check.result.files, check.result.commands], [true, [HBA], [['systemctl', 'reload', 'postgresql']]]);
	assert.is(check.result.diff[0].before, drifted);
	assert.match(check.result.diff[0].after, /198\.51\.100\.12\/32/);
	assert.is(await ok('mn1', `cat ${HBA}`), drifted, 'check mode changed nothing');
	const pid = await ok('mn1', 'systemctl show -p MainPID postgresql');
	const { result } = await db('mn1');
	assert.equal([result.changed, result.commands], [true, [['systemctl', 'reload', 'postgresql']]]);
	assert.is(await ok('mn1', `cat ${HBA}`), check.result.diff[0].after);
	assert.is(await ok('mn1', 'systemctl show -p MainPID postgresql'), pid, 'reloaded, not restarted');
	assert.is((await psqlFrom('mn2')).stdout, `${siteRows}\n`);
	assert.is((await db('mn1')).result.changed, false);
});

S('listen_addresses without the VIP: fixed, PostgreSQL restarted (it reads it only at start), xcatd restarted and answering', async () => {
	await ok(
		'mn1',
		`sed -i "s/^listen_addresses = .*/listen_addresses = 'localhost,${MN1}'/" /var/lib/pgsql/data/postgresql.conf; systemctl restart postgresql`,
	);
	const check = await db('mn1', {}, { check: true });
	assert.equal(
		[check.result.changed, check.result.files, check.result.commands],
		[
			true,
			['/var/lib/pgsql/data/postgresql.conf'],
			[
				['systemctl', 'restart', 'postgresql'],
				['systemctl', 'restart', 'xcatd'],
			],
		],
	);
	const pid = await ok('mn1', 'systemctl show -p MainPID postgresql');
	const { result } = await db('mn1');
	assert.is(result.failed, undefined, result.msg);
	assert.equal(result.commands, [
		['systemctl', 'restart', 'postgresql'],
		['systemctl', 'restart', 'xcatd'],
	]);
	assert.is.not(await ok('mn1', 'systemctl show -p MainPID postgresql'), pid, 'restarted');
	assert.match(
		await ok('mn1', 'grep "^listen_addresses" /var/lib/pgsql/data/postgresql.conf'),
		new RegExp(`^listen_addresses = 'localhost,${MN1},${VIP},${MN2}'`),
	);
	assert.is((await psqlFrom('mn2')).stdout, `${siteRows}\n`, 'listening on the VIP again');
	assert.match(await ok('mn1', 'lsxcatd -d'), /^dbengine=Pg$/m);
	assert.is((await db('mn1')).result.changed, false);
});

S('cfgloc naming the MN instead of the VIP: fixed (password masked in the diff), xcatd restarted on it', async () => {
	await ok('mn1', `sed -i 's/host=${VIP}/host=${MN1}/' /etc/xcat/cfgloc; systemctl restart xcatd`);
	const check = await db('mn1', {}, { check: true, diff: true });
	assert.equal([check.result.changed, check.result.files], [true, ['/etc/xcat/cfgloc']]);
	assert.equal(
		[check.result.diff[0].before, check.result.diff[0].after],
		[`Pg:dbname=xcatdb;host=${MN1}|xcatadm|********\n`, `Pg:dbname=xcatdb;host=${VIP}|xcatadm|********\n`],
	);
	const { result } = await db('mn1', { password: null }, { diff: true });
	assert.is(result.failed, undefined, result.msg);
	assert.equal(result.commands, [['systemctl', 'restart', 'xcatd']]);
	assert.not.ok(JSON.stringify(result).includes(PW), 'the cfgloc password is masked though no password option was given');
	assert.match(await ok('mn1', 'lsxcatd -d'), new RegExp(`^dbhost=${VIP.replace(/\./g, '\\.')}$`, 'm'));
	assert.is(await ok('mn1', 'stat -c %a /etc/xcat/cfgloc'), '600\n');
	assert.is(await allTables('mn1'), rowsBefore);
});

S('the standby: shared data holds PostgreSQL, its own /etc/xcat is SQLite -> not switched, the shared pg_hba fixed', async () => {
	await ok(
		'mn1',
		`mkdir -p /HA/etc/xcat /HA/var/lib/pgsql/data && cp -p /etc/xcat/cfgloc /HA/etc/xcat/ && cp -p /var/lib/pgsql/data/postgresql.conf /HA/var/lib/pgsql/data/ && grep -v '${MN2}/32' ${HBA} > /HA${HBA}`,
	);
	try {
		const before = await snapshot('mn2');
		const { result } = await db('mn2', { password: null, path: '/HA' }, { diff: true });
		assert.is(result.failed, undefined, result.msg);
		assert.equal([result.changed, result.switched, result.mode, result.type_before, result.files], [true, false, 'shared', 'sqlite', [`/HA${HBA}`]]);
		assert.match(result.msg, /already holds the postgresql database, so this node's own sqlite database is not switched/);
		assert.equal(result.commands, []);
		assert.match(await ok('mn2', `cat /HA${HBA}`), /198\.51\.100\.12\/32/);
		assert.is(await snapshot('mn2'), before, 'nothing of mn2 itself changed');
		assert.is((await db('mn2', { password: null, path: '/HA' })).result.changed, false);
	} finally {
		await ok('mn1', 'rm -rf /HA/etc /HA/var');
	}
});

S.run();

const F = suite('xcat_db: a switch that fails puts the previous configuration back');
F.before(() => resetLab());

F(
	'xcatd cannot start on PostgreSQL: failed with the cause; SQLite cfgloc, PostgreSQL stopped and disabled, xcatd answering; a re-run then succeeds',
	async () => {
		await vipOn('mn1');
		const rows = await allTables('mn1');
		await withXcatdFault('Pg:', async () => {
			const { result } = await db('mn1');
			assert.is(result.failed, true);
			assert.match(result.msg, /^switching xCAT's database from sqlite to postgresql failed: systemctl start xcatd failed/);
			assert.match(
				result.msg,
				/The previous configuration is back: .*\/etc\/xcat\/cfgloc moved aside.*postgresql stopped, postgresql disabled, the new database in \/var\/lib\/pgsql\/data moved aside.*xcatd answering on sqlite/,
			);
			assert.equal([result.restored, result.switched], [true, false]);
			assert.is(
				await ok(
					'mn1',
					'test -e /etc/xcat/cfgloc || echo no-cfgloc; lsxcatd -d; systemctl is-active xcatd postgresql || true; systemctl is-enabled postgresql || true; test -e /var/lib/pgsql/data || echo no-data',
				),
				'no-cfgloc\ndbengine=SQLite\nactive\ninactive\ndisabled\nno-data\n',
			);
			assert.is(await allTables('mn1'), rows);
			assert.match(await ok('mn1', 'ls /etc/xcat /var/lib/pgsql'), /cfgloc\.xcat-ha-failed-\d{8}T\d{6}Z[\s\S]*data\.xcat-ha-failed-\d{8}T\d{6}Z/);
		});
		const again = await db('mn1');
		assert.is(again.result.failed, undefined, again.result.msg);
		assert.is(again.result.switched, true);
		assert.is(await allTables('mn1'), rows);
	},
);

F.run();
