import { randomBytes } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkArgs, slotName, toDesired, type Args, type Desired } from '../../modules/xcat_db_replica/options';
import { plan, type Plan } from '../../modules/xcat_db_replica/plan';
import type { Current, Server } from '../../modules/xcat_db_replica/probe';
import { scramStoredKey } from '../../modules/xcat_db_replica/verifier';

const PW = 'Repl1cation9Secret';
const MN1 = '198.51.100.11',
	SN1 = '198.51.100.21';
const CTX = { stamp: '20261207T000000Z' };
const DATA = '/var/lib/postgresql/15/main';

/** A verifier PostgreSQL would store for PASSWORD (SCRAM-SHA-256, 4096 iterations). */
function scram(password: string): string {
	const salt = randomBytes(16);
	return `SCRAM-SHA-256$4096:${salt.toString('base64')}$${scramStoredKey(password, salt, 4096).toString('base64')}:${randomBytes(32).toString('base64')}`;
}

const args = (a: Partial<Args> & Pick<Args, 'state'>): Args => ({
	user: 'xcatrepl',
	update_password: 'always',
	replicas: [],
	synchronous: false,
	rejoin: false,
	pg_data: DATA,
	pg_conf: '/etc/postgresql/15/main',
	pg_service: 'postgresql@15-main',
	port: 5432,
	wait_seconds: 30,
	...a,
});
const want = (a: Partial<Args> & Pick<Args, 'state'>): Desired => {
	const full = args(a);
	assert.equal(checkArgs(full), [], 'valid arguments');
	return toDesired(full);
};
const PRIMARY = { state: 'primary' as const, password: PW, replicas: [{ name: 'sn1', address: SN1 }] };
const REPLICA = { state: 'replica' as const, password: PW, primary: MN1, name: 'sn1' };

const server = (s: Partial<Server> = {}): Server => ({
	in_recovery: false,
	timeline: 1,
	databases: ['postgres'],
	role: null,
	slots: [],
	senders: [],
	receiver: null,
	replayed_lsn: null,
	replay_age: null,
	settings: { synchronous_standby_names: '', primary_slot_name: '', listen_addresses: '*' },
	...s,
});
const HBA = '# IPv4 local connections:\nhost    all             all             127.0.0.1/32            scram-sha-256\n';
const running = (s: Partial<Server> = {}, c: Partial<Current> = {}): Current => ({
	unit: { load: 'loaded', active: 'active', enabled: 'enabled' },
	data: { cluster: true, present: true, standbySignal: false, userDatabaseOids: [] },
	server: server(s),
	hba: HBA,
	...c,
});
const stopped = (data: Partial<Current['data']> = {}): Current => ({
	unit: { load: 'loaded', active: 'inactive', enabled: 'enabled' },
	data: { cluster: true, present: true, standbySignal: false, userDatabaseOids: [], ...data },
	server: { down: 'postgresql@15-main is inactive' },
});
/** A standby of MN1 by the slot sn1, as pg_stat_wal_receiver shows it. */
const STREAMING: Partial<Server> = {
	in_recovery: true,
	timeline: 1,
	receiver: {
		status: 'streaming',
		sender_host: MN1,
		sender_port: 5432,
		slot_name: 'sn1',
		conninfo: `user=xcatrepl password=******** host=${MN1} port=5432 application_name=sn1`,
		flushed_lsn: '0/3000148',
	},
};
const ROLE_OK = { replication: true, login: true, verifier: scram(PW) };

function kind<K extends Plan['kind']>(p: Plan, k: K): Extract<Plan, { kind: K }> {
	assert.is(p.kind, k, 'msg' in p ? p.msg : '');
	return p as Extract<Plan, { kind: K }>;
}

const P = suite('xcat_db_replica plan: primary');

