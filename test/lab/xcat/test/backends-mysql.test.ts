// SQLite, PostgreSQL and MariaDB give the same answers for the same commands; dump/restore keeps
// every row across the three; lsxcatd -d names the engine; an unreachable MariaDB gives DBI's
// DBD::mysql line. Servers: PostgreSQL on 127.0.0.1:55432 and MariaDB on 127.0.0.1:53306, both
// throwaway, stopped at the end.
import { cpSync, writeFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LocalMariadb, LocalPostgres, Root } from './harness';
import { TABLE_NAMES } from '../src/schema';

const B = suite('SQLite, PostgreSQL and MariaDB');
let pg: LocalPostgres;
let my: LocalMariadb;
let lite: Root;
let post: Root;
let maria: Root;

/** xcatdb as mysqlsetup makes it: latin1, xcatadmin@'%' and a grant for the client's address */
function mysqlDb(db: string): void {
	my.sql(`CREATE DATABASE ${db}; ALTER DATABASE ${db} DEFAULT CHARACTER SET latin1;
		CREATE USER IF NOT EXISTS xcatadmin IDENTIFIED BY 'cluster';
		GRANT ALL on ${db}.* TO xcatadmin@'127.0.0.1' IDENTIFIED BY 'cluster';`);
}

function mysqlRoot(name: string, db: string, env: Record<string, string> = {}): Root {
	const root = new Root(name, { MYSQL_TCP_PORT: '53306', ...env });
	writeFileSync(root.file('etc/xcat/cfgloc'), `mysql:dbname=${db};host=127.0.0.1|xcatadmin|cluster\n`);
	return root;
}

function pgRoot(name: string, db: string): Root {
	const root = new Root(name, { PGPORT: '55432' });
	writeFileSync(root.file('etc/xcat/cfgloc'), `Pg:dbname=${db};host=127.0.0.1|xcatadm|cluster\n`);
	return root;
}

B.before(() => {
	pg = new LocalPostgres();
	pg.sql('postgres', "CREATE ROLE xcatadm LOGIN PASSWORD 'cluster'");
	for (const db of ['xcatdb', 'xcatcopy']) pg.sql('postgres', `CREATE DATABASE ${db} OWNER xcatadm`);
	my = new LocalMariadb();
	for (const db of ['xcatdb', 'xcatcopy']) mysqlDb(db);
	lite = new Root('sqlite');
	post = pgRoot('pg', 'xcatdb');
	maria = mysqlRoot('mariadb', 'xcatdb');
});
B.after(() => {
	for (const r of [lite, post, maria]) r?.remove();
	pg?.stop();
	my?.stop();
});

// Row order is the database's: SQLite insertion order, PostgreSQL update order, MariaDB (InnoDB)
// primary-key order; a group's members follow nodelist order, so they are compared sorted.
const sameMembers = (s: string) => s.replace(/^( {4}members=)(.*)$/gm, (_, k: string, v: string) => k + v.split(',').sort().join(','));
const sortedLines = (s: string) => s.split('\n').sort().join('\n');
const all = (cmd: string, ...args: string[]) => {
	const a = lite.run(cmd, args);
	for (const other of [post, maria]) {
		const b = other.run(cmd, args);
		assert.equal({ ...b, stdout: sameMembers(b.stdout) }, { ...a, stdout: sameMembers(a.stdout) }, `${cmd} ${args.join(' ')} (${other.dir})`);
	}
	return a;
};

B('lsxcatd -d names the engine', () => {
	assert.is(lite.ok('lsxcatd', '-d'), 'dbengine=SQLite\n');
	assert.is(post.ok('lsxcatd', '-d'), 'cfgloc=Pg:dbname=xcatdb;host=127.0.0.1|xcatadm\ndbengine=Pg\ndbname=xcatdb\ndbhost=127.0.0.1\ndbadmin=xcatadm\n');
	assert.is(
		maria.ok('lsxcatd', '-d'),
		'cfgloc=mysql:dbname=xcatdb;host=127.0.0.1|xcatadmin\ndbengine=mysql\ndbname=xcatdb\ndbhost=127.0.0.1\ndbadmin=xcatadmin\n',
	);
});

B('tables are made as Table.pm makes them on mysql', () => {
	maria.ok('tabdump', 'networks');
	const ddl = my.sql('SHOW CREATE TABLE networks', 'xcatdb');
	assert.match(ddl, /`net` varchar\(128\) NOT NULL/);
	assert.match(ddl, /`gateway` text DEFAULT NULL/);
	assert.match(ddl, /PRIMARY KEY \(`net`,`mask`\)/);
	assert.match(ddl, /CHARSET=latin1/);
});

