// Carries the plan out; never called in check mode. The destination SNs must answer (ssh and xcatd)
// before anything changes; the database writes are read back before the nodes themselves are touched; a step
// that fails stops the run and says what is done and what is left.
import { connect } from 'node:net';
import { ModuleError, showCommand, type CommandResult, type RunOptions } from '../runtime';
import { quoteValue } from '../runtime/show';
import { tabdumpOf, type Tabdump } from '../xcat/tabdump';
import type { Step, StepName } from './commands';
import type { Read } from '../runtime';
import { FEW_NODES, statesByName } from './probe';
import { nodeStatesFromTables, type NodeStatesResult } from './state';
import { psqlEnv, writesSql, type SqlTarget } from './sql';
import type { AttributeWrite, MovedAttribute } from './types';

export type Change = (argv: readonly string[], opts?: RunOptions) => Promise<CommandResult>;

export interface StepTime {
	step: string;
	ms: number;
	commands: number;
}

/**
 * Each destination SN answers ssh (xdsh, as xCAT reaches it) and its xcatd accepts a connection, all SNs
 * at once. An SN that answered the probe's `xdsh <sn> /sbin/ip addr` moments ago is not asked again
 * (one xdsh costs 0.3-1 s on real xCAT), nor one whose `xdsh <sn> true` the probe started (earlySsh):
 * its answer is awaited. Its xcatd is checked all the same.
 */
export async function checkDestinations(
	read: Read,
	destinations: readonly string[],
	port: number,
	answeredSsh: ReadonlySet<string> = new Set(),
	earlySsh?: { sn: string; answer: Promise<CommandResult> },
): Promise<void> {
	const problems = (
		await Promise.all(
			destinations.map(async (sn) => {
				const [ssh, xcatd] = await Promise.all([
					answeredSsh.has(sn) ? { rc: 0, stdout: '', stderr: '' } : earlySsh?.sn === sn ? earlySsh.answer : read(['xdsh', sn, 'true']),
					tcpAnswers(sn, port),
				]);
				const why: string[] = [];
				if (ssh.rc !== 0) why.push(`xdsh ${sn} true failed (rc ${ssh.rc}): ${(ssh.stderr || ssh.stdout).trim()}`);
				if (xcatd !== undefined) why.push(`its xcatd does not answer on port ${port}: ${xcatd}`);
				return why.length ? `${sn}: ${why.join('; ')}` : undefined;
			}),
		)
	).filter((p): p is string => p !== undefined);
	if (problems.length) {
		throw new ModuleError(`the destination service node does not answer, so nothing was changed: ${problems.join('. ')}`, { unreachable: problems });
	}
}

