// xcat_services's bundle, run as Ansible runs it, against fake systemctl/journalctl/xCAT commands on PATH
// (this machine has no running systemd): bad input, the order of what runs, retries, time budget, failures.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { makeFakeSystemd, type FakeSystemd } from '../helpers/fake-systemd';
import { runModule, type RunOpts } from '../../tools/lab/run-module';

let fake: FakeSystemd;
const savedPath = process.env.PATH;
const use = async () => {
	fake = await makeFakeSystemd();
	process.env.PATH = fake.path;
	process.env.FAKE_SYSTEMD = fake.dir;
};
const done = async () => {
	process.env.PATH = savedPath;
	delete process.env.FAKE_SYSTEMD;
	await fake.remove();
};
// XCAT_HA_LIBRARY=dir runs bundles built there (`node scripts/build.mjs --out dir`), safe from a concurrent rebuild of plugins/modules/
const lib = process.env.XCAT_HA_LIBRARY ? { libDir: process.env.XCAT_HA_LIBRARY } : {};
const svc = (args: Record<string, unknown>, o: RunOpts = {}) =>
	runModule('xcat_services', { state: 'started', services: ['xcatd'], ...args }, { ...lib, ...o });

const Bad = suite('xcat_services bad input: fails before anything is read or changed');
Bad.before(use);
Bad.after(done);

const HINT = "a systemd service name (letters, digits, ':', '_', '.', '@', '-'; starting with a letter, digit or '_')";
const BAD: Array<[Record<string, unknown>, string]> = [
	[
		{ colour: 'red' },
		'Unsupported parameters for (xcat_services) module: colour. Supported parameters include: enabled, regenerate, restart, retries, services, state, timeout.',
	],
	[{ state: null, services: null }, 'missing required arguments: services, state'],
	[{ state: 'restarted' }, 'value of state must be one of: started, stopped, got: restarted'],
	[{ services: [] }, 'services must have at least 1 item(s), got: []'],
	[{ services: ['xcatd', 'named; reboot'] }, `value of services[1] must be ${HINT}, got: "named; reboot"`],
	[{ services: ['xcatd\nnamed'] }, `value of services[0] must be ${HINT}, got: "xcatd\\nnamed"`],
	[{ services: ['/etc/systemd/system/xcatd.service'] }, `value of services[0] must be ${HINT}, got: "/etc/systemd/system/xcatd.service"`],
	[{ services: ['../xcatd'] }, `value of services[0] must be ${HINT}, got: "../xcatd"`],
	[{ services: ['--now'] }, `value of services[0] must be ${HINT}, got: "--now"`],
	[{ services: ['$(reboot)'] }, `value of services[0] must be ${HINT}, got: "$(reboot)"`],
	[{ services: ['xcatd', 'xcatd.service'] }, 'value of services lists the same unit twice: "xcatd" and "xcatd.service"'],
	[{ services: ['tftp.socket'] }, 'value of services must name services, got: "tftp.socket" (only .service units are started and stopped here)'],
	[
		{ services: ['xcatd', 'postgresql'] },
		'value of services must list the database before xcatd (xcatd reads its configuration from it), got: xcatd, postgresql',
	],
	[{ services: { xcatd: 1 } }, `argument 'services' is of type dict and we were unable to convert to list: a dict is not a list`],
	[{ services: [['xcatd']] }, 'elements of services must be strings, got a list'],
	[{ retries: 0 }, 'value of retries must be between 1 and 20, got: 0'],
	[{ timeout: -5 }, 'value of timeout must be between 1 and 3600, got: -5'],
	[{ timeout: 'soon' }, `argument 'timeout' is of type str and we were unable to convert to int: "soon" is not a whole number`],
	[{ retries: 1.5 }, `argument 'retries' is of type float and we were unable to convert to int: 1.5 is not a whole number`],
	[
		{ enabled: 'maybe' },
		`argument 'enabled' is of type str and we were unable to convert to bool: the value "maybe" is not a valid boolean; valid booleans are yes/no, on/off, true/false, 1/0`,
	],
	[
		{ regenerate: [] },
		`argument 'regenerate' is of type list and we were unable to convert to bool: the value [] is not a valid boolean; valid booleans are yes/no, on/off, true/false, 1/0`,
	],
];

Bad('every bad value is named, with what is allowed, and no command runs', async () => {
	for (const [args, msg] of BAD) {
		const { result, exitCode } = await svc(args);
		assert.is(result.failed, true, JSON.stringify(args));
		assert.is(result.msg, msg, JSON.stringify(args));
		assert.is(exitCode, 1);
	}
	assert.equal(await fake.calls(), [], 'not even systemctl show ran');
});

