// xcat_probe's bundle, run as Ansible runs it, probing a real TCP server on 127.0.0.1 that the test
// closes and opens again; its files in a temporary directory.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runModule, type RunOpts } from '../../tools/lab/run-module';

let dir = '';
let port = 0;
let server: Server | undefined;
const pids = new Set<number>();
const probe = async (args: Record<string, unknown>, o: RunOpts = {}) => {
	const r = await runModule('xcat_probe', { id: 'p', dir, ...args }, o);
	if (typeof r.result.pid === 'number') pids.add(r.result.pid);
	return r;
};
const started = (args: Record<string, unknown> = {}, o: RunOpts = {}) => probe({ address: '127.0.0.1', port, ...args }, o);
const stopped = (args: Record<string, unknown> = {}, o: RunOpts = {}) => probe({ state: 'stopped', ...args }, o);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** the process runs a prober (its command line is node -e ... -- {"marker":"xcat_probe"...}) */
const isProber = (pid: number) => {
	try {
		return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('"marker":"xcat_probe"');
	} catch {
		return false;
	}
};

function listen(p = 0): Promise<Server> {
	const s = createServer((c) => c.destroy());
	return new Promise((resolve, reject) => {
		s.once('error', reject);
		s.listen(p, '127.0.0.1', () => resolve(s));
	});
}
const close = (s: Server) => new Promise<void>((r) => s.close(() => r()));

const P = suite('xcat_probe on a real TCP server');
P.before.each(async () => {
	dir = mkdtempSync(join(tmpdir(), 'probe-'));
	server = await listen();
	port = (server.address() as { port: number }).port;
});
P.after.each(async () => {
	for (const pid of pids) if (isProber(pid)) process.kill(pid, 'SIGKILL');
	pids.clear();
	if (server?.listening) await close(server);
	rmSync(dir, { recursive: true, force: true });
});

P('the server closed for ~500 ms: the module measures that outage, to two intervals', async () => {
	const s = await started();
	assert.is(s.result.changed, true, JSON.stringify(s.result));
	assert.is(s.result.first_probe_answered, true);
	assert.ok(isProber(s.result.pid), 'the prober runs after the module returned');
	assert.equal(readdirSync(dir).sort(), ['p.json', 'p.log', 'p.samples']);
	await sleep(600);
	await close(server!);
	const t0 = performance.now();
	await sleep(500);
	server = await listen(port);
	const closedMs = performance.now() - t0;
	await sleep(600);
	const r = await stopped();
	const a = r.result;
	console.log(
		`  closed ${Math.round(closedMs)} ms, measured ${a.outage_ms} ms (${a.probes} probes, ${a.answered} answered, ${a.outage?.unanswered} unanswered)`,
	);
	assert.is(a.changed, true);
	assert.is(a.was_running, true);
	assert.ok(Math.abs(a.outage_ms - closedMs) <= 2 * 100, `measured ${a.outage_ms} ms, closed ${closedMs} ms`);
	assert.ok(a.outage.unanswered >= 3, `${a.outage.unanswered} unanswered`);
	assert.equal(Object.keys(a.outage.codes), ['ECONNREFUSED']);
	assert.not.ok(a.outage.open_start || a.outage.open_end);
	// at most 22 fit in about 1.7 s; a busy host skips the attempts it missed
	assert.ok(a.probes >= 5 && a.probes <= 22, `${a.probes} probes in about 1.7 s`);
	assert.equal([a.gaps_total, a.macs, a.old_answered_after_new, a.bad_lines], [1, [], null, 0]);
	assert.match(a.msg, /probes, \d+ answered; longest outage \d+ ms \(\d+ unanswered: ECONNREFUSED x\d+\)/);
	assert.equal(readdirSync(dir), [], 'the files are removed');
	assert.not.ok(isProber(s.result.pid), 'the prober ended');
});

