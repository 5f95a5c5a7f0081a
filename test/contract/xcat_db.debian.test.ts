// xcat_db's bundle, run as Ansible runs it, on a fake Debian MN: /etc and /var/lib overlaid in a private
// mount namespace (test/helpers/fake-xcat-db.ts), PostgreSQL 15's package cluster "main" running with its
// config in /etc/postgresql/15/main, fake systemctl/psql/xCAT commands. The fake pgsqlsetup fails as real
// pgsqlsetup does on Debian with PostgreSQL 15, so a Debian path that called it would fail these tests.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hbaLine } from '../../modules/xcat_db/pgconf';
import { makeFakeDbHost, type FakeDbHost } from '../helpers/fake-xcat-db';

const VIP = '198.51.100.10',
	MN1 = '198.51.100.11',
	MN2 = '198.51.100.12';
const UNIT = 'postgresql@15-main',
	DATA = '/var/lib/postgresql/15/main',
	CONF = '/etc/postgresql/15/main';
const PKG_HBA = '# IPv4 local connections:\nhost    all             all             127.0.0.1/32            scram-sha-256\n';
const PKG_CONF = "data_directory = '/var/lib/postgresql/15/main'\n#listen_addresses = 'localhost'\nport = 5432\n";
const ARGS = { type: 'postgresql', vip: VIP, addresses: [MN1, MN2], password: 'S3cretPw', pg_data: DATA, pg_conf: CONF, pg_service: UNIT };

let h: FakeDbHost;
const confFile = (name: string) => h.at(`${CONF}/${name}`);

/** Debian 12 after `apt install postgresql xcat`: the package cluster runs, xCAT on SQLite with xcatd up, the VIP here. */
async function debianMn() {
	h = await makeFakeDbHost(UNIT);
	await mkdir(h.at(CONF), { recursive: true });
	await writeFile(confFile('pg_hba.conf'), PKG_HBA, { mode: 0o640 });
	await writeFile(confFile('postgresql.conf'), PKG_CONF, { mode: 0o644 });
	await mkdir(h.at(DATA), { recursive: true });
	await writeFile(h.at(`${DATA}/PG_VERSION`), '15\n');
	await h.unit(UNIT, 'active', 'enabled');
	await h.unit('xcatd', 'active', 'disabled');
	await h.set('vip', VIP);
}
// the reads: unit states, addresses, xcatd, tables, and the catalogue query (psql -A -t)
const changing = (calls: string[]) => calls.filter((c) => !/^(systemctl show|ip |lsxcatd|tabdump)/.test(c) && !c.includes(' -A -t '));
const sqlLog = async () => h.read('sql');

let usable = true;
const D = suite('xcat_db on Debian: the module sets xcatdb up in the package cluster');
D.before(async () => {
	await debianMn();
	// an overlay mount needs root (CAP_SYS_ADMIN); elsewhere these tests cannot run, and say so
	await h.run({ ...ARGS, type: 'sqlite' }).catch((e: Error) => {
		usable = false;
		console.log(`SKIPPED: xcat_db on Debian needs a private mount namespace with overlays: ${e.message.split('\n').slice(-2).join(' ')}`);
	});
	await h.remove();
});
D.before.each(debianMn);
D.after.each(async () => {
	await h.remove();
});

