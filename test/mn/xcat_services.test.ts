// xcat_services on the lab's management nodes: mn1 (active, SQLite, xcatd enabled at boot as provisioned)
// and mn2 (standby), with the real units of Debian and the EL-style postgresql unit when the lab has it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ADDRESS, ok, on, resetLab, runModuleOn } from '../../tools/lab/lab';
import type { RunOpts } from '../../tools/lab/run-module';

const LAB = ['xcatd', 'named', 'isc-dhcp-server', 'conserver-server'];
// XCAT_HA_LIBRARY=dir runs bundles built there (`node scripts/build.mjs --out dir`), safe from a concurrent rebuild of plugins/modules/
const lib = process.env.XCAT_HA_LIBRARY ? { libDir: process.env.XCAT_HA_LIBRARY } : {};
const svc = (host: string, args: Record<string, unknown>, o: RunOpts = {}) =>
	runModuleOn(host, 'xcat_services', { services: LAB, ...args }, { ...lib, ...o }).then((r) => r.result);

/** `unit active enabled` per unit, as systemd says */
async function states(host: string, units: string[]): Promise<string[]> {
	const out = await ok(host, units.map((u) => `echo "${u} $(systemctl is-active ${u} || true) $(systemctl is-enabled ${u} 2>/dev/null || true)"`).join('\n'));
	return out.trim().split('\n');
}
const all = (units: string[], active: string, enabled: string) => units.map((u) => `${u} ${active} ${enabled}`);
const stepsOf = (r: Record<string, any>) => (r.steps as Array<Record<string, any>>).map((s) => `${s.step}:${s.result}`);
const figures: string[] = [];

const Mn1 = suite('xcat_services on mn1, the active MN (SQLite)');
Mn1.before(async () => {
	resetLab();
	await ok('mn1', 'chtab key=dhcpinterfaces site.value=host0');
});

Mn1('provisioned: xcatd runs and is enabled at boot; check mode of stopped reports it and changes nothing', async () => {
	const before = await states('mn1', LAB);
	assert.is(before[0], 'xcatd active enabled');
	const r = await svc('mn1', { state: 'stopped' }, { check: true, diff: true });
	assert.is(r.failed, undefined, r.msg);
	assert.is(r.changed, true);
	assert.ok(stepsOf(r).includes('disable xcatd:changed'), stepsOf(r).join());
	assert.ok(stepsOf(r).includes('stop xcatd:changed'));
	assert.match(r.warnings.join('\n'), /xcatd was enabled at boot \(enabled\)/);
	assert.match(r.diff.before, /^xcatd: active, enabled$/m);
	assert.match(r.diff.after, /^xcatd: inactive, disabled$/m);
	assert.equal(await states('mn1', LAB), before);
});

Mn1('stopped: every unit inactive and disabled, in reverse order; again and check change nothing', async () => {
	const r = await svc('mn1', { state: 'stopped' });
	assert.is(r.failed, undefined, r.msg);
	assert.is(r.changed, true);
	const stops = (r.steps as any[]).filter((s) => s.action === 'stop').map((s) => s.step);
	assert.equal(stops, ['stop conserver-server', 'stop isc-dhcp-server', 'stop named', 'stop xcatd']);
	assert.ok(r.stopped.includes('xcatd'));
	assert.equal(await states('mn1', LAB), all(LAB, 'inactive', 'disabled'));
	figures.push(`stop on mn1 ${(r.steps as any[]).reduce((t, s) => t + s.ms, 0)} ms in steps`);

	const again = await svc('mn1', { state: 'stopped' });
	assert.is(again.changed, false);
	assert.equal(again.commands, []);
	const check = await svc('mn1', { state: 'stopped' }, { check: true });
	assert.is(check.changed, false);
	assert.equal(check.commands, []);
});

Mn1('check mode of started: the plan, and nothing starts', async () => {
	const r = await svc('mn1', { state: 'started' }, { check: true });
	assert.is(r.changed, true);
	assert.equal(r.started, LAB);
	assert.ok(stepsOf(r).includes('makedns -n:changed'), stepsOf(r).join());
	assert.equal(await states('mn1', LAB), all(LAB, 'inactive', 'disabled'));
});

