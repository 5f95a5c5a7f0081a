// xcat_db_replica on the lab's real PostgreSQL 15 (Debian 12's layout) on mn1 and sn1: mn1 the primary
// for sn1, sn1 re-based on it and streaming (a row written on mn1 read on sn1), check mode touching
// nothing, synchronous on and off, sn1 promoted with mn1 stopped, then mn1 refused as sn1's replica
// until rejoin=true, its old data kept aside. The password shows in no output. listen_addresses is the
// test's job here (a conf.d file): the module leaves it alone. Destructive: starts from resetLab().
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ADDRESS, ok, on, PG, resetLab, runModuleOn, type HostModuleRun } from '../../tools/lab/lab';
import type { RunOpts } from '../../tools/lab/run-module';

const PW = 'Repl1cation9Secret';
const DEBIAN = { pg_data: PG.data, pg_conf: PG.conf, pg_service: PG.unit };
const MN1 = ADDRESS.mn1!;
const SN1 = ADDRESS.sn1!;
const outputs: string[] = [];

async function repl(host: string, args: Record<string, unknown>, o: RunOpts = {}): Promise<HostModuleRun> {
	const run = await runModuleOn(host, 'xcat_db_replica', { ...DEBIAN, ...args }, o);
	outputs.push(run.stdout, run.stderr);
	return run;
}
const sql = (host: string, q: string, db = 'postgres') =>
	ok(host, `runuser -u postgres -- psql -X -A -t -d ${db} -c ${JSON.stringify(q)}`).then((s) => s.trim());
/** everything a run could change, for "check mode touches nothing" */
const snapshot = (host: string) =>
	ok(
		host,
		`cd ${PG.data}/.. && ls -d main*; md5sum ${PG.conf}/pg_hba.conf; ls ${PG.data}; systemctl is-active ${PG.unit} || true
		 runuser -u postgres -- psql -X -A -t -c "select pg_is_in_recovery(), (select count(*) from pg_roles where rolname='xcatrepl'), (select string_agg(slot_name, ',') from pg_replication_slots), current_setting('synchronous_standby_names')" 2>&1 || true`,
	);
async function eventually(what: string, f: () => Promise<boolean>, ms = 10_000): Promise<void> {
	const end = Date.now() + ms;
	while (!(await f())) {
		if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
		await new Promise((r) => setTimeout(r, 250));
	}
}

const PRIMARY_MN1 = { state: 'primary', password: PW, replicas: [{ name: 'sn1', address: SN1 }] };
const REPLICA_SN1 = { state: 'replica', primary: MN1, name: 'sn1', password: PW };

const R = suite('xcat_db_replica on PostgreSQL 15 (mn1, sn1)');

R.before(async () => {
	resetLab();
	const listen = `echo "listen_addresses = '*'" > ${PG.conf}/conf.d/test-listen.conf && systemctl start ${PG.unit}`;
	await Promise.all([ok('mn1', listen), ok('sn1', listen)]);
	await sql('mn1', 'CREATE DATABASE xcatdb');
	await sql('mn1', 'CREATE TABLE site (key text, value text)', 'xcatdb');
});

R('primary on mn1: check mode touches nothing; then role, slot, pg_hba lines, reload; a rerun changes nothing', async () => {
	const before = await snapshot('mn1');
	const preview = await repl('mn1', PRIMARY_MN1, { check: true, diff: true });
	assert.is(preview.result.failed, undefined, preview.result.msg);
	assert.is(preview.result.changed, true);
	assert.equal(preview.result.commands, []);
	assert.is(await snapshot('mn1'), before, 'check mode touched nothing');
	const { result } = await repl('mn1', PRIMARY_MN1);
	assert.is(result.failed, undefined, result.msg);
	assert.is(result.changed, true);
	assert.is(await sql('mn1', "select rolreplication and rolcanlogin from pg_roles where rolname = 'xcatrepl'"), 't');
	assert.equal(
		result.replication.slots.map((s: { name: string }) => s.name),
		['sn1'],
	);
	assert.match(
		await ok('mn1', `cat ${PG.conf}/pg_hba.conf`),
		new RegExp(`^host +replication +xcatrepl +${SN1.replace(/\./g, '\\.')}/32 +scram-sha-256$`, 'm'),
	);
	assert.ok((await on('mn1', `test -e ${PG.conf}/pg_hba.conf.xcat-ha.orig`)).status === 0, 'the original pg_hba.conf kept');
	// reloaded: sn1 gets in as xcatrepl by the new lines
	await ok(
		'sn1',
		`printf '*:*:*:xcatrepl:${PW}\\n' > /root/.pgpass && chmod 600 /root/.pgpass && psql -X -A -t "host=${MN1} user=xcatrepl dbname=postgres connect_timeout=5" -c 'select 1'; rm -f /root/.pgpass`,
	);
	for (const check of [false, true]) {
		const again = await repl('mn1', PRIMARY_MN1, { check });
		assert.equal([again.result.failed, again.result.changed, again.result.commands], [undefined, false, []], again.result.msg);
	}
});

