// Decides the mkdef/chdef/rmdef commands from what lsdef showed and what was asked (pure).
import { noderangeChunks } from '../xcat/noderange';
import type { Current } from './current';
import type { Desired } from './desired';

export interface AttributeChange {
	before: string;
	after: string;
}
export type ObjectChanges = Record<string, Record<string, AttributeChange>>;

export type Plan =
	| { kind: 'refuse'; msg: string }
	| { kind: 'act'; steps: string[][]; objects: ObjectChanges; before: string; after: string; warnings: string[] };

/** what a node or network needs before mkdef accepts it */
const NEEDED_TO_CREATE: Partial<Record<Desired['type'], string[]>> = { node: ['groups'], network: ['net', 'mask'] };

export function plan(current: Current, d: Desired, maxChars?: number): Plan {
	return d.state === 'absent' ? planAbsent(current, d, maxChars) : planPresent(current, d, maxChars);
}

function planPresent(current: Current, d: Desired, maxChars?: number): Plan {
	const steps: string[][] = [];
	const objects: ObjectChanges = {};
	const warnings: string[] = [];
	const before: string[] = [];
	const after: string[] = [];

	if (current.missing.length) {
		const given = new Map(d.attributes);
		const lacking = (NEEDED_TO_CREATE[d.type] ?? []).filter((a) => !given.get(a));
		if (lacking.length) {
			return {
				kind: 'refuse',
				msg: `${describe(current.missing)} of type ${d.type} ${current.missing.length === 1 ? 'does' : 'do'} not exist; creating ${current.missing.length === 1 ? 'it' : 'them'} needs attributes.${lacking.join(' and attributes.')} (xCAT's mkdef refuses a ${d.type} without ${lacking.join(' and ')}); nothing was changed`,
			};
		}
		const set = d.attributes.filter(([, v]) => v !== '');
		for (const chunk of noderangeChunks(current.missing, maxChars)) steps.push(['mkdef', '-t', d.type, '-o', chunk, ...set.map(([a, v]) => `${a}=${v}`)]);
		for (const name of current.missing) {
			objects[name] = Object.fromEntries(set.map(([a, v]) => [a, { before: '', after: v }]));
			after.push(...set.map(([a, v]) => `${name}: ${a}=${v}`));
		}
	}

	// objects that need the same changes share one chdef (per noderange chunk)
	const groups = new Map<string, { changes: Array<[string, string]>; names: string[] }>();
	for (const [name, values] of current.objects) {
		const changes = d.attributes.filter(([a, v]) => (values[a] ?? '') !== v);
		if (changes.length === 0) continue;
		objects[name] = Object.fromEntries(changes.map(([a, v]) => [a, { before: values[a] ?? '', after: v }]));
		before.push(...d.attributes.map(([a]) => `${name}: ${a}=${values[a] ?? ''}`));
		after.push(...d.attributes.map(([a, v]) => `${name}: ${a}=${v}`));
		const key = JSON.stringify(changes);
		const group = groups.get(key) ?? { changes, names: [] };
		group.names.push(name);
		groups.set(key, group);
	}
	for (const { changes, names } of groups.values()) {
		for (const chunk of noderangeChunks(names, maxChars)) steps.push(['chdef', '-t', d.type, '-o', chunk, ...changes.map(([a, v]) => `${a}=${v}`)]);
	}
	if (current.objects.size === 0 && current.missing.length === 0) warnings.push(`${d.name} matched no ${d.type} objects: nothing to do`);
	return { kind: 'act', steps, objects, before: text(before), after: text(after), warnings };
}

function planAbsent(current: Current, d: Desired, maxChars?: number): Plan {
	const names = [...current.objects.keys()];
	const objects: ObjectChanges = {};
	const before: string[] = [];
	for (const [name, values] of current.objects) {
		const attrs = Object.keys(values).sort();
		objects[name] = Object.fromEntries(attrs.map((a) => [a, { before: values[a]!, after: '' }]));
		before.push(...(attrs.length ? attrs.map((a) => `${name}: ${a}=${values[a]}`) : [`${name}:`]));
	}
	const steps = names.length ? noderangeChunks(names, maxChars).map((chunk) => ['rmdef', '-t', d.type, '-o', chunk]) : [];
	return { kind: 'act', steps, objects, before: text(before), after: '', warnings: [] };
}

function describe(names: readonly string[]): string {
	const shown = names.slice(0, 10).join(', ');
	return names.length > 10 ? `${names.length} objects (${shown}, …)` : shown;
}

const text = (lines: string[]): string => (lines.length ? `${lines.join('\n')}\n` : '');
