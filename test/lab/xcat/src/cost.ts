// What real xCAT 2.19 costs in time, charged by the double so that what runs on the lab takes as long
// as it would on a real management node (measured on real xCAT, SQLite, 2 cores, 4 Dec 2026 — the
// figures below are the medians of that run: docs/xcat-behaviour.md#timings). The callers say what is paid
// for and how many units; this file alone decides the price.
//
// The model is on unless switched off: XCAT_DOUBLE_COST=off in the environment, or the word `off` in
// /opt/xcat/lib/cost-model (what `lab up` writes when XCAT_LAB_COST=off, for daemons started by
// systemd that see no caller's environment). Off is for fast unit-level tests of the double only:
// every figure the README prints is measured with it on.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

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

/** a floor on the whole process (ms since it started) or a price per unit (ms) */
export const MODEL: Record<Cost, { floorMs: number } | { perUnitMs: number }> = {
	// one `lsxcatd -a`: 0.155-0.177 s
	call: { floorMs: 160 },
	// `systemctl start xcatd` → first answer: median 1.80 s (1.47-2.42); Type=forking, so start returns then
	'xcatd-start': { floorMs: 1800 },
	// `systemctl stop xcatd`: median 0.44 s (0.28-0.58)
	'xcatd-stop': { perUnitMs: 440 },
	// one chdef of 10,000 nodes: 14.6-16.3 s
	'define-object': { perUnitMs: 1.5 },
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

/** Blocks the process for the price: real xCAT's time is spent before it answers or listens. */
export function charge(what: Cost, units = 1): void {
	enabled ??= modelOn();
	if (!enabled) return;
	const ms = Math.round(price(what, units, performance.now()));
	if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