D('switch sqlite -> postgresql: commands in order, no pgsqlsetup, edits in pg_conf, cfgloc naming the VIP, every row proved', async () => {
	if (!usable) return;
	const { result, stdout } = await h.run(ARGS);
	assert.is(result.failed, undefined, result.msg);
	assert.equal([result.changed, result.switched, result.mode, result.type_before], [true, true, 'switch', 'sqlite']);
	assert.equal(result.rows, { nodelist: 1, site: 2 });
	const dir = result.backup_dir as string;
	assert.match(dir, /^\/var\/lib\/xcat-ha\/xcat_db\/\d{8}T\d{6}Z-sqlite$/);
	const calls = changing(await h.calls());
	assert.equal(calls, [
		'systemctl stop xcatd',
		`dumpxCATdb -p ${dir}`,
		`systemctl restart ${UNIT}`,
		'runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d postgres',
		'runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d xcatdb -c GRANT CREATE ON SCHEMA public TO xcatadm',
		`restorexCATdb -p ${dir}`,
		`dumpxCATdb -p ${dir}-after`,
		'systemctl start xcatd',
	]);
	assert.not.ok(
		(await h.calls()).some((c) => c.startsWith('pgsqlsetup')),
		'pgsqlsetup never runs on the Debian path',
	);
	assert.ok(
		(await h.calls()).some((c) => c.startsWith('runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -A -t -d postgres -c SELECT')),
		'the cluster was read first',
	);
	assert.match(await sqlLog(), /-d postgres\nCREATE ROLE xcatadm LOGIN PASSWORD 'S3cretPw';\nCREATE DATABASE xcatdb;\n/);
	assert.not.ok(stdout.includes('S3cretPw'), 'the password is in no output');
	assert.is(await readFile(join(h.etc, 'xcat/cfgloc'), 'utf8'), `Pg:dbname=xcatdb;host=${VIP}|xcatadm|S3cretPw\n`);
	assert.is(
		await readFile(confFile('pg_hba.conf'), 'utf8'),
		`# IPv4 local connections:\n${[VIP, MN1, MN2].map(hbaLine).join('\n')}\nhost    all             all             127.0.0.1/32            scram-sha-256\n`,
	);
	assert.match(await readFile(confFile('postgresql.conf'), 'utf8'), new RegExp(`\nlisten_addresses = 'localhost,${VIP},${MN1},${MN2}'`));
	assert.is(await readFile(confFile('pg_hba.conf.xcat-ha.orig'), 'utf8'), PKG_HBA, "the package's file is kept");
	assert.not.ok(existsSync(h.at(`${DATA}/pg_hba.conf`)), 'nothing written in the data directory');
	assert.equal(result.files.sort(), [`${CONF}/pg_hba.conf`, `${CONF}/postgresql.conf`, '/etc/xcat/cfgloc']);
	assert.is(await h.unitState(UNIT), 'active enabled');
	assert.is(await h.unitState('xcatd'), 'active disabled');
});

D('check mode shows the same commands and the real diffs of pg_conf, and changes nothing', async () => {
	if (!usable) return;
	const { result } = await h.run(ARGS, { check: true, diff: true });
	assert.is(result.failed, undefined, result.msg);
	assert.equal(
		result.commands.map((c: string[]) => c.slice(0, 2).join(' ')),
		['systemctl stop', 'env XCATBYPASS=1', `systemctl restart`, 'runuser -u', 'runuser -u', 'env XCATBYPASS=1', 'systemctl start'],
	);
	assert.equal(
		result.diff.map((d: { before_header: string }) => d.before_header.replace(/ \(before\)$/, '')),
		['/etc/xcat/cfgloc', `${CONF}/pg_hba.conf`, `${CONF}/postgresql.conf`],
	);
	assert.is(result.diff[1].before, PKG_HBA);
	assert.equal(changing(await h.calls()), []);
	assert.is(await readFile(confFile('pg_hba.conf'), 'utf8'), PKG_HBA);
});

