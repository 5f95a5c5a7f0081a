// Carries out a plan, never in check mode. The password reaches psql and pg_basebackup only through a
// passfile (0600, postgres's, in a private temporary directory removed afterwards) or SQL on stdin;
// every command that reaches the primary has connect_timeout and the runtime's timeout. A re-base that
// fails after the data directory was set aside puts it back and starts the server as it was.
import { chown, lstat, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandFailed, ModuleError, type Ctx, type Read } from '../runtime';
import { attempts } from '../runtime/attempts';
import { atomicWrite } from '../xcat_db/files';
import { formatConninfo, standbyAutoConf } from './conninfo';
import type { Args, Desired } from './options';
import type { Plan } from './plan';
import { localPsql, readServer, type Server } from './probe';

type Step<K extends Plan['kind']> = Extract<Plan, { kind: K }>;

export interface Runner {
	ctx: Ctx<Args>;
	/** every changing command, as the result shows it (SQL and passwords never in it) */
	log: string[][];
}

/** A command that reaches the primary: time enough for a connect_timeout of 5 s and an answer. */
const REMOTE_MS = 20_000;
/** pg_basebackup of xCAT's database: minutes at most; bounded so that a stalled copy ends. */
const BASEBACKUP_MS = 3_600_000;

async function change(r: Runner, argv: string[], opts: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}) {
	r.log.push(argv);
	return r.ctx.change(argv, { timeoutMs: 120_000, ...opts });
}

/** SQL on stdin to psql as postgres on the local socket. */
const runSql = (r: Runner, d: Desired, sql: string) => change(r, localPsql(d.port), { input: `${sql}\n` });

export async function applyPrimary(r: Runner, p: Step<'primary'>, d: Desired): Promise<string[]> {
	const written: string[] = [];
	if (p.hba) {
		await atomicWrite(p.hba.path, p.hba.after);
		written.push(p.hba.path);
	}
	await runSql(r, d, p.sql.join('\n'));
	return written;
}

export async function applyPromote(r: Runner, p: Step<'promote'>, d: Desired): Promise<void> {
	const out = await runSql(r, d, p.sql);
	const s = await readServer(r.ctx.read, d);
	if ('down' in s || s.in_recovery)
		throw new ModuleError(
			`pg_promote() ${out.stdout.trim() === 'f' ? `did not finish within ${d.waitSeconds} s` : 'returned'} and the server ${'down' in s ? `does not answer: ${s.down}` : 'is still in recovery'}`,
			{ commands: r.log },
		);
}

/** The replication connection to the primary, without the password (the passfile has it). */
export function primaryConninfo(d: Desired, extra: Record<string, string> = {}): string {
	return formatConninfo(Object.entries({ host: d.primary!, port: String(d.port), user: d.user, ...extra, connect_timeout: '5' }) as Array<[string, string]>);
}

