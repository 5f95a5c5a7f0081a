// gettab [-H] key=value,... table.attribute ... (tabutils.pm gettab)
import { getopt, flag } from '../getopt.js';
import { rowEnabled, tableSpec } from '../schema.js';
import { load, type Ctx } from './common.js';

const USAGE = ['Usage: gettab [-H|--with-fieldname] key=value,...  table.attribute ...', '       gettab [-?|-h|--help]'];

export function gettab(ctx: Ctx): void {
	const { out } = ctx;
	const p = getopt(ctx.args, [
		{ names: ['h', '?', 'help'], key: 'h' },
		{ names: ['H', 'with-fieldname'], key: 'H' },
	]);
	if (p.bad || !ctx.args.length) {
		out.data(...USAGE);
		out.code(1);
		return;
	}
	if (flag(p, 'h')) {
		out.data(...USAGE);
		return;
	}
	if (p.operands.length < 2) {
		out.data(...USAGE);
		out.code(1);
		return;
	}
	const [keyspec = '', ...wanted] = p.operands;
	const keys = new Map<string, string>();
	for (const kv of keyspec.split(',')) {
		const [k = '', v = ''] = kv.split('=');
		keys.set(k, v);
	}
	const terse = flag(p, 'H') ? 0 - wanted.length : 2 - wanted.length;
	const byTable = new Map<string, string[]>();
	for (const tc of wanted) {
		const [t = '', c = ''] = tc.split('.');
		const cols = byTable.get(t) ?? [];
		if (!cols.includes(c)) cols.push(c);
		byTable.set(t, cols);
	}
	for (const t of byTable.keys()) {
		const spec = tableSpec(t);
		for (const k of keys.keys()) {
			if (!spec || !spec.cols.includes(k)) {
				out.errorNoCode(`Unkown key ${k} to ${t}`);
				out.code(1);
				return;
			}
		}
	}
	const snap = load(ctx, [...byTable.keys()]);
	if (!snap) return;
	for (const [t, cols] of byTable) {
		const spec = tableSpec(t)!;
		const row = snap.rows(t).find((r) => rowEnabled(spec, r) && [...keys].every(([k, v]) => r[spec.cols.indexOf(k)] === v));
		for (const c of cols) {
			const v = row?.[spec.cols.indexOf(c)] ?? '';
			out.data(terse > 0 ? v : `${t}.${c}: ${v}`);
		}
	}
}
