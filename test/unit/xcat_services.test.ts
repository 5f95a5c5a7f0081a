import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandResult, Ctx } from '../../modules/runtime';
import { apply } from '../../modules/xcat_services/apply';
import { attempt } from '../../modules/xcat_services/attempt';
import { plan, resolveRegeneration, type Desired, type Planned } from '../../modules/xcat_services/plan';
import { preview, unitsChanged, unitsStarted } from '../../modules/xcat_services/report';
import { parseSite } from '../../modules/xcat_services/site';
import { parseShow, type UnitState } from '../../modules/xcat_services/systemd';
import { definesConsole, NO_CONSOLES } from '../../modules/xcat_services/consoles';
import { plan as idlePlan } from '../../modules/xcat_services/plan';
import { checkArgs, roleOf, type Args } from '../../modules/xcat_services/units';

// Literal `systemctl show --property=Id,LoadState,ActiveState,UnitFileState -- xcatd isc-dhcp-server nosuch` on the lab's mn1.
const SHOW = `Id=xcatd.service
LoadState=loaded
ActiveState=active
UnitFileState=enabled

Id=isc-dhcp-server.service
LoadState=loaded
ActiveState=inactive
UnitFileState=generated

Id=nosuch.service
LoadState=not-found
ActiveState=inactive
UnitFileState=
`;

const Parse = suite('xcat_services parsers');

Parse('systemctl show: one state per unit, in argument order', () => {
	assert.equal(parseShow(SHOW, ['xcatd', 'isc-dhcp-server', 'nosuch']), [
		{ unit: 'xcatd', load: 'loaded', active: 'active', enabled: 'enabled' },
		{ unit: 'isc-dhcp-server', load: 'loaded', active: 'inactive', enabled: 'generated' },
		{ unit: 'nosuch', load: 'not-found', active: 'inactive', enabled: '' },
	]);
});

Parse('systemctl show: TriggeredBy names the units that start a service on demand', () => {
	const show = 'Id=mariadb.service\nLoadState=loaded\nActiveState=inactive\nUnitFileState=disabled\nTriggeredBy=mariadb.socket\n';
	assert.equal(parseShow(show, ['mariadb']), [{ unit: 'mariadb', load: 'loaded', active: 'inactive', enabled: 'disabled', triggeredBy: ['mariadb.socket'] }]);
});

Parse('systemctl show: a block count that does not match the units is an error, not a guess', () => {
	assert.throws(() => parseShow(SHOW, ['xcatd', 'isc-dhcp-server']), /3 block\(s\) for 2 unit\(s\)/);
});

const SITE = '#key,value,comments,disable\n"master","198.51.100.11",,\n"domain","xcat.lab",,\n"consoleservice","goconserver",,"1"\n';

Parse('tabdump site: rows counted, domain and consoleservice read, disabled rows ignored', () => {
	const r = parseSite(SITE);
	assert.ok(r.ok);
	if (r.ok) assert.equal(r.site, { rows: 3, domain: 'xcat.lab' });
	const g = parseSite('#key,value,comments,disable\n"consoleservice","goconserver",,\n');
	assert.equal(g.ok && g.site, { rows: 1, consoleservice: 'goconserver' });
});

