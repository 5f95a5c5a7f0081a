// mysqlsetup as far as this machine allows: option errors, password checks, the host file, the
// init path without a server (config, systemctl calls, then the failing root session), and the
// path real mysqlsetup takes when MariaDB already runs, against a throwaway MariaDB on
// 127.0.0.1:53306: the SQL it issues, the grants, cfgloc, the restore, and no password in any
// argv. The full `mysqlsetup -i` with systemd runs on the lab.
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LocalMariadb, Root } from './harness';
import { ALREADY_CONFIGURED, hostfileHosts } from '../src/commands/mysqlsetup';
import { TABLE_NAMES } from '../src/schema';

const S = suite('mysqlsetup');
const ADMIN = 'Adm1nPw',
	ROOTPW = 'R00tPw';
const PWS = { XCATMYSQLADMIN_PW: ADMIN, XCATMYSQLROOT_PW: ROOTPW };
let root: Root;
let my: LocalMariadb | undefined;

/** A mariadb on PATH that records its argv and stdin, then runs the real client. */
function shim(r: Root): Record<string, string> {
	const bin = r.file('shim');
	mkdirSync(bin, { recursive: true });
	writeFileSync(join(bin, 'mariadb'), `#!/bin/sh\necho "$*" >> ${r.file('mariadb.argv')}\ntee -a ${r.file('mariadb.sql')} | /usr/bin/mariadb "$@"\n`);
	chmodSync(join(bin, 'mariadb'), 0o755);
	return { PATH: `${bin}:${r.env.PATH}` };
}

S.before(() => {
	root = new Root('mysqlsetup', { MYSQL_TCP_PORT: '53306' });
	root.ok('xcatconfig', '-d');
});
S.after(() => {
	root?.remove();
	my?.stop();
});

const usage = 'Usage:\nmysqlsetup - Performs the setup of MySQL or MariaDB for xCAT to use as its database. See man mysqlsetup for more information.\n';

S('options: usage, one of -i/-u/-o, -i with -u, -u without -f, a missing -f file', () => {
	const none = root.run('mysqlsetup', []);
	assert.is(none.status, 1);
	assert.ok(none.stdout.startsWith(`Either -i or -u or -o flag must be chosen\n${usage}`));
	const h = root.run('mysqlsetup', ['-h']);
	assert.equal([h.status, h.stdout.startsWith(usage)], [0, true]);
	assert.is(root.run('mysqlsetup', ['-x']).status, 1);
	const iu = root.run('mysqlsetup', ['-i', '-u']);
	assert.equal([iu.status, iu.stderr], [1, ' The -i and -u flags may not be input to the command. Use one or the other. \n \n']);
	const u = root.run('mysqlsetup', ['-u']);
	assert.equal(
		[u.status, u.stderr],
		[
			1,
			' The -u flag requires the -o flag or the  -f flag pointing to a file that contains the list of hosts that you would like to add to database access.\n',
		],
	);
	const f = root.run('mysqlsetup', ['-u', '-f', '/nonexistent']);
	assert.equal([f.status, f.stderr], [1, ' The -f flag is pointing to a non-existing file.\n']);
});

S('passwords: not alphanumeric in the environment; none given is refused (no prompt in the double)', () => {
	const bad = root.run('mysqlsetup', ['-i'], { XCATMYSQLADMIN_PW: 'a-b', XCATMYSQLROOT_PW: ROOTPW });
	assert.equal([bad.status, bad.stderr], [1, ' The password in the env variable XCATMYSQLADMIN_PW is not alpha-numeric.\n']);
	const badRoot = root.run('mysqlsetup', ['-i'], { XCATMYSQLADMIN_PW: ADMIN, XCATMYSQLROOT_PW: 'x y' });
	assert.equal([badRoot.status, badRoot.stderr], [1, ' The password in the env variable XCATMYSQLROOT_PW is not alpha-numeric.\n']);
	const none = root.run('mysqlsetup', ['-i'], { XCATMYSQLROOT_PW: ROOTPW });
	assert.is(none.status, 1);
	assert.ok(none.stdout.endsWith('Input the alpha-numberic  password for xcatadmin in the MySQL database: \n'));
	assert.is(none.stderr, 'The input password  is not alpha-numeric. Rerun the command an input an alpha-numeric password.\n');
});

S('the host file: one host per line, chop()ed as Perl does', () => {
	assert.equal(hostfileHosts('sn1\n10.0.0.%\n%.cluster.net\n'), ['sn1', '10.0.0.%', '%.cluster.net']);
	assert.equal(hostfileHosts('sn1\nsn22'), ['sn1', 'sn2']);
	assert.equal(hostfileHosts(''), []);
});

