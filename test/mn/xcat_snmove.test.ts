// xcat_snmove's bundle on the lab hosts, as Ansible runs it: refused on a service node and on the
// standby MN; on mn1 check → apply → apply again → check, with nothing changed by the checks. Then
// xcat_pool's bundle on the same cluster (the lab's xcatd, its SQLite tables): the pool balanced over
// sn1 and sn2, refused off the MN and for a member xCAT does not know as a service node.
// Run: flock /work/main/.lab.lock npx tsx node_modules/uvu/bin.js test/mn 'xcat_snmove\.test\.ts$'
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTabdump } from '../../modules/xcat/tabdump';
import { ok, resetLab, runModuleOn } from '../../tools/lab/lab';

const Module = suite('xcat_snmove on the lab');
const tables = () => ok('mn1', 'tabdump noderes; tabdump nodehm; tabdump nodetype');
const ARGS = { nodes: 'cn3,cn5', dest: 'sn2', ignore_nodes: true }; // made-up nodes: nothing runs on them

Module.before(() => resetLab());

Module('refused on a service node and on the standby MN, in check mode too', async () => {
	for (const check of [true, false]) {
		const sn = await runModuleOn('sn1', 'xcat_snmove', ARGS, { check });
		assert.is(sn.result.failed, true);
		assert.is(
			sn.result.msg,
			'this host is not an xCAT management node (lsxcatd -t says: This is a Service Node); run xcat_snmove on the active management node',
		);
		const standby = await runModuleOn('mn2', 'xcat_snmove', ARGS, { check });
		assert.is(standby.result.failed, true);
		assert.match(standby.result.msg, /^lsxcatd -t failed \(rc 111\): xcatd does not answer on this host, so it is not the active management node/);
	}
});

Module('check → apply → apply again → check: the checks change nothing, the second apply moves nothing', async () => {
	const before = await tables();
	const preview = await runModuleOn('mn1', 'xcat_snmove', ARGS, { check: true, diff: true });
	assert.is(preview.result.changed, true, JSON.stringify(preview.result));
	assert.equal(preview.result.moved, ['cn3', 'cn5']);
	// without dest_node_facing the new xcatmaster is sn2's address in the node's network, as snmove
	// stores it (snmove.pm 420, 500), and the servers that followed the old one follow it
	assert.equal(preview.result.diff.after.cn3, {
		servicenode: 'sn2,sn1',
		xcatmaster: '198.51.100.22',
		tftpserver: '198.51.100.22',
		nfsserver: '198.51.100.22',
		monserver: 'sn2,198.51.100.22',
		conserver: 'sn2',
	});
	assert.equal(
		preview.result.commands.map((c: string[]) => c[0]),
		['chdef', 'makeconservercf', 'nodeset'],
	);
	assert.is(await tables(), before);

	const applied = await runModuleOn('mn1', 'xcat_snmove', ARGS);
	assert.is(applied.result.changed, true, JSON.stringify(applied.result));
	assert.equal(applied.result.commands, preview.result.commands, 'apply ran what check mode promised');
	assert.equal(
		applied.result.steps.map((s: { step: string }) => s.step),
		['probe', 'plan', 'check_destinations', 'database', 'consoles', 'nodeset'],
	);
	const after = await tables();
	assert.match(after, /"cn3","sn2,sn1",,"198\.51\.100\.22",,"198\.51\.100\.22","sn2,198\.51\.100\.22",,,,,,"198\.51\.100\.22",/);
	assert.match(after, /"cn5",,,,,,"sn2",/);
	assert.match(after, /"cn1","sn1,sn2",,"sn1",/, 'cn1 was not in the noderange');

	const again = await runModuleOn('mn1', 'xcat_snmove', ARGS);
	assert.is(again.result.changed, false, JSON.stringify(again.result));
	assert.equal(again.result.commands, []);
	assert.is(again.result.counts.unchanged, 2);
	const recheck = await runModuleOn('mn1', 'xcat_snmove', ARGS, { check: true });
	assert.is(recheck.result.changed, false);
	assert.is(await tables(), after);
});

Module('a selection with a node that has no backup changes nothing and names it', async () => {
	await ok('mn1', 'mkdef -t node -o cn9 groups=compute,all servicenode=sn1 xcatmaster=sn1 >/dev/null');
	const before = await tables();
	const r = await runModuleOn('mn1', 'xcat_snmove', { source: 'sn1', ignore_nodes: true });
	assert.is(r.result.failed, true);
	assert.equal(r.result.no_backup, ['cn9']);
	assert.match(r.result.msg, /^nothing was changed: Could not determine a backup service node/);
	assert.is(await tables(), before);
});

