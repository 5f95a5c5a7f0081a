// Decides the pcs commands that bring the CIB to what was asked, and the diff (pure).
// Each step is pcs's arguments after `pcs` (and after `-f FILE` when working on a file).
// What is compared: the properties and resource defaults named; every parameter of our resources
// (ones not asked are removed); the meta attributes and operations named (others, such as a
// target-role an operator set or the monitor pcs adds by default, are left alone); the group's
// members and their order. Resources outside our group and fence devices are never touched.
import type { Live, Primitive } from './cib';
import { durationMs, SECRET_PARAM, type Desired, type Resource } from './desired';

export type Plan = { kind: 'refuse'; msg: string } | { kind: 'act'; steps: string[][]; changes: string[]; before: string; after: string };

const MASKED = '********';
const kv = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `${k}=${v}`);
/** a parameter's value as the diff shows it */
const shown = (k: string, v: string) => (SECRET_PARAM.test(k) ? MASKED : v);

/** interval and timeout compare as durations (10s = 10000ms = 10) */
function sameOp(live: Record<string, string> | undefined, want: Record<string, string>): boolean {
	if (!live) return false;
	const keys = new Set([...Object.keys(live), ...Object.keys(want)]);
	for (const k of keys) {
		const a = live[k],
			b = want[k];
		if (a === undefined || b === undefined) return false;
		if (k === 'interval' || k === 'timeout' ? durationMs(a) !== durationMs(b) : a !== b) return false;
	}
	return true;
}

const wanted = (r: Resource) => Object.fromEntries(Object.entries(r.params).filter(([, v]) => v !== ''));

/** `update ID a=1 b= op monitor interval=10s`, or nothing when parameters and named ops agree */
function updateStep(kind: 'resource' | 'stonith', cur: Primitive, want: Resource, changes: string[]): string[] | undefined {
	const params = wanted(want);
	const args: string[] = [];
	for (const [k, v] of Object.entries(params)) {
		if (cur.params[k] !== v) {
			args.push(`${k}=${v}`);
			changes.push(`${want.id}: parameter ${k} ${cur.params[k] === undefined ? 'added' : 'changed'}`);
		}
	}
	for (const k of Object.keys(cur.params)) {
		if (!(k in params)) {
			args.push(`${k}=`);
			changes.push(`${want.id}: parameter ${k} removed`);
		}
	}
	for (const [action, attrs] of Object.entries(want.ops)) {
		if (!sameOp(cur.ops[action], attrs)) {
			args.push('op', action, ...kv(attrs));
			changes.push(`${want.id}: operation ${action} ${cur.ops[action] ? 'changed' : 'added'}`);
		}
	}
	return args.length ? [kind, 'update', want.id, ...args] : undefined;
}

function metaStep(cur: Primitive, want: Resource, changes: string[]): string[] | undefined {
	const differ = Object.entries(want.meta).filter(([k, v]) => cur.meta[k] !== v);
	for (const [k] of differ) changes.push(`${want.id}: meta attribute ${k} ${cur.meta[k] === undefined ? 'added' : 'changed'}`);
	return differ.length ? ['resource', 'meta', want.id, ...differ.map(([k, v]) => `${k}=${v}`)] : undefined;
}

const opArgs = (r: Resource) => Object.entries(r.ops).flatMap(([action, attrs]) => ['op', action, ...kv(attrs)]);
const metaArgs = (r: Resource) => (Object.keys(r.meta).length ? ['meta', ...kv(r.meta)] : []);

function createStonith(r: Resource): string[] {
	return ['stonith', 'create', r.id, r.agent.replace(/^stonith:/, ''), ...kv(wanted(r)), ...opArgs(r), ...metaArgs(r)];
}

function createMember(r: Resource, group: string, place: string[], force: boolean): string[] {
	// --no-default-ops: the ops are what the data says (pcs still adds a monitor when none is given)
	return [
		'resource',
		'create',
		r.id,
		r.agent,
		...kv(wanted(r)),
		...opArgs(r),
		...metaArgs(r),
		'--group',
		group,
		...place,
		'--no-default-ops',
		...(force ? ['--force'] : []),
	];
}

const deleteStep = (p: Primitive) => (p.agent.startsWith('stonith:') ? ['stonith', 'delete', p.id] : ['resource', 'delete', p.id]);