R('replica on sn1: check mode touches nothing; base backup, streaming, a row from mn1 within seconds; a rerun changes nothing', async () => {
	const before = await snapshot('sn1');
	const preview = await repl('sn1', REPLICA_SN1, { check: true, diff: true });
	assert.is(preview.result.failed, undefined, preview.result.msg);
	assert.equal([preview.result.changed, preview.result.replication.in_recovery], [true, false]);
	assert.is(await snapshot('sn1'), before, 'check mode touched nothing');
	const { result, ms } = await repl('sn1', REPLICA_SN1);
	assert.is(result.failed, undefined, result.msg);
	assert.is(result.changed, true);
	assert.match(result.set_aside, /^\/var\/lib\/postgresql\/15\/main\.xcat-ha-\d{8}T\d{6}Z$/);
	assert.equal(
		[result.replication.in_recovery, result.replication.wal_receiver.status, result.replication.wal_receiver.sender_host],
		[true, 'streaming', MN1],
	);
	console.log(`  replica re-based and streaming in ${ms} ms`);
	await sql('mn1', "INSERT INTO site VALUES ('replicated', 'yes')", 'xcatdb');
	const t0 = Date.now();
	await eventually('the row on sn1', async () => (await sql('sn1', "select count(*) from site where key = 'replicated'", 'xcatdb')) === '1');
	console.log(`  a row written on mn1 read on sn1 after ${Date.now() - t0} ms`);
	const auto = await ok('sn1', `cat ${PG.data}/postgresql.auto.conf`);
	assert.match(auto, /^primary_conninfo = '.*application_name=sn1/m);
	assert.not.match(auto, /passfile/, "not the run's temporary passfile");
	// the WAL receiver logs in again after the primary's restart (its password outlives the run)
	await ok('mn1', `systemctl restart ${PG.unit}`);
	await eventually(
		'sn1 streaming again',
		async () => (await sql('mn1', "select count(*) from pg_stat_replication where application_name = 'sn1' and state = 'streaming'")) === '1',
		15_000,
	);
	for (const check of [false, true]) {
		const again = await repl('sn1', REPLICA_SN1, { check });
		assert.equal([again.result.failed, again.result.changed, again.result.commands], [undefined, false, []], again.result.msg);
		assert.is(again.result.replication.wal_receiver.slot_name, 'sn1');
	}
	const primary = await repl('mn1', PRIMARY_MN1, { check: true });
	assert.equal(
		primary.result.replication.standbys.map((s: { application_name: string; client_addr: string; state: string }) => [
			s.application_name,
			s.client_addr,
			s.state,
		]),
		[['sn1', SN1, 'streaming']],
	);
});

R('synchronous on and off on mn1', async () => {
	const on_ = await repl('mn1', { ...PRIMARY_MN1, synchronous: true });
	assert.equal([on_.result.failed, on_.result.changed], [undefined, true], on_.result.msg);
	assert.is(await sql('mn1', 'show synchronous_standby_names'), 'FIRST 1 ("sn1")');
	await eventually('sn1 sync', async () => (await sql('mn1', "select sync_state from pg_stat_replication where application_name = 'sn1'")) === 'sync');
	await sql('mn1', "INSERT INTO site VALUES ('sync', 'yes')", 'xcatdb'); // returns: the synchronous standby answers
	assert.is((await repl('mn1', { ...PRIMARY_MN1, synchronous: true })).result.changed, false);
	const off = await repl('mn1', PRIMARY_MN1);
	assert.equal([off.result.failed, off.result.changed], [undefined, true], off.result.msg);
	assert.is(await sql('mn1', 'show synchronous_standby_names'), '');
});

R('promoted on sn1 with mn1 stopped; check mode first; a rerun changes nothing', async () => {
	await ok('mn1', `systemctl stop ${PG.unit}`);
	const preview = await repl('sn1', { state: 'promoted' }, { check: true });
	assert.equal([preview.result.failed, preview.result.changed], [undefined, true], preview.result.msg);
	assert.is(await sql('sn1', 'select pg_is_in_recovery()'), 't');
	const { result } = await repl('sn1', { state: 'promoted' });
	assert.equal([result.failed, result.changed, result.replication.in_recovery, result.replication.timeline], [undefined, true, false, 2], result.msg);
	assert.is((await repl('sn1', { state: 'promoted' })).result.changed, false);
	await sql('sn1', "INSERT INTO site VALUES ('after-promotion', 'sn1')", 'xcatdb');
});

R('mn1 as sn1 replica: refused without rejoin (a former primary), accepted with it, its old data kept aside', async () => {
	const p = await repl('sn1', { state: 'primary', password: PW, replicas: [{ name: 'mn1', address: MN1 }] });
	assert.equal([p.result.failed, p.result.changed], [undefined, true], p.result.msg);
	assert.equal(
		p.result.replication.slots.map((s: { name: string }) => s.name),
		['mn1'],
	);
	const toSn1 = { state: 'replica', primary: SN1, name: 'mn1', password: PW };
	const before = await snapshot('mn1');
	const refused = await repl('mn1', toSn1);
	assert.is(refused.result.failed, true);
	assert.match(refused.result.msg, /not a standby and holds databases beyond the package's .*rejoin=true/);
	assert.is(await snapshot('mn1'), before, 'a refusal changes nothing');
	const { result } = await repl('mn1', { ...toSn1, rejoin: true });
	assert.is(result.failed, undefined, result.msg);
	assert.equal(
		[result.changed, result.replication.in_recovery, result.replication.wal_receiver.sender_host, result.replication.timeline],
		[true, true, SN1, 2],
	);
	// the old primary's data, whole, mode and owner kept
	assert.is(await ok('mn1', `stat -c '%U %a' ${result.set_aside} && cat ${result.set_aside}/PG_VERSION`), 'postgres 700\n15\n');
	await eventually('the row from sn1 on mn1', async () => (await sql('mn1', "select value from site where key = 'after-promotion'", 'xcatdb')) === 'sn1');
	assert.is((await repl('mn1', toSn1)).result.changed, false);
});

R('the password shows in no output', () => {
	assert.ok(outputs.length > 20);
	assert.not.ok(outputs.some((o) => o.includes(PW)));
});

R.run();