Bad.run();

const Run = suite('xcat_services against fake units');
Run.before.each(use);
Run.after.each(done);

const LAB = ['xcatd', 'named', 'isc-dhcp-server', 'conserver-server'];
const standby = async () => {
	for (const u of LAB) await fake.unit(u, 'inactive', 'disabled');
};
const changing = (calls: string[]) => calls.filter((c) => !/^systemctl (show|is-active|is-enabled)|^(tabdump|lsxcatd|journalctl)/.test(c));

Run('check mode: the plan, nothing that writes runs', async () => {
	await standby();
	await fake.unit('xcatd', 'inactive', 'enabled');
	const { result } = await svc({ services: LAB }, { check: true, diff: true });
	assert.is(result.changed, true);
	assert.equal(result.started, LAB);
	assert.equal(
		result.steps.map((s: any) => `${s.step}:${s.result}`),
		[
			'disable xcatd:changed',
			'check database:skipped',
			'start xcatd:changed',
			'check xcatd:skipped',
			'makedns -n:changed',
			'start named:changed',
			'makedhcp -n:changed',
			'makedhcp -a:changed',
			'start isc-dhcp-server:changed',
			'makeconservercf:changed',
			'start conserver-server:changed',
		],
	);
	assert.equal(result.warnings, [
		'xcatd was enabled at boot (enabled): HA services stay disabled, so that a management node that reboots does not start them while its peer is active',
	]);
	assert.is(result.diff.before.split('\n')[0], 'xcatd: inactive, enabled');
	assert.is(result.diff.after.split('\n')[0], 'xcatd: active, disabled');
	assert.equal(changing(await fake.calls()), []);
	assert.is(await fake.state('xcatd'), 'inactive enabled');
});

Run('restart: a running unit in restart is restarted, reported started (a rollback stops it); not in restart it is left running', async () => {
	for (const u of LAB) await fake.unit(u, 'active', 'disabled');
	await fake.unit('guard', 'active', 'disabled');
	const { result } = await svc({ services: ['guard', ...LAB], restart: ['guard'] });
	assert.is(result.failed, undefined, result.msg);
	assert.equal(result.started, ['guard']);
	assert.equal(result.steps[0], { step: 'restart guard', action: 'restart', result: 'changed', ms: result.steps[0].ms, done_ms: result.steps[0].done_ms });
	assert.equal(changing(await fake.calls()), ['systemctl restart -- guard'], 'nothing regenerated for a restart alone');
	const again = await svc({ services: ['guard', ...LAB] });
	assert.is(again.result.changed, false, 'without restart a running unit is left alone');
	const stopped = await svc({ state: 'stopped', services: ['guard', ...LAB], restart: ['guard'] });
	assert.is(stopped.result.failed, true);
	assert.is(stopped.result.msg, 'restart goes with state started, got state stopped and restart: guard');
});

Run('started: the commands in order, the checks, regeneration; then a second run changes nothing', async () => {
	await standby();
	const { result } = await svc({ services: LAB });
	assert.is(result.failed, undefined, result.msg);
	assert.is(result.changed, true);
	assert.equal(result.started, LAB);
	// once xcatd answers, the three configuration writes start together (in any order, and a write that ends
	// early lets its own slot go on while the others' processes are still starting), the rest in order
	const calls = changing(await fake.calls());
	const writes = ['makeconservercf', 'makedhcp -n', 'makedns -n'];
	assert.equal(
		calls.filter((c) => !writes.includes(c)),
		['systemctl start -- xcatd', 'systemctl start -- named', 'makedhcp -a', 'systemctl start -- isc-dhcp-server', 'systemctl start -- conserver-server'],
	);
	assert.equal(calls.filter((c) => writes.includes(c)).sort(), writes);
	const before = (a: string, b: string) => assert.ok(calls.indexOf(a) < calls.indexOf(b), `${a} before ${b}: ${calls.join(', ')}`);
	for (const w of writes) before('systemctl start -- xcatd', w);
	before('makedns -n', 'systemctl start -- named');
	before('makedhcp -n', 'makedhcp -a');
	before('makeconservercf', 'systemctl start -- conserver-server');
	assert.equal(result.commands, [
		['systemctl', 'start', '--', 'xcatd'],
		['makedns', '-n'],
		['makedhcp', '-n'],
		['makeconservercf'],
		['systemctl', 'start', '--', 'named'],
		['makedhcp', '-a'],
		['systemctl', 'start', '--', 'isc-dhcp-server'],
		['systemctl', 'start', '--', 'conserver-server'],
	]);
	// the report keeps the planned order
	assert.equal(
		result.steps.filter((s: any) => s.result === 'changed').map((s: any) => s.step),
		['start xcatd', 'makedns -n', 'start named', 'makedhcp -n', 'makedhcp -a', 'start isc-dhcp-server', 'makeconservercf', 'start conserver-server'],
	);
	assert.ok(
		(await fake.calls()).indexOf('tabdump site') < (await fake.calls()).indexOf('systemctl start -- xcatd'),
		'the database is checked before xcatd starts',
	);
	for (const s of result.steps) assert.ok(Number.isInteger(s.ms) && s.ms >= 0, JSON.stringify(s));
	const again = await svc({ services: LAB });
	assert.is(again.result.changed, false);
	assert.equal(again.result.commands, []);
	assert.equal(
		again.result.steps.filter((s: any) => s.action === 'check').map((s: any) => s.result),
		['ok', 'ok'],
	);
});