Mn1('started: all active, database and xcatd checked, DNS, DHCP and consoles regenerated; again and check change nothing', async () => {
	await ok('mn1', 'rm -f /etc/conserver.cf /var/lib/bind/db.xcat.lab');
	const t = Date.now();
	const r = await svc('mn1', { state: 'started' });
	const ms = Date.now() - t;
	assert.is(r.failed, undefined, r.msg);
	assert.equal(stepsOf(r), [
		'check database:ok',
		'start xcatd:changed',
		'check xcatd:ok',
		'makedns -n:changed',
		'start named:changed',
		'makedhcp -n:changed',
		'makedhcp -a:changed',
		'start isc-dhcp-server:changed',
		'makeconservercf:changed',
		'start conserver-server:changed',
	]);
	assert.equal(r.started, LAB);
	assert.equal(await states('mn1', LAB), all(LAB, 'active', 'disabled'));
	assert.is((await ok('mn1', `dig +short @${ADDRESS.mn1} cn1.xcat.lab`)).trim(), ADDRESS.cn1);
	assert.match(await ok('mn1', 'cat /etc/conserver.cf'), /console cn1 /);
	assert.match(await ok('mn1', 'cat /etc/dhcp/dhcpd.conf'), /subnet 198\.51\.100\.0 netmask 255\.255\.255\.0/);
	assert.match(await ok('mn1', 'lsxcatd -a'), /This is a Management Node/);
	figures.push(`start on mn1 ${ms} ms (module over ssh), steps: ${(r.steps as any[]).map((s) => `${s.step} ${s.ms}`).join(', ')}`);

	const again = await svc('mn1', { state: 'started' });
	assert.is(again.changed, false);
	assert.equal(again.commands, []);
	assert.equal(
		(again.steps as any[]).filter((s) => s.action === 'check').map((s) => `${s.step}:${s.result}`),
		['check database:ok', 'check xcatd:ok'],
	);
	assert.ok((again.steps as any[]).filter((s) => s.action === 'regenerate').every((s) => s.result === 'skipped'));
	const check = await svc('mn1', { state: 'started' }, { check: true });
	assert.is(check.changed, false);
});

Mn1('a masked unit is refused before anything starts', async () => {
	await svc('mn1', { state: 'stopped' });
	await ok('mn1', 'systemctl mask --quiet conserver-server');
	try {
		const before = await states('mn1', LAB);
		const r = await svc('mn1', { state: 'started' });
		assert.is(r.failed, true);
		assert.match(r.msg, /^conserver-server is masked, so it cannot start: systemctl unmask conserver-server/);
		assert.equal(await states('mn1', LAB), before);
	} finally {
		await ok('mn1', 'systemctl unmask --quiet conserver-server');
	}
});

Mn1("dhcpd that cannot start: the module fails at that step with dhcpd's journal, and says what it started", async () => {
	await ok('mn1', 'chtab -d key=dhcpinterfaces site');
	const r = await svc('mn1', { state: 'started', retries: 1 });
	assert.is(r.failed, true);
	// makeconservercf ran side by side with makedhcp -n, before dhcpd's start, and it restarts conserver (as real
	// xCAT's does): conserver runs, so it is among the units started, which a rollback stops
	assert.match(
		r.msg,
		/^step "start isc-dhcp-server" failed \(started so far: xcatd, named, conserver-server\):\n\$ systemctl start -- isc-dhcp-server \(rc 1\)/,
	);
	assert.match(r.msg, /Not configured to listen on any interfaces/);
	assert.equal(r.started, ['xcatd', 'named', 'conserver-server']);
	const steps = (r.steps as any[]).map((s) => `${s.step}:${s.result}`);
	assert.equal(steps.at(-1), 'start isc-dhcp-server:failed');
	assert.ok(steps.includes('makeconservercf:changed'), steps.join(' '));
	assert.not.ok(
		steps.some((s) => s.startsWith('start conserver-server:')),
		`nothing after the failed step ran: ${steps.join(' ')}`,
	);
	assert.match((r.steps as any[]).at(-1).output, /journalctl -u isc-dhcp-server -n 20/);
	assert.match((await states('mn1', ['conserver-server']))[0]!, /^conserver-server active/);
	await ok('mn1', 'chtab key=dhcpinterfaces site.value=host0');
});

Mn1.run();

