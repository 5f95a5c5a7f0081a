// SQLite and PostgreSQL give the same answers; dump/restore keeps every row across them; and the
// PostgreSQL ≥ 15 schema-permission failure of real pgsqlsetup shows up the way it does on xCAT.
// PostgreSQL is a throwaway cluster on 127.0.0.1:55432, stopped at the end.
import { cpSync, writeFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LocalPostgres, Root } from './harness';
import { TABLE_NAMES } from '../src/schema';

const B = suite('SQLite and PostgreSQL');
let pg: LocalPostgres;
let lite: Root;
let post: Root;

function pgRoot(name: string, db: string, host = '127.0.0.1'): Root {
	const root = new Root(name, { PGPORT: '55432' });
	writeFileSync(root.file('etc/xcat/cfgloc'), `Pg:dbname=${db};host=${host}|xcatadm|cluster\n`);
	return root;
}

B.before(() => {
	pg = new LocalPostgres();
	pg.sql('postgres', "CREATE ROLE xcatadm LOGIN PASSWORD 'cluster'");
	for (const db of ['xcatdb', 'xcatcopy']) pg.sql('postgres', `CREATE DATABASE ${db} OWNER xcatadm`);
	pg.sql('postgres', 'CREATE DATABASE xcatbug'); // owned by postgres, as real pgsqlsetup leaves it
	lite = new Root('sqlite');
	post = pgRoot('pg', 'xcatdb');
});
B.after(() => {
	for (const r of [lite, post]) r?.remove();
	pg?.stop();
});

// a group's members come in nodelist order, which PostgreSQL changes on update, as on real xCAT
const sameMembers = (s: string) => s.replace(/^( {4}members=)(.*)$/gm, (_, k: string, v: string) => k + v.split(',').sort().join(','));
const both = (cmd: string, ...args: string[]) => {
	const a = lite.run(cmd, args);
	const b = post.run(cmd, args);
	assert.equal({ ...b, stdout: sameMembers(b.stdout) }, { ...a, stdout: sameMembers(a.stdout) }, `${cmd} ${args.join(' ')}`);
	return a;
};
const sortedLines = (s: string) => s.split('\n').sort().join('\n');

B('lsxcatd -d names the engine', () => {
	assert.is(lite.ok('lsxcatd', '-d'), 'dbengine=SQLite\n');
	assert.is(post.ok('lsxcatd', '-d'), 'cfgloc=Pg:dbname=xcatdb;host=127.0.0.1|xcatadm\ndbengine=Pg\ndbname=xcatdb\ndbhost=127.0.0.1\ndbadmin=xcatadm\n');
});

B('the same commands give the same outputs', () => {
	both('xcatconfig', '-d');
	both('cluster-data', '--computes', '20', '--no-files');
	both('tabdump', 'site');
	both('tabdump', 'policy');
	both('chdef', '-t', 'node', '-o', 'cn[1-20]', 'conserver=sn1');
	both('chdef', 'cn3', '-p', 'groups=rack1');
	both('chdef', 'cn4', 'comments=x');
	both('chtab', 'node=cn5', 'noderes.servicenode+=sn3');
	both('rmdef', 'cn20');
	both('mkdef', '-t', 'group', '-o', 'rack2', 'members=cn1,cn2');
	both('chdef', '-t', 'policy', '1.3', 'name=mn2', 'rule=trusted');
	both('chdef', '-t', 'network', '198_51_100_0-255_255_255_0', 'tftpserver=198.51.100.10');
	for (const args of [
		['-l'],
		['-t', 'group', '-l'],
		['-t', 'site'],
		['-t', 'policy', '-i', 'name,rule'],
		['cn1', '-i', 'servicenode,xcatmaster,postscripts'],
	])
		both('lsdef', ...args);
	both('nodels', 'compute,-cn[1-5]', 'noderes.servicenode', 'nodehm.conserver');
	both('nodels', 'rack1@compute');
	both('gettab', 'node=cn5', 'noderes.servicenode');
	for (const t of TABLE_NAMES) {
		// rows come back in database order: SQLite keeps insertion order, PostgreSQL moves an
		// updated row to the end (docs/xcat-behaviour.md#tabdump: rows in update order)
		const a = lite.run('tabdump', [t]);
		const b = post.run('tabdump', [t]);
		assert.is(b.stdout.split('\n')[0], a.stdout.split('\n')[0]);
		assert.is(sortedLines(b.stdout), sortedLines(a.stdout), t);
	}
});

