// The lease guard's bundle, run as its unit runs it, on a lease in a temporary directory, with fake
// ip and systemctl that log each call with the time: renewals, a takeover seen within one interval,
// storage gone seen within the deadline, a hung stop killed, a slow renewal below the deadline survived.
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeLease } from '../../modules/xcat_lease/store';
import type { Lease } from '../../modules/xcat_lease/lease';

const GUARD = join(process.cwd(), 'roles/xcat_ha/files/xcat-lease-guard.cjs');
const INTERVAL = 200;
const DEADLINE = 1000;

let root = '';
let lease = '';
const spawnGuard = () =>
	execa('node', [GUARD, join(root, 'guard.json')], { env: { PATH: `${join(root, 'bin')}:${process.env.PATH}`, FAKE: root }, reject: false, all: true });
type Guard = ReturnType<typeof spawnGuard>;
let guard: Guard | undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const onDisk = (): Lease => JSON.parse(readFileSync(lease, 'utf8'));
const calls = (): Array<{ at: number; argv: string }> => {
	let text = '';
	try {
		text = readFileSync(join(root, 'calls'), 'utf8');
	} catch {
		return [];
	}
	return text
		.split('\n')
		.filter(Boolean)
		.map((l) => {
			const [at, ...rest] = l.split(' ');
			return { at: Number(at), argv: rest.join(' ') };
		});
};
async function until<T>(what: string, ms: number, f: () => T | undefined): Promise<T> {
	const end = Date.now() + ms;
	for (;;) {
		const v = f();
		if (v !== undefined) return v;
		if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
		await sleep(20);
	}
}

/** the guard's end; one that goes on for MS is killed and fails the test (a missing step-down must not hang it) */
async function ended(g: Guard, ms = 8000) {
	const timer = setTimeout(() => g.kill('SIGKILL'), ms);
	const r = await g;
	clearTimeout(timer);
	assert.ok(r.signal !== 'SIGKILL', `the guard still ran after ${ms} ms:\n${r.all}`);
	return r;
}

function start(extra: Record<string, unknown> = {}): Guard {
	const cfg = {
		lease_path: lease,
		holder: 'mn1',
		generation: 3,
		interval_ms: INTERVAL,
		deadline_ms: DEADLINE,
		units: ['postgresql', 'xcatd', 'named'],
		stop_timeout_ms: 400,
		vip: { address: '198.51.100.10', prefix: 24, interface: 'host0' },
		...extra,
	};
	writeFileSync(join(root, 'guard.json'), JSON.stringify(cfg));
	const g = spawnGuard();
	guard = g;
	return g;
}
// a few renewals: past the start of its I/O process, in the steady state
const running = () => until('the guard renewed the lease', 5000, () => ((onDisk().heartbeat ?? 0) >= 3 ? true : undefined));

const G = suite('the lease guard');
G.before.each(() => {
	root = mkdtempSync(join(tmpdir(), 'guard-'));
	mkdirSync(join(root, 'ha', '.xcat-ha'), { recursive: true });
	mkdirSync(join(root, 'bin'));
	lease = join(root, 'ha', '.xcat-ha', 'lease');
	const fake = (body: string) => `#!/bin/sh\necho "$(date +%s%3N) $(basename "$0") $*" >> "$FAKE/calls"\n${body}\n`;
	writeFileSync(join(root, 'bin', 'ip'), fake(''));
	writeFileSync(join(root, 'bin', 'systemctl'), fake('[ "$1" = stop ] && [ -f "$FAKE/hang-stop" ] && exec sleep 30\nexit 0'));
	chmodSync(join(root, 'bin', 'ip'), 0o755);
	chmodSync(join(root, 'bin', 'systemctl'), 0o755);
	writeLease(lease, {
		holder: 'mn1',
		generation: 3,
		since: '2026-11-22T04:00:00.000Z',
		heartbeat: 0,
		renewed: '2026-11-22T04:00:00.000Z',
		deadline_ms: DEADLINE,
		interval_ms: INTERVAL,
	});
});
G.after.each(async () => {
	guard?.kill('SIGKILL');
	await guard;
	guard = undefined;
	rmSync(root, { recursive: true, force: true });
});

G('renews the heartbeat every interval and does nothing else; stopped on purpose it takes the heartbeat out and exits 0', async () => {
	const g = start();
	await running();
	const first = onDisk().heartbeat!;
	await sleep(10 * INTERVAL);
	const later = onDisk();
	assert.ok(later.heartbeat! - first >= 5, `heartbeat ${first} -> ${later.heartbeat} in ${10 * INTERVAL} ms`);
	assert.equal([later.holder, later.generation, later.deadline_ms, later.interval_ms], ['mn1', 3, DEADLINE, INTERVAL]);
	assert.equal(calls(), []);
	g.kill('SIGTERM');
	const r = await ended(g);
	assert.is(r.exitCode, 0, r.all);
	assert.equal(onDisk(), { holder: 'mn1', generation: 3, since: '2026-11-22T04:00:00.000Z' });
	assert.equal(calls(), [], 'no step-down');
});

