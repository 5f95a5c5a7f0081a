import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkArgs, toDesired, type Args, type Desired } from '../../modules/xcat_db/desired';
import { hbaLine } from '../../modules/xcat_db/pgconf';
import { plan, planCommands, shown } from '../../modules/xcat_db/plan';
import { NO_MYSQL, type Current, type DbFiles, type MysqlHere } from '../../modules/xcat_db/probe';
import { compareRows, counts, rowsOfDump } from '../../modules/xcat_db/rows';
import { act, refused, want } from '../helpers/xcat-db-plan';

const VIP = '198.51.100.10',
	MN1 = '198.51.100.11',
	MN2 = '198.51.100.12';
const CTX = { stamp: '20261122T000000Z', backupRoot: '/var/lib/xcat-ha/xcat_db' };
const HBA_OK = `# IPv4 local connections:\n${[VIP, MN1, MN2].map(hbaLine).join('\n')}\nhost all all 127.0.0.1/32 trust\n`;
const CONF_OK = `#setup by xCAT\nlisten_addresses = 'localhost,${MN1},${VIP},${MN2}'\n`;
const PG_VIP = `Pg:dbname=xcatdb;host=${VIP}|xcatadm|s3cret\n`;

/** Debian 12's MariaDB: the unit, stopped and disabled (the lab's way), and the bind-address of 50-server.cnf. */
const MARIADB: MysqlHere = {
	unit: { load: 'loaded', active: 'inactive', enabled: 'disabled' },
	optionFiles: [
		{
			path: '/etc/mysql/mariadb.conf.d/50-server.cnf',
			text: '[server]\n\n[mysqld]\npid-file                = /run/mysqld/mysqld.pid\nbind-address            = 127.0.0.1\n',
		},
	],
	hasXcatdb: false,
};
const files = (f: Partial<DbFiles> = {}): DbFiles => ({ root: '', xcatDir: true, sqliteTables: true, pgData: 'absent', ...f });
const pgFiles = (f: Partial<DbFiles> = {}): DbFiles => files({ cfgloc: PG_VIP, hba: HBA_OK, conf: CONF_OK, pgData: 'cluster', ...f });
const cur = (c: Partial<Current> = {}): Current => ({
	local: files(),
	xcatd: { load: 'loaded', active: 'active', enabled: 'disabled' },
	pg: { load: 'loaded', active: 'inactive', enabled: 'disabled' },
	mysql: NO_MYSQL,
	vipHere: true,
	tools: { pgsqlsetup: true, mysqlsetup: true },
	...c,
});

const S = suite('xcat_db plan: switch');