const Mn2 = suite('xcat_services on mn2, the standby');
// mn2's own tables hold no nodes, so conserver would refuse to run ("no consoles found"): its list leaves it out
const MN2 = ['xcatd', 'named', 'isc-dhcp-server'];
let units2 = MN2;
Mn2.before(async () => {
	// the EL-style postgresql unit (when the lab installs it) gets a data directory to run; xCAT stays on SQLite
	const pg = await on('mn2', 'systemctl cat postgresql 2>/dev/null | grep -q "PGDATA=/var/lib/pgsql/data"');
	if (pg.status === 0) {
		await ok(
			'mn2',
			'test -e /var/lib/pgsql/data/PG_VERSION || { install -d -o postgres -g postgres -m 700 /var/lib/pgsql/data && runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D /var/lib/pgsql/data >/dev/null; }',
		);
		units2 = ['postgresql', ...MN2];
	}
	await ok('mn2', 'chtab key=dhcpinterfaces site.value=host0');
});
Mn2.after(() => {
	if (figures.length) console.log(`\n  xcat_services figures:\n  ${figures.join('\n  ')}`);
});

Mn2('provisioned standby: stopped changes nothing', async () => {
	assert.equal(await states('mn2', units2), all(units2, 'inactive', 'disabled'));
	const r = await svc('mn2', { state: 'stopped', services: units2 });
	assert.is(r.failed, undefined, r.msg);
	assert.is(r.changed, false);
});

Mn2('takeover: check, start (database first, no DNS without site.domain), again, check', async () => {
	const check = await svc('mn2', { state: 'started', services: units2 }, { check: true });
	assert.is(check.changed, true);
	assert.equal(await states('mn2', units2), all(units2, 'inactive', 'disabled'));

	const t = Date.now();
	const r = await svc('mn2', { state: 'started', services: units2 });
	const ms = Date.now() - t;
	assert.is(r.failed, undefined, r.msg);
	const database = units2[0] === 'postgresql' ? ['start postgresql:changed', 'check database:ok'] : ['check database:ok'];
	assert.equal(stepsOf(r), [
		...database,
		'start xcatd:changed',
		'check xcatd:ok',
		'makeconservercf:skipped',
		'makedns -n:skipped',
		'start named:changed',
		'makedhcp -n:changed',
		'makedhcp -a:changed',
		'start isc-dhcp-server:changed',
	]);
	assert.is((r.steps as any[]).find((s) => s.step === 'makeconservercf').reason, 'its service is not in services');
	assert.is((r.steps as any[]).find((s) => s.step === 'makedns -n').reason, 'site.domain is not set, so xCAT serves no DNS zone');
	assert.equal(r.started, units2);
	assert.equal(await states('mn2', units2), all(units2, 'active', 'disabled'));
	figures.push(`start on mn2 (${units2.join(' ')}) ${ms} ms (module over ssh), steps: ${(r.steps as any[]).map((s) => `${s.step} ${s.ms}`).join(', ')}`);

	const t2 = Date.now();
	const again = await svc('mn2', { state: 'started', services: units2 });
	figures.push(`second start on mn2 (nothing to do, checks only) ${Date.now() - t2} ms (module over ssh)`);
	assert.is(again.changed, false);
	const recheck = await svc('mn2', { state: 'started', services: units2 }, { check: true });
	assert.is(recheck.changed, false);
});

Mn2('xcatd that cannot start (no xcatdport): fails naming the step, journal included, database reported as started', async () => {
	const t = Date.now();
	const down = await svc('mn2', { state: 'stopped', services: units2 });
	figures.push(`stop on mn2 ${Date.now() - t} ms (module over ssh)`);
	assert.equal(down.stopped, [...units2].reverse());
	assert.equal(await states('mn2', units2), all(units2, 'inactive', 'disabled'));
	await ok('mn2', 'chtab -d key=xcatdport site');
	try {
		const r = await svc('mn2', { state: 'started', services: units2, retries: 2 });
		assert.is(r.failed, true);
		assert.match(r.msg, /^step "start xcatd" failed after 2 attempts \(started so far: /);
		assert.match(r.msg, /Need xcatdport defined in site table/);
		assert.equal(r.started, units2.slice(0, units2.indexOf('xcatd')));
		assert.equal(await states('mn2', ['xcatd', 'named']), ['xcatd failed disabled', 'named inactive disabled']);
	} finally {
		await ok('mn2', 'chtab key=xcatdport site.value=3001');
	}
});

Mn2('back to standby: every unit stopped and verified, in reverse order', async () => {
	const r = await svc('mn2', { state: 'stopped', services: units2 });
	assert.is(r.failed, undefined, r.msg);
	assert.equal(await states('mn2', units2).then((s) => s.map((x) => x.replace(' failed ', ' inactive '))), all(units2, 'inactive', 'disabled'));
});

Mn2.run();
