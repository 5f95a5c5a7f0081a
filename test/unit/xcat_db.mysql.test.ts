import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Desired } from '../../modules/xcat_db/desired';
import { closingLines, grantSqlFor, hostCovers, openNetwork, ungranted } from '../../modules/xcat_db/mycnf';
import { plan, planCommands, shown } from '../../modules/xcat_db/plan';
import { NO_MYSQL, type Current, type DbFiles, type MysqlHere } from '../../modules/xcat_db/probe';
import { act, want as baseWant } from '../helpers/xcat-db-plan';

const VIP = '198.51.100.10',
	MN1 = '198.51.100.11',
	MN2 = '198.51.100.12';
const CTX = { stamp: '20261122T000000Z', backupRoot: '/var/lib/xcat-ha/xcat_db' };

/** The server part of Debian 12's /etc/mysql/mariadb.conf.d/50-server.cnf, as installed. */
const DEBIAN_50_SERVER = `#
# These groups are read by MariaDB server.
# Use it for options that only the server (but not clients) should see

# this is read by the standalone daemon and embedded servers
[server]

# this is only for the mysqld standalone daemon
[mysqld]

#
# * Basic Settings
#

#user                    = mysql
pid-file                = /run/mysqld/mysqld.pid
basedir                 = /usr
#datadir                 = /var/lib/mysql

# Instead of skip-networking the default is now to listen only on
# localhost which is more compatible and is not less secure.
bind-address            = 127.0.0.1

[embedded]

[mariadb]

[mariadb-10.11]
`;

const C = suite('xcat_db mysql: the server listens beyond localhost');

C("Debian's bind-address = 127.0.0.1 is commented out as mysqlsetup would, and nothing else changes", () => {
	const after = openNetwork(DEBIAN_50_SERVER);
	assert.equal(
		closingLines(DEBIAN_50_SERVER).map((c) => c.text),
		['bind-address            = 127.0.0.1'],
	);
	assert.equal(
		after.split('\n').filter((l, i) => l !== DEBIAN_50_SERVER.split('\n')[i]),
		['#bind-address            = 127.0.0.1'],
	);
	assert.is(openNetwork(after), after, 'a second pass changes nothing');
});

C('every server group counts, client groups do not; spellings and values as the server reads them', () => {
	const text = [
		'[client]',
		'bind-address = 127.0.0.1',
		'[mysqld]',
		'bind_address=10.0.0.1',
		'skip-networking',
		'[mariadb-10.11]',
		'skip_networking = ON',
		'bind-address = "127.0.0.1"  # quoted, with a comment',
		'[server]',
		'bind-address = 0.0.0.0',
		'skip-networking = 0',
		'[mariadbd]',
		'bind-address = 10.0.0.1,::',
		'[mysqld_safe]',
		'bind-address = 127.0.0.1',
		'[mariadb]',
		'# bind-address = 127.0.0.1',
		'; skip-networking',
	].join('\n');
	assert.equal(
		closingLines(text).map((c) => c.line),
		[3, 4, 6, 7],
	);
});

C('grant hosts: exact, % and _ wildcards, netmask; names never count as an address', () => {
	assert.ok(hostCovers('%', VIP));
	assert.ok(hostCovers('198.51.100.%', VIP));
	assert.ok(hostCovers('198.51.100.1_', VIP));
	assert.ok(hostCovers(VIP, VIP));
	assert.ok(hostCovers('198.51.100.0/255.255.255.0', MN2));
	assert.not.ok(hostCovers('198.51.100.0/255.255.255.252', MN2));
	assert.not.ok(hostCovers('198.51.100.1', VIP), 'no prefix match');
	assert.not.ok(hostCovers('198.51.100.1.', VIP));
	assert.not.ok(hostCovers('mn1.xcat.lab', MN1));
	assert.not.ok(hostCovers('localhost', '127.0.0.1'));
	assert.equal(ungranted(['localhost', MN1, '198.51.100.12'], [VIP, MN1, MN2, VIP]), [VIP]);
});

C('the grant statements are the ones mysqlsetup sends; the password must be letters and digits', () => {
	assert.is(
		grantSqlFor([VIP, MN2], 's3cret'),
		`GRANT ALL ON xcatdb.* TO 'xcatadmin'@'${VIP}' IDENTIFIED BY 's3cret';\nGRANT ALL ON xcatdb.* TO 'xcatadmin'@'${MN2}' IDENTIFIED BY 's3cret';\n`,
	);
	assert.throws(() => grantSqlFor([VIP], "x'; DROP DATABASE xcatdb; --"), /letters and digits/);
});

C.run();