export function plan(live: Live, d: Desired): Plan {
	const steps: string[][] = [];
	const changes: string[] = [];
	const push = (s: string[] | undefined) => s && steps.push(s);

	const props = d.properties.filter(([k, v]) => live.properties[k] !== v);
	for (const [k] of props) changes.push(`property ${k} ${live.properties[k] === undefined ? 'set' : 'changed'}`);
	if (props.length) steps.push(['property', 'set', ...props.map(([k, v]) => `${k}=${v}`)]);
	const defaults = d.rscDefaults.filter(([k, v]) => live.rscDefaults[k] !== v);
	for (const [k] of defaults) changes.push(`resource default ${k} ${live.rscDefaults[k] === undefined ? 'set' : 'changed'}`);
	if (defaults.length) steps.push(['resource', 'defaults', 'update', ...defaults.map(([k, v]) => `${k}=${v}`)]);

	for (const dev of d.stonith) {
		const cur = live.primitives.get(dev.id);
		if (cur && (cur.agent !== dev.agent || cur.parent)) {
			if (cur.parent)
				return {
					kind: 'refuse',
					msg: `${dev.id} is in the ${cur.parent.kind} ${cur.parent.id}: a fence device must stand alone; remove it from there first`,
				};
			steps.push(deleteStep(cur));
			changes.push(`${dev.id}: agent ${cur.agent} replaced by ${dev.agent}`);
		}
		if (!cur || cur.agent !== dev.agent) {
			steps.push(createStonith(dev));
			changes.push(`${dev.id}: created`);
		} else push(updateStep('stonith', cur, dev, changes));
	}

	if (d.group) {
		const g = d.group;
		const ids = g.members.map((m) => m.id);
		let sim = [...(live.groups.get(g.id) ?? [])];
		// a member of our group that the data no longer lists is ours to remove
		for (const id of sim.filter((x) => !ids.includes(x))) {
			steps.push(['resource', 'delete', id]);
			changes.push(`${id}: removed from ${g.id} and deleted`);
		}
		sim = sim.filter((x) => ids.includes(x));
		for (const [i, m] of g.members.entries()) {
			let cur = live.primitives.get(m.id);
			if (cur?.parent && cur.parent.kind !== 'group')
				return {
					kind: 'refuse',
					msg: `${m.id} is in the ${cur.parent.kind} ${cur.parent.id}: it cannot join the group ${g.id}; remove it from there first`,
				};
			if (cur && cur.agent !== m.agent) {
				steps.push(deleteStep(cur));
				changes.push(`${m.id}: agent ${cur.agent} replaced by ${m.agent}`);
				sim = sim.filter((x) => x !== m.id);
				cur = undefined;
			}
			const place = i > 0 ? ['--after', g.members[i - 1]!.id] : sim.length > 0 && sim[0] !== m.id ? ['--before', sim[0]!] : [];
			if (!cur) {
				steps.push(createMember(m, g.id, place, d.forceAgents));
				changes.push(`${m.id}: created in ${g.id} at position ${i + 1}`);
				sim.splice(i, 0, m.id);
				continue;
			}
			if (sim[i] !== m.id) {
				steps.push(['resource', 'group', 'add', g.id, m.id, ...place]);
				changes.push(`${m.id}: moved to position ${i + 1} of ${g.id}`);
				sim = sim.filter((x) => x !== m.id);
				sim.splice(i, 0, m.id);
			}
			push(updateStep('resource', cur, m, changes));
			push(metaStep(cur, m, changes));
		}
	}
	return { kind: 'act', steps, changes, before: render(live, d, false), after: render(live, d, true) };
}

/** The part of the CIB this module manages, as lines: the live one (before) or the asked one (after). */
function render(live: Live, d: Desired, after: boolean): string {
	const lines: string[] = [];
	const value = (v: string | undefined) => v ?? '(unset)';
	for (const [k, v] of d.properties) lines.push(`property ${k}=${value(after ? v : live.properties[k])}`);
	for (const [k, v] of d.rscDefaults) lines.push(`resource default ${k}=${value(after ? v : live.rscDefaults[k])}`);
	const resource = (want: Resource, what: string) => {
		const cur = live.primitives.get(want.id);
		if (!after && !cur) return;
		const agent = after ? want.agent : cur!.agent;
		lines.push(`${what} ${want.id} (${agent})`);
		const params = after ? wanted(want) : cur!.params;
		for (const [k, v] of Object.entries(params).sort(([a], [b]) => a.localeCompare(b))) {
			// a secret that changes says so without showing either value
			const differs = after && cur && SECRET_PARAM.test(k) && cur.params[k] !== v ? ' (changed)' : '';
			lines.push(`  param ${k}=${shown(k, v)}${differs}`);
		}
		for (const k of Object.keys(want.meta).sort()) {
			const v = after ? want.meta[k] : cur!.meta[k];
			if (v !== undefined) lines.push(`  meta ${k}=${v}`);
		}
		for (const action of Object.keys(want.ops)) {
			const o = after ? want.ops[action] : cur!.ops[action];
			if (o) lines.push(`  op ${action} ${kv(o).join(' ')}`);
		}
	};
	for (const dev of d.stonith) resource(dev, 'fence device');
	if (d.group) {
		const members = after ? d.group.members.map((m) => m.id) : live.groups.get(d.group.id);
		if (members) lines.push(`group ${d.group.id}: ${members.join(' ')}`);
		for (const m of d.group.members) resource(m, 'resource');
		// members deleted from the group still show before
		if (!after)
			for (const id of members ?? [])
				if (!d.group.members.some((m) => m.id === id)) lines.push(`resource ${id} (${live.primitives.get(id)?.agent ?? '?'})`);
	}
	return lines.length ? `${lines.join('\n')}\n` : '';
}
