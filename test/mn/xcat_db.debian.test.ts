// xcat_db on Debian's own PostgreSQL layout, on a lab MN with the real PostgreSQL 15 of Debian 12:
// data in /var/lib/postgresql/15/main, configuration in /etc/postgresql/15/main, unit
// postgresql@15-main, the setup done by the module (real pgsqlsetup fails on Debian). The contract
// tests cover the same paths with fake commands; this one proves them on the real server: the
// role and database created, every row kept, the other MN let in through the VIP by the md5 line
// that pgsqlsetup writes while PostgreSQL 15 stores the password as SCRAM, and a rerun that changes
// nothing. Destructive: starts from resetLab().
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ok, on, resetLab, VIP } from '../../tools/lab/lab';
import { allTables, dbOn, MN2, PW, vipOn } from './xcat_db.lab';

const DATA = '/var/lib/postgresql/15/main';
const CONF = '/etc/postgresql/15/main';
const UNIT = 'postgresql@15-main';
const DEBIAN = { pg_data: DATA, pg_conf: CONF, pg_service: UNIT };
const db = dbOn('postgresql');

const D = suite("xcat_db on Debian's PostgreSQL 15 layout (mn1)");

D.before(async () => {
	resetLab();
	// the package's cluster, as a Debian MN has it running before xCAT is switched to it
	await ok('mn1', `systemctl start ${UNIT} && pg_lsclusters -h | grep -q "^15 *main .* online"`);
	await vipOn('mn1');
});

let rowsBefore = '';
D('the switch in the cluster that runs: every row kept, SCRAM password through the md5 line from mn2, xcatd on it', async () => {
	rowsBefore = await allTables('mn1');
	const { result, stdout } = await db('mn1', DEBIAN);
	assert.is(result.failed, undefined, result.msg);
	assert.equal([result.changed, result.switched, result.type_before, result.type], [true, true, 'sqlite', 'postgresql']);
	assert.not.ok(stdout.includes(PW));
	assert.not.ok(
		result.commands.some((c: string[]) => c.includes('pgsqlsetup')),
		'pgsqlsetup is never run on this layout',
	);
	assert.is(await allTables('mn1'), rowsBefore);
	assert.is(await ok('mn1', 'lsxcatd -d | head -1'), `cfgloc=Pg:dbname=xcatdb;host=${VIP}|xcatadm\n`);
	// the edits are in Debian's configuration directory, the data directory keeps none
	assert.match(await ok('mn1', `cat ${CONF}/pg_hba.conf`), new RegExp(`^host    all          all        ${MN2.replace(/\./g, '\\.')}/32      md5$`, 'm'));
	assert.is((await on('mn1', `test -e ${DATA}/pg_hba.conf && echo there || echo absent`)).stdout, 'absent\n');
	// PostgreSQL 15 stores the password as SCRAM; the md5 method accepts it (it falls back to SCRAM)
	assert.match(
		await ok('mn1', `runuser -u postgres -- psql -X -A -t -c "select left(rolpassword, 13) from pg_authid where rolname = 'xcatadm'"`),
		/^SCRAM-SHA-256/,
	);
	const fromMn2 = await on('mn2', `PGPASSWORD=${PW} PGCONNECT_TIMEOUT=5 psql -X -q -A -t -h ${VIP} -U xcatadm -d xcatdb -c "select count(*) from site"`);
	assert.is(fromMn2.status, 0, fromMn2.stderr);
	assert.ok(Number(fromMn2.stdout) >= 35, fromMn2.stdout);
});

D('apply again and check again: unchanged, no command', async () => {
	for (const check of [false, true]) {
		const { result } = await db('mn1', DEBIAN, { check, diff: true });
		assert.is(result.failed, undefined, result.msg);
		assert.equal([result.changed, result.switched, result.type_before], [false, false, 'postgresql']);
		assert.equal(result.commands, []);
	}
	assert.is(await allTables('mn1'), rowsBefore);
});

// Real xCAT 2.19, measured (test/lab/xcat/README.md, xcatd): while its database is down, xcatd denies
// every request (its policy check reads the database first), and serves again once it is back; a
// restart in the meantime waits for the database, its unit activating and its port closed
D('the database stopped under xcatd: every request denied; xcatd restarted meanwhile waits for it, then serves', async () => {
	await ok('mn1', `systemctl stop ${UNIT}`);
	try {
		for (const cmd of ['lsxcatd -a', 'tabdump site']) {
			const r = await on('mn1', cmd);
			assert.equal([r.status, r.stdout, r.stderr], [1, '', 'Error: Permission denied for request\n'], cmd);
		}
		await ok('mn1', 'systemctl stop xcatd && systemctl start --no-block xcatd && sleep 8.5');
		assert.is((await on('mn1', 'systemctl is-active xcatd')).stdout, 'activating\n');
		const log = await ok('mn1', 'tail -12 /var/log/xcat/xcatd.log');
		assert.match(log, /Failed to connect to site table after retrying 3 times: DBI connect\('dbname=xcatdb;host=/);
		assert.match(log, /Can not open basic site table for configuration, waiting the database to be initialized\./);
		assert.is((await on('mn1', 'lsxcatd -a')).status, 111, 'nothing listens yet');
	} finally {
		await ok('mn1', `systemctl start ${UNIT}`);
	}
	// its next attempt finds the database (within 4 s), then it listens
	await ok('mn1', 'for i in $(seq 1 100); do systemctl is-active -q xcatd && break; sleep 0.1; done; systemctl is-active xcatd');
	assert.match(await ok('mn1', 'lsxcatd -a'), /This is a Management Node/);
	assert.is(await allTables('mn1'), rowsBefore);
});

D.run();