const MYSQL_VIP = `mysql:dbname=xcatdb;host=${VIP}|xcatadmin|s3cret\n`;
const SERVER_FILE = '/etc/mysql/mariadb.conf.d/50-server.cnf';
const mariadb = (m: Partial<MysqlHere> = {}): MysqlHere => ({
	unit: { load: 'loaded', active: 'active', enabled: 'disabled' },
	optionFiles: [{ path: SERVER_FILE, text: openNetwork(DEBIAN_50_SERVER) }],
	hasXcatdb: true,
	grants: [MN1, MN2, VIP],
	...m,
});
const files = (f: Partial<DbFiles> = {}): DbFiles => ({ root: '', xcatDir: true, sqliteTables: false, pgData: 'absent', cfgloc: MYSQL_VIP, ...f });
const want = (d: Partial<Desired> = {}): Desired => baseWant({ type: 'mysql', ...d });
const cur = (c: Partial<Current> = {}): Current => ({
	local: files(),
	mysql: mariadb(),
	xcatd: { load: 'loaded', active: 'active', enabled: 'disabled' },
	pg: { load: 'not-found', active: 'inactive', enabled: '' },
	vipHere: true,
	tools: { pgsqlsetup: false, mysqlsetup: true },
	...c,
});

const E = suite('xcat_db mysql: every run');

E('all in place: nothing to do', () => {
	const p = act(plan(cur(), want(), CTX));
	assert.is(p.mode, 'ensure');
	assert.equal(p.ensure.edits, []);
	assert.equal(planCommands(p), []);
	assert.equal(p.warnings, []);
});

E('the active MN: bind-address open, the server restarted, then xcatd', () => {
	const p = act(plan(cur({ mysql: mariadb({ optionFiles: [{ path: SERVER_FILE, text: DEBIAN_50_SERVER }] }) }), want(), CTX));
	assert.equal(
		p.ensure.edits.map((e) => [e.path, e.what]),
		[[SERVER_FILE, 'my.cnf']],
	);
	assert.equal(planCommands(p).map(shown), [
		['systemctl', 'restart', 'mariadb'],
		['systemctl', 'restart', 'xcatd'],
	]);
});

E('a missing grant (the VIP, as xcatha.py leaves it): granted through mysql on stdin, the password never shown', () => {
	const p = act(plan(cur({ mysql: mariadb({ grants: [MN1, MN2, 'localhost'] }) }), want(), CTX));
	const cmds = planCommands(p);
	assert.equal(cmds.map(shown), [['mysql', '--batch']]);
	assert.is(cmds[0]!.input, `GRANT ALL ON xcatdb.* TO 'xcatadmin'@'${VIP}' IDENTIFIED BY 's3cret';\n`);
	assert.not.ok(JSON.stringify(cmds.map(shown)).includes('s3cret'));
});

E('a missing grant without a password: a warning that names the hosts', () => {
	const d = want();
	delete d.password;
	const p = act(plan(cur({ mysql: mariadb({ grants: [MN1] }) }), d, CTX));
	assert.equal(planCommands(p), []);
	assert.match(p.warnings.join('\n'), /xcatadmin is not granted xcatdb from 198\.51\.100\.10, 198\.51\.100\.12: give password/);
});

E('grants that cannot be read: a warning, nothing granted', () => {
	const m = mariadb({ grantsUnreadable: 'mysql failed (rc 1): Access denied' });
	delete m.grants;
	const p = act(plan(cur({ mysql: m }), want(), CTX));
	assert.equal(planCommands(p), []);
	assert.match(p.warnings.join('\n'), /grants of xcatadmin could not be read.*Access denied/);
});

E('the standby before linking: its own bind-address opened, no restart (nothing runs), grants not its business', () => {
	const standby = cur({
		local: { root: '', xcatDir: true, sqliteTables: true, pgData: 'absent' },
		shared: { ...files({ root: '/HA' }), linked: false },
		mysql: mariadb({
			unit: { load: 'loaded', active: 'inactive', enabled: 'disabled' },
			optionFiles: [{ path: SERVER_FILE, text: DEBIAN_50_SERVER }],
			hasXcatdb: false,
			grants: [],
		}),
		xcatd: { load: 'loaded', active: 'inactive', enabled: 'disabled' },
	});
	const p = act(plan(standby, want(), CTX));
	assert.is(p.mode, 'shared');
	assert.equal(
		p.ensure.edits.map((e) => e.path),
		[SERVER_FILE],
	);
	assert.equal(planCommands(p), []);
	assert.match(p.warnings.join('\n'), /mariadb does not run here: the changed option files take effect at its next start/);
});

E('a standby without a server unit is warned that it cannot take over', () => {
	const p = act(
		plan(
			cur({
				local: { root: '', xcatDir: true, sqliteTables: true, pgData: 'absent' },
				shared: { ...files({ root: '/HA' }), linked: false },
				mysql: { ...NO_MYSQL },
				xcatd: { load: 'loaded', active: 'inactive', enabled: 'disabled' },
			}),
			want(),
			CTX,
		),
	);
	assert.match(p.warnings.join('\n'), /this node has no mariadb unit: it cannot run the shared database after a failover/);
});

E.run();
