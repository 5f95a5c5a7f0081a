// Switches xCAT from SQLite to PostgreSQL (or MySQL): back up every table, set up the new database,
// restore, give it access for the VIP and every MN, start xcatd on it, and prove that every row
// survived and that the database and xcatd answer. Any failure puts the previous configuration back.
import { mkdir, readdir, readFile, rename, rm, stat, chown, chmod } from 'node:fs/promises';
import { ModuleError } from '../runtime';
import { attempts } from '../runtime/attempts';
import { parseCfgloc } from '../xcat/cfgloc';
import { siteRows, xcatdAnswers } from './answers';
import { applyEnsure, run, write, type Runner } from './apply';
import type { Desired } from './desired';
import { DROP_SQL, ensure, grantSql, type Edit, type SwitchSteps } from './plan';
import { probeMysql, PSQL_AS_POSTGRES, readDbFiles, type Current } from './probe';
import { compareRows, counts, rowsOfDump, type Rows } from './rows';

const CFGLOC = '/etc/xcat/cfgloc';

async function readDump(dir: string): Promise<Rows> {
	const files = new Map<string, string>();
	for (const f of (await readdir(dir)).filter((n) => n.endsWith('.csv'))) files.set(f, await readFile(`${dir}/${f}`, 'utf8'));
	return rowsOfDump(files);
}

export interface Switched {
	rows: Record<string, number>;
	backupDir: string;
}

export async function runSwitch(r: Runner, s: SwitchSteps, cur: Current, d: Desired, stamp: string): Promise<Switched> {
	// the files a switch writes are new (pgsqlsetup's), or the originals put back: no .xcat-ha.orig of those
	// (but of the configuration files of a running cluster, pg_setup module, which are the distribution's)
	r.fresh = true;
	await mkdir(s.backupDir.slice(0, s.backupDir.lastIndexOf('/')), { recursive: true, mode: 0o700 });
	await mkdir(s.backupDir, { mode: 0o700 });
	if (s.stopXcatd) await run(r, s.stopXcatd);
	let before: Rows;
	try {
		await run(r, s.dump);
		before = await readDump(s.backupDir);
		if (!before.get('site')?.length)
			throw new Error(`the backup in ${s.backupDir} has no site rows: the ${cur.xcatd.engine ?? 'sqlite'} database did not answer`);
	} catch (err) {
		const back = s.stopXcatd
			? await run(r, { argv: ['systemctl', 'start', 'xcatd'] }).then(
					() => ' (xcatd started again)',
					(e: Error) => ` (starting xcatd again failed: ${e.message})`,
				)
			: '';
		throw new ModuleError(`backing up xCAT's database failed, so nothing was switched${back}: ${(err as Error).message}`, {
			commands: r.log,
			files: r.written,
		});
	}

	let optionEdits: Edit[] = [];
	/** what rollback must undo of a module setup: access files written, the server told, the setup tried */
	const undo: Undo = { access: [], backups: [], setup: false };
	try {
		if (s.hostFile) await write(r, s.hostFile.path, s.hostFile.text, 0o600);
		for (const edit of s.access ?? []) {
			// the distribution's files, not new: their originals are kept
			undo.access.push(edit);
			const backup = await write(r, edit.path, edit.after, undefined, true);
			if (backup) undo.backups.push(backup);
		}
		if (s.prepareDb) {
			undo.prepareDb = s.prepareDb;
			await run(r, s.prepareDb);
		}
		undo.setup = true;
		await run(r, s.setup);
		if (s.writeCfgloc) await write(r, CFGLOC, `${s.cfgloc}\n`, 0o600);
		const cfg = parseCfgloc(await readFile(CFGLOC, 'utf8').catch(() => ''));
		if (cfg.type !== s.to) throw new Error(`${s.setup.argv[0]} exited 0 but ${CFGLOC} does not name ${s.to}`);
		if (s.grant) {
			const sql = grantSql(cfg.user);
			await run(r, { ...s.grant, argv: [...s.grant.argv.slice(0, -1), sql] });
		}
		if (s.restore) await run(r, s.restore);
		const files = await readDbFiles('', d);
		const mysql = s.to === 'mysql' ? await probeMysql(r.ctx.read, d) : cur.mysql;
		const e = ensure(files, { ...cur, local: files, mysql, pg: { ...cur.pg, active: 'inactive' }, xcatd: { ...cur.xcatd, active: 'inactive' } }, d, true);
		if (typeof e === 'string') throw new Error(e);
		optionEdits = e.ensure.edits.filter((x) => x.what === 'my.cnf');
		await applyEnsure(r, e.ensure, d, s.to);
		if (s.restartDb) await run(r, s.restartDb);
		const db = await siteRows(r.ctx.read, { bypass: true });
		if (db.rows === 0) throw new Error(`the new database does not answer at the VIP: ${db.why}`);
		const afterDir = `${s.backupDir}-after`;
		await run(r, { argv: ['dumpxCATdb', '-p', afterDir], env: { XCATBYPASS: '1' } });
		const lost = compareRows(before, await readDump(afterDir));
		if (lost.length) throw new Error(`rows did not survive the switch: ${lost.join('; ')}`);
		await run(r, s.startXcatd);
		const why = await xcatdAnswers(r.ctx.read, s.to, d.vip);
		if (why) throw new Error(why);
		if (s.stopXcatdAfter) await run(r, s.stopXcatdAfter);
		return { rows: counts(before), backupDir: s.backupDir };
	} catch (err) {
		const cause = err instanceof Error ? err.message : String(err);
		const restored = await rollback(r, cur, d, stamp, optionEdits, undo);
		const how = restored.problems.length
			? `Restoring the previous configuration did not fully work: ${restored.problems.join('; ')}. Done: ${restored.done.join(', ') || 'nothing'}`
			: `The previous configuration is back: ${restored.done.join(', ')}`;
		throw new ModuleError(`switching xCAT's database from sqlite to ${s.to} failed: ${cause}. ${how}. Every table is backed up in ${s.backupDir}.`, {
			commands: r.log,
			files: r.written,
			switched: false,
			restored: restored.problems.length === 0,
			backup_dir: s.backupDir,
		});
	}
}