B('dumpxCATdb from SQLite, restorexCATdb into PostgreSQL: every row kept', () => {
	const copy = pgRoot('pgcopy', 'xcatcopy');
	try {
		assert.is(lite.ok('dumpxCATdb', '-p', '/root/dump'), ' Creating /root/dump for database dump\nBackup Complete.\n');
		cpSync(lite.file('root/dump'), copy.file('root/dump'), { recursive: true });
		const restored = copy.run('restorexCATdb', ['-p', '/root/dump']);
		assert.is(restored.stdout, 'Restore of Database Complete.\n');
		assert.is(restored.stderr, '');
		for (const t of TABLE_NAMES) assert.is(sortedLines(copy.ok('tabdump', t)), sortedLines(lite.ok('tabdump', t)), t);
	} finally {
		copy.remove();
	}
});

B('PostgreSQL 15 without CREATE on schema public: header only, silent restore failure, xcatd refuses', () => {
	const bug = pgRoot('pgbug', 'xcatbug');
	try {
		lite.ok('dumpxCATdb', '-p', '/root/dump');
		const dump = bug.file('root/dump');
		cpSync(lite.file('root/dump'), dump, { recursive: true });
		const t = bug.run('tabdump', ['site']);
		assert.is(t.stdout, '#key,value,comments,disable\n');
		assert.match(t.stderr, /permission denied for schema public/);
		assert.is(t.status, 0);
		const rs = bug.run('restorexCATdb', ['-p', '/root/dump']);
		assert.is(rs.stdout, 'Restore of Database Complete.\n');
		assert.match(rs.stderr, /permission denied for schema public/);
		assert.is(rs.status, 0);
		const d = bug.run('xcatd', ['-f']);
		assert.is(d.status, 1);
		assert.match(d.stderr, /Need xcatdport defined in site table\nDied at \/usr\/sbin\/xcatd line 201\.\n$/);
		pg.sql('xcatbug', 'GRANT CREATE ON SCHEMA public TO xcatadm');
		assert.is(bug.run('restorexCATdb', ['-p', '/root/dump']).stderr, '');
		for (const name of TABLE_NAMES) assert.is(sortedLines(bug.ok('tabdump', name)), sortedLines(lite.ok('tabdump', name)), name);
	} finally {
		bug.remove();
	}
});

B('database unreachable: DBI line on stderr, the header, exit 0; xcatd waits for it, retrying', () => {
	const down = pgRoot('pgdown', 'xcatdb', '127.0.0.1');
	try {
		const t = down.run('tabdump', ['site'], { PGPORT: '1' });
		assert.is(t.stdout, 'ERROR: Unable to open basic site table for configuration\n#key,value,comments,disable\n');
		assert.match(t.stderr, /^DBI connect\('dbname=xcatdb;host=127\.0\.0\.1','xcatadm',\.\.\.\) failed: /);
		assert.is(t.status, 0);
		// real xcatd 2.19 never gives up: four tries (1, 2, 4 s apart; 10 ms with the cost model off), three lines, again
		const d = down.run('xcatd', ['-f'], { PGPORT: '1' }, '', 1500);
		assert.is(d.status, -1, 'still waiting when killed');
		assert.match(
			d.stderr,
			/^Failed to connect to site table after retrying 3 times: DBI connect\('dbname=xcatdb;host=127\.0\.0\.1','xcatadm',\.\.\.\) failed: [\s\S]* at \/opt\/xcat\/lib\/perl\/xCAT\/Table\.pm line 973\.\nCould not connect to the database\. Database handle not defined\.\nCan not open basic site table for configuration, waiting the database to be initialized\.\n/,
		);
		assert.not.match(d.stderr, /Need xcatdport/);
	} finally {
		down.remove();
	}
});

B.run();