Parse('tabdump site: a database that is down (header only, or the bypass error first) fails the check', () => {
	const header = parseSite('#key,value,comments,disable\n');
	assert.equal(header, { ok: false, why: 'tabdump site printed only its header: the database did not answer' });
	const bypass = parseSite('ERROR: Unable to open basic site table for configuration\n#key,value,comments,disable\n');
	assert.is(bypass.ok, false);
	assert.match(!bypass.ok ? bypass.why : '', /^tabdump site printed what is not a table \(line 1: /);
	assert.is(parseSite('').ok, false);
});

Parse.run();

const args = (a: Partial<Args>): Args =>
	({ state: 'started', services: ['xcatd'], enabled: false, regenerate: true, restart: [], retries: 3, timeout: 60, ...a }) as Args;
const Check = suite('xcat_services argument checks');

Check('roles are told by name', () => {
	const roles = [
		'postgresql',
		'postgresql-15',
		'postgresql@15-main.service',
		'mariadb',
		'mysqld',
		'xcatd.service',
		'named',
		'bind9',
		'dhcpd',
		'isc-dhcp-server',
		'conserver',
		'conserver-server',
		'goconserver',
		'httpd',
		'postgresqlx',
	].map(roleOf);
	assert.equal(roles, [
		'database',
		'database',
		'database',
		'database',
		'database',
		'xcatd',
		'dns',
		'dns',
		'dhcp',
		'dhcp',
		'conserver',
		'conserver',
		'goconserver',
		'other',
		'other',
	]);
});

Check('the lists the roles supply pass', () => {
	assert.equal(checkArgs(args({ services: ['postgresql', 'xcatd', 'named', 'dhcpd', 'conserver'] })), []);
	assert.equal(checkArgs(args({ services: ['xcatd', 'named', 'isc-dhcp-server', 'conserver-server'] })), []);
	assert.equal(checkArgs(args({ services: ['mariadb.service', 'xcatd.service', 'goconserver'] })), []);
});

Check('a unit twice, a non-service unit, a template without instance are refused', () => {
	assert.equal(checkArgs(args({ services: ['xcatd', 'named', 'xcatd.service'] })), [
		'value of services lists the same unit twice: "xcatd" and "xcatd.service"',
	]);
	assert.match(checkArgs(args({ services: ['tftp.socket'] })).join(), /must name services, got: "tftp.socket"/);
	assert.match(checkArgs(args({ services: ['postgresql@'] })).join(), /template without an instance: "postgresql@"/);
	assert.match(checkArgs(args({ services: ['postgresql@.service'] })).join(), /template without an instance/);
});

Check('order: the database before xcatd; regenerated services after it (unless regenerate is off)', () => {
	assert.match(checkArgs(args({ services: ['xcatd', 'postgresql'] })).join(), /must list the database before xcatd/);
	assert.match(checkArgs(args({ services: ['named', 'xcatd'] })).join(), /must list named after xcatd/);
	assert.equal(checkArgs(args({ services: ['named', 'xcatd'], regenerate: false })), []);
	assert.equal(checkArgs(args({ services: ['named', 'postgresql'] })), [], 'without xcatd there is no order to keep');
});

Check('restart names units of services, with state started', () => {
	assert.equal(checkArgs(args({ services: ['xcat-lease-guard', 'postgresql', 'xcatd'], restart: ['xcat-lease-guard.service'] })), []);
	assert.equal(checkArgs(args({ services: ['postgresql', 'xcatd'], restart: ['named'] })), [
		'value of restart must name units in services, got: "named" (services: postgresql, xcatd)',
	]);
	assert.equal(checkArgs(args({ state: 'stopped', services: ['xcatd'], restart: ['xcatd'] })), [
		'restart goes with state started, got state stopped and restart: xcatd',
	]);
});

Check.run();

const u = (unit: string, active = 'inactive', enabled = 'disabled', load = 'loaded'): UnitState => ({ unit, load, active, enabled });
const want = (d: Partial<Desired>): Desired => ({ state: 'started', services: [], enabled: false, regenerate: true, ...d });
const names = (steps: Planned[], site?: Parameters<typeof resolveRegeneration>[1]) =>
	preview(steps, site ?? { rows: 3, domain: 'xcat.lab' }).steps.map((s) => `${s.step}:${s.result}`);
const act = (units: UnitState[], d: Partial<Desired>) => {
	const p = plan(units, want(d));
	if (p.kind !== 'act') throw new Error(`refused: ${p.msg}`);
	return p;
};

const Plan = suite('xcat_services plan');
const EL = ['postgresql', 'xcatd', 'named', 'dhcpd', 'conserver'];

Plan('started on a standby: list order, checks after the database and xcatd, regeneration before each service', () => {
	const p = act(
		EL.map((n) => u(n)),
		{ services: EL },
	);
	assert.equal(names(p.steps), [
		'start postgresql:changed',
		'check database:skipped',
		'start xcatd:changed',
		'check xcatd:skipped',
		'makedns -n:changed',
		'start named:changed',
		'makedhcp -n:changed',
		'makedhcp -a:changed',
		'start dhcpd:changed',
		'makeconservercf:changed',
		'start conserver:changed',
	]);
	assert.equal(p.warnings, []);
	assert.is(
		p.before,
		'postgresql: inactive, disabled\nxcatd: inactive, disabled\nnamed: inactive, disabled\ndhcpd: inactive, disabled\nconserver: inactive, disabled\n',
	);
	assert.is(p.after, p.before.replaceAll('inactive', 'active'));
});

Plan('started on the active MN: every unit ok, still checked, nothing regenerated', () => {
	const p = act(
		EL.map((n) => u(n, 'active')),
		{ services: EL },
	);
	const v = preview(p.steps, undefined);
	assert.equal(v.commands, []);
	assert.equal(unitsChanged(v.steps, 'start'), []);
	assert.equal(
		v.steps.filter((s) => s.action === 'regenerate').map((s) => [s.step, s.result, s.reason]),
		[
			['makedns -n', 'skipped', 'nothing was started, so the configuration is left as it is'],
			['makedhcp -n', 'skipped', 'nothing was started, so the configuration is left as it is'],
			['makedhcp -a', 'skipped', 'nothing was started, so the configuration is left as it is'],
			['makeconservercf', 'skipped', 'nothing was started, so the configuration is left as it is'],
		],
	);
	assert.equal(p.steps.filter((s) => s.kind === 'check').length, 2);
});

Plan('one unit down is enough to regenerate everything', () => {
	const units = EL.map((n) => u(n, n === 'conserver' ? 'failed' : 'active'));
	const v = preview(act(units, { services: EL }).steps, { rows: 3, domain: 'xcat.lab' });
	assert.equal(v.commands, [['makedns', '-n'], ['makedhcp', '-n'], ['makedhcp', '-a'], ['makeconservercf'], ['systemctl', 'start', '--', 'conserver']]);
});

Plan('restart: a running unit listed in restart is restarted (and counts as started, so a rollback stops it); one not running is started', () => {
	const units = [u('xcat-lease-guard', 'active'), u('postgresql', 'active'), u('xcatd', 'active')];
	const p = act(units, { services: units.map((x) => x.unit), restart: ['xcat-lease-guard'] });
	const v = preview(p.steps, { rows: 3, domain: 'xcat.lab' });
	assert.equal(v.commands[0], ['systemctl', 'restart', '--', 'xcat-lease-guard']);
	assert.equal(unitsChanged(v.steps, 'restart'), ['xcat-lease-guard']);
	assert.equal(unitsStarted(v.steps, units, units), ['xcat-lease-guard'], 'restarted by this run: a rollback stops it');
	assert.is(p.after, p.before);
	const idle = act([u('xcat-lease-guard'), u('xcatd')], { services: ['xcat-lease-guard', 'xcatd'], restart: ['xcat-lease-guard'] });
	assert.equal(names(idle.steps).slice(0, 1), ['start xcat-lease-guard:changed']);
	const without = act(units, { services: units.map((x) => x.unit) });
	assert.equal(preview(without.steps, undefined).commands, [], 'not in restart: a running unit is left running');
});

Plan('stopped: reverse order, units already stopped (inactive or failed) are ok', () => {
	const units = [u('xcatd', 'active'), u('named', 'failed'), u('isc-dhcp-server', 'active'), u('conserver-server', 'deactivating')];
	const p = act(units, { state: 'stopped', services: units.map((x) => x.unit) });
	assert.equal(names(p.steps), ['stop conserver-server:changed', 'stop isc-dhcp-server:changed', 'stop named:ok', 'stop xcatd:changed']);
	assert.equal(unitsChanged(preview(p.steps, undefined).steps, 'stop'), ['conserver-server', 'isc-dhcp-server', 'xcatd']);
});

Plan('started: the units a run brought up, also one a configuration write started before its own step came (makeconservercf restarts conserver)', () => {
	const before = [u('xcatd', 'inactive'), u('named', 'active'), u('isc-dhcp-server', 'inactive'), u('conserver-server', 'inactive')];
	const steps = [
		{ step: 'start xcatd', action: 'start', result: 'changed', ms: 1 },
		{ step: 'start named', action: 'start', result: 'ok', ms: 0 },
		{ step: 'start isc-dhcp-server', action: 'start', result: 'failed', ms: 1 },
	] as const;
	const after = [u('xcatd', 'active'), u('named', 'active'), u('isc-dhcp-server', 'failed'), u('conserver-server', 'active')];
	assert.equal(unitsStarted(steps, before, after), ['xcatd', 'conserver-server']);
	// no second probe (it failed): what the steps say
	assert.equal(unitsStarted(steps, before, undefined), ['xcatd']);
	// a unit running before is not one the run started, even when a write restarted it
	const running = before.map((x) => ({ ...x, active: 'active' }));
	assert.equal(unitsStarted(steps.slice(1), running, running), []);
});

Plan("a socket that starts the database on demand (Debian's mariadb.socket): stopped and disabled before the database, never started", () => {
	const sock = { ...u('mariadb.socket', 'active', 'enabled'), triggers: 'mariadb.service' };
	const units = [{ ...u('mariadb', 'active'), triggeredBy: ['mariadb.socket'] }, sock, u('xcatd', 'active')];
	const down = act(units, { state: 'stopped', services: ['mariadb', 'xcatd'] });
	assert.equal(names(down.steps), ['disable mariadb.socket:changed', 'stop xcatd:changed', 'stop mariadb.socket:changed', 'stop mariadb:changed']);
	assert.is(down.after, 'mariadb: inactive, disabled\nmariadb.socket: inactive, disabled\nxcatd: inactive, disabled\n');
	const up = act([units[0]!, { ...sock, active: 'inactive', enabled: 'disabled' }, u('xcatd')], { services: ['mariadb', 'xcatd'], regenerate: false });
	assert.equal(names(up.steps), ['start mariadb:ok', 'check database:skipped', 'start xcatd:changed', 'check xcatd:skipped']);
});

Plan('enabled drift: an enabled unit is disabled first and reported, also when the state is already right', () => {
	const units = [u('xcatd', 'inactive', 'enabled'), u('named', 'inactive', 'enabled-runtime'), u('dhcpd', 'inactive', 'static')];
	const p = act(units, { state: 'stopped', services: units.map((x) => x.unit) });
	assert.equal(names(p.steps), ['disable named:changed', 'disable xcatd:changed', 'stop dhcpd:ok', 'stop named:ok', 'stop xcatd:ok']);
	assert.equal(preview(p.steps, undefined).commands, [
		['systemctl', 'disable', '--runtime', '--', 'named'],
		['systemctl', 'disable', '--', 'xcatd'],
	]);
	assert.is(p.warnings.length, 2);
	assert.match(p.warnings[1]!, /^xcatd was enabled at boot \(enabled\): HA services stay disabled/);
	assert.is(p.after, 'xcatd: inactive, disabled\nnamed: inactive, disabled\ndhcpd: inactive, static\n');
	const started = act([u('xcatd', 'active', 'enabled')], { services: ['xcatd'] });
	assert.equal(names(started.steps), [
		'disable xcatd:changed',
		'check database:skipped',
		'start xcatd:ok',
		'check xcatd:skipped',
		'makedns -n:skipped',
		'makedhcp -n:skipped',
		'makedhcp -a:skipped',
		'makeconservercf:skipped',
	]);
});

Plan('enabled: true enables disabled units; masked, static and alias units are left', () => {
	const units = [u('xcatd', 'active', 'disabled'), u('named', 'active', 'enabled'), u('dhcpd', 'active', 'static')];
	const p = act(units, { services: units.map((x) => x.unit), enabled: true });
	assert.equal(
		p.steps.filter((s) => s.kind === 'unit' && s.action === 'enable').map((s) => s.kind === 'unit' && s.unit),
		['xcatd'],
	);
	assert.equal(p.warnings, []);
});

Plan('refused before anything changes: a missing or masked unit to start, a masked unit to enable', () => {
	const r = (units: UnitState[], d: Partial<Desired>) => {
		const p = plan(units, want(d));
		return p.kind === 'refuse' ? p.msg : 'acted';
	};
	assert.match(r([u('xcatd'), u('nosuch', 'inactive', '', 'not-found')], { services: ['xcatd', 'nosuch'] }), /^nosuch is not installed on this host/);
	assert.match(r([u('xcatd', 'inactive', 'masked', 'masked')], { services: ['xcatd'] }), /^xcatd is masked, so it cannot start: systemctl unmask xcatd/);
	assert.match(r([u('xcatd', 'inactive', 'masked', 'masked')], { state: 'stopped', services: ['xcatd'], enabled: true }), /cannot be enabled/);
	assert.is(r([u('xcatd', 'inactive', 'masked', 'masked')], { state: 'stopped', services: ['xcatd'] }), 'acted', 'a masked unit is stopped and stays masked');
	assert.match(r([u('xcatd', 'inactive', 'disabled', 'bad-setting')], { services: ['xcatd'] }), /LoadState=bad-setting/);
});

Plan('stopped: a unit that is not installed is skipped with a warning (the standby must still go down)', () => {
	const p = act([u('xcatd', 'active'), u('goconserver', 'inactive', '', 'not-found')], { state: 'stopped', services: ['xcatd', 'goconserver'] });
	assert.equal(names(p.steps), ['stop goconserver:skipped', 'stop xcatd:changed']);
	assert.equal(p.warnings, ['goconserver is not installed on this host (no such unit): nothing to stop']);
	assert.match(p.before, /goconserver: not installed/);
});

Plan('regeneration steps whose service is not in the list are skipped, right after the xcatd check', () => {
	const p = act([u('xcatd'), u('named')], { services: ['xcatd', 'named'] });
	assert.equal(names(p.steps), [
		'check database:skipped',
		'start xcatd:changed',
		'check xcatd:skipped',
		'makedhcp -n:skipped',
		'makedhcp -a:skipped',
		'makeconservercf:skipped',
		'makedns -n:changed',
		'start named:changed',
	]);
	assert.equal(preview(p.steps, { rows: 1 }).steps.find((s) => s.step === 'makedhcp -n')?.reason, 'its service is not in services');
});

Plan('no regeneration without xcatd or with regenerate: false', () => {
	assert.equal(names(act([u('postgresql'), u('named')], { services: ['postgresql', 'named'] }).steps), [
		'start postgresql:changed',
		'check database:skipped',
		'start named:changed',
	]);
	assert.equal(names(act([u('xcatd'), u('named')], { services: ['xcatd', 'named'], regenerate: false }).steps), [
		'check database:skipped',
		'start xcatd:changed',
		'check xcatd:skipped',
		'start named:changed',
	]);
});

Plan.run();

const Regen = suite('xcat_services regeneration choices');
const slot = (s: Partial<Extract<Planned, { kind: 'regenerate' }>>): Extract<Planned, { kind: 'regenerate' }> => ({
	kind: 'regenerate',
	role: 'console',
	...s,
});

Regen('consoles: site.consoleservice=goconserver means makegocons, anything else makeconservercf', () => {
	assert.equal(resolveRegeneration(slot({ unit: 'goconserver', consoleRole: 'goconserver' }), { rows: 1, consoleservice: 'goconserver' }), [
		{ name: 'makegocons', argv: ['makegocons'], writes: true },
	]);
	assert.equal(resolveRegeneration(slot({ unit: 'conserver', consoleRole: 'conserver' }), { rows: 1 }), [
		{ name: 'makeconservercf', argv: ['makeconservercf'], writes: true },
	]);
	assert.equal(resolveRegeneration(slot({ unit: 'conserver', consoleRole: 'conserver' }), { rows: 1, consoleservice: 'conserver' }), [
		{ name: 'makeconservercf', argv: ['makeconservercf'], writes: true },
	]);
});

Regen('consoles: a console unit that is not the configured one is not regenerated, with a warning', () => {
	const [r] = resolveRegeneration(slot({ unit: 'conserver-server', consoleRole: 'conserver' }), { rows: 1, consoleservice: 'goconserver' });
	assert.is(r?.name, 'makeconservercf');
	assert.is(r?.skip, "site.consoleservice is goconserver, so conserver-server is not xCAT's console service");
	assert.match(r?.warning ?? '', /conserver-server is in services but site.consoleservice is goconserver/);
	const [g] = resolveRegeneration(slot({ unit: 'goconserver', consoleRole: 'goconserver' }), { rows: 1 });
	assert.match(g?.skip ?? '', /^site.consoleservice is not set \(conserver\)/);
});

Regen('consoles: with no console unit in the list the skipped step names the configured command', () => {
	assert.equal(
		resolveRegeneration(slot({ skip: 'its service is not in services' }), { rows: 1, consoleservice: 'goconserver' }).map((r) => r.name),
		['makegocons'],
	);
	assert.equal(
		resolveRegeneration(slot({ skip: 'its service is not in services' }), undefined).map((r) => r.name),
		['makeconservercf or makegocons'],
	);
});

Regen('dns: makedns -n only with site.domain; dhcp: makedhcp -n then -a', () => {
	assert.equal(resolveRegeneration(slot({ role: 'dns', unit: 'named' }), { rows: 1, domain: 'xcat.lab' }), [
		{ name: 'makedns -n', argv: ['makedns', '-n'], writes: true },
	]);
	assert.is(resolveRegeneration(slot({ role: 'dns', unit: 'named' }), { rows: 1 })[0]?.skip, 'site.domain is not set, so xCAT serves no DNS zone');
	assert.equal(
		resolveRegeneration(slot({ role: 'dhcp', unit: 'dhcpd' }), { rows: 1 }).map((r) => r.argv),
		[
			['makedhcp', '-n'],
			['makedhcp', '-a'],
		],
	);
});

Regen('check mode before the database runs: the commands are named with what will decide them', () => {
	const [dns] = resolveRegeneration(slot({ role: 'dns', unit: 'named' }), undefined);
	assert.match(dns?.note ?? '', /^runs if site.domain is set/);
	const [cons] = resolveRegeneration(slot({ unit: 'goconserver', consoleRole: 'goconserver' }), undefined);
	assert.is(cons?.name, 'makegocons');
	assert.match(cons?.note ?? '', /^runs if site.consoleservice is goconserver/);
});

Regen.run();

const Attempt = suite('xcat_services attempts');

Attempt('retries until it works, and counts the attempts', async () => {
	let n = 0;
	const a = await attempt(3, 5000, async () => ({ ok: ++n === 2, output: `try ${n}\n` }), 10);
	assert.equal([a.ok, a.attempts, a.output], [true, 2, 'try 2\n']);
});

Attempt('gives up after the last attempt with its output', async () => {
	const a = await attempt(3, 5000, async () => ({ ok: false, output: 'no\n' }), 10);
	assert.equal([a.ok, a.attempts], [false, 3]);
});

Attempt('stops when the time budget cannot hold another attempt, and says so', async () => {
	const a = await attempt(5, 100, async () => ({ ok: false, output: 'slow\n' }), 200);
	assert.is(a.attempts, 1);
	assert.match(a.output, /no time left for another attempt/);
});

Attempt('each attempt gets the time that is left as its timeout', async () => {
	const lefts: number[] = [];
	await attempt(
		2,
		1000,
		async (left) => {
			lefts.push(left);
			await new Promise((r) => setTimeout(r, 50));
			return { ok: false, output: '' };
		},
		10,
	);
	assert.ok(lefts[0]! <= 1000 && lefts[0]! > 900, String(lefts));
	assert.ok(lefts[1]! < lefts[0]! - 50, String(lefts));
});

Attempt.run();

const Idle = suite('xcat_services: conserver with no console to serve');

Idle('a conserver configuration without consoles is told from one with', () => {
	assert.is(definesConsole('config * {\n}\n# console cn1 {\n'), false);
	assert.is(definesConsole('default * { master localhost; }\nconsole cn1 {\n  type exec;\n}\n'), true);
});

Idle('an idle conserver is not started and does not make the run start (and regenerate) anything', () => {
	const units: UnitState[] = [
		{ unit: 'xcatd', load: 'loaded', active: 'active', enabled: 'disabled' },
		{ unit: 'conserver-server', load: 'loaded', active: 'inactive', enabled: 'disabled', idle: NO_CONSOLES },
	];
	const p = idlePlan(units, { state: 'started', services: ['xcatd', 'conserver-server'], enabled: false, regenerate: true });
	assert.is(p.kind, 'act');
	const steps = (p as { steps: any[] }).steps;
	assert.equal(
		steps.filter((s) => s.kind === 'unit' && s.needed),
		[],
	);
	assert.ok(steps.some((s) => s.kind === 'unit' && s.unit === 'conserver-server' && s.skip === NO_CONSOLES));
	assert.ok(
		steps.filter((s) => s.kind === 'regenerate').every((s) => s.skip),
		'nothing regenerated',
	);
});

Idle('a conserver start the plan wanted is skipped if its configuration has no console when the start comes', async () => {
	// the probe saw consoles (or no file); makeconservercf, just before the start, wrote a configuration without any
	const dir = await mkdtemp(join(tmpdir(), 'xcat-ha-conserver-'));
	const changed: string[] = [];
	const ok = (argv: readonly string[], stdout = ''): CommandResult => ({ argv: [...argv], rc: 0, stdout, stderr: '' });
	const ctx = {
		args: args({ services: ['xcatd', 'conserver'] }),
		check: false,
		diff: false,
		verbosity: 0,
		warn() {},
		read: async (argv: readonly string[]) => ok(argv, 'active\n'),
		change: async (argv: readonly string[]) => {
			changed.push(argv.join(' '));
			return ok(argv);
		},
		changeInBackground: async (argv: readonly string[]) => {
			changed.push(argv.join(' '));
			return ok(argv);
		},
	} satisfies Ctx<Args>;
	const start: Planned[] = [{ kind: 'unit', action: 'start', unit: 'conserver', needed: true }];
	const budget = { tries: 1, ms: 5000 };
	try {
		const cf = join(dir, 'conserver.cf');
		await writeFile(cf, 'config * {\n}\n# console cn1 {\n');
		const idle = await apply(ctx, start, budget, [join(dir, 'missing.cf'), cf]);
		assert.equal(idle.steps, [{ step: 'start conserver', action: 'start', result: 'skipped', ms: 0, reason: NO_CONSOLES }]);
		assert.equal([changed, idle.commands, idle.failed], [[], [], undefined]);
		await writeFile(cf, 'console cn1 {\n  type exec;\n}\n');
		const busy = await apply(ctx, start, budget, [cf]);
		assert.equal([busy.steps.map((s) => `${s.step}:${s.result}`), changed], [['start conserver:changed'], ['systemctl start -- conserver']]);
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
});

Idle.run();