// an xcatd that runs before its database: xcatd's port accepts, the database's does not (a planned
// failover's early xcatd); with also_port that is no answer, and the outage ends when both accept
P('also_port: an attempt counts only when both ports accept; the refused one is named', async () => {
	const db = await listen();
	const dbPort = (db.address() as { port: number }).port;
	const s = await started({ also_port: dbPort });
	assert.is(s.result.first_probe_answered, true, JSON.stringify(s.result));
	assert.match(s.result.msg, new RegExp(`probing 127\\.0\\.0\\.1:${port} and :${dbPort} every 100 ms`));
	await sleep(400);
	await close(db);
	const t0 = performance.now();
	await sleep(500);
	const back = await listen(dbPort);
	const closedMs = performance.now() - t0;
	await sleep(400);
	const a = (await stopped()).result;
	await close(back);
	assert.ok(Math.abs(a.outage_ms - closedMs) <= 2 * 100, `measured ${a.outage_ms} ms, the database's port closed ${closedMs} ms`);
	assert.equal(Object.keys(a.outage.codes), [`ECONNREFUSED@${dbPort}`]);
	assert.not.ok(a.outage.open_start || a.outage.open_end);
});

P('started twice with the same id: the same prober, unchanged; other settings are refused; stop twice: the second changes nothing', async () => {
	const first = await started();
	const again = await started();
	assert.equal([again.result.changed, again.result.pid], [false, first.result.pid]);
	const other = await started({ interval_ms: 50 });
	assert.is(other.result.failed, true);
	assert.is(
		other.result.msg,
		`a prober with id p is already running (pid ${first.result.pid}) with other settings: interval_ms 100, not 50; timeout_ms 100, not 50. Stop it first (state=stopped), or give another id`,
	);
	assert.ok(isProber(first.result.pid));
	const s1 = await stopped();
	assert.is(s1.result.changed, true);
	const s2 = await stopped();
	assert.equal([s2.result.changed, s2.result.was_running, s2.result.msg], [false, false, `no prober with id p in ${dir}`]);
	assert.not.ok('probes' in s2.result);
});

P('stop with no prober at all: unchanged, in check mode too', async () => {
	for (const check of [false, true]) {
		const r = await stopped({}, { check });
		assert.equal([r.result.changed, r.result.failed], [false, undefined]);
	}
	assert.equal(readdirSync(dir), []);
});

P('max_seconds: the prober stops by itself; stop then collects its samples and removes its files', async () => {
	const s = await started({ max_seconds: 1 });
	await sleep(2000);
	assert.not.ok(isProber(s.result.pid), 'ended by itself');
	const r = await stopped();
	assert.equal([r.result.changed, r.result.was_running, r.result.outage_ms], [true, false, 0]);
	// at most 11 attempts fit in 1 s at 100 ms; a busy host skips the ones it missed, so there is no useful lower bound
	assert.ok(r.result.probes >= 1 && r.result.probes <= 11, `${r.result.probes} probes in 1 s`);
	// every attempt starts before max_seconds has passed; the two times are rounded to the ms, hence <=
	assert.ok(r.result.last_probe_ms - r.result.first_probe_ms <= 1000, `${r.result.last_probe_ms - r.result.first_probe_ms} ms from first to last probe`);
	assert.equal(readdirSync(dir), []);
});

P('an ended run that was never collected: started again replaces its files, and says so', async () => {
	const s = await started({ max_seconds: 1 });
	await sleep(1500);
	const again = await started();
	assert.is(again.result.changed, true);
	assert.is.not(again.result.pid, s.result.pid);
	assert.equal(again.result.warnings, ['the samples of an earlier run with id p, which is no longer running, were discarded']);
	await stopped();
});

P('check mode: started reports the start and starts nothing; stopped reports what it has seen so far and stops nothing', async () => {
	const c = await started({}, { check: true });
	assert.equal([c.result.changed, c.result.pid, c.result.probed_address], [true, undefined, '127.0.0.1']);
	assert.match(c.result.msg, /^would start a prober of 127\.0\.0\.1:\d+ every 100 ms$/);
	assert.equal(readdirSync(dir), [], 'no file, no directory made');
	const s = await started();
	await sleep(300);
	const cs = await stopped({}, { check: true });
	assert.equal([cs.result.changed, cs.result.was_running, cs.result.msg], [true, true, 'would stop the prober p']);
	assert.ok(cs.result.probes >= 2, `${cs.result.probes} probes so far`);
	assert.ok(isProber(s.result.pid), 'still running');
	assert.equal(readdirSync(dir).sort(), ['p.json', 'p.log', 'p.samples']);
	await stopped();
});

