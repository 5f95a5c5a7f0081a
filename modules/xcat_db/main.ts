import { defineModule, ModuleError, textDiff } from '../runtime';
import { pathKindProblem } from '../runtime/paths';
import { maskCfgloc } from '../xcat/cfgloc';
import { applyEnsure, type Runner } from './apply';
import { checkArgs, toDesired } from './desired';
import { options } from './options';
import { hbaLine } from './pgconf';
import { openingEdits, plan, planCommands, shown, type Edit } from './plan';
import { probe } from './probe';
import { runSwitch } from './switch';

/** Local, never shared: the backups of every table taken before a switch. */
const BACKUP_ROOT = '/var/lib/xcat-ha/xcat_db';

const shownText = (e: Edit, text: string) => (e.what === 'cfgloc' ? maskCfgloc(text) : text);

defineModule({
	name: 'xcat_db',
	options,
	check: checkArgs,
	async run(ctx) {
		const d = toDesired(ctx.args);
		// before the probe: a data directory that is a file reads as absent, and check mode would approve a
		// switch whose real run stops xcatd and runs pgsqlsetup before failing
		const dirs: [string, string | undefined][] = [
			['path', ctx.args.path],
			['pg_data', d.type === 'postgresql' ? ctx.args.pg_data : undefined],
			['pg_conf', d.type === 'postgresql' ? ctx.args.pg_conf : undefined],
			['mysql_data', d.type === 'mysql' ? ctx.args.mysql_data : undefined],
		];
		const kinds = dirs.flatMap(([option, value]) =>
			(value === undefined ? [] : [pathKindProblem(option, value, ['directory', 'absent'])]).filter((m): m is string => m !== undefined),
		);
		if (kinds.length) throw new ModuleError(kinds.join('. '), { type: d.type, switched: false, changed: false });
		const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
		const current = await probe(ctx.read, d);
		const p = plan(current, d, { stamp, backupRoot: BACKUP_ROOT, check: ctx.check });
		if (p.kind === 'refuse') throw new ModuleError(p.msg, { type_before: p.typeBefore ?? null, type: d.type, switched: false, changed: false });
		p.warnings.forEach((w) => ctx.warn(w));
		const edits = [...p.ensure.edits];
		if (p.switch?.to === 'mysql') edits.push(...openingEdits(current.mysql.optionFiles));
		if (p.switch?.access) edits.push(...p.switch.access);
		else if (p.switch?.to === 'postgresql') {
			// pgsqlsetup writes these files into the data directory it initialises
			const ips = [d.vip, ...d.addresses];
			edits.push({ path: `${d.pgData}/pg_hba.conf`, what: 'pg_hba.conf', before: '', after: `${ips.map(hbaLine).join('\n')}\n` });
			edits.push({
				path: `${d.pgData}/postgresql.conf`,
				what: 'postgresql.conf',
				before: '',
				after: `listen_addresses = '${['localhost', ...ips].join(',')}'\n`,
			});
		}
		const changed = p.switch !== undefined || edits.length > 0 || p.ensure.grants.length > 0;
		const result = {
			changed,
			msg: p.msg,
			type_before: p.typeBefore,
			type: d.type,
			switched: false,
			mode: p.mode,
			files: edits.map((e) => e.path),
			rows: {} as Record<string, number>,
			commands: planCommands(p).map(shown),
			diff: edits.map((e) =>
				textDiff(
					p.switch && !p.switch.access && e.what !== 'cfgloc' && e.what !== 'my.cnf'
						? `${e.path} (the lines for xCAT, written by pgsqlsetup and xcat_db)`
						: e.path,
					shownText(e, e.before),
					shownText(e, e.after),
				),
			),
		};
		if (!changed || ctx.check) return result;
		const r: Runner = { ctx, log: [], written: [] };
		if (p.switch) {
			const s = await runSwitch(r, p.switch, current, d, stamp);
			return { ...result, switched: true, rows: s.rows, backup_dir: s.backupDir, commands: r.log, files: [...new Set([...result.files, ...r.written])] };
		}
		await applyEnsure(r, p.ensure, d, d.type);
		return { ...result, commands: r.log };
	},
});