P('a new primary: role, slot, both pg_hba lines, a reload first', () => {
	const p = kind(plan(running(), want(PRIMARY), CTX), 'primary');
	assert.equal(p.sql, [
		'SELECT pg_reload_conf();',
		`CREATE ROLE "xcatrepl" WITH REPLICATION LOGIN PASSWORD '${PW}';`,
		"SELECT pg_create_physical_replication_slot('sn1');",
	]);
	assert.match(p.hba!.after, new RegExp(`^host +replication +xcatrepl +${SN1}/32 +scram-sha-256$`, 'm'));
	assert.match(p.hba!.after, new RegExp(`^host +postgres +xcatrepl +${SN1}/32 +scram-sha-256$`, 'm'));
	assert.ok(p.hba!.after.startsWith(HBA), 'the lines are added, nothing else changes');
});

P('all in place: no change; a rerun of what the plan wrote is idempotent', () => {
	const first = kind(plan(running(), want(PRIMARY), CTX), 'primary');
	const again = plan(
		running({ role: ROLE_OK, slots: [{ name: 'sn1', type: 'physical', active: true, restart_lsn: '0/1' }] }, { hba: first.hba!.after }),
		want(PRIMARY),
		CTX,
	);
	assert.equal(kind(again, 'none').changes, []);
});

P('the password: set when it differs (update_password=always), never with on_create; the verifier is compared, not shown', () => {
	const done = { slots: [{ name: 'sn1', type: 'physical', active: true, restart_lsn: '0/1' }] };
	const hba = kind(plan(running(), want(PRIMARY), CTX), 'primary').hba!.after;
	const other = { replication: true, login: true, verifier: scram('AnotherPassword1') };
	const p = kind(plan(running({ ...done, role: other }, { hba }), want(PRIMARY), CTX), 'primary');
	assert.equal(p.sql, [`ALTER ROLE "xcatrepl" WITH PASSWORD '${PW}';`]);
	assert.not.ok(JSON.stringify(p).includes(other.verifier), 'the verifier is not in the plan');
	kind(plan(running({ ...done, role: other }, { hba }), want({ ...PRIMARY, update_password: 'on_create' }), CTX), 'none');
	const md5 = { replication: true, login: true, verifier: 'md5d41d8cd98f00b204e9800998ecf8427e' };
	kind(plan(running({ ...done, role: md5 }, { hba }), want(PRIMARY), CTX), 'primary');
	// a role without REPLICATION gets it
	const noRepl = kind(plan(running({ ...done, role: { ...ROLE_OK, replication: false } }, { hba }), want(PRIMARY), CTX), 'primary');
	assert.equal(noRepl.sql, ['ALTER ROLE "xcatrepl" WITH REPLICATION LOGIN;']);
});

P('synchronous: FIRST 1 of the replicas in order, then off; a reload after ALTER SYSTEM; unchanged when equal', () => {
	const two = { ...PRIMARY, replicas: [...PRIMARY.replicas, { name: 'SN-2.lab', address: '198.51.100.22' }], synchronous: true };
	const p = kind(plan(running({ role: ROLE_OK }), want(two), CTX), 'primary');
	assert.ok(p.sql.includes(`ALTER SYSTEM SET synchronous_standby_names = 'FIRST 1 ("sn1", "sn_2_lab")';`), p.sql.join('\n'));
	assert.is(p.sql[p.sql.length - 1], 'SELECT pg_reload_conf();');
	const hba = p.hba!.after;
	const slots = ['sn1', 'sn_2_lab'].map((name) => ({ name, type: 'physical', active: true, restart_lsn: '0/1' }));
	const on = { role: ROLE_OK, slots, settings: { synchronous_standby_names: 'FIRST 1 ("sn1", "sn_2_lab")', listen_addresses: '*' } };
	kind(plan(running(on, { hba }), want(two), CTX), 'none');
	const off = kind(plan(running(on, { hba }), want({ ...two, synchronous: false }), CTX), 'primary');
	assert.equal(off.sql, ["ALTER SYSTEM SET synchronous_standby_names = '';", 'SELECT pg_reload_conf();']);
});

