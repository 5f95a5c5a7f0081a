// chdef and mkdef (DBobjectdefs.pm defch/defmk, docs/xcat-behaviour.md#lsdef-and-chdef). All objects are written
// in one transaction, one multi-row upsert per table.
import { charge } from '../cost.js';
import { flag } from '../getopt.js';
import { attrsOf, type ObjType } from '../objects.js';
import { ObjectWriter, objectAttrs, objectsOfType, removalOps, tablesFor, groupMembers, type ListMode } from '../defmodel.js';
import type { Values, WriteOp } from '../db/sql.js';
import { load, write, type Ctx } from './common.js';
import { processArgs, usage } from './defargs.js';

const ERRORS_SUMMARY = 'One or more errors occured when attempting to create or modify xCAT object definitions.';

export function chdef(ctx: Ctx): void {
	define(ctx, 'chdef');
}

export function mkdef(ctx: Ctx): void {
	define(ctx, 'mkdef');
}

function define(ctx: Ctx, command: 'chdef' | 'mkdef'): void {
	const { out } = ctx;
	const a = processArgs(ctx);
	if (a === 'usage') {
		usage(ctx);
		return;
	}
	if (a === 'error' || a === 'done') return;
	const { p } = a;
	const type = a.types[0] as ObjType;
	if (command === 'chdef' && flag(p, 'f')) {
		out.error("The '-f' option is not valid for the chdef command.");
		usage(ctx);
		return;
	}
	if (command === 'mkdef' && (flag(p, 'p') || flag(p, 'm'))) {
		out.error("The '-p' and '-m' options are not valid for the mkdef command.");
		usage(ctx);
		return;
	}
	if (flag(p, 'n')) {
		out.error("The '-n' option (changing object name) is not supported by the lab's xCAT double.");
		return;
	}

	const snap = load(ctx, tablesFor(type));
	if (!snap) {
		out.error(ERRORS_SUMMARY);
		return;
	}
	const names = a.range ? snap.expand(a.range.text, a.range.verify).nodes : a.names;
	if (!names.length) {
		out.error(`No node in '${a.range?.text ?? ''}', check the noderange syntax.`);
		return;
	}
	if (command === 'mkdef' && type === 'node') {
		const upper = names.filter((n) => /[A-Z]/.test(n));
		if (upper.length) out.warning(`The node name '${upper.join(',')}' contains capital letters which may not be resolved correctly by the dns server.`);
	}

	let error = false;
	const attrs = new Map<string, string>();
	for (const attr of a.attrOrder) {
		if (type !== 'site' && !attrsOf(type)!.some((d) => d.attr === attr)) {
			out.error(`'${attr}' is not a valid attribute name for an object type of '${type}'.`, 'Skipping to the next attribute.');
			error = true;
			continue;
		}
		attrs.set(attr, a.attrs.get(attr)!);
	}

	const mode: ListMode = flag(p, 'p') ? 'plus' : flag(p, 'm') ? 'minus' : 'set';
	const existing = new Set(objectsOfType(snap, type));
	const networks = type === 'network' ? [...existing].map((n) => ({ name: n, attrs: objectAttrs(snap, 'network', n) })) : [];
	const writer = new ObjectWriter(snap);
	const pre: WriteOp[] = [];
	const created: string[] = [];
	let written = 0;
	for (const name of names) {
		const defined = existing.has(name);
		const mine = new Map(attrs);
		if (command === 'mkdef' && defined && type === 'network') {
			// defmk checks networks by name before anything else, even with -f
			out.error(`A network definition called '${name}' already exists. Cannot create a definition for '${name}'.`);
			error = true;
			continue;
		}
		if (command === 'mkdef' && defined && !flag(p, 'f')) {
			out.warning(`A definition for '${name}' already exists. No changes will be made.  Run again with '-f' option to force replace.`);
			continue;
		}
		if (type === 'network' && !defined) {
			const problem = newNetworkProblem(name, mine, networks);
			if (problem) {
				out.error(problem);
				error = true;
				continue;
			}
		}
		// defmk asks it of every node, defch of a node it would create; an empty value is no value
		if (type === 'node' && !mine.get('groups') && (command === 'mkdef' || !defined)) {
			out.error(`Attribute 'groups' is not specified for node '${name}', skipping to the next node.`);
			error = true;
			continue;
		}
		if (command === 'mkdef' && defined) pre.push(...removalOps(snap, type, [name]));
		if (!defined || command === 'mkdef') {
			if (command === 'chdef' && mode === 'minus') {
				out.error(`The '-m' option is not valid since the '${name}' definition does not exist.`);
				error = true;
				continue;
			}
			if (command === 'chdef') created.push(name);
			if (type === 'group' && !mine.has('grouptype')) mine.set('grouptype', 'static');
			if (command === 'mkdef' && type === 'group' && !mine.get('members') && !mine.get('wherevals'))
				out.warning(`Cannot determine a member list for group '${name}'.`);
		}
		let members: string[] | undefined;
		if (type === 'group' && mine.has('members')) {
			members = snap.expand(mine.get('members')!, false).nodes;
			mine.set('members', 'static');
		}
		const current = defined && mode !== 'set' ? objectAttrs(snap, type, name) : new Map<string, string>();
		const problem = writer.set(type, name, mine, mode, current);
		if (problem) {
			out.error(problem);
			error = true;
			continue;
		}
		if (members) pre.push(...memberOps(ctx, snap, name, members, mode, defined));
		written++;
	}
	// defch and defmk write what passed their checks before they report the errors of the rest
	charge('define-object', written);
	const ok = write(ctx, [...pre, ...writer.ops()]);
	if (!ok || error) {
		out.error(ERRORS_SUMMARY);
		return;
	}
	if (command === 'mkdef') {
		// defmk reports "0 … created" as an error
		if (written) out.data(`${written} object definitions have been created or modified.`);
		else out.error('0 object definitions have been created or modified.');
		return;
	}
	out.data(written ? `${written} object definitions have been created or modified.` : 'No object definitions have been created or modified.');
	if (created.length) out.data(`New object definitions '${created.join(',')}' have been created.`);
}