interface Undo {
	access: Edit[];
	backups: string[];
	prepareDb?: { argv: string[] };
	setup: boolean;
}

/** Back to the configuration before the switch, step by step, each failure noted and the rest still done. */
async function rollback(r: Runner, cur: Current, d: Desired, stamp: string, optionEdits: Edit[], undo: Undo): Promise<{ done: string[]; problems: string[] }> {
	const { done, problems, attempt } = attempts();
	await attempt('xcatd stopped', () => run(r, { argv: ['systemctl', 'stop', 'xcatd'] }));
	if (cur.local.cfgloc !== undefined) {
		await attempt(`${CFGLOC} as it was`, () => write(r, CFGLOC, cur.local.cfgloc!, 0o600));
	} else if (
		await stat(CFGLOC).then(
			() => true,
			() => false,
		)
	) {
		const aside = `${CFGLOC}.xcat-ha-failed-${stamp}`;
		await attempt(`${CFGLOC} moved aside to ${aside} (xCAT is on SQLite without it)`, () => rename(CFGLOC, aside));
	}
	if (d.type === 'postgresql' && d.pgSetup === 'module') {
		// the cluster ran before and runs after: only what the setup added goes (the plan refused a cluster that had xcatdb or xcatadm)
		if (undo.setup)
			await attempt('the new database xcatdb and role xcatadm dropped', () => run(r, { argv: [...PSQL_AS_POSTGRES, '-d', 'postgres'], input: DROP_SQL }));
		for (const edit of [...undo.access].reverse()) await attempt(`${edit.path} as it was`, () => write(r, edit.path, edit.before, undefined, false));
		// the originals this run kept are the files just put back: nothing of the attempt stays
		for (const backup of undo.backups) await attempt(`${backup} removed`, () => rm(backup, { force: true }));
		if (undo.prepareDb)
			await attempt(`${d.pgService} ${undo.prepareDb.argv[1] === 'restart' ? 'restarted' : 'reloaded'} on its previous configuration`, () =>
				run(r, undo.prepareDb!),
			);
	}
	if (cur.pg.active !== 'active' && d.type === 'postgresql' && d.pgSetup === 'pgsqlsetup') {
		await attempt(`${d.pgService} stopped`, () => run(r, { argv: ['systemctl', 'stop', d.pgService] }));
		if (cur.pg.enabled !== 'enabled') await attempt(`${d.pgService} disabled`, () => run(r, { argv: ['systemctl', 'disable', '--quiet', d.pgService] }));
		const now = await readdir(d.pgData).catch(() => undefined);
		if (now && now.length > 0 && (cur.local.pgData === 'absent' || cur.local.pgData === 'empty')) {
			const aside = `${d.pgData}.xcat-ha-failed-${stamp}`;
			await attempt(`the new database in ${d.pgData} moved aside to ${aside}`, async () => {
				const st = await stat(d.pgData);
				await rename(d.pgData, aside);
				if (cur.local.pgData === 'empty') {
					await mkdir(d.pgData);
					await chown(d.pgData, st.uid, st.gid);
					await chmod(d.pgData, st.mode & 0o7777);
				}
			});
		}
	}
	if (d.type === 'mysql') {
		// xcatdb did not exist before (else the switch is refused): it holds a copy of the SQLite data only
		const now = await probeMysql(r.ctx.read, d);
		if (now.unit.active === 'active' && now.hasXcatdb) {
			await attempt('the new xcatdb database dropped (it held a copy of the SQLite data only)', () =>
				run(r, { argv: ['mysql', '--batch', '-e', 'DROP DATABASE IF EXISTS xcatdb'] }),
			);
		}
		if (cur.mysql.unit.active !== 'active') await attempt(`${d.mysqlService} stopped`, () => run(r, { argv: ['systemctl', 'stop', d.mysqlService] }));
		if (cur.mysql.unit.enabled !== 'enabled')
			await attempt(`${d.mysqlService} disabled`, () => run(r, { argv: ['systemctl', 'disable', '--quiet', d.mysqlService] }));
		for (const edit of optionEdits) await attempt(`${edit.path} as it was`, () => write(r, edit.path, edit.before));
	}
	if (cur.xcatd.active === 'active') {
		await attempt('xcatd started', () => run(r, { argv: ['systemctl', 'start', 'xcatd'] }));
		const type = parseCfgloc(cur.local.cfgloc).type;
		const why = await xcatdAnswers(r.ctx.read, type, undefined, 15);
		if (why) problems.push(why);
		else done.push(`xcatd answering on ${type}`);
	} else {
		const db = await siteRows(r.ctx.read, { bypass: true });
		if (db.rows === 0) problems.push(`the previous database does not answer: ${db.why}`);
		else done.push(`the ${parseCfgloc(cur.local.cfgloc).type} database answering`);
	}
	return { done, problems };
}
