// write_with=sql (modules/xcat_snmove/sql.ts): the SQL for the writes, the verdict on whether the rows
// may be written so, and the probe fed by a fake read. Every refusal has a case that passes without it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CommandResult } from '../../modules/runtime';
import { parseCfgloc } from '../../modules/xcat/cfgloc';
import { commandsFor } from '../../modules/xcat_snmove/commands';
import { probeSql, psqlArgv, psqlEnv, sqlTargetOf, writesSql, type SqlFacts } from '../../modules/xcat_snmove/sql';
import type { PlanActions } from '../../modules/xcat_snmove/types';

const CFGLOC = 'Pg:dbname=xcatdb;host=198.51.100.10|xcatadm|s3cret pass\n';
const facts = (f: Partial<SqlFacts> = {}): SqlFacts => ({
	cfgloc: parseCfgloc(f.cfglocText ?? CFGLOC),
	cfglocText: CFGLOC,
	daemonCfgloc: 'Pg:dbname=xcatdb;host=198.51.100.10|xcatadm',
	daemonError: undefined,
	registrations: [],
	psql: true,
	...f,
});

test('writesSql: one upsert per write and table, the write columns only, blank as NULL, in one statement each', () => {
	const sql = writesSql([
		{ nodes: ['cn1', 'cn2'], attributes: { servicenode: 'sn2,sn1', xcatmaster: '', conserver: 'sn2' } },
		{ nodes: ["cn'3"], attributes: { servicenode: 'sn1' } },
	]);
	assert.equal(sql.split('\n'), [
		"SET LOCAL lock_timeout = '10s';",
		"SET LOCAL statement_timeout = '300s';",
		`INSERT INTO "noderes" ("node", "servicenode", "xcatmaster") SELECT n, 'sn2,sn1', NULL FROM unnest(ARRAY['cn1','cn2']::text[]) AS n ON CONFLICT ("node") DO UPDATE SET "servicenode" = EXCLUDED."servicenode", "xcatmaster" = EXCLUDED."xcatmaster";`,
		`INSERT INTO "nodehm" ("node", "conserver") SELECT n, 'sn2' FROM unnest(ARRAY['cn1','cn2']::text[]) AS n ON CONFLICT ("node") DO UPDATE SET "conserver" = EXCLUDED."conserver";`,
		`INSERT INTO "noderes" ("node", "servicenode") SELECT n, 'sn1' FROM unnest(ARRAY['cn''3']::text[]) AS n ON CONFLICT ("node") DO UPDATE SET "servicenode" = EXCLUDED."servicenode";`,
		'',
	]);
});

test('writesSql: a table part that only clears updates existing rows and creates none; an empty write writes nothing', () => {
	const sql = writesSql([
		{ nodes: ['cn1'], attributes: { xcatmaster: '', servicenode: 'sn2' } },
		{ nodes: ['cn2'], attributes: { xcatmaster: '', tftpserver: '' } },
		{ nodes: [], attributes: { servicenode: 'sn3' } },
	]);
	const statements = sql.trim().split('\n').slice(2);
	assert.is(statements.length, 2);
	assert.match(statements[0]!, /^INSERT INTO "noderes"/);
	assert.is(statements[1], `UPDATE "noderes" SET "xcatmaster" = NULL, "tftpserver" = NULL WHERE "node" = ANY(ARRAY['cn2']::text[]);`);
});

test('sqlTargetOf: PostgreSQL named alike by cfgloc and lsxcatd -d, psql present, nothing watching: the target, without the password', () => {
	const r = sqlTargetOf(facts());
	assert.equal(r, { ok: true, target: { conninfo: 'dbname=xcatdb host=198.51.100.10 user=xcatadm connect_timeout=10', password: 's3cret pass' } });
	if (!r.ok) return;
	assert.not.match(JSON.stringify(psqlArgv(r.target)), /s3cret/);
	assert.equal(psqlEnv(r.target).PGPASSWORD, 's3cret pass');
	const odd = sqlTargetOf(
		facts({
			cfgloc: parseCfgloc("Pg:dbname=xcat db;host=h;port=5433|o'brien|p"),
			cfglocText: "Pg:dbname=xcat db;host=h;port=5433|o'brien|p",
			daemonCfgloc: "Pg:dbname=xcat db;host=h;port=5433|o'brien",
		}),
	);
	assert.equal(odd.ok && odd.target.conninfo, "dbname='xcat db' host=h port=5433 user='o\\'brien' connect_timeout=10");
});