function tcpAnswers(host: string, port: number, timeoutMs = 5000): Promise<string | undefined> {
	return new Promise((resolve) => {
		const socket = connect({ host, port });
		const done = (why: string | undefined) => {
			socket.destroy();
			resolve(why);
		};
		socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs / 1000} s`));
		socket.once('connect', () => done(undefined));
		socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
	});
}

/**
 * Runs the steps in order, except that the consoles and the boot files (nodeset) are written at once,
 * while the written rows are read back: all three only read the rows the database step wrote, and none
 * reads what another writes (real snmove runs them one after the other and reads nothing back; together
 * they cost one xCAT call's time instead of three). Consoles and boot files are made from the database
 * as it is, so they are right for whatever it holds; the steps that reach the nodes themselves (routes,
 * postscripts) wait for the read-back, and do not run when it finds rows that differ from the plan. A
 * failed database write stops the run. After it, one failed command (a node that is down) does not keep
 * the other nodes from their consoles, boot files and postscripts: every command runs, and the run
 * fails at the end with each command that failed.
 */
export async function runSteps(change: Change, read: Read, steps: readonly Step[], writes: readonly AttributeWrite[], sql?: SqlTarget): Promise<StepTime[]> {
	const times: StepTime[] = [];
	const failures: { step: StepName; argv: readonly string[]; error: ModuleError }[] = [];
	let readBack: Promise<void> | undefined;
	const run = async (step: Step, index: number) => {
		const started = performance.now();
		const done = () => {
			times[index] = { step: step.name, ms: Math.round(performance.now() - started), commands: step.commands.length };
		};
		if (step.name === 'database') {
			await writeRows(change, step.commands, writes, sql);
			// the database step ends when its rows are read back, which overlaps the next wave
			readBack = verifyWrites(read, writes).finally(done);
			readBack.catch(() => undefined); // awaited below, after the consoles and boot files
			return;
		}
		for (const argv of step.commands) {
			try {
				await (step.name === 'routes' ? addRoute(change, argv) : change(argv));
			} catch (error) {
				if (!(error instanceof ModuleError)) throw error;
				failures.push({ step: step.name, argv, error });
			}
		}
		done();
	};
	const verified = async () => {
		const pending = readBack;
		readBack = undefined;
		try {
			await pending;
		} catch (error) {
			if (!(error instanceof ModuleError)) throw error;
			const ran = failures.length ? ` These commands failed meanwhile: ${failures.map(briefly).join(' | ')}.` : '';
			throw new ModuleError(
				`${error.message}. The consoles and boot files were written from the database as it is (they ran while the rows were read back); nothing else ran.${ran} Check the nodes with lsdef, then run this again.`,
				{ ...error.extra, failed_steps: ['database'], steps: times.filter(Boolean) },
			);
		}
	};
	for (const wave of stepWaves(steps)) {
		if (!wave.every((index) => TOGETHER.has(steps[index]!.name))) await verified();
		await Promise.all(wave.map((index) => run(steps[index]!, index)));
	}
	await verified();
	if (failures.length) {
		const failedSteps = [...new Set(failures.map((f) => f.step))];
		throw new ModuleError(
			`The nodes are moved in the xCAT database, but ${failures.length} command(s) failed: ${failures.map(briefly).join(' | ')}. ` +
				'Fix the cause (a node that is down, a service node that does not answer), then run the failed commands (failed_commands) by hand: running this module again moves nothing, as the database is already moved.',
			{ failed_steps: failedSteps, failed_commands: failures.map((f) => showCommandShort(f.argv)), steps: times },
		);
	}
	return times;
}

/**
 * The database step: the bulk chdef calls in order, a failed one stopping the run, or with SQL the one
 * psql transaction; then every written value read back through xCAT and checked (verifyWrites).
 * (xcat_pool writes its balance so.)
 */
export async function writeDatabase(
	change: Change,
	read: Read,
	commands: readonly (readonly string[])[],
	writes: readonly AttributeWrite[],
	sql?: SqlTarget,
): Promise<void> {
	await writeRows(change, commands, writes, sql);
	await verifyWrites(read, writes);
}

/** The writes alone (see writeDatabase): a failed command stops them, and says what was written. */
async function writeRows(change: Change, commands: readonly (readonly string[])[], writes: readonly AttributeWrite[], sql?: SqlTarget): Promise<void> {
	for (const argv of commands) {
		try {
			await change(argv, sql ? { input: writesSql(writes), env: psqlEnv(sql) } : undefined);
		} catch (error) {
			if (!(error instanceof ModuleError)) throw error;
			throw new ModuleError(
				sql
					? `${error.message}. The database write was one transaction and nothing was written; nothing else ran: fix the cause and run this again.`
					: `${error.message}. The database writes did not complete and nothing else ran: check the nodes with lsdef, fix the cause and run this again.`,
				{ ...error.extra, failed_steps: ['database'] },
			);
		}
	}
}

/** Steps that may run at once (see runSteps). */
const TOGETHER: ReadonlySet<StepName> = new Set(['consoles', 'nodeset']);

/** The steps' indexes in the order they run, those that may run at once in one wave (pure). */
export function stepWaves(steps: readonly Pick<Step, 'name'>[]): number[][] {
	const waves: number[][] = [];
	steps.forEach((step, index) => {
		const last = waves.at(-1);
		if (last && TOGETHER.has(step.name) && TOGETHER.has(steps[last[0]!]!.name)) last.push(index);
		else waves.push([index]);
	});
	return waves;
}

/** snmove's rule: a route that is already there (" File exists") is not a failure. */
async function addRoute(change: Change, argv: readonly string[]): Promise<void> {
	try {
		await change(argv);
	} catch (error) {
		const output = error instanceof ModuleError ? `${String(error.extra.stdout ?? '')}${String(error.extra.stderr ?? '')}` : '';
		if (!output.includes(' File exists')) throw error;
	}
}

/** A command for a message: long noderanges cut short. */
/** A failed command in the message: its nodes cut short and its first lines (10,000 nodes print 10,000 errors). */
export function briefly(f: { argv: readonly string[]; error: ModuleError }): string {
	const rc = f.error.extra.rc;
	const lines = String(f.error.extra.stderr || f.error.extra.stdout || f.error.message)
		.trim()
		.split('\n');
	const more = lines.length > BRIEF_LINES ? `\n… and ${lines.length - BRIEF_LINES} more lines` : '';
	return `${showCommandShort(f.argv)} failed${rc === undefined ? '' : ` (rc ${rc})`}: ${lines.slice(0, BRIEF_LINES).join('\n')}${more}`;
}
const BRIEF_LINES = 5;

function showCommandShort(argv: readonly string[]): string {
	return showCommand(argv.map((a) => (a.length > 200 ? `${a.slice(0, 200)}…(${a.split(',').length} nodes)` : a)));
}

/**
 * Reads the written nodes back and checks every node holds what was written; the message names the
 * values that differ. Up to FEW_NODES nodes are read by name (one `nodels -b`, as the probe reads them),
 * more as the node tables dumped whole. Both read the database itself: xCAT's table cache serves only
 * getNodesAttribs calls of more than 16 nodes.
 */
export async function verifyWrites(read: Read, writes: readonly AttributeWrite[]): Promise<void> {
	const written = [...new Set(writes.flatMap((w) => w.nodes))];
	const states = written.length <= FEW_NODES ? await readBackByName(read, written) : await readBackTables(read);
	if (!states.ok) throw new ModuleError(`the node tables cannot be read back after the writes: ${states.error}`);
	const wrong = writeMismatches(states.nodes, writes);
	if (wrong.length) {
		throw new ModuleError(
			`after the writes, ${wrong.length} node(s) do not hold the written values: ${wrong.slice(0, SHOWN_MISMATCHES).join('; ')}${wrong.length > SHOWN_MISMATCHES ? `; … ${wrong.length - SHOWN_MISMATCHES} more` : ''}`,
		);
	}
}
const SHOWN_MISMATCHES = 10;

/** Per node that differs from what was written: `cn1: servicenode="sn1,sn2" (written "sn2,sn1")`, or that it is gone (pure). */
export function writeMismatches(nodes: ReadonlyMap<string, Partial<Record<MovedAttribute, string>>>, writes: readonly AttributeWrite[]): string[] {
	const wrong: string[] = [];
	for (const write of writes) {
		for (const node of write.nodes) {
			const state = nodes.get(node);
			if (!state) {
				wrong.push(`${node}: no longer defined`);
				continue;
			}
			const differing = Object.entries(write.attributes)
				.filter(([attribute, value]) => state[attribute as MovedAttribute] !== value)
				.map(([attribute, value]) => `${attribute}=${quoteValue(state[attribute as MovedAttribute] ?? '')} (written ${quoteValue(value)})`);
			if (differing.length) wrong.push(`${node}: ${differing.join(', ')}`);
		}
	}
	return wrong;
}

async function readBackTables(read: Read): Promise<NodeStatesResult> {
	const [nodelist, noderes, nodehm] = await Promise.all(['nodelist', 'noderes', 'nodehm'].map((t) => tabdump(read, t, t === 'nodelist')));
	return nodeStatesFromTables({ nodelist: nodelist!, noderes: noderes!, nodehm: nodehm! });
}

async function readBackByName(read: Read, nodes: readonly string[]): Promise<NodeStatesResult> {
	try {
		return await statesByName(read, nodes, false);
	} catch (error) {
		if (!(error instanceof ModuleError)) throw error;
		return { ok: false, error: error.message };
	}
}

async function tabdump(read: Read, table: string, mustHaveRows: boolean): Promise<Tabdump> {
	const r = await read(['tabdump', table]);
	const parsed = r.rc === 0 ? tabdumpOf(table, r.stdout) : undefined;
	if (!parsed?.ok || (mustHaveRows && parsed.table.rows.length === 0)) {
		throw new ModuleError(`tabdump ${table} could not be read back after the writes (rc ${r.rc}): ${parsed && !parsed.ok ? parsed.why : r.stderr.trim()}`);
	}
	return parsed.table;
}