Run('site.consoleservice=goconserver: makegocons for the goconserver unit', async () => {
	await fake.unit('xcatd', 'inactive', 'disabled');
	await fake.unit('goconserver', 'inactive', 'disabled');
	await fake.set('site', '#key,value,comments,disable\n"consoleservice","goconserver",,\n');
	const { result } = await svc({ services: ['xcatd', 'goconserver'] });
	assert.equal(
		result.steps.filter((s: any) => s.action === 'regenerate').map((s: any) => `${s.step}:${s.result}`),
		['makedns -n:skipped', 'makedhcp -n:skipped', 'makedhcp -a:skipped', 'makegocons:changed'],
	);
	assert.ok((await fake.calls()).includes('makegocons'));
});

Run('a start that fails: the module fails naming the step, with its output and journal, and says what it started', async () => {
	await standby();
	await fake.set('fail-start-isc-dhcp-server');
	const { result, exitCode } = await svc({ services: LAB, retries: 2 });
	assert.is(exitCode, 1);
	assert.is(result.failed, true);
	assert.match(
		result.msg,
		/^step "start isc-dhcp-server" failed after 2 attempts \(started so far: xcatd, named\):\n\$ systemctl start -- isc-dhcp-server \(rc 1\)\nJob for isc-dhcp-server.service failed/,
	);
	assert.equal(result.started, ['xcatd', 'named']);
	const last = result.steps[result.steps.length - 1];
	assert.equal([last.step, last.action, last.result, last.attempts], ['start isc-dhcp-server', 'start', 'failed', 2]);
	assert.match(last.output, /-- journal of isc-dhcp-server --/);
	assert.ok(!changing(await fake.calls()).includes('systemctl start -- conserver-server'), 'nothing after the failed step ran');
	// makeconservercf was written alongside the others when xcatd answered: it ran, and is reported
	assert.equal(
		result.steps.filter((s: any) => s.step === 'makeconservercf').map((s: any) => s.result),
		['changed'],
	);
	assert.ok(last.ms >= 2000, 'a pause between the attempts');
});

Run('a flaky start succeeds on a retry and says how many attempts it took', async () => {
	await fake.unit('xcatd', 'inactive', 'disabled');
	await fake.set('flaky-start-xcatd', '1');
	const { result } = await svc({ services: ['xcatd'], regenerate: false });
	assert.is(result.failed, undefined, result.msg);
	const start = result.steps.find((s: any) => s.step === 'start xcatd');
	assert.equal([start.result, start.attempts], ['changed', 2]);
});

Run('a start that returns 0 while the unit dies is a failure', async () => {
	await fake.unit('named', 'inactive', 'disabled');
	await fake.set('dies-named');
	const { result } = await svc({ services: ['named'], retries: 1 });
	assert.is(result.failed, true);
	assert.match(result.msg, /systemctl start returned 0 but named is failed/);
});

Run('a start that hangs fails when the step time is up', async () => {
	await fake.unit('named', 'inactive', 'disabled');
	await fake.set('hang-start-named');
	const t = Date.now();
	const { result } = await svc({ services: ['named'], timeout: 2 });
	assert.is(result.failed, true);
	assert.ok(Date.now() - t < 10_000, 'within the timeout, not the 30 s the start would take');
	assert.match(result.steps[0].output, /timed out/i);
});

Run('the database answers with the header only: check database fails and xcatd is not started', async () => {
	await fake.unit('postgresql', 'inactive', 'disabled');
	await fake.unit('xcatd', 'inactive', 'disabled');
	await fake.set('site', '#key,value,comments,disable\n');
	const { result } = await svc({ services: ['postgresql', 'xcatd'], retries: 1 });
	assert.is(result.failed, true);
	assert.match(
		result.msg,
		/^step "check database" failed \(started so far: postgresql\):\n\$ XCATBYPASS=1 tabdump site\n#key,value,comments,disable\ntabdump site printed only its header/,
	);
	assert.ok(!(await fake.calls()).includes('systemctl start -- xcatd'));
});

