// The lease guard: a long-running service on the active MN. It renews the heartbeat in the activation
// lease every interval, and steps this MN down at once, asking nobody, when the lease is no longer its
// term or could not be renewed for the whole deadline: VIP removed, services stopped (killed if the
// stop hangs), the reason logged, exit status 1 (its unit has Restart=no).
//
// The lease's I/O runs in a child process: a hung shared filesystem blocks that process, never the main
// loop, whose timers decide the step-down. Nothing in the main loop touches the shared storage, and a
// child stuck in the kernel cannot keep the guard from exiting (a worker thread would: exit joins it).
import { fork, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { runCommand, showCommand } from '../runtime/exec';
import { adoptTerm, decide, notOurs, parseConfig, renewed, stepDownCommands, type GuardConfig, type GuardState } from './guard-decide';
import { withoutHeartbeat } from './lease';
import { readLease, withLock, writeLease } from './store';

type Request = { id: number; op: 'renew' | 'release' };
type Reply = { id: number; ok?: true; lost?: string; error?: string; generation?: number };

// journald reads a syslog priority from a "<N>" prefix on each line
const log = (priority: 2 | 3 | 4 | 6, msg: string) => process.stdout.write(`<${priority}>${msg}\n`);

const IO_FLAG = '--lease-io';
if (process.argv[2] === IO_FLAG) leaseIo(JSON.parse(process.argv[3]!) as GuardConfig);
else void main();

function leaseIo(config: GuardConfig) {
	// the term: the configuration's generation, or the lease's at the first renewal that finds it ours
	let cfg = config;
	process.on('disconnect', () => process.exit(0)); // the guard is gone
	// a stop signal to the whole unit must not end this process before the guard's last write (the
	// heartbeat taken out of the lease); it ends when the guard does
	process.on('SIGTERM', () => {});
	process.on('SIGINT', () => {});
	process.on('message', async ({ id, op }: Request) => {
		let reply: Reply;
		try {
			reply = await withLock(
				cfg.lease_path,
				`${cfg.holder} lease guard`,
				() => {
					const lease = readLease(cfg.lease_path);
					if (op === 'renew') cfg = adoptTerm(cfg, lease); // never on a release: an unadopted term is nobody's
					const lost = notOurs(cfg, lease);
					if (lost) return { id, lost };
					writeLease(cfg.lease_path, op === 'renew' ? renewed(cfg, lease!, new Date()) : withoutHeartbeat(lease!));
					return { id, ok: true as const, ...(cfg.generation !== undefined ? { generation: cfg.generation } : {}) };
				},
				(why) => log(4, why),
			);
		} catch (e) {
			reply = { id, error: (e as Error).message };
		}
		process.send!(reply);
	});
}

async function main() {
	const file = process.argv[2] ?? '/etc/xcat-ha/lease-guard.json';
	const text = await readFile(file, 'utf8').catch((e: Error) => {
		log(3, `cannot read ${file}: ${e.message}`);
		process.exit(2);
	});
	const { config: cfg, errors } = parseConfig(text);
	if (!cfg) {
		log(3, `${file}: ${errors.join('; ')}`);
		process.exit(2);
	}

	const io: ChildProcess = fork(__filename, [IO_FLAG, JSON.stringify(cfg)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
	const state: GuardState = { lastOkMs: performance.now() };
	/** the term, for the log: the configuration's, or the lease's once the first renewal adopted it */
	let generation = cfg.generation;
	let inFlight: { id: number; startedMs: number; reply: Promise<Reply> } | undefined;
	let nextId = 1;
	let done = false;
	const pending = new Map<number, (r: Reply) => void>();
	io.on('message', (r: Reply) => {
		pending.get(r.id)?.(r);
		pending.delete(r.id);
	});
	// without its I/O process nothing is renewed: the deadline decides, as for a hung storage
	io.on('exit', (code, signal) => {
		if (!done) {
			state.lastError = `the lease I/O process ended (${signal ?? code})`;
			log(3, state.lastError);
		}
	});
	const ask = (op: Request['op']) => {
		const id = nextId++;
		const reply = new Promise<Reply>((r) => pending.set(id, r));
		if (io.connected) io.send({ id, op });
		return { id, reply };
	};

	const renew = () => {
		if (done || inFlight) return; // a renewal still hangs: no second one; the deadline decides
		const { id, reply } = ask('renew');
		inFlight = { id, startedMs: performance.now(), reply };
		void reply.then((r) => {
			const startedMs = inFlight!.startedMs;
			inFlight = undefined;
			if (r.ok) {
				if (generation === undefined && r.generation !== undefined) log(6, `the term is the lease's generation ${(generation = r.generation)}`);
				if (state.lastError) log(6, `the lease is renewed again (after: ${state.lastError})`);
				state.lastOkMs = startedMs;
				delete state.lastError;
			} else if (r.lost) state.lost = r.lost;
			else {
				if (!state.lastError) log(4, `a renewal of the lease failed, retrying until the deadline: ${r.error}`);
				state.lastError = r.error ?? 'unknown error';
			}
			check();
		});
	};
	const check = () => {
		if (done) return;
		const v = decide(cfg, state, performance.now());
		if (v.stepDown) void stepDown(v.reason);
	};

	const renewTimer = setInterval(renew, cfg.interval_ms);
	const checkTimer = setInterval(check, Math.max(20, Math.min(100, cfg.interval_ms / 4)));
	const finish = (code: number) => {
		clearInterval(renewTimer);
		clearInterval(checkTimer);
		io.kill('SIGKILL');
		process.exit(code);
	};

	async function stepDown(reason: string) {
		done = true;
		const t0 = performance.now();
		log(2, `stepping down ${cfg!.holder} at once: ${reason}`);
		const c = stepDownCommands(cfg!);
		const vip = await runCommand(c.vip, { timeoutMs: 2000 });
		log(
			vip.rc === 0 ? 2 : 4,
			`VIP ${cfg!.vip.address} ${vip.rc === 0 ? 'removed' : `not removed (rc ${vip.rc}: ${vip.stderr.trim()})`} after ${Math.round(performance.now() - t0)} ms`,
		);
		const stop = await runCommand(c.stop, { timeoutMs: cfg!.stop_timeout_ms });
		if (stop.rc !== 0) {
			log(3, `${showCommand(c.stop)} did not end well in ${cfg!.stop_timeout_ms} ms (rc ${stop.rc}: ${stop.stderr.trim()}): killing the services`);
			const kill = await runCommand(c.kill, { timeoutMs: 2000 });
			if (kill.rc !== 0) log(3, `${showCommand(c.kill)} failed (rc ${kill.rc}): ${kill.stderr.trim()}`);
		}
		log(
			2,
			`stepped down: VIP gone and services [${cfg!.units.join(', ')}] stopped ${Math.round(performance.now() - t0)} ms after the decision (${reason})`,
		);
		finish(1);
	}

	// Stopped on purpose (deactivation, or the rollback of an activation): no step-down; the heartbeat
	// is taken out of the lease so that nobody waits for a guard that no longer runs.
	const stop = async () => {
		if (done) return;
		done = true;
		const bound = new Promise<undefined>((res) => setTimeout(() => res(undefined), Math.min(2000, cfg.deadline_ms)));
		// a renewal under way ends first (or the bound does: then the storage hangs, and the heartbeat stays)
		const before = inFlight ? await Promise.race([inFlight.reply, bound]) : true;
		const r = before ? await Promise.race([ask('release').reply, bound]) : undefined;
		if (r?.ok) log(6, `stopped: the heartbeat is out of the lease of ${cfg.holder} (generation ${generation})`);
		else log(4, `stopped, but the heartbeat could not be taken out of the lease: ${r?.lost ?? r?.error ?? 'no answer in time'}`);
		finish(0);
	};
	process.on('SIGTERM', () => void stop());
	process.on('SIGINT', () => void stop());

	log(
		6,
		`guarding the lease ${cfg.lease_path} of ${cfg.holder} (${cfg.generation !== undefined ? `generation ${cfg.generation}` : "the lease's generation at the first renewal"}): renewal every ${cfg.interval_ms} ms, step-down after ${cfg.deadline_ms} ms without one`,
	);
	renew();
}