test('sqlTargetOf refuses SQLite, MySQL and an engine xCAT calls something else, naming what to use instead', () => {
	for (const text of ['', 'SQLite:/etc/xcat', 'mysql:dbname=xcatdb;host=h|xcatadmin|p', 'DB2:x|u|p', 'Postgres:dbname=x|u|p']) {
		const r = sqlTargetOf(facts({ cfgloc: parseCfgloc(text), cfglocText: text }));
		assert.is(r.ok, false, text);
		assert.match(
			!r.ok ? r.why : '',
			/^write_with=sql writes xCAT's PostgreSQL database, but this xCAT's database is \w+ \(cfgloc\): use write_with=chdef$/,
		);
	}
});

test('sqlTargetOf refuses when xcatd uses another database than the cfgloc read here, or lsxcatd -d fails', () => {
	const other = sqlTargetOf(facts({ daemonCfgloc: 'Pg:dbname=xcatdb;host=198.51.100.99|xcatadm' }));
	assert.is(
		!other.ok && other.why,
		'write_with=sql: the cfgloc this host reads (Pg:dbname=xcatdb;host=198.51.100.10|xcatadm) is not the database xcatd uses (lsxcatd -d: Pg:dbname=xcatdb;host=198.51.100.99|xcatadm): use write_with=chdef',
	);
	assert.is(sqlTargetOf(facts({ daemonCfgloc: undefined })).ok, false);
	const failed = sqlTargetOf(facts({ daemonCfgloc: undefined, daemonError: 'lsxcatd -d failed (rc 1): Connection refused' }));
	assert.is(!failed.ok && failed.why, 'write_with=sql: lsxcatd -d failed (rc 1): Connection refused');
});

test('sqlTargetOf refuses when a notification registration watches noderes or nodehm for adds or updates; others do not count', () => {
	const reg = (tables: string, tableops: string | null, disable: string | null = null) => ({
		filename: 'mymon.pm',
		tables,
		tableops,
		comments: null,
		disable,
	});
	const refused = sqlTargetOf(facts({ registrations: [reg('nodelist,noderes', 'a,d')] }));
	assert.is(
		!refused.ok && refused.why,
		'write_with=sql: the notification table registers mymon.pm (nodelist,noderes: a,d) for changes to noderes or nodehm; xcatd notifies them on chdef and a direct write would not: use write_with=chdef',
	);
	assert.is(sqlTargetOf(facts({ registrations: [reg('nodehm', 'u')] })).ok, false);
	assert.is(sqlTargetOf(facts({ registrations: [reg('nodehm', null)] })).ok, false, 'no operations named: taken as all');
	assert.is(sqlTargetOf(facts({ registrations: [reg('noderes', 'd')] })).ok, true, 'deletions only: the write deletes nothing');
	assert.is(sqlTargetOf(facts({ registrations: [reg('nodelist,monitoring', 'a,u,d')] })).ok, true, 'other tables');
});

test('sqlTargetOf refuses without psql', () => {
	const r = sqlTargetOf(facts({ psql: false }));
	assert.match(!r.ok ? r.why : '', /needs psql on this host/);
});

test('probeSql reads $XCATCFG before the file, lsxcatd -d, the notification table and psql; disabled registrations do not count', async () => {
	const asked: string[] = [];
	const answers: Record<string, string> = {
		'lsxcatd -d': 'cfgloc=Pg:dbname=xcatdb;host=198.51.100.10|xcatadm\ndbengine=Pg\n',
		'tabdump notification': '#filename,tables,tableops,comments,disable\n"mon.pm","noderes","a,u",,"yes"\n',
		'psql --version': 'psql (PostgreSQL) 15.18\n',
	};
	const read = async (argv: readonly string[]): Promise<CommandResult> => {
		asked.push(argv.join(' '));
		const stdout = answers[argv.join(' ')];
		return { argv: [...argv], rc: stdout === undefined ? 1 : 0, stdout: stdout ?? '', stderr: stdout === undefined ? 'unexpected' : '' };
	};
	const r = await probeSql(read, { XCATCFG: CFGLOC }, '/nonexistent/cfgloc');
	assert.is(r.ok, true, JSON.stringify(r));
	assert.equal(asked.sort(), ['lsxcatd -d', 'psql --version', 'tabdump notification']);
	const none = await probeSql(read, {}, '/nonexistent/cfgloc');
	assert.match(!none.ok ? none.why : '', /this xCAT's database is SQLite/);
});

test('commandsFor with a target: the database step is one psql command, without the password; without writes, none', () => {
	const actions: PlanActions = {
		writes: [{ nodes: ['cn1'], attributes: { servicenode: 'sn2' } }],
		consoles: [],
		nodeset: [],
		routes: [],
		postscripts: [],
	} as unknown as PlanActions;
	const target = { conninfo: 'dbname=xcatdb host=h user=xcatadm connect_timeout=10' };
	assert.equal(commandsFor(actions, 'conserver', target)[0], {
		name: 'database',
		commands: [['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-d', target.conninfo, '-f', '-']],
	});
	assert.equal(commandsFor({ ...actions, writes: [] }, 'conserver', target), []);
});

test.run();