D('a restore that fails: everything put back as found (files, no .orig, role and database dropped, the cluster told, xcatd on SQLite)', async () => {
	if (!usable) return;
	await h.set('fail-restore');
	const { result } = await h.run(ARGS);
	assert.is(result.failed, true);
	assert.match(result.msg, /^switching xCAT's database from sqlite to postgresql failed: .*restorexCATdb.*The previous configuration is back: /);
	assert.is(result.restored, true, result.msg);
	assert.match(result.msg, /the new database xcatdb and role xcatadm dropped/);
	const calls = changing(await h.calls());
	assert.equal(calls.slice(calls.indexOf(`restorexCATdb -p ${result.backup_dir}`)), [
		`restorexCATdb -p ${result.backup_dir}`,
		'systemctl stop xcatd',
		'runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d postgres',
		`systemctl restart ${UNIT}`,
		'systemctl start xcatd',
	]);
	assert.match(await sqlLog(), /DROP DATABASE IF EXISTS xcatdb;\nDROP ROLE IF EXISTS xcatadm;/);
	assert.is(await h.read('pg/databases'), 'postgres\n');
	assert.is(await h.read('pg/roles'), '');
	assert.is(await readFile(confFile('pg_hba.conf'), 'utf8'), PKG_HBA);
	assert.is(await readFile(confFile('postgresql.conf'), 'utf8'), PKG_CONF);
	assert.equal((await readdir(h.at(CONF))).sort(), ['pg_hba.conf', 'postgresql.conf'], 'no .xcat-ha.orig left');
	assert.not.ok(existsSync(join(h.etc, 'xcat/cfgloc')), 'no cfgloc: xCAT on SQLite');
	assert.ok(
		(await readdir(join(h.etc, 'xcat'))).some((n) => n.startsWith('cfgloc.xcat-ha-failed-')),
		'the failed cfgloc kept aside',
	);
	assert.is(await h.unitState(UNIT), 'active enabled');
	assert.is(await h.unitState('xcatd'), 'active disabled');
});

D('the cluster already holds xcatdb: refused, saying so; nothing changed', async () => {
	if (!usable) return;
	await h.set('pg/databases', 'postgres\nxcatdb\n');
	const { result } = await h.run(ARGS);
	assert.is(result.failed, true);
	assert.match(result.msg, /the cluster of postgresql@15-main already holds a database named xcatdb.*nothing was changed$/);
	assert.equal(changing(await h.calls()), []);
	assert.is(await readFile(confFile('pg_hba.conf'), 'utf8'), PKG_HBA);
});

D('the cluster holds another database: refused, naming it', async () => {
	if (!usable) return;
	await h.set('pg/databases', 'postgres\nwiki\n');
	const { result } = await h.run(ARGS);
	assert.match(result.msg, /holds other databases \(wiki\)/);
	assert.equal(changing(await h.calls()), []);
});

D('ensure on Debian (xCAT already on PostgreSQL): pg_hba.conf and listen_addresses fixed in pg_conf, the instance restarted, xcatd proved', async () => {
	if (!usable) return;
	await writeFile(join(h.etc, 'xcat/cfgloc'), `Pg:dbname=xcatdb;host=${VIP}|xcatadm|S3cretPw\n`, { mode: 0o600 });
	await writeFile(confFile('pg_hba.conf'), `# IPv4 local connections:\n${hbaLine(VIP)}\n${hbaLine(MN1)}\n`);
	await writeFile(confFile('postgresql.conf'), `listen_addresses = 'localhost,${VIP},${MN1}'\n`);
	await h.set('pg/databases', 'postgres\nxcatdb\n');
	await h.set('pg/roles', 'xcatadm\n');
	await mkdir(join(h.dir, 'pg/xcatdb'));
	await h.set('pg/xcatdb/site.csv', '#key,value,comments,disable\n"master","198.51.100.10",,\n');
	const { result } = await h.run(ARGS);
	assert.is(result.failed, undefined, result.msg);
	assert.equal([result.mode, result.changed], ['ensure', true]);
	assert.equal(result.files, [`${CONF}/pg_hba.conf`, `${CONF}/postgresql.conf`]);
	assert.match(await readFile(confFile('pg_hba.conf'), 'utf8'), new RegExp(`${MN2}/32`));
	assert.match(await readFile(confFile('postgresql.conf'), 'utf8'), new RegExp(`listen_addresses = 'localhost,${VIP},${MN1},${MN2}'`));
	assert.equal(changing(await h.calls()), [`systemctl restart ${UNIT}`, 'systemctl restart xcatd']);
	assert.not.ok(
		(await h.calls()).some((c) => c.includes('-A -t -d postgres')),
		'the catalogue is read only before a switch',
	);
});

D.run();

const E = suite('xcat_db on the EL layout (the default) with the same fakes: pgsqlsetup is what runs');
E.before.each(async () => {
	h = await makeFakeDbHost('postgresql');
	await h.unit('postgresql', 'inactive', 'disabled');
	await h.unit('xcatd', 'active', 'disabled');
	await h.set('vip', VIP);
});
E.after.each(async () => {
	await h.remove();
});

E('no pg_conf: pgsqlsetup -i -N runs (here it fails) and the switch is rolled back to SQLite', async () => {
	if (!usable) return;
	const { result } = await h.run({ type: 'postgresql', vip: VIP, addresses: [MN1, MN2], password: 'S3cretPw' });
	assert.is(result.failed, true);
	const calls = changing(await h.calls());
	assert.ok(calls.includes(`pgsqlsetup -i -N -a ${MN1} -a ${MN2} -a ${VIP}`), calls.join('\n'));
	assert.not.ok(
		calls.some((c) => c.startsWith('runuser')),
		'the module sets nothing up itself',
	);
	assert.match(result.msg, /The previous configuration is back/);
	assert.is(await h.unitState('xcatd'), 'active disabled');
});

E.run();
