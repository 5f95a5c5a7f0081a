// What real xCAT 2.19 costs in time, charged by the double so that what runs on the lab takes as long
// as it would on a real management node (measured on real xCAT, SQLite, 2 cores, 4 Dec 2026 — the
// figures below are the medians of that run: docs/xcat-behaviour.md#timings). The callers say what is paid
// for and how many units; this file alone decides the price.
//
// The model is on unless switched off: XCAT_DOUBLE_COST=off in the environment, or the word `off` in
// /opt/xcat/lib/cost-model (what `lab up` writes when XCAT_LAB_COST=off, for daemons started by
// systemd that see no caller's environment). Off is for fast unit-level tests of the double only:
// every figure the README prints is measured with it on.
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { hostPath } from './env.js';

export type Cost =
	/** one client command (units: 1): real xCAT's perl client start plus one xcatd round trip */
	| 'call'
	/** xcatd loading its plugins before it listens (units: 1) */
	| 'xcatd-start'
	/** xcatd's stop (units: 1) */
	| 'xcatd-stop'
	/** objects written by one chdef/mkdef (units: objects) */
	| 'define-object'
	/** consoles written by one makeconservercf (units: nodes) */
	| 'console'
	/** a whole DNS or DHCP configuration written again: makedns -n, makedhcp -n (units: 1) */
	| 'regenerate';

/**
 * A floor on the whole process (ms since it started) or a price per unit (ms). `serial`: the work is
 * done one request at a time on the host, whatever the number of clients — real xcatd hands every
 * database call of every request to its one "DB Access" process (Table.pm's dbworker).
 */
export const MODEL: Record<Cost, { floorMs: number } | { perUnitMs: number; serial?: true }> = {
	// one `lsxcatd -a`: 0.155-0.177 s
	call: { floorMs: 160 },
	// `systemctl start xcatd` → first answer: median 1.80 s (1.47-2.42); Type=forking, so start returns then
	'xcatd-start': { floorMs: 1800 },
	// `systemctl stop xcatd`: median 0.44 s (0.28-0.58)
	'xcatd-stop': { perUnitMs: 440 },
	// one chdef of 10,000 nodes: 14.6-16.3 s. Serial: on real xCAT (SQLite, 5 Dec) the same 10,000 nodes
	// split into 2, 4 or 8 parallel chdef calls took as long or longer (docs/xcat-behaviour.md#timings),
	// the "DB Access" process at full CPU, so parallel requests must not be faster here either
	'define-object': { perUnitMs: 1.5, serial: true },
	// makeconservercf of 10,000 nodes: 3.2-4.6 s
	console: { perUnitMs: 0.39 },
	// makedns -n, makedhcp -n: about 3.5 s each on a small cluster
	regenerate: { floorMs: 3500 },
};

/** What a command pays once it has done its work, beyond the call itself (see main.ts). */
export function chargeAfter(command: string, args: readonly string[]): void {
	if ((command === 'makedns' || command === 'makedhcp') && args.includes('-n')) charge('regenerate');
}

let enabled: boolean | undefined;

export function modelOn(env: NodeJS.ProcessEnv = process.env, file = '/opt/xcat/lib/cost-model'): boolean {
	if (env.XCAT_DOUBLE_COST !== undefined) return env.XCAT_DOUBLE_COST !== 'off';
	try {
		return readFileSync(file, 'utf8').trim() !== 'off';
	} catch {
		return true;
	}
}

/** How long WHAT must still take, given the process has run SINCE ms (pure). */
export function price(what: Cost, units: number, sinceStartMs: number): number {
	const m = MODEL[what];
	return 'floorMs' in m ? Math.max(0, m.floorMs - sinceStartMs) : m.perUnitMs * units;
}

/**
 * When serial work of MS milliseconds asked for at NOW ends, given the host's serial work is booked
 * until BUSYUNTIL (epoch ms, pure): it starts when the earlier requests' work is done.
 */
export function queueEnd(busyUntil: number, now: number, ms: number): number {
	return Math.max(busyUntil, now) + ms;
}

/**
 * A wait real xCAT makes itself, in ms (xcatd's retries of an unreachable database: 1, 2 and 4 s, then
 * 1 s before the next round, measured on real xCAT 2.19): as measured with the model on, 10 ms off.
 */
export function waitMs(realMs: number): number {
	enabled ??= modelOn();
	return enabled ? realMs : Math.min(realMs, 10);
}

/** Blocks the process for the price: real xCAT's time is spent before it answers or listens. */
export function charge(what: Cost, units = 1): void {
	enabled ??= modelOn();
	if (!enabled) return;
	const ms = Math.round(price(what, units, performance.now()));
	if (ms <= 0) return;
	const m = MODEL[what];
	if ('serial' in m && m.serial) return sleep(book(ms) - Date.now());
	sleep(ms);
}

function sleep(ms: number): void {
	if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.round(ms));
}

/** the host's serial work, booked until (epoch ms): one file shared by every process of the double */
const LEDGER = '/var/lib/xcat-double/db-busy-until';

/** Books MS of serial work after what other processes booked; returns when it ends (epoch ms). */
function book(ms: number): number {
	const ledger = hostPath(LEDGER);
	mkdirSync(dirname(ledger), { recursive: true });
	return underLock(`${ledger}.lock`, () => {
		let busyUntil = 0;
		try {
			busyUntil = Number(readFileSync(ledger, 'utf8')) || 0;
		} catch {}
		const end = queueEnd(busyUntil, Date.now(), ms);
		writeFileSync(ledger, String(end));
		return end;
	});
}

/** Runs WORK holding LOCK (a file created exclusively); a lock older than 2 s is a dead process's. */
function underLock<T>(lock: string, work: () => T): T {
	for (;;) {
		try {
			closeSync(openSync(lock, 'wx'));
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			try {
				if (Date.now() - statSync(lock).mtimeMs > 2000) unlinkSync(lock);
			} catch {}
			sleep(2);
		}
	}
	try {
		return work();
	} finally {
		unlinkSync(lock);
	}
}