Module.run();

const Pool = suite('xcat_pool on the lab');
const POOL = { members: ['sn1', 'sn2'], noderange: 'compute' };
/** compute node → [servicenode, xcatmaster], from mn1's noderes table */
async function computes(): Promise<Map<string, [string, string]>> {
	const t = parseTabdump(await ok('mn1', 'tabdump noderes'));
	if (!t.ok) throw new Error(t.error);
	const [node, sn, master] = ['node', 'servicenode', 'xcatmaster'].map((c) => t.table.columns.indexOf(c)) as [number, number, number];
	return new Map(t.table.rows.filter((r) => /^cn\d+$/.test(r[node] ?? '')).map((r) => [r[node]!, [r[sn] ?? '', r[master] ?? '']]));
}

Pool('refused on a service node, and for a member without a servicenode row; nothing written', async () => {
	const before = await tables();
	const sn = await runModuleOn('sn1', 'xcat_pool', POOL);
	assert.is(sn.result.failed, true);
	assert.is(sn.result.msg, 'this host is not an xCAT management node (lsxcatd -t says: This is a Service Node); run xcat_pool on the active management node');
	const stranger = await runModuleOn('mn1', 'xcat_pool', { ...POOL, members: ['sn1', 'sn2', 'cn1'] });
	assert.is(stranger.result.failed, true);
	assert.match(stranger.result.msg, /member cn1 has no enabled row in the servicenode table/);
	assert.is(await tables(), before);
});

Pool('check → apply → apply again: first entries even over sn1 and sn2, each node backed by the other, xcatmaster blank', async () => {
	const before = await tables();
	const preview = await runModuleOn('mn1', 'xcat_pool', POOL, { check: true, diff: true });
	assert.is(preview.result.changed, true, JSON.stringify(preview.result));
	assert.is(await tables(), before, 'check mode wrote nothing');

	const applied = await runModuleOn('mn1', 'xcat_pool', POOL);
	assert.is(applied.result.changed, true, JSON.stringify(applied.result));
	assert.equal(applied.result.commands, preview.result.commands, 'apply ran what check mode promised');
	const nodes = await computes();
	assert.ok(nodes.size >= 3, `the lab defines compute nodes: ${[...nodes.keys()]}`);
	const first = { sn1: 0, sn2: 0 } as Record<string, number>;
	for (const [node, [servicenode, xcatmaster]] of nodes) {
		const entries = servicenode.split(',');
		assert.equal([...entries].sort(), ['sn1', 'sn2'], `${node}: ${servicenode}`);
		assert.is(xcatmaster, '', `${node}: xcatmaster blank, as the pool needs`);
		first[entries[0]!]! += 1;
	}
	assert.ok(Math.abs(first.sn1! - first.sn2!) <= 1, JSON.stringify(first));
	assert.equal(
		applied.result.load.map((l: { member: string; first: number }) => [l.member, l.first]),
		[
			['sn1', first.sn1],
			['sn2', first.sn2],
		],
	);

	const after = await tables();
	const again = await runModuleOn('mn1', 'xcat_pool', POOL);
	assert.is(again.result.changed, false, JSON.stringify(again.result));
	assert.equal(again.result.commands, []);
	assert.is(await tables(), after);
});

Pool.run();