P('a name is resolved once, at the start; a name that does not resolve fails before anything starts', async () => {
	const s = await started({ address: 'localhost', id: 'named' });
	assert.is(s.result.probed_address, '127.0.0.1');
	assert.is((await stopped({ id: 'named' })).result.answered > 0, true);
	const bad = await started({ address: 'no-such-host.invalid', id: 'bad' });
	assert.is(bad.result.failed, true);
	assert.match(bad.result.msg, /^address no-such-host\.invalid does not resolve to an IPv4 address on this host \(/);
	assert.equal(readdirSync(dir), []);
});

P('a dir this user cannot use is refused naming dir', async () => {
	const r = await started({ dir: '/proc/xcat-probe' });
	assert.is(r.result.failed, true);
	assert.match(r.result.msg, /^dir \/proc\/xcat-probe cannot be made \(ENOENT\): give dir a directory this user may write/);
});

P.run();

const Bad = suite('xcat_probe bad input: fails before anything starts');
Bad.before(() => {
	dir = mkdtempSync(join(tmpdir(), 'probe-bad-'));
});
Bad.after(() => rmSync(dir, { recursive: true, force: true }));

const BAD: Array<[Record<string, unknown>, string]> = [
	[
		{ colour: 'red' },
		'Unsupported parameters for (xcat_probe) module: colour. Supported parameters include: address, also_port, dir, id, interval_ms, max_seconds, port, state, timeout_ms.',
	],
	[{ id: null }, 'missing required arguments: id'],
	[{ address: null }, 'state is started but all of the following are missing: address'],
	[{ state: 'running' }, 'value of state must be one of: started, stopped, got: running'],
	[{ interval_ms: 10 }, 'value of interval_ms must be between 20 and 5000, got: 10'],
	[{ interval_ms: 6000 }, 'value of interval_ms must be between 20 and 5000, got: 6000'],
	[{ timeout_ms: 0 }, 'value of timeout_ms must be between 10 and 5000, got: 0'],
	[{ max_seconds: 0 }, 'value of max_seconds must be between 1 and 3600, got: 0'],
	[{ max_seconds: 86400 }, 'value of max_seconds must be between 1 and 3600, got: 86400'],
	[{ port: 70000 }, 'value of port must be between 1 and 65535, got: 70000'],
	[{ also_port: 0 }, 'value of also_port must be between 1 and 65535, got: 0'],
	[{ port: 'xcatd' }, `argument 'port' is of type str and we were unable to convert to int: "xcatd" is not a whole number`],
	[{ id: '../etc/passwd' }, `value of id must be a name of 1-64 letters, digits, '_', '.', '-' (not starting with '.', '_' or '-'), got: "../etc/passwd"`],
	[{ id: '.hidden' }, `value of id must be a name of 1-64 letters, digits, '_', '.', '-' (not starting with '.', '_' or '-'), got: ".hidden"`],
	[{ dir: 'relative' }, `value of dir must be an absolute path of letters, digits and '_./+-', without '..', got: "relative"`],
	[{ dir: '/run/../etc' }, `value of dir must be an absolute path of letters, digits and '_./+-', without '..', got: "/run/../etc"`],
	[{ address: 'fd00::10' }, 'value of address must be an IPv4 address or a host name (letters, digits, hyphens, dots), got: "fd00::10"'],
	[{ address: '10.0.0.1; reboot' }, 'value of address must be an IPv4 address or a host name (letters, digits, hyphens, dots), got: "10.0.0.1; reboot"'],
	[{ address: '10.0.0.300' }, 'value of address must be an IPv4 address in dotted-quad form or a host name, got: "10.0.0.300"'],
	[{ address: '010.0.0.1' }, 'value of address must be an IPv4 address in dotted-quad form or a host name, got: "010.0.0.1"'],
];

Bad('every bad value is named, with what is allowed; nothing starts, in check mode or not', async () => {
	for (const [args, msg] of BAD) {
		for (const check of [false, true]) {
			const { result } = await runModule('xcat_probe', { id: 'p', dir, address: '127.0.0.1', ...args }, { check });
			assert.is(result.failed, true, JSON.stringify(args));
			assert.is(result.msg, msg, JSON.stringify(args));
		}
	}
	assert.equal(readdirSync(dir), []);
	assert.not.ok(existsSync(join(dir, 'p.json')));
});

Bad.run();
