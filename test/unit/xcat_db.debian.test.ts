// xcat_db's plan on Debian's PostgreSQL layout (data in /var/lib/postgresql/<ver>/main, config in
// /etc/postgresql/<ver>/main, unit postgresql@<ver>-main, a cluster created and started by the package):
// the module sets xcatdb up itself (real pgsqlsetup fails there), and reads/edits the config in pg_conf.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkArgs, toDesired, type Args, type Desired } from '../../modules/xcat_db/desired';
import { hbaLine } from '../../modules/xcat_db/pgconf';
import { plan, planCommands, setupSql, shown } from '../../modules/xcat_db/plan';
import { NO_MYSQL, type Current, type DbFiles } from '../../modules/xcat_db/probe';
import { act, refused, want as baseWant } from '../helpers/xcat-db-plan';

const VIP = '198.51.100.10',
	MN1 = '198.51.100.11',
	MN2 = '198.51.100.12';
const CTX = { stamp: '20261122T000000Z', backupRoot: '/var/lib/xcat-ha/xcat_db' };
const DATA = '/var/lib/postgresql/15/main',
	CONF = '/etc/postgresql/15/main',
	UNIT = 'postgresql@15-main';
/** Debian 12's pg_hba.conf and postgresql.conf as the package writes them (abridged) */
const PKG_HBA = '# IPv4 local connections:\nhost    all             all             127.0.0.1/32            scram-sha-256\n';
const PKG_CONF = "data_directory = '/var/lib/postgresql/15/main'\n#listen_addresses = 'localhost'\t\t# what IP address(es) to listen on;\nport = 5432\n";
const HBA_OK = `# IPv4 local connections:\n${[VIP, MN1, MN2].map(hbaLine).join('\n')}\nhost all all 127.0.0.1/32 trust\n`;
const CONF_OK = `listen_addresses = 'localhost,${VIP},${MN1},${MN2}'\n`;
const PG_VIP = `Pg:dbname=xcatdb;host=${VIP}|xcatadm|s3cret\n`;

const files = (f: Partial<DbFiles> = {}): DbFiles => ({ root: '', xcatDir: true, sqliteTables: true, pgData: 'cluster', hba: PKG_HBA, conf: PKG_CONF, ...f });
const RUNNING = { load: 'loaded', active: 'active', enabled: 'enabled' };
const want = (d: Partial<Desired> = {}): Desired => baseWant({ pgData: DATA, pgConf: CONF, pgSetup: 'module', pgService: UNIT, ...d });
const cur = (c: Partial<Current> = {}): Current => ({
	local: files(),
	xcatd: { load: 'loaded', active: 'active', enabled: 'disabled' },
	pg: RUNNING,
	cluster: { databases: ['postgres'], roles: [] },
	mysql: NO_MYSQL,
	vipHere: true,
	// pgsqlsetup is installed with xCAT-client: the Debian path must not use it anyway
	tools: { pgsqlsetup: true, mysqlsetup: true },
	...c,
});

const O = suite('xcat_db options: pg_conf and pg_setup');
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

O('unset: the EL layout (pg_conf is pg_data) and pgsqlsetup, as before', () => {
	const d = toDesired(args({}));
	assert.equal([d.pgConf, d.pgSetup], ['/var/lib/pgsql/data', 'pgsqlsetup']);
});

O('a pg_conf other than pg_data chooses the module setup; an explicit pg_setup wins', () => {
	assert.is(toDesired(args({ pg_data: DATA, pg_conf: CONF })).pgSetup, 'module');
	assert.is(toDesired(args({ pg_data: DATA, pg_conf: DATA })).pgSetup, 'pgsqlsetup');
	assert.is(toDesired(args({ pg_data: DATA, pg_conf: CONF, pg_setup: 'pgsqlsetup' })).pgSetup, 'pgsqlsetup');
	assert.is(toDesired(args({ pg_setup: 'module' })).pgSetup, 'module');
});

O('pg_conf is checked like the other paths', () => {
	assert.equal(checkArgs(args({ pg_conf: '/etc/postgresql/../15/main' })), [
		`value of pg_conf must be an absolute path without '.' or '..' components, got: "/etc/postgresql/../15/main"`,
	]);
	assert.equal(checkArgs(args({ pg_conf: '/etc/postgresql/15/main/' })), [`value of pg_conf must not end with '/', got: "/etc/postgresql/15/main/"`]);
});