// write_with=sql on real PostgreSQL: the lab's xCAT in a separate root on mn1 (XCAT_DOUBLE_ROOT) whose
// database is a PostgreSQL database on mn1 ($XCATCFG, which the double and the module both read, as
// Table.pm does). Each case starts from a freshly created database with the same six nodes on sn1:
// one inheriting its noderes and nodehm rows from its group, one with no nodehm row at all.
const Sql = suite('xcat_snmove and xcat_pool with write_with=sql, on PostgreSQL');
const SQL_ROOT = '/root/xcat-sql-test';
const PASSWORD = "lab 'sql' only";
const XCATCFG = `Pg:dbname=xcatsqltest;host=127.0.0.1|xcatadm|${PASSWORD}`;
const SQL_ENV = { XCAT_DOUBLE_ROOT: SQL_ROOT, XCATCFG };
const inRoot = `export XCAT_DOUBLE_ROOT=${SQL_ROOT} XCATCFG='${XCATCFG.replace(/'/g, `'\\''`)}'`;
const MOVE = { source: 'sn1', dest: 'sn2', dest_node_facing: '198.51.100.22', ignore_nodes: true };
/** the written tables, rows sorted (the order rows come back in is the database's, not xCAT's promise) */
const sqlTables = async () => {
	const out = await ok('mn1', `${inRoot}; for t in noderes nodehm; do tabdump $t | { read -r h; echo "$h"; LC_ALL=C sort; }; done`);
	return out;
};
async function freshDatabase(): Promise<void> {
	await ok(
		'mn1',
		`set -e
		systemctl start postgresql@15-main
		runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -c 'DROP DATABASE IF EXISTS xcatsqltest' -c "DO \\$\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'xcatadm') THEN CREATE ROLE xcatadm LOGIN; END IF; END \\$\\$" -c "ALTER ROLE xcatadm PASSWORD '${PASSWORD.replace(/'/g, "''")}'" -c 'CREATE DATABASE xcatsqltest OWNER xcatadm'
		rm -rf ${SQL_ROOT}; mkdir -p ${SQL_ROOT}/etc/xcat ${SQL_ROOT}/tftpboot; cp /etc/hosts /etc/xCATMN ${SQL_ROOT}/etc/
		${inRoot}
		chtab key=master site.value=198.51.100.11
		chtab key=xcatdport site.value=3001
		chtab node=sn1 servicenode.tftpserver=1
		chtab node=sn2 servicenode.tftpserver=1
		mkdef -t node -o sn1,sn2 groups=service,all >/dev/null
		mkdef -t node -o tn1,tn2,tn3,tn4 groups=compute,all servicenode=sn1,sn2 xcatmaster=sn1 tftpserver=sn1 nfsserver=sn1 monserver=sn1,sn1 conserver=sn1 >/dev/null
		mkdef -t node -o tn5 groups=compute,all servicenode=sn1,sn2 xcatmaster=sn1 tftpserver=sn1 >/dev/null
		chtab node=rack noderes.servicenode=sn1,sn2 noderes.xcatmaster=sn1 noderes.tftpserver=sn1 nodehm.conserver=sn1
		mkdef -t node -o tn6 groups=rack,all >/dev/null`,
	);
}

Sql.after(async () => {
	await ok('mn1', `runuser -u postgres -- psql -X -q -c 'DROP DATABASE IF EXISTS xcatsqltest'; systemctl stop postgresql@15-main; rm -rf ${SQL_ROOT}`);
});

Sql(
	'the rows written by one psql transaction are the rows chdef writes; check mode and the second run change nothing; the password shows nowhere',
	async () => {
		await freshDatabase();
		const byChdef = await runModuleOn('mn1', 'xcat_snmove', { ...MOVE, write_with: 'chdef' }, { env: SQL_ENV });
		assert.is(byChdef.result.changed, true, JSON.stringify(byChdef.result));
		assert.equal(byChdef.result.moved, ['tn1', 'tn2', 'tn3', 'tn4', 'tn5', 'tn6']);
		const chdefRows = await sqlTables();

		await freshDatabase();
		const before = await sqlTables();
		const preview = await runModuleOn('mn1', 'xcat_snmove', { ...MOVE, write_with: 'sql' }, { env: SQL_ENV, check: true, diff: true });
		assert.is(preview.result.changed, true, JSON.stringify(preview.result));
		assert.equal(preview.result.commands[0], [
			'psql',
			'-X',
			'-q',
			'-v',
			'ON_ERROR_STOP=1',
			'--single-transaction',
			'-d',
			'dbname=xcatsqltest host=127.0.0.1 user=xcatadm connect_timeout=10',
			'-f',
			'-',
		]);
		assert.is(await sqlTables(), before, 'check mode wrote nothing');
		const bySql = await runModuleOn('mn1', 'xcat_snmove', { ...MOVE, write_with: 'sql' }, { env: SQL_ENV });
		assert.is(bySql.result.changed, true, JSON.stringify(bySql.result));
		assert.equal(bySql.result.commands, preview.result.commands, 'apply ran what check mode promised');
		assert.equal(bySql.result.diff, byChdef.result.diff);
		assert.equal(
			bySql.result.steps.map((s: { step: string }) => s.step),
			['probe', 'plan', 'check_destinations', 'database', 'consoles'],
		);
		assert.is(await sqlTables(), chdefRows, 'byte-identical rows, tn6 given rows of its own as chdef gives it');
		assert.match(chdefRows, /^"tn6","sn2,sn1",,"198\.51\.100\.22",.*"198\.51\.100\.22",/m, chdefRows);
		for (const run of [preview, bySql]) assert.not.ok(/'sql' only|sql\\?' only/.test(`${run.stdout}${run.stderr}`), 'the password, in no form');

		const again = await runModuleOn('mn1', 'xcat_snmove', { ...MOVE, write_with: 'sql' }, { env: SQL_ENV });
		assert.is(again.result.changed, false, JSON.stringify(again.result));
		assert.is(await sqlTables(), chdefRows);

		// xcat_pool writes its balance the same way. tn6 now has its own xcatmaster over its group rack's:
		// blanking it would show rack's sn1, so the pool refuses tn6 before writing anything, either way
		const shadowed = await runModuleOn('mn1', 'xcat_pool', { members: ['sn1', 'sn2'], noderange: 'tn5,tn6', write_with: 'sql' }, { env: SQL_ENV });
		assert.is(shadowed.result.failed, true, JSON.stringify(shadowed.result));
		assert.match(shadowed.result.msg, 'group rack\'s xcatmaster "sn1" would show through: clear it on the group (chdef -t group -o rack xcatmaster=)');
		assert.is(await sqlTables(), chdefRows);
		const pool = { members: ['sn1', 'sn2'], noderange: 'tn1,tn2,tn3,tn4,tn5' };
		const viaChdef = await runModuleOn('mn1', 'xcat_pool', { ...pool, write_with: 'chdef' }, { env: SQL_ENV });
		assert.is(viaChdef.result.changed, true, JSON.stringify(viaChdef.result));
		const poolChdefRows = await sqlTables();
		await freshDatabase();
		await runModuleOn('mn1', 'xcat_snmove', { ...MOVE, write_with: 'sql' }, { env: SQL_ENV });
		const viaSql = await runModuleOn('mn1', 'xcat_pool', { ...pool, write_with: 'sql' }, { env: SQL_ENV });
		assert.is(viaSql.result.changed, true, JSON.stringify(viaSql.result));
		assert.equal(viaSql.result.commands.length, 1);
		assert.is(await sqlTables(), poolChdefRows);
	},
);

Sql('all or nothing: a write refused half-way leaves every row as it was; refusals change nothing', async () => {
	await freshDatabase();
	const before = await sqlTables();
	// noderes is written first, then nodehm: nodehm refused to xcatadm makes the transaction fail after noderes
	await ok('mn1', `runuser -u postgres -- psql -X -q -d xcatsqltest -c 'REVOKE INSERT, UPDATE ON nodehm FROM xcatadm'`);
	const failed = await runModuleOn('mn1', 'xcat_snmove', { ...MOVE, write_with: 'sql' }, { env: SQL_ENV });
	assert.is(failed.result.failed, true, JSON.stringify(failed.result));
	assert.match(failed.result.msg, /permission denied for table nodehm/);
	assert.match(failed.result.msg, /The database write was one transaction and nothing was written/);
	assert.is(await sqlTables(), before, 'noderes untouched although its statement ran first');
	await ok('mn1', `runuser -u postgres -- psql -X -q -d xcatsqltest -c 'GRANT INSERT, UPDATE ON nodehm TO xcatadm'`);

	await ok('mn1', `${inRoot}; chtab filename=mymon.pm notification.tables=nodelist,nodehm notification.tableops=a,u`);
	const watched = await runModuleOn('mn1', 'xcat_snmove', { ...MOVE, write_with: 'sql' }, { env: SQL_ENV, check: true });
	assert.is(watched.result.failed, true);
	assert.is(
		watched.result.msg,
		'write_with=sql: the notification table registers mymon.pm (nodelist,nodehm: a,u) for changes to noderes or nodehm; xcatd notifies them on chdef and a direct write would not: use write_with=chdef; nothing was changed',
	);
	const sqlite = await runModuleOn('mn1', 'xcat_snmove', { nodes: 'cn3', dest: 'sn2', ignore_nodes: true, write_with: 'sql' });
	assert.is(sqlite.result.failed, true);
	assert.match(
		sqlite.result.msg,
		/^write_with=sql writes xCAT's PostgreSQL database, but this xCAT's database is SQLite \(cfgloc\): use write_with=chdef; nothing was changed$/,
	);
	assert.is(await sqlTables(), before);
});

Sql.run();
