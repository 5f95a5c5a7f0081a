// lsdef (DBobjectdefs.pm defls, docs/xcat-behaviour.md#lsdef-and-chdef)
import { flag, list, str } from '../getopt.js';
import { attrsOf, type ObjType } from '../objects.js';
import { formatLsdef, type ListedObject } from '../stanza.js';
import { matches, type Selection } from '../store.js';
import { objectAttrs, objectsOfType, tablesFor } from '../defmodel.js';
import { load, type Ctx } from './common.js';
import { processArgs, usage } from './defargs.js';

export function lsdef(ctx: Ctx): void {
	const { out } = ctx;
	const a = processArgs(ctx);
	if (a === 'usage') {
		usage(ctx);
		return;
	}
	if (a === 'error' || a === 'done') return;
	const { p } = a;
	const where = list(p, 'w').map(parseWhere);
	if (where.some((w) => !w)) {
		out.error('Incorrect selection string specified with -w flag.');
		return;
	}
	const requested = str(p, 'i')?.split(',');
	let long = flag(p, 'l') || a.from === 'nr' || flag(p, 'o') || !!requested || a.from === 'args';
	if (a.types.length === 1 && a.types[0] === 'site') long = true;
	if (flag(p, 's')) long = false;

	const snap = load(ctx, [...new Set(a.types.flatMap(tablesFor))]);
	if (!snap) return;

	const objects: ListedObject[] = [];
	// DBobjectdefs.pm defls counts every object it considered (missing ones too, and those -w left
	// out); when that count is not zero and nothing was printed it says "No object definitions have
	// been found" (info: the exit code stays whatever the missing-object errors made it)
	let considered = 0;
	let named = 0;
	for (const type of a.types) {
		const existing = objectsOfType(snap, type);
		let names: string[];
		let explicit = false;
		if (a.from === 't' || a.from === 'a') names = existing;
		else if (a.range) {
			names = snap.expand(a.range.text, a.range.verify).nodes;
			explicit = true;
		} else {
			names = a.names;
			explicit = true;
		}
		named += names.length;
		if (type === 'node' && !flag(p, 'S')) names = names.filter((n) => snap.keyedTable('nodelist').own(n, 'hidden') !== '1');
		if (!names.length && !explicit) continue;
		if (explicit && !existing.length) {
			out.data(`Could not find any objects of type '${type}'.`);
			continue;
		}
		if (requested && type !== 'site') {
			for (const attr of requested) {
				if (!attrsOf(type)!.some((d) => d.attr === attr)) out.error(`'${attr}' is not a valid attribute name for an object type of '${type}'.`);
			}
		}
		const known = new Set(existing);
		const defaults = type === 'node' && !flag(p, 'z') ? xcatDefaults(snap) : undefined;
		for (const name of [...new Set(names)].sort()) {
			considered++;
			if (!known.has(name)) {
				out.error(`Could not find an object named '${name}' of type '${type}'.`);
				continue;
			}
			const attrs = objectAttrs(snap, type, name);
			if (defaults) mergeDefaults(attrs, defaults);
			if (where.length && !where.every((w) => matches(w!, attrs.get(w!.label) ?? ''))) continue;
			objects.push({ name, type, attrs });
		}
	}
	if (!considered) {
		// only hidden nodes named: defls drops them before counting and prints nothing
		if (!named && out.exitCode === 0 && !out.hasData()) out.data('Could not find any object definitions to display.');
		return;
	}
	const type = a.types.length === 1 ? a.types[0] : undefined;
	const valid = requested && type && type !== 'site' ? requested.filter((r) => attrsOf(type as ObjType)!.some((d) => d.attr === r)) : requested;
	const lines = formatLsdef(objects, {
		long,
		...(valid ? { requested: valid } : {}),
		compress: flag(p, 'c'),
		stanza: flag(p, 'z'),
		multiType: a.types.length > 1,
		freeForm: type === 'site',
	});
	out.data(...(lines.length ? lines : ['No object definitions have been found']));
}

function xcatDefaults(snap: import('../store.js').Snapshot): { ps?: string; pbs?: string } {
	const t = snap.keyedTable('postscripts');
	const r: { ps?: string; pbs?: string } = {};
	const ps = t.own('xcatdefaults', 'postscripts');
	const pbs = t.own('xcatdefaults', 'postbootscripts');
	if (ps !== undefined) r.ps = ps;
	if (pbs !== undefined) r.pbs = pbs;
	return r;
}

/** lsdef shows xcatdefaults' postscripts and postbootscripts ahead of the node's own. */
function mergeDefaults(attrs: Map<string, string>, d: { ps?: string; pbs?: string }): void {
	if (d.ps) attrs.set('postscripts', attrs.has('postscripts') ? `${d.ps},${attrs.get('postscripts')}` : d.ps);
	if (d.pbs) attrs.set('postbootscripts', attrs.has('postbootscripts') ? `${d.pbs},${attrs.get('postbootscripts')}` : d.pbs);
}

function parseWhere(text: string): (Selection & { label: string }) | undefined {
	const m = /^([^=!~]+)(==|!=|=~|!~|=)(.*)$/s.exec(text);
	if (!m) return undefined;
	const op = m[2] === '=' ? '==' : (m[2] as Selection['op']);
	const value = op === '=~' || op === '!~' ? m[3]!.replace(/^\//, '').replace(/\/$/, '') : m[3]!;
	return { table: '', col: m[1]!, op, value, label: m[1]! };
}