/** Runs FN with PGPASSFILE set to a passfile of the password that postgres can read; removes it after. */
async function withPassfile<T>(d: Desired, fn: (env: Record<string, string>) => Promise<T>): Promise<T> {
	const dir = await mkdtemp(join(tmpdir(), 'xcat-ha-repl-'));
	try {
		const file = join(dir, 'pgpass');
		await writeFile(file, `*:*:*:${d.user}:${d.password ?? ''}\n`, { mode: 0o600 });
		// postgres runs psql and pg_basebackup (they write its files): it must reach and read the passfile
		const owner = await stat(d.pgData)
			.catch(() => stat(join(d.pgData, '..')))
			.catch(() => undefined);
		if (owner) {
			await chown(dir, owner.uid, owner.gid);
			await chown(file, owner.uid, owner.gid);
		}
		return await fn({ PGPASSFILE: file });
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}

const AS_POSTGRES = ['runuser', '-u', 'postgres', '--'];

/**
 * The primary answers a replication connection as the user, is not in recovery, and holds the slot:
 * proved before anything here is stopped. Reads only (on both hosts).
 */
export async function preflight(read: Read, d: Desired, env: Record<string, string>): Promise<void> {
	const identify = await read(
		[...AS_POSTGRES, 'psql', '-X', '-A', '-t', '-d', primaryConninfo(d, { dbname: 'replication', replication: 'true' }), '-c', 'IDENTIFY_SYSTEM'],
		{
			env,
			timeoutMs: REMOTE_MS,
		},
	);
	if (identify.rc !== 0)
		throw commandFailed(identify, `: the primary ${d.primary} does not answer a replication connection as ${d.user}, so nothing was changed`);
	const q = `SELECT pg_is_in_recovery(), EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = '${d.slot}' AND slot_type = 'physical')`;
	const state = await read([...AS_POSTGRES, 'psql', '-X', '-A', '-t', '-F', ' ', '-d', primaryConninfo(d, { dbname: 'postgres' }), '-c', q], {
		env,
		timeoutMs: REMOTE_MS,
	});
	if (state.rc !== 0) throw commandFailed(state, `: the primary ${d.primary} does not answer as ${d.user} (database postgres), so nothing was changed`);
	const [recovery, slot] = state.stdout.trim().split(' ');
	if (recovery !== 'f') throw new ModuleError(`nothing was changed: ${d.primary} is in recovery (a standby itself), not a primary to follow`);
	if (slot !== 't')
		throw new ModuleError(
			`nothing was changed: ${d.primary} has no physical replication slot ${d.slot}; run state=primary there with this replica among replicas`,
		);
}

/** Polls the local server until it is in recovery and its WAL receiver streams; why not, at the deadline. */
export async function waitStreaming(read: Read, d: Desired): Promise<{ server?: Server; why?: string }> {
	const deadline = Date.now() + d.waitSeconds * 1000;
	let why = 'not asked yet';
	for (;;) {
		const s = await readServer(read, d, 5_000);
		if ('down' in s) why = s.down;
		else if (!s.in_recovery) why = 'the server is not in recovery';
		else if (s.receiver?.status !== 'streaming') why = `its WAL receiver is ${s.receiver?.status ?? 'not running'}`;
		else return { server: s };
		if (Date.now() >= deadline) return { why };
		await new Promise((res) => setTimeout(res, 500));
	}
}

export async function applyStart(r: Runner, d: Desired): Promise<void> {
	await change(r, ['systemctl', 'start', d.pgService]);
	const w = await waitStreaming(r.ctx.read, d);
	if (w.why) throw new ModuleError(`${d.pgService} started but does not stream from ${d.primary} within ${d.waitSeconds} s: ${w.why}`, { commands: r.log });
}

const exists = (p: string) =>
	stat(p).then(
		() => true,
		() => false,
	);

/** Every entry under DIR as `path kind size mode uid gid` (lstat, links not followed), sorted. */
async function tree(dir: string, rel = ''): Promise<string[]> {
	const out: string[] = [];
	for (const name of (await readdir(join(dir, rel))).sort()) {
		const path = rel ? `${rel}/${name}` : name;
		const st = await lstat(join(dir, path));
		out.push(`${path} ${st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : 'f'} ${st.isDirectory() ? 0 : st.size} ${st.mode} ${st.uid} ${st.gid}`);
		if (st.isDirectory()) out.push(...(await tree(dir, path)));
	}
	return out;
}

/**
 * Sets the directory FROM aside as TO: a rename (the same directory, its mode and owner with it), or where
 * the file system cannot rename it (EXDEV: an overlay's lower layer, as on the lab's hosts) a copy with
 * cp -a, compared entry by entry with the original, and only then FROM's contents removed (FROM stays,
 * empty, with its mode and owner).
 */
export async function setAside(r: Runner, from: string, to: string): Promise<void> {
	r.log.push(['mv', from, to]);
	try {
		await rename(from, to);
		return;
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
	}
	r.log.pop();
	await change(r, ['cp', '-a', '--', from, to], { timeoutMs: BASEBACKUP_MS });
	const [a, b] = await Promise.all([tree(from), tree(to)]);
	if (a.join('\n') !== b.join('\n'))
		throw new Error(`the copy ${to} of ${from} differs from it (${a.length} entries against ${b.length}); ${from} was left as it is`);
	for (const name of await readdir(from)) await rm(join(from, name), { recursive: true, force: true });
}

/** TO (empty, or absent) gets back the directory ASIDE set aside; ASIDE is kept where it was copied. */
async function putBack(r: Runner, aside: string, to: string): Promise<void> {
	if (!(await exists(to))) {
		r.log.push(['mv', aside, to]);
		return rename(aside, to);
	}
	await change(r, ['cp', '-a', '--', `${aside}/.`, `${to}/`], { timeoutMs: BASEBACKUP_MS });
}

/** The re-base: pre-flight, stop, set aside, base backup, settings, start, streaming; undone on failure. */
export async function applyRebase(r: Runner, p: Step<'rebase'>, d: Desired, stamp: string): Promise<{ aside?: string }> {
	return withPassfile(d, async (env) => {
		await preflight(r.ctx.read, d, env);
		if (p.wasRunning) await change(r, ['systemctl', 'stop', d.pgService]);
		let moved = false;
		try {
			if (p.aside) {
				await setAside(r, d.pgData, p.aside);
				moved = true;
			}
			await change(
				r,
				[
					...AS_POSTGRES,
					'pg_basebackup',
					'-d',
					primaryConninfo(d, { application_name: d.slot! }),
					'-D',
					d.pgData,
					'-X',
					'stream',
					'-S',
					d.slot!,
					'-R',
					'-c',
					'fast',
				],
				{ env, timeoutMs: BASEBACKUP_MS },
			);
			const auto = `${d.pgData}/postgresql.auto.conf`;
			const text = await readFile(auto, 'utf8');
			const fixed = standbyAutoConf(text, d.slot!, d.slot!, d.password ?? '');
			if (fixed !== text) await atomicWrite(auto, fixed, 0o600, false);
			await applyStart(r, d);
			return p.aside ? { aside: p.aside } : {};
		} catch (err) {
			const cause = err instanceof Error ? err.message : String(err);
			const back = await undoRebase(r, p, d, stamp, moved);
			throw new ModuleError(`re-basing on ${d.primary} failed: ${cause}. ${back}`, { commands: r.log, restored: !back.includes('did not') });
		}
	});
}

/** Stops what the attempt started, keeps its copy aside, puts the old data directory back, starts it as it was. */
async function undoRebase(r: Runner, p: Step<'rebase'>, d: Desired, stamp: string, moved: boolean): Promise<string> {
	const { done, problems, attempt } = attempts();
	await attempt(`${d.pgService} stopped`, () => change(r, ['systemctl', 'stop', d.pgService]));
	if (moved) {
		const failed = `${d.pgData}.xcat-ha-failed-${stamp}`;
		await attempt(`${p.aside} put back as ${d.pgData} (the attempt's files, if any, as ${failed})`, async () => {
			if (await exists(d.pgData)) await setAside(r, d.pgData, failed);
			await putBack(r, p.aside!, d.pgData);
		});
	}
	if (p.wasRunning) await attempt(`${d.pgService} started as it was`, () => change(r, ['systemctl', 'start', d.pgService]));
	return problems.length
		? `Putting the server back as it was did not fully work: ${problems.join('; ')}. Done: ${done.join(', ') || 'nothing'}`
		: `The server is back as it was: ${done.join(', ')}`;
}