P('warnings: a slot of no replica given (never dropped), listen_addresses on localhost (never changed)', () => {
	const stale = { name: 'old', type: 'physical', active: false, restart_lsn: '0/9' };
	const p = kind(
		plan(running({ slots: [stale], settings: { synchronous_standby_names: '', listen_addresses: 'localhost' } }), want(PRIMARY), CTX),
		'primary',
	);
	assert.ok(p.warnings.some((w) => w.includes('slot old') && w.includes('pg_drop_replication_slot')));
	assert.ok(p.warnings.some((w) => w.startsWith("listen_addresses is 'localhost'")));
	assert.not.ok(p.sql.some((s) => s.includes('drop')));
});

P('refused: a standby, a stopped server, an unreadable pg_hba.conf, a logical slot of the name', () => {
	assert.match(kind(plan(running({ in_recovery: true }), want(PRIMARY), CTX), 'refuse').msg, /is a standby .*state=promoted/);
	assert.match(kind(plan(stopped(), want(PRIMARY), CTX), 'refuse').msg, /inactive; start the server/);
	const noHba = running();
	delete noHba.hba;
	assert.match(kind(plan(noHba, want(PRIMARY), CTX), 'refuse').msg, /pg_hba.conf cannot be read; give pg_conf/);
	const logical = { name: 'sn1', type: 'logical', active: false, restart_lsn: null };
	assert.match(kind(plan(running({ slots: [logical] }), want(PRIMARY), CTX), 'refuse').msg, /slot sn1 .* logical slot/);
});

const R = suite('xcat_db_replica plan: replica');

R('a standby streaming from the primary by its slot and name: no change, even with rejoin', () => {
	kind(plan(running(STREAMING), want(REPLICA), CTX), 'none');
	kind(plan(running(STREAMING), want({ ...REPLICA, rejoin: true }), CTX), 'none');
});

R('a standby of another primary, slot or name, or not streaming: re-based (no rejoin needed)', () => {
	const r = STREAMING.receiver!;
	for (const receiver of [
		{ ...r, sender_host: '198.51.100.12' },
		{ ...r, slot_name: 'other' },
		{ ...r, conninfo: `host=${MN1} application_name=walreceiver` },
		{ ...r, status: 'waiting' },
		null,
	]) {
		const p = kind(plan(running({ ...STREAMING, receiver }), want(REPLICA), CTX), 'rebase');
		assert.is(p.aside, `${DATA}.xcat-ha-20261207T000000Z`);
		assert.is(p.wasRunning, true);
	}
});

R('a fresh package cluster (only postgres) is re-based without rejoin', () => {
	const p = kind(plan(running(), want(REPLICA), CTX), 'rebase');
	assert.match(p.msg, /only the package databases/);
	assert.ok(p.changes.some((c) => c.includes('set aside')));
});

R('a running primary holding xcatdb: refused without rejoin, naming it; re-based with rejoin=true', () => {
	const former = running({ databases: ['postgres', 'xcatdb'] });
	const refusal = kind(plan(former, want(REPLICA), CTX), 'refuse');
	assert.match(refusal.msg, /not a standby and holds the database\(s\) xcatdb.*rejoin=true/);
	kind(plan(former, want({ ...REPLICA, rejoin: true }), CTX), 'rebase');
});

R('a stopped former primary (databases by OID in base/): refused without rejoin; re-based with it', () => {
	const former = stopped({ userDatabaseOids: ['16384'] });
	assert.match(kind(plan(former, want(REPLICA), CTX), 'refuse').msg, /base\/16384.*rejoin=true/);
	const p = kind(plan(former, want({ ...REPLICA, rejoin: true }), CTX), 'rebase');
	assert.is(p.wasRunning, false);
	assert.not.ok(p.changes.some((c) => c.includes('stopped')));
});