O.run();

const S = suite('xcat_db plan on Debian: switch with the module setup');

S('sqlite -> postgresql in the running package cluster: no pgsqlsetup, access in pg_conf first, psql sets up, restore', () => {
	const p = act(plan(cur(), want(), CTX));
	assert.is(p.mode, 'switch');
	const dir = '/var/lib/xcat-ha/xcat_db/20261122T000000Z-sqlite';
	const psql = ['runuser', '-u', 'postgres', '--', 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1'];
	assert.equal(planCommands(p).map(shown), [
		['systemctl', 'stop', 'xcatd'],
		['env', 'XCATBYPASS=1', 'dumpxCATdb', '-p', dir],
		['systemctl', 'restart', UNIT],
		[...psql, '-d', 'postgres'],
		[...psql, '-d', 'xcatdb', '-c', 'GRANT CREATE ON SCHEMA public TO xcatadm'],
		['env', 'XCATBYPASS=1', 'restorexCATdb', '-p', dir],
		['systemctl', 'start', 'xcatd'],
	]);
	assert.not.ok(
		planCommands(p).some((c) => c.argv.includes('pgsqlsetup')),
		'pgsqlsetup fails on Debian with PostgreSQL > 9',
	);
	const s = p.switch!;
	assert.is(s.setup.input, "CREATE ROLE xcatadm LOGIN PASSWORD 's3cret';\nCREATE DATABASE xcatdb;\n", 'the password on stdin');
	assert.not.ok(JSON.stringify(planCommands(p).map(shown)).includes('s3cret'), 'never shown');
	assert.is(s.writeCfgloc, true);
	assert.is(s.cfgloc, `Pg:dbname=xcatdb;host=${VIP}|xcatadm|s3cret`);
	assert.equal(
		s.access!.map((e) => e.path),
		[`${CONF}/pg_hba.conf`, `${CONF}/postgresql.conf`],
	);
	assert.is(
		s.access![0]!.after,
		`# IPv4 local connections:\n${[VIP, MN1, MN2].map(hbaLine).join('\n')}\nhost    all             all             127.0.0.1/32            scram-sha-256\n`,
	);
	assert.is(
		s.access![1]!.after,
		`${PKG_CONF}listen_addresses = 'localhost,${VIP},${MN1},${MN2}'\t# xcat-ha: the VIP and every MN address\n`,
		"the package's line is a comment: the setting is appended",
	);
	assert.equal(
		p.ensure.edits.map((e) => [e.path, e.after]),
		[['/etc/xcat/cfgloc', PG_VIP]],
	);
});

S('access already right: no reload or restart before the setup', () => {
	const p = act(plan(cur({ local: files({ hba: HBA_OK, conf: CONF_OK }) }), want(), CTX));
	assert.equal(p.switch!.access, []);
	assert.equal(
		planCommands(p).map((c) => (c.argv[0] === 'systemctl' ? c.argv.join(' ') : c.argv[0])),
		['systemctl stop xcatd', 'dumpxCATdb', 'runuser', 'runuser', 'restorexCATdb', 'systemctl start xcatd'],
	);
});

S('only pg_hba.conf to change: a reload is enough', () => {
	const p = act(plan(cur({ local: files({ conf: CONF_OK }) }), want(), CTX));
	assert.equal(p.switch!.prepareDb!.argv, ['systemctl', 'reload', UNIT]);
});

S('pgsqlsetup not installed: not needed', () => {
	act(plan(cur({ tools: { pgsqlsetup: false, mysqlsetup: false } }), want(), CTX));
});

S('refused, naming what the cluster holds or lacks; nothing changed', () => {
	const msg = (c: Partial<Current>, d: Partial<Desired> = {}) => refused(plan(cur(c), want(d), CTX));
	assert.match(
		msg({ cluster: { databases: ['postgres', 'xcatdb'], roles: ['xcatadm'] } }),
		/the cluster of postgresql@15-main already holds a database named xcatdb/,
	);
	assert.match(msg({ cluster: { databases: ['postgres', 'app', 'wiki'], roles: [] } }), /holds other databases \(app, wiki\)/);
	assert.match(msg({ cluster: { databases: ['postgres'], roles: ['xcatadm'] } }), /already has the role xcatadm/);
	assert.match(msg({ cluster: { unreadable: 'psql failed (rc 2): could not connect' } }), /cannot be read \(psql failed \(rc 2\): could not connect\)/);
	assert.match(msg({ pg: { load: 'loaded', active: 'inactive', enabled: 'enabled' } }), /postgresql@15-main is inactive; start it first/);
	assert.match(msg({ pg: { load: 'not-found', active: 'inactive', enabled: '' } }), /there is no postgresql@15-main unit here/);
	assert.match(msg({ local: files({ pgData: 'absent' }) }), /needs the cluster in \/var\/lib\/postgresql\/15\/main, which does not exist/);
	const noHba = files();
	delete noHba.hba;
	assert.match(msg({ local: noHba }), /there is no \/etc\/postgresql\/15\/main\/pg_hba\.conf \(give pg_conf/);
	for (const m of [msg({ cluster: { databases: ['xcatdb'], roles: [] } }), msg({ pg: { load: 'loaded', active: 'failed', enabled: '' } })])
		assert.match(m, /nothing was changed$/);
});

S.run();

const E = suite('xcat_db plan on Debian: ensure and the standby');

E('xCAT on PostgreSQL: pg_hba.conf and listen_addresses read and fixed in pg_conf, the instance unit told', () => {
	const local = files({ cfgloc: PG_VIP, hba: PKG_HBA, conf: CONF_OK });
	const p = act(plan(cur({ local }), want(), CTX));
	assert.is(p.mode, 'ensure');
	assert.equal(
		p.ensure.edits.map((e) => e.path),
		[`${CONF}/pg_hba.conf`],
	);
	assert.equal(
		planCommands(p).map((c) => c.argv),
		[['systemctl', 'reload', UNIT]],
	);
});

E('postgresql.auto.conf (in the data directory) setting listen_addresses: the warning names its real place', () => {
	const local = files({ cfgloc: PG_VIP, hba: HBA_OK, conf: CONF_OK, autoConf: "listen_addresses = '*'\n" });
	const p = act(plan(cur({ local }), want(), CTX));
	assert.match(p.warnings.join('\n'), /\/var\/lib\/postgresql\/15\/main\/postgresql\.auto\.conf sets listen_addresses/);
});

E('the standby (shared data holds PostgreSQL): its own /etc/postgresql is edited, the shared root only for cfgloc', () => {
	// readDbFiles reads the config of a shared root from this host's pg_conf (Debian's config is not shared)
	const shared = { ...files({ root: '/HA', cfgloc: `Pg:dbname=xcatdb;host=${MN1}|xcatadm|s3cret\n`, hba: PKG_HBA, conf: PKG_CONF }), linked: false };
	const p = act(plan(cur({ shared, pg: { load: 'loaded', active: 'inactive', enabled: 'disabled' } }), want({ path: '/HA' }), CTX));
	assert.is(p.mode, 'shared');
	assert.equal(
		p.ensure.edits.map((e) => e.path),
		[`${CONF}/pg_hba.conf`, `${CONF}/postgresql.conf`, '/HA/etc/xcat/cfgloc'],
	);
	assert.equal(planCommands(p), [], 'the database does not run here');
});

E('EL layout with the module setup (pg_setup module, an initialised cluster): the same steps in pg_data', () => {
	const d = want({ pgData: '/var/lib/pgsql/data', pgConf: '/var/lib/pgsql/data', pgService: 'postgresql' });
	const p = act(plan(cur(), d, CTX));
	assert.equal(
		p.switch!.access!.map((e) => e.path),
		['/var/lib/pgsql/data/pg_hba.conf', '/var/lib/pgsql/data/postgresql.conf'],
	);
});

E.run();

const Q = suite('xcat_db setup SQL');
Q('letters and digits only reach the SQL', () => {
	assert.is(setupSql('Abc123'), "CREATE ROLE xcatadm LOGIN PASSWORD 'Abc123';\nCREATE DATABASE xcatdb;\n");
	assert.throws(() => setupSql("x';DROP ROLE postgres;--"), /letters and digits only/);
});
Q.run();