/** defch/defmk for a network that does not exist yet: net and mask given, and no other network with both. */
function newNetworkProblem(
	name: string,
	attrs: ReadonlyMap<string, string>,
	networks: ReadonlyArray<{ name: string; attrs: ReadonlyMap<string, string> }>,
): string | undefined {
	const net = attrs.get('net');
	const mask = attrs.get('mask');
	if (!net || !mask) return `Net or mask value should not be empty for xCAT network object '${name}'.`;
	const same = networks.find((n) => n.attrs.get('net') === net && n.attrs.get('mask') === mask);
	return same
		? `A network definition called '${same.name}' already exists that contains the same net and mask values. Cannot create a definition for '${name}'.`
		: undefined;
}

/** A static group's members live in each node's nodelist.groups. */
function memberOps(ctx: Ctx, snap: import('../store.js').Snapshot, group: string, members: string[], mode: ListMode, defined: boolean): WriteOp[] {
	const nodes = new Set(snap.nodes());
	const rows: Values[] = [];
	const target = new Map<string, string[]>();
	for (const m of members) {
		if (!nodes.has(m)) {
			ctx.out.error(`Could not find a node named '${m}', skipping to the next node.`);
			continue;
		}
	}
	const valid = members.filter((m) => nodes.has(m));
	const groupsOf = (n: string) => target.get(n) ?? [...(snap.groupsOf().get(n) ?? [])];
	if (mode === 'set' && defined)
		for (const n of groupMembers(snap, group))
			target.set(
				n,
				groupsOf(n).filter((g) => g !== group),
			);
	for (const n of valid) {
		const g = groupsOf(n);
		if (mode === 'minus')
			target.set(
				n,
				g.filter((x) => x !== group),
			);
		else target.set(n, g.includes(group) ? g : [...g, group]);
	}
	for (const [node, groups] of target) rows.push({ node, groups: groups.join(',') });
	return rows.length ? [{ kind: 'upsert', table: 'nodelist', rows }] : [];
}