R('a stopped standby of the primary by its slot and name: started, not re-based; of another: re-based', () => {
	const auto = `primary_conninfo = 'user=xcatrepl password=${PW} host=${MN1} port=5432 application_name=sn1'\nprimary_slot_name = 'sn1'\n`;
	kind(plan(stopped({ standbySignal: true, autoConf: auto }), want(REPLICA), CTX), 'start');
	kind(plan(stopped({ standbySignal: true, autoConf: auto.replace(MN1, '198.51.100.12') }), want(REPLICA), CTX), 'rebase');
});

R('no cluster: re-based, nothing to set aside', () => {
	const p = kind(plan(stopped({ cluster: false, present: false }), want(REPLICA), CTX), 'rebase');
	assert.is(p.aside, undefined);
});

R('refused: a unit that runs while its server does not answer, a unit in another state', () => {
	const hung = running();
	hung.server = { down: 'psql failed (rc 2): connection refused' };
	assert.match(kind(plan(hung, want(REPLICA), CTX), 'refuse').msg, /runs but its server does not answer/);
	const odd = stopped();
	odd.unit = { load: 'not-found', active: 'activating', enabled: '' };
	assert.match(kind(plan(odd, want(REPLICA), CTX), 'refuse').msg, /is activating .*give pg_service/);
});

const M = suite('xcat_db_replica plan: promoted');

M('a standby is promoted with the wait asked; a primary is left alone; a stopped server is refused', () => {
	const p = kind(plan(running(STREAMING), want({ state: 'promoted', wait_seconds: 12 }), CTX), 'promote');
	assert.is(p.sql, 'SELECT pg_promote(true, 12);');
	assert.equal(p.warnings, []);
	kind(plan(running(), want({ state: 'promoted' }), CTX), 'none');
	assert.match(kind(plan(stopped(), want({ state: 'promoted' }), CTX), 'refuse').msg, /must run to be promoted/);
});

M('a standby with the primary synchronous_standby_names: a warning (its commits would wait)', () => {
	const s = { ...STREAMING, settings: { synchronous_standby_names: 'FIRST 1 ("sn1")' } };
	assert.match(kind(plan(running(s), want({ state: 'promoted' }), CTX), 'promote').warnings[0]!, /commits wait/);
});

const O = suite('xcat_db_replica options');

O('bad input is refused naming the option and the value', () => {
	const bad = (a: Partial<Args>, re: RegExp) => {
		const errors = checkArgs(args({ state: 'primary', password: PW, ...a }));
		assert.ok(
			errors.some((e) => re.test(e)),
			errors.join(' | ') || 'no error',
		);
	};
	bad({ password: 'short1' }, /password must be at least 8/);
	bad({ password: "quote'd123" }, /password must be letters and digits/);
	bad({ replicas: [{ name: 'sn1' }] }, /replicas\[0\] must have both name and address/);
	bad({ replicas: [{ name: 'sn1', address: SN1, port: '1' }] }, /replicas\[0\] has unknown key/);
	bad({ replicas: [{ name: 'sn1', address: '198.51.100.300' }] }, /replicas\[0\].address must be an IPv4 address.*198\.51\.100\.300/);
	bad({ replicas: [{ name: 'sn;1', address: SN1 }] }, /replicas\[0\].name must be a host name.*sn;1/);
	bad(
		{
			replicas: [
				{ name: 'sn-1', address: SN1 },
				{ name: 'SN-1', address: '198.51.100.22' },
			],
		},
		/both make the slot sn_1/,
	);
	bad({ synchronous: true }, /synchronous is true but replicas is empty/);
	bad({ state: 'replica', primary: 'mn1;reboot', name: 'sn1' }, /primary must be the primary's IPv4 address or host name/);
	bad({ state: 'replica', primary: '198.51.100.300', name: 'sn1' }, /primary must be/);
	bad({ state: 'replica', primary: MN1, name: 'sn1', replicas: [{ name: 'x', address: SN1 }] }, /replicas is for state=primary only/);
	bad({ pg_data: '/var/lib/../x' }, /pg_data must be an absolute path without/);
	assert.is(slotName('SN-2.lab'), 'sn_2_lab');
});

P.run();
R.run();
M.run();
O.run();