Run('a regeneration command that fails fails the module (xcatha ignored it)', async () => {
	await standby();
	await fake.set('fail-makedhcp');
	const { result } = await svc({ services: LAB, retries: 1 });
	assert.is(result.failed, true);
	assert.match(result.msg, /^step "makedhcp -n" failed \(started so far: xcatd, named\)/);
	assert.match(result.msg, /makedhcp: broken/);
	assert.ok(!(await fake.calls()).includes('systemctl start -- isc-dhcp-server'), 'the DHCP server is not started on a failed write');
});

// Real xCAT takes about 3.5 s for each of makedns -n and makedhcp -n and seconds for makeconservercf
// (docs/xcat-behaviour.md#timings): one after the other they kept a new active MN's DNS, DHCP and
// consoles down for the sum.
Run('the configuration writes run side by side once xcatd answers', async () => {
	await standby();
	for (const c of ['makedns', 'makedhcp', 'makeconservercf']) await fake.set(`slow-${c}`, '1.5');
	const t0 = Date.now();
	const { result } = await svc({ services: LAB });
	const wall = Date.now() - t0;
	assert.is(result.failed, undefined, result.msg);
	const ms = (step: string) => result.steps.find((s: any) => s.step === step).ms as number;
	// makedhcp -a is slow as well: one after the other, the four would take 6 s; side by side, 3 s
	for (const step of ['makedns -n', 'makedhcp -n', 'makedhcp -a', 'makeconservercf']) assert.ok(ms(step) >= 1500, `${step} took ${ms(step)} ms`);
	assert.ok(wall < 5500, `the module took ${wall} ms`);
});

Run('stopped: reverse order, each verified; a unit that lingers fails the step', async () => {
	for (const u of LAB) await fake.unit(u, 'active', 'disabled');
	await fake.unit('xcatd', 'active', 'enabled');
	const { result } = await svc({ state: 'stopped', services: LAB }, { diff: true });
	assert.is(result.failed, undefined, result.msg);
	assert.equal(changing(await fake.calls()), [
		'systemctl disable -- xcatd',
		'systemctl stop -- conserver-server',
		'systemctl stop -- isc-dhcp-server',
		'systemctl stop -- named',
		'systemctl stop -- xcatd',
	]);
	assert.equal(result.stopped, [...LAB].reverse());
	assert.is(
		result.diff.after,
		'xcatd: inactive, disabled\nnamed: inactive, disabled\nisc-dhcp-server: inactive, disabled\nconserver-server: inactive, disabled\n',
	);
	const again = await svc({ state: 'stopped', services: LAB });
	assert.is(again.result.changed, false);

	for (const u of LAB) await fake.unit(u, 'active', 'disabled');
	await fake.set('lingers-named');
	const stuck = await svc({ state: 'stopped', services: LAB, retries: 1 });
	assert.is(stuck.result.failed, true);
	assert.match(
		stuck.result.msg,
		/^step "stop named" failed \(stopped so far: conserver-server, isc-dhcp-server\):[^]*systemctl stop returned 0 but named is active/,
	);
});

Run('a SysV unit is asked with is-enabled, and disabled through systemctl', async () => {
	await fake.unit('isc-dhcp-server', 'inactive', 'generated');
	await fake.set('sysv-isc-dhcp-server', 'enabled');
	const { result } = await svc({ state: 'stopped', services: ['isc-dhcp-server'] });
	assert.equal(
		result.steps.map((s: any) => `${s.step}:${s.result}`),
		['disable isc-dhcp-server:changed', 'stop isc-dhcp-server:ok'],
	);
	assert.ok((await fake.calls()).includes('systemctl is-enabled -- isc-dhcp-server'));
});

Run('a unit that is not installed: refused for started (nothing runs), skipped with a warning for stopped', async () => {
	await fake.unit('xcatd', 'inactive', 'disabled');
	const { result } = await svc({ services: ['xcatd', 'nosuch'] });
	assert.match(result.msg, /^nosuch is not installed on this host/);
	assert.equal(changing(await fake.calls()), []);
	const stop = await svc({ state: 'stopped', services: ['xcatd', 'nosuch'] });
	assert.is(stop.result.failed, undefined);
	assert.match(stop.result.warnings.join(), /nosuch is not installed on this host/);
});

Run.run();