G('the lease taken by another holder: steps down within one interval, VIP first, services in reverse, exit 1', async () => {
	const g = start();
	await running();
	const taken = Date.now();
	writeLease(lease, { holder: 'mn2', generation: 4, since: 'x', taken_from: 'mn1' });
	const r = await ended(g);
	const c = calls();
	assert.is(r.exitCode, 1, r.all);
	assert.equal(
		c.map((x) => x.argv),
		['ip addr del 198.51.100.10/24 dev host0', 'systemctl stop -- named xcatd postgresql'],
	);
	const vipMs = c[0]!.at - taken,
		stopMs = c[1]!.at - taken;
	console.log(`    lease taken by mn2: VIP removed ${vipMs} ms, services stopping ${stopMs} ms after (interval ${INTERVAL} ms)`);
	assert.ok(vipMs <= INTERVAL + 250, `VIP removed ${vipMs} ms after the takeover`);
	assert.match(r.all, /<2>stepping down mn1 at once: the lease is held by mn2 \(generation 4\)/);
	assert.is(onDisk().holder, 'mn2', "the new holder's lease untouched");
});

G('a newer generation of its own name is another term too', async () => {
	const g = start();
	await running();
	writeLease(lease, { holder: 'mn1', generation: 5, since: 'x' });
	const r = await ended(g);
	assert.is(r.exitCode, 1);
	assert.match(r.all, /the lease is at generation 5, not 3: this MN's term ended/);
});

G("no generation in its file: the term is the lease's at the first renewal; a newer one later is another term", async () => {
	const g = start({ generation: undefined });
	await running();
	assert.equal([onDisk().holder, onDisk().generation], ['mn1', 3]);
	writeLease(lease, { holder: 'mn1', generation: 5, since: 'x' });
	const r = await ended(g);
	assert.is(r.exitCode, 1, r.all);
	assert.match(r.all, /the term is the lease's generation 3/);
	assert.match(r.all, /the lease is at generation 5, not 3: this MN's term ended/);
});

G("no generation in its file, started while the lease is another's: nothing adopted, steps down at once, that lease untouched", async () => {
	writeLease(lease, { holder: 'mn2', generation: 4, since: 'x', taken_from: 'mn1' });
	const before = readFileSync(lease, 'utf8');
	const r = await ended(start({ generation: undefined }));
	assert.is(r.exitCode, 1, r.all);
	assert.match(r.all, /<2>stepping down mn1 at once: the lease is held by mn2 \(generation 4\)/);
	assert.equal(
		calls().map((x) => x.argv),
		['ip addr del 198.51.100.10/24 dev host0', 'systemctl stop -- named xcatd postgresql'],
	);
	assert.is(readFileSync(lease, 'utf8'), before);
});

G('the lease directory gone (storage lost): steps down within the deadline, not before', async () => {
	const g = start();
	await running();
	const hb = onDisk().heartbeat;
	await until('the next renewal', 2000, () => (onDisk().heartbeat !== hb ? true : undefined));
	const lastOk = Date.now();
	renameSync(join(root, 'ha', '.xcat-ha'), join(root, 'ha', 'gone'));
	const r = await ended(g);
	const c = calls();
	assert.is(r.exitCode, 1, r.all);
	const vipMs = c[0]!.at - lastOk,
		stopMs = c[1]!.at - lastOk;
	console.log(`    lease directory gone: VIP removed ${vipMs} ms, services stopping ${stopMs} ms after (deadline ${DEADLINE} ms)`);
	// counted from the start of the last renewal that succeeded, which began before its heartbeat was seen
	assert.ok(vipMs >= DEADLINE - INTERVAL, `stepped down after ${vipMs} ms: before the deadline`);
	assert.ok(vipMs <= DEADLINE + 250, `stepped down after ${vipMs} ms: later than the deadline`);
	assert.match(r.all, /<4>a renewal of the lease failed, retrying until the deadline: .*ENOENT/);
	assert.match(r.all, /<2>stepping down mn1 at once: the lease could not be renewed for \d+ ms \(deadline 1000 ms\)/);
});

G('a stop that hangs is cut at stop_timeout_ms and the services are killed', async () => {
	writeFileSync(join(root, 'hang-stop'), '');
	const g = start();
	await running();
	writeLease(lease, { holder: 'mn2', generation: 4, since: 'x' });
	const r = await ended(g);
	assert.is(r.exitCode, 1, r.all);
	const c = calls();
	assert.equal(
		c.map((x) => x.argv),
		['ip addr del 198.51.100.10/24 dev host0', 'systemctl stop -- named xcatd postgresql', 'systemctl kill --signal=KILL -- named xcatd postgresql'],
	);
	assert.ok(c[2]!.at - c[1]!.at < 400 + 300, `killed ${c[2]!.at - c[1]!.at} ms after the stop began`);
});

G('one slow renewal below the deadline (the lock held 500 ms by an activation) is no reason to step down', async () => {
	const g = start();
	await running();
	// the renewal before may have begun up to one interval earlier, and the lock is polled every 100 ms
	await until('the lock taken between two renewals', 2000, () => {
		try {
			mkdirSync(`${lease}.lock`);
			return true;
		} catch {
			return undefined;
		}
	});
	await sleep(500);
	rmdirSync(`${lease}.lock`);
	const hb = onDisk().heartbeat!;
	await sleep(4 * INTERVAL);
	assert.ok(onDisk().heartbeat! > hb, 'renewing again');
	assert.equal(calls(), []);
	assert.is(g.exitCode, null, 'still running');
});

G('a broken configuration is refused, naming each field, and nothing is stepped down', async () => {
	writeFileSync(
		join(root, 'guard.json'),
		JSON.stringify({ lease_path: 'rel', holder: 'mn1', generation: 0, interval_ms: 1000, deadline_ms: 500, units: ['a b'], vip: {} }),
	);
	const r = await spawnGuard();
	assert.is(r.exitCode, 2);
	assert.match(
		r.all,
		/lease_path must be an absolute path; generation must be a whole number from 1; deadline_ms must be longer than interval_ms; units must be a list of unit names; vip must be/,
	);
	assert.equal(calls(), []);
});

G.run();