S('sqlite -> postgresql: stop xcatd, back up, pgsqlsetup -N with every address and the VIP, grant, restore, restart, start', () => {
	const p = act(plan(cur(), want(), CTX));
	assert.is(p.mode, 'switch');
	assert.is(p.typeBefore, 'sqlite');
	const dir = '/var/lib/xcat-ha/xcat_db/20261122T000000Z-sqlite';
	assert.equal(planCommands(p).map(shown), [
		['systemctl', 'stop', 'xcatd'],
		['env', 'XCATBYPASS=1', 'dumpxCATdb', '-p', dir],
		['env', 'XCATPGPW=********', 'pgsqlsetup', '-i', '-N', '-a', MN1, '-a', MN2, '-a', VIP],
		['runuser', '-u', 'postgres', '--', 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', 'xcatdb', '-c', 'GRANT CREATE ON SCHEMA public TO xcatadm'],
		['env', 'XCATBYPASS=1', 'restorexCATdb', '-p', dir],
		['systemctl', 'restart', 'postgresql'],
		['systemctl', 'start', 'xcatd'],
	]);
	assert.is(p.switch!.setup.env!.XCATPGPW, 's3cret', 'the password goes in the environment');
	assert.not.ok(p.switch!.setup.argv.includes('s3cret'), 'never on argv');
	assert.is(p.switch!.cfgloc, `Pg:dbname=xcatdb;host=${VIP}|xcatadm|s3cret`);
	assert.equal(
		p.ensure.edits.map((e) => [e.path, e.before, e.after]),
		[['/etc/xcat/cfgloc', '', PG_VIP]],
	);
});

S('xcatd stopped before: not stopped for the backup, stopped again after the proof', () => {
	const p = act(plan(cur({ xcatd: { load: 'loaded', active: 'inactive', enabled: 'disabled' } }), want(), CTX));
	const argv = planCommands(p).map((c) => c.argv.join(' '));
	assert.is(argv[0], 'dumpxCATdb -p /var/lib/xcat-ha/xcat_db/20261122T000000Z-sqlite');
	assert.equal(argv.slice(-2), ['systemctl start xcatd', 'systemctl stop xcatd']);
});

S('sqlite -> mysql: mysqlsetup -i -f <hosts file> -V, both passwords in the environment, xcatd restarted', () => {
	const p = act(plan(cur({ mysql: MARIADB }), want({ type: 'mysql' }), CTX));
	const dir = '/var/lib/xcat-ha/xcat_db/20261122T000000Z-sqlite';
	assert.equal(planCommands(p).map(shown), [
		['env', 'XCATBYPASS=1', 'dumpxCATdb', '-p', dir],
		['env', 'XCATMYSQLADMIN_PW=********', 'XCATMYSQLROOT_PW=********', 'mysqlsetup', '-i', '-f', `${dir}/mysql-access-hosts`, '-V'],
		['systemctl', 'restart', 'xcatd'],
	]);
	assert.equal(p.switch!.hostFile, { path: `${dir}/mysql-access-hosts`, text: `${MN1}\n${MN2}\n${VIP}\n` });
	assert.is(p.switch!.cfgloc, `mysql:dbname=xcatdb;host=${VIP}|xcatadmin|s3cret`);
});

S('check mode before the VIP is added (setup-ha --check on a new pair): the switch is shown, with a warning', () => {
	const p = plan(cur({ vipHere: false }), want(), { ...CTX, check: true });
	assert.is(p.kind, 'act');
	assert.is((p as { mode: string }).mode, 'switch');
	assert.match((p as { warnings: string[] }).warnings.join('\n'), /the vip 198\.51\.100\.10 is not on this host yet/);
});

S('refused before anything: no password, VIP elsewhere, tools or server missing, a database already in pg_data, back to sqlite, pg <-> mysql, DB2', () => {
	const noPw = want();
	delete noPw.password;
	assert.match(refused(plan(cur(), noPw, CTX)), /^password is required for switching xCAT's database from sqlite to postgresql/);
	assert.match(refused(plan(cur({ vipHere: false }), want(), CTX)), /needs the vip 198\.51\.100\.10 on this host/);
	assert.match(refused(plan(cur({ tools: { pgsqlsetup: false, mysqlsetup: true } }), want(), CTX)), /needs pgsqlsetup/);
	assert.match(refused(plan(cur({ pg: { load: 'not-found', active: 'inactive', enabled: '' } }), want(), CTX)), /there is no postgresql unit here/);
	assert.match(refused(plan(cur({ pg: { load: 'loaded', active: 'active', enabled: 'enabled' } }), want(), CTX)), /postgresql already runs here/);
	assert.match(refused(plan(cur({ local: files({ pgData: 'cluster' }) }), want(), CTX)), /already holds a PostgreSQL database/);
	assert.match(refused(plan(cur({ local: pgFiles() }), want({ type: 'sqlite' }), CTX)), /from postgresql to sqlite is not supported/);
	assert.match(
		refused(plan(cur({ local: pgFiles() }), want({ type: 'mysql' }), CTX)),
		/from postgresql to mysql is not supported: xcat_db switches from sqlite only/,
	);
	assert.match(refused(plan(cur({ local: files({ cfgloc: 'DB2:x|y|z\n' }) }), want(), CTX)), /DB2/);
	assert.match(
		refused(plan(cur({ mysql: MARIADB, xcatd: { load: 'loaded', active: 'inactive', enabled: '' } }), want({ type: 'mysql' }), CTX)),
		/needs xcatd running/,
	);
	assert.match(refused(plan(cur(), want({ type: 'mysql' }), CTX)), /needs the MariaDB \(or MySQL\) server: there is no mariadb unit here/);
	assert.match(
		refused(plan(cur({ mysql: { ...MARIADB, hasXcatdb: true } }), want({ type: 'mysql' }), CTX)),
		/\/var\/lib\/mysql\/xcatdb already holds a database named xcatdb/,
	);
});

S.run();

const E = suite('xcat_db plan: ensure (type already matches, B13)');

E('everything in place: nothing to do, no commands', () => {
	const p = act(plan(cur({ local: pgFiles(), pg: { load: 'loaded', active: 'active', enabled: 'enabled' } }), want(), CTX));
	assert.is(p.mode, 'ensure');
	assert.equal(p.ensure.edits, []);
	assert.equal(planCommands(p), []);
});

E('a pg_hba line missing: the file is fixed and the running database reloaded; xcatd keeps running', () => {
	const hba = HBA_OK.replace(`${hbaLine(MN2)}\n`, '');
	const p = act(plan(cur({ local: pgFiles({ hba }), pg: { load: 'loaded', active: 'active', enabled: 'enabled' } }), want(), CTX));
	assert.equal(
		p.ensure.edits.map((e) => e.what),
		['pg_hba.conf'],
	);
	assert.is(p.ensure.edits[0]!.after, HBA_OK);
	assert.equal(
		planCommands(p).map((c) => c.argv),
		[['systemctl', 'reload', 'postgresql']],
	);
});

E('listen_addresses missing one: restart of the database, then of xcatd', () => {
	const conf = `listen_addresses = 'localhost,${MN1}'\n`;
	const p = act(plan(cur({ local: pgFiles({ conf }), pg: { load: 'loaded', active: 'active', enabled: 'enabled' } }), want(), CTX));
	assert.equal(
		planCommands(p).map((c) => c.argv),
		[
			['systemctl', 'restart', 'postgresql'],
			['systemctl', 'restart', 'xcatd'],
		],
	);
});

E('cfgloc naming the MN instead of the VIP: cfgloc fixed, xcatd restarted; the database not touched', () => {
	const p = act(
		plan(
			cur({ local: pgFiles({ cfgloc: `Pg:dbname=xcatdb;host=${MN1}|xcatadm|s3cret\n` }), pg: { load: 'loaded', active: 'active', enabled: 'enabled' } }),
			want(),
			CTX,
		),
	);
	assert.equal(
		p.ensure.edits.map((e) => [e.what, e.after]),
		[['cfgloc', PG_VIP]],
	);
	assert.equal(
		planCommands(p).map((c) => c.argv),
		[['systemctl', 'restart', 'xcatd']],
	);
});

E('the database not running here: files fixed, nothing reloaded, said in a warning', () => {
	const p = act(plan(cur({ local: pgFiles({ hba: '' }), xcatd: { load: 'loaded', active: 'inactive', enabled: '' } }), want(), CTX));
	assert.equal(
		p.ensure.edits.map((e) => e.what),
		['pg_hba.conf'],
	);
	assert.equal(planCommands(p), []);
	assert.match(p.warnings.join('\n'), /postgresql does not run here/);
});

E('no password needed when nothing switches; pg files missing are refused', () => {
	const noPw = want();
	delete noPw.password;
	assert.is(act(plan(cur({ local: pgFiles() }), noPw, CTX)).mode, 'ensure');
	const noHba = pgFiles();
	delete noHba.hba;
	assert.match(refused(plan(cur({ local: noHba }), want(), CTX)), /no \/var\/lib\/pgsql\/data\/pg_hba\.conf: the database files are not on this host/);
});

E('sqlite with two MNs: allowed, with the service-node warning; one MN: no warning', () => {
	const two = act(plan(cur(), want({ type: 'sqlite' }), CTX));
	assert.is(two.mode, 'ensure');
	assert.equal(two.ensure.edits, []);
	assert.match(two.warnings.join('\n'), /service nodes cannot use it/);
	assert.equal(act(plan(cur(), want({ type: 'sqlite', addresses: [MN1] }), CTX)).warnings, []);
});

E('xcatd on another engine than cfgloc: warned', () => {
	const p = act(plan(cur({ local: pgFiles(), xcatd: { load: 'loaded', active: 'active', enabled: '', engine: 'sqlite' } }), want(), CTX));
	assert.match(p.warnings.join('\n'), /xcatd runs on sqlite but \/etc\/xcat\/cfgloc says postgresql/);
});

E.run();

const H = suite('xcat_db plan: shared data');

H('shared data holding another type than asked: refused naming both', () => {
	const shared = { ...files({ root: '/HA', cfgloc: 'mysql:dbname=xcatdb;host=x|xcatadmin|p\n' }), linked: false };
	assert.match(
		refused(plan(cur({ shared }), want(), CTX)),
		/^the shared data at \/HA holds a mysql database \(\/HA\/etc\/xcat\/cfgloc\), but type is postgresql/,
	);
	const sqliteShared = { ...files({ root: '/HA' }), linked: false };
	assert.match(
		refused(plan(cur({ local: pgFiles(), shared: sqliteShared }), want(), CTX)),
		/holds a sqlite database \(SQLite tables in \/HA\/etc\/xcat and no cfgloc\)/,
	);
});

H('shared data with no xCAT data yet: the normal switch', () => {
	const shared = { ...files({ root: '/HA', xcatDir: false, sqliteTables: false }), linked: false };
	assert.is(act(plan(cur({ shared }), want(), CTX)).mode, 'switch');
});

H('the standby: shared data holds postgresql, own /etc/xcat still sqlite -> no switch, the shared files checked', () => {
	const shared = { ...pgFiles({ root: '/HA', hba: HBA_OK.replace(`${hbaLine(MN2)}\n`, '') }), linked: false };
	const noPw = want();
	delete noPw.password;
	const p = act(plan(cur({ shared, vipHere: false, xcatd: { load: 'loaded', active: 'inactive', enabled: '' } }), noPw, CTX));
	assert.is(p.mode, 'shared');
	assert.is(p.switch, undefined);
	assert.equal(
		p.ensure.edits.map((e) => e.path),
		['/HA/var/lib/pgsql/data/pg_hba.conf'],
	);
	assert.equal(planCommands(p), [], 'no reload: the database does not run from here');
	assert.match(p.msg, /already holds the postgresql database, so this node's own sqlite database is not switched/);
});

H('/etc/xcat already linked to the shared data: the shared one is the local one', () => {
	const local = pgFiles();
	const p = act(plan(cur({ local, shared: { ...local, root: '/HA', linked: true } }), want(), CTX));
	assert.is(p.mode, 'ensure');
});

H.run();

const A = suite('xcat_db arguments');
const args = (a: Partial<Args>): Args =>
	({
		type: 'postgresql',
		vip: VIP,
		addresses: [MN1, MN2],
		pg_data: '/var/lib/pgsql/data',
		pg_service: 'postgresql',
		mysql_data: '/var/lib/mysql',
		mysql_service: 'mariadb',
		...a,
	}) as Args;

A('good arguments pass and normalise', () => {
	assert.equal(checkArgs(args({ password: 'Abc123', path: '/HA' })), []);
	assert.equal(toDesired(args({ path: '/HA' })), {
		type: 'postgresql',
		vip: VIP,
		addresses: [MN1, MN2],
		pgData: '/var/lib/pgsql/data',
		pgConf: '/var/lib/pgsql/data',
		pgSetup: 'pgsqlsetup',
		pgService: 'postgresql',
		mysqlData: '/var/lib/mysql',
		mysqlService: 'mariadb',
		path: '/HA',
	});
});

A('each bad value is named with what is allowed; the password is never echoed', () => {
	const one = (a: Partial<Args>) => checkArgs(args(a)).join(' | ');
	assert.is(one({ vip: '198.51.100.300' }), 'value of vip must be an IPv4 address in dotted-quad form (e.g. 198.51.100.10), got: "198.51.100.300"');
	assert.is(one({ vip: 'fd00::1' }), 'value of vip is an IPv6 address (fd00::1): IPv6 is not supported yet, give an IPv4 address');
	assert.is(one({ addresses: [MN1, '127.0.0.1'] }), 'value of addresses[1] must be a unicast host address, got: 127.0.0.1 (it is a loopback address)');
	assert.is(
		one({ addresses: [MN1, 'mn2; reboot'] }),
		'value of addresses[1] must be an IPv4 address in dotted-quad form (e.g. 198.51.100.10), got: "mn2; reboot"',
	);
	assert.is(one({ addresses: [MN1, MN1] }), 'addresses must name each management node once, got 198.51.100.11 twice');
	assert.is(one({ addresses: [MN1, VIP] }), "addresses must be the management nodes' own addresses, not the vip (198.51.100.10)");
	assert.is(one({ path: '/HA/../etc' }), `value of path must be an absolute path without '.' or '..' components, got: "/HA/../etc"`);
	assert.is(one({ path: '/HA/' }), `value of path must not end with '/', got: "/HA/"`);
	assert.is(one({ path: '/' }), 'value of path must be the shared root, not /');
	assert.is(one({ password: 'se cret' }), 'value of password must be letters and digits only (pgsqlsetup refuses anything else)');
	assert.is(one({ password: 'Cluster' }), "value of password must not be xCAT's documented default password: choose a secret one (from a vault)");
});

A.run();

const R = suite('xcat_db rows');
const dump = (rows: string[]) => `#key,value,comments,disable\n${rows.map((r) => `${r}\n`).join('')}`;

R('rows of a dump are compared as sets per table, in any order', () => {
	const before = rowsOfDump(
		new Map([
			['site.csv', dump(['"a","1",,', '"b","2",,'])],
			['mac.csv', dump([])],
		]),
	);
	assert.equal(counts(before), { mac: 0, site: 2 });
	assert.equal(
		compareRows(
			before,
			rowsOfDump(
				new Map([
					['site.csv', dump(['"b","2",,', '"a","1",,'])],
					['mac.csv', dump([])],
				]),
			),
		),
		[],
	);
	assert.equal(compareRows(before, rowsOfDump(new Map([['site.csv', dump(['"a","1",,', '"b","3",,'])]]))), [
		'site: 2 rows before, 2 after (1 lost or changed, 1 new)',
	]);
	assert.equal(compareRows(before, new Map()), ['site: missing (had 2 rows)']);
	assert.throws(() => rowsOfDump(new Map([['site.csv', 'not a dump']])), /site\.csv of the dump is not tabdump output/);
});

R.run();