B('the same commands give the same outputs', () => {
	all('xcatconfig', '-d');
	all('cluster-data', '--computes', '20', '--no-files');
	all('chdef', '-t', 'node', '-o', 'cn[1-20]', 'conserver=sn1');
	all('chdef', 'cn3', '-p', 'groups=rack1');
	all('chdef', 'cn4', 'comments=x');
	all('chtab', 'node=cn5', 'noderes.servicenode+=sn3');
	all('chtab', 'key=quoted', 'site.value=it\'s "q" \\n back\\slash');
	all('chtab', 'key=blank', 'site.value=');
	all('rmdef', 'cn20');
	all('mkdef', '-t', 'group', '-o', 'rack2', 'members=cn1,cn2');
	all('chdef', '-t', 'policy', '1.3', 'name=mn2', 'rule=trusted');
	all('chdef', '-t', 'network', '198_51_100_0-255_255_255_0', 'tftpserver=198.51.100.10');
	for (const args of [
		['-l'],
		['-t', 'group', '-l'],
		['-t', 'site'],
		['-t', 'policy', '-i', 'name,rule'],
		['cn1', '-i', 'servicenode,xcatmaster,postscripts'],
	])
		all('lsdef', ...args);
	all('nodels', 'compute,-cn[1-5]', 'noderes.servicenode', 'nodehm.conserver');
	all('nodels', 'rack1@compute');
	all('gettab', 'node=cn5', 'noderes.servicenode');
	all('gettab', 'key=quoted', 'site.value');
	for (const t of TABLE_NAMES) {
		const a = lite.run('tabdump', [t]);
		for (const other of [post, maria]) {
			const b = other.run('tabdump', [t]);
			assert.is(b.stdout.split('\n')[0], a.stdout.split('\n')[0]);
			assert.is(sortedLines(b.stdout), sortedLines(a.stdout), t);
		}
	}
});

B('MariaDB rows come in key order; == and LIKE ignore case there (latin1_swedish_ci)', () => {
	const keys = maria
		.ok('tabdump', 'site')
		.split('\n')
		.slice(1, -1)
		.map((l) => l.split(',')[0]!.replace(/"/g, ''));
	assert.equal(
		keys,
		[...keys].sort((x, y) => x.toLowerCase().localeCompare(y.toLowerCase())),
	);
	assert.is(maria.ok('tabdump', '-w', 'key==MASTER', 'site'), '#key,value,comments,disable\n"master","198.51.100.11",,\n');
	assert.is(post.ok('tabdump', '-w', 'key==MASTER', 'site'), '#key,value,comments,disable\n');
});

B('dump and restore keep every row: SQLite -> MariaDB -> PostgreSQL', () => {
	const toMaria = mysqlRoot('mycopy', 'xcatcopy');
	const toPg = pgRoot('pgcopy', 'xcatcopy');
	try {
		assert.is(lite.ok('dumpxCATdb', '-p', '/root/dump'), ' Creating /root/dump for database dump\nBackup Complete.\n', 'a new directory');
		cpSync(lite.file('root/dump'), toMaria.file('root/dump'), { recursive: true });
		const restored = toMaria.run('restorexCATdb', ['-p', '/root/dump']);
		assert.equal([restored.stdout, restored.stderr], ['Restore of Database Complete.\n', '']);
		for (const t of TABLE_NAMES) assert.is(sortedLines(toMaria.ok('tabdump', t)), sortedLines(lite.ok('tabdump', t)), t);
		assert.is(toMaria.ok('dumpxCATdb', '-p', '/root/again'), ' Creating /root/again for database dump\nBackup Complete.\n');
		cpSync(toMaria.file('root/again'), toPg.file('root/dump'), { recursive: true });
		assert.is(toPg.run('restorexCATdb', ['-p', '/root/dump']).stderr, '');
		for (const t of TABLE_NAMES) assert.is(sortedLines(toPg.ok('tabdump', t)), sortedLines(lite.ok('tabdump', t)), t);
	} finally {
		toMaria.remove();
		toPg.remove();
	}
});

B('MariaDB unreachable: DBI line on stderr, the header, exit 0; xcatd waits for it, retrying', () => {
	const down = mysqlRoot('mydown', 'xcatdb', { MYSQL_TCP_PORT: '1' });
	try {
		const t = down.run('tabdump', ['site']);
		assert.is(t.stdout, 'ERROR: Unable to open basic site table for configuration\n#key,value,comments,disable\n');
		assert.match(
			t.stderr,
			/^DBI connect\('dbname=xcatdb;host=127\.0\.0\.1','xcatadmin',\.\.\.\) failed: Can't connect to server on '127\.0\.0\.1' \(\d+\)\n$/,
		);
		assert.is(t.status, 0);
		const d = down.run('xcatd', ['-f'], {}, '', 1500);
		assert.is(d.status, -1, 'still waiting when killed');
		assert.match(
			d.stderr,
			/^Failed to connect to site table after retrying 3 times: DBI connect\('dbname=xcatdb;host=127\.0\.0\.1','xcatadmin',\.\.\.\) failed: [\s\S]* at \/opt\/xcat\/lib\/perl\/xCAT\/Table\.pm line 973\.\nCould not connect to the database\. Database handle not defined\.\nCan not open basic site table for configuration, waiting the database to be initialized\.\n/,
		);
	} finally {
		down.remove();
	}
});

B("wrong password: the server's Access denied through DBI", () => {
	const bad = new Root('mybadpw', { MYSQL_TCP_PORT: '53306' });
	try {
		writeFileSync(bad.file('etc/xcat/cfgloc'), 'mysql:dbname=xcatdb;host=127.0.0.1|xcatadmin|wrong\n');
		const t = bad.run('tabdump', ['site']);
		assert.match(
			t.stderr,
			/^DBI connect\('dbname=xcatdb;host=127\.0\.0\.1','xcatadmin',\.\.\.\) failed: Access denied for user 'xcatadmin'@'127\.0\.0\.1' \(using password: YES\)\n$/,
		);
	} finally {
		bad.remove();
	}
});

B.run();
