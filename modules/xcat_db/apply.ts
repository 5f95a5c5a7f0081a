// Carries out an ensure plan: the PostgreSQL files, their reload or restart, then cfgloc (proved to
// reach the database first when xcatd runs here) and xcatd's restart, proved too. Never in check mode.
import { ModuleError, type Ctx } from '../runtime';
import { cfglocHost, parseCfgloc, type DbType } from '../xcat/cfgloc';
import { siteRows, xcatdAnswers } from './answers';
import { dbService, type Args, type Desired } from './desired';
import { atomicWrite } from './files';
import { shown, type Cmd, type Ensure } from './plan';
import { xcatEnv } from '../xcat/env';

export interface Runner {
	ctx: Ctx<Args>;
	/** every changing command run, as the result shows it */
	log: string[][];
	/** every file written */
	written: string[];
	/** files the run itself created (during a switch): no <file>.xcat-ha.orig of those */
	fresh?: boolean;
}

export async function run(r: Runner, cmd: Cmd, timeoutMs = 1_800_000) {
	r.log.push(shown(cmd));
	return r.ctx.change(cmd.argv, { env: xcatEnv(cmd.env), timeoutMs, ...(cmd.input !== undefined ? { input: cmd.input } : {}) });
}

/** Writes PATH (see atomicWrite); returns the <file>.xcat-ha.orig this write made, if any. */
export async function write(r: Runner, path: string, text: string, mode?: number, keepOriginal = !r.fresh): Promise<string | undefined> {
	const backup = await atomicWrite(path, text, mode, keepOriginal);
	r.written.push(path);
	return backup;
}

/** The edits of E written, and the database and xcatd told; fails with what was seen. */
export async function applyEnsure(r: Runner, e: Ensure, d: Desired, type: DbType): Promise<void> {
	// MariaDB's option files are the distribution's, never new: their originals are kept, even in a switch
	for (const edit of e.edits) if (edit.what !== 'cfgloc') await write(r, edit.path, edit.after, undefined, edit.what === 'my.cnf' || !r.fresh);
	const service = dbService(d, type) ?? '';
	if (e.db !== 'none') await run(r, { argv: ['systemctl', e.db, service] });
	for (const grant of e.grants) await run(r, grant);
	const cfg = e.edits.find((x) => x.what === 'cfgloc');
	if (e.db === 'restart') {
		// through the cfgloc this run writes, when it writes one: the old one may name a server that is gone
		// (a pool's former MN, after its replica here was promoted)
		const back = await siteRows(r.ctx.read, { bypass: true, ...(cfg ? { cfgloc: cfg.after.split('\n')[0] ?? '' } : {}) });
		if (back.rows === 0)
			throw new ModuleError(`${service} was restarted to listen on every address and the database does not answer: ${back.why}`, {
				files: r.written,
				commands: r.log,
			});
	}
	if (cfg && e.restartXcatd) {
		// xcatd will be restarted on the new cfgloc: it must reach the database at the VIP first
		const probe = await siteRows(r.ctx.read, { bypass: true, cfgloc: cfg.after.split('\n')[0] ?? '' });
		if (probe.rows === 0)
			throw new ModuleError(
				`cfgloc was left as it is (host ${cfglocHost(parseCfgloc(cfg.before)) ?? 'unset'}): the database does not answer at the VIP ${d.vip} with it, so xcatd would not start: ${probe.why}`,
				{ files: r.written, commands: r.log },
			);
	}
	if (cfg) await write(r, cfg.path, cfg.after, 0o600);
	if (!e.restartXcatd) return;
	await run(r, { argv: ['systemctl', 'restart', 'xcatd'] });
	const why = await xcatdAnswers(r.ctx.read, type, cfg ? d.vip : undefined);
	if (!why) return;
	if (cfg) {
		await write(r, cfg.path, cfg.before, 0o600);
		const back = await run(r, { argv: ['systemctl', 'restart', 'xcatd'] }).then(
			() => '',
			(err: Error) => ` (which failed too: ${err.message})`,
		);
		throw new ModuleError(`xcatd did not come back on the new cfgloc: ${why}. cfgloc was put back as it was and xcatd restarted${back}`, {
			files: r.written,
			commands: r.log,
		});
	}
	throw new ModuleError(`xcatd did not come back after the database restart: ${why}`, { files: r.written, commands: r.log });
}