S(
	"-i without a running server: bind lines of /etc/mysql/my.cnf commented (Debian's 50-server.cnf untouched), mariadb started and enabled, then the root session fails",
	() => {
		const r = new Root('mysqlsetup-init');
		try {
			r.ok('xcatconfig', '-d');
			mkdirSync(r.file('etc/mysql/mariadb.conf.d'), { recursive: true });
			writeFileSync(r.file('etc/mysql/mariadb.conf.d/50-server.cnf'), '[mysqld]\nuser = mysql\nbind-address            = 127.0.0.1\n');
			writeFileSync(r.file('etc/mysql/mariadb.cnf'), '[client-server]\n!includedir /etc/mysql/mariadb.conf.d/\n');
			symlinkSync('mariadb.cnf', r.file('etc/mysql/my.cnf'));
			mkdirSync(r.file('var/lib/mysql/mysql'), { recursive: true }); // initialised by the package
			const res = r.run('mysqlsetup', ['-i'], { ...PWS, XCAT_DOUBLE_NOXCATD: '1', XCATBYPASS: '', MYSQL_UNIX_PORT: r.file('no.sock') });
			if (/MySQL is running/.test(res.stdout)) return; // a MariaDB of this machine runs: that path is tested below
			assert.is(res.status, 1);
			assert.is(
				readFileSync(r.file('etc/mysql/mariadb.conf.d/50-server.cnf'), 'utf8'),
				'[mysqld]\nuser = mysql\nbind-address            = 127.0.0.1\n',
				'the server still listens on localhost only',
			);
			assert.not.ok(lstatSync(r.file('etc/mysql/my.cnf')).isSymbolicLink(), 'mv -f replaced the link with a file');
			assert.is(readFileSync(r.file('etc/mysql/my.cnf'), 'utf8'), '[client-server]\n!includedir /etc/mysql/mariadb.conf.d/\n');
			assert.is(readFileSync(r.file('systemctl.log'), 'utf8'), 'start mariadb\nis-active --quiet mariadb\nenable --quiet mariadb\nstop xcatd\n');
			assert.is(
				res.stdout,
				'Warning, mysqladmin -u root password command failed, trying to set root password in MySQL. If root id has been defined in MySQL, and has a password then this message can be ignored.\n' +
					'Backing up xCAT Database to /root/xcat-dbback.\nThis could take several minutes.\nShutting down the xcatd daemon during database migration.\n',
			);
			assert.match(res.stderr, /^Failed creating database\. ERROR 2002 \(HY000\): Can't connect to local server through socket/);
			assert.ok(existsSync(r.file('root/xcat-dbback/site.csv')));
			assert.not.ok(existsSync(r.file('etc/xcat/cfgloc')));
		} finally {
			r.remove();
		}
	},
);

S('-i with MariaDB running: xcatd must answer for the backup', () => {
	my = new LocalMariadb();
	const r = new Root('mysqlsetup-noxcatd');
	try {
		r.ok('xcatconfig', '-d');
		const res = r.run('mysqlsetup', ['-i'], { ...PWS, XCATBYPASS: '', XCATHOST: '127.0.0.1:1', MYSQL_UNIX_PORT: my.socket });
		assert.is(res.status, 1);
		assert.is(
			res.stdout,
			'MySQL is running.  Database initialization will not take place.\nBacking up xCAT Database to /root/xcat-dbback.\nThis could take several minutes.\n',
		);
		assert.is(res.stderr, ' dumpxCATdb -p /root/xcat-dbback failed.\n');
	} finally {
		r.remove();
	}
});

S('-i -f with MariaDB running: database, grants, cfgloc, restore; no password on any command line', () => {
	const env = { ...PWS, XCAT_DOUBLE_NOXCATD: '1', XCATBYPASS: '', MYSQL_UNIX_PORT: my!.socket, MYSQL_TCP_PORT: '53306', ...shim(root) };
	root.ok('chtab', 'key=master', 'site.value=127.0.0.1'); // the server listens there only
	writeFileSync(root.file('hosts'), 'sn1\n10.0.0.%\n');
	const before = Object.fromEntries(TABLE_NAMES.map((t) => [t, root.ok('tabdump', t)]));
	const res = root.run('mysqlsetup', ['-i', '-f', '/hosts'], env);
	assert.is(res.stderr, '');
	assert.is(res.status, 0);
	assert.is(
		res.stdout,
		[
			'MySQL is running.  Database initialization will not take place.',
			'Backing up xCAT Database to /root/xcat-dbback.\nThis could take several minutes.',
			'Shutting down the xcatd daemon during database migration.',
			'Restoring the xCAT Database with /root/xcat-dbback to MySQL database.\nThis could take several minutes.',
			'xCAT is now running on the MySQL database.',
			'',
		].join('\n'),
	);
	assert.is(readFileSync(root.file('systemctl.log'), 'utf8'), 'stop xcatd\nrestart xcatd\n');
	const cfgloc = `mysql:dbname=xcatdb;host=127.0.0.1|xcatadmin|${ADMIN}\n`;
	assert.is(readFileSync(root.file('etc/xcat/cfgloc'), 'utf8'), cfgloc);
	assert.is(readFileSync(root.file('etc/xcat/cfgloc.mysql'), 'utf8'), cfgloc);
	assert.is(statSync(root.file('etc/xcat/cfgloc')).mode & 0o777, 0o600);
	assert.not.ok(existsSync(root.file('etc/xcat/cfgloc.olddb'))); // SQLite had no cfgloc
	assert.is(my!.sql("SELECT host FROM mysql.user WHERE user = 'xcatadmin' ORDER BY host"), '%\n10.0.0.%\n127.0.0.1\nsn1\n');
	assert.is(my!.sql("SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.schemata WHERE schema_name = 'xcatdb'"), 'latin1\n');
	const sql = readFileSync(root.file('mariadb.sql'), 'utf8');
	assert.ok(
		sql.includes(
			`CREATE DATABASE xcatdb;ALTER DATABASE xcatdb DEFAULT CHARACTER SET latin1;\nCREATE USER xcatadmin IDENTIFIED BY '${ADMIN}';\nGRANT ALL on xcatdb.* TO xcatadmin@'127.0.0.1' IDENTIFIED BY '${ADMIN}';`,
		),
	);
	assert.ok(sql.includes(`GRANT ALL on xcatdb.* TO xcatadmin@'10.0.0.%' IDENTIFIED BY '${ADMIN}';`));
	const argv = readFileSync(root.file('mariadb.argv'), 'utf8');
	assert.not.match(argv, ADMIN);
	assert.not.match(argv, ROOTPW);
	assert.match(argv, /--protocol=TCP --host=127\.0\.0\.1 --user=xcatadmin --database=xcatdb --connect-timeout=5/);
	for (const t of TABLE_NAMES) {
		const sorted = (s: string) => s.split('\n').sort().join('\n');
		assert.is(sorted(root.ok('tabdump', t)), sorted(before[t]!), t);
	}
	assert.is(
		root.ok('lsxcatd', '-d'),
		'cfgloc=mysql:dbname=xcatdb;host=127.0.0.1|xcatadmin\ndbengine=mysql\ndbname=xcatdb\ndbhost=127.0.0.1\ndbadmin=xcatadmin\n',
	);
});

S('-i again: already configured, nothing asked, nothing done', () => {
	const res = root.run('mysqlsetup', ['-i'], { MYSQL_UNIX_PORT: my!.socket });
	assert.equal([res.status, res.stderr], [0, '']);
	assert.is(res.stdout, `MySQL is running.  Database initialization will not take place.\n${ALREADY_CONFIGURED}\n`);
	assert.is(
		ALREADY_CONFIGURED,
		"The /etc/xcat/cfgloc file is already configured for MySQL and xCAT is using mysql or mariadb as it's database. No xCAT setup is required.",
	);
});

S("-u -f: grants each listed host; a server that cannot be reached stops it with the client's error", () => {
	writeFileSync(root.file('more'), '%.xcat.lab\n');
	const ok = root.run('mysqlsetup', ['-u', '-f', '/more'], { ...PWS, MYSQL_UNIX_PORT: my!.socket });
	assert.equal([ok.status, ok.stdout, ok.stderr], [0, '', '']);
	assert.match(my!.sql("SHOW GRANTS FOR xcatadmin@'%.xcat.lab'"), /GRANT ALL PRIVILEGES ON `xcatdb`\.\* TO `xcatadmin`@`%\.xcat\.lab`/);
	const down = root.run('mysqlsetup', ['-u', '-f', '/more'], { ...PWS, MYSQL_UNIX_PORT: root.file('no.sock') });
	assert.is(down.status, 1);
	assert.match(down.stderr, /^Failed adding {2}hosts\. ERROR 2002 \(HY000\)/);
});

S.run();
