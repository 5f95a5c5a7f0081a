// Decides which policy rows to add or remove for the names (pure).
import { comparePriority, freePriority } from './priority';
import type { PolicyRow } from './rows';

export interface Desired {
	names: string[];
	rule: string;
	state: 'present' | 'absent';
}
export interface RowAction {
	name: string;
	priority: string;
	rule: string;
	action: 'added' | 'kept' | 'removed';
}

export type Plan = { kind: 'refuse'; msg: string } | { kind: 'act'; steps: string[][]; rows: RowAction[]; before: string; after: string; warnings: string[] };

/** A row that is ours: this name and rule, nothing else that would narrow it. */
const ours = (r: PolicyRow, name: string, rule: string) => r.name === name && r.rule === rule && !r.restricted;

export function plan(table: readonly PolicyRow[], d: Desired): Plan {
	const names = [...new Set(d.names)];
	const rows: RowAction[] = [];
	const steps: string[][] = [];
	const warnings: string[] = [];
	const taken = table.map((r) => r.priority);

	if (d.state === 'present') {
		for (const name of names) {
			const kept = table.filter((r) => ours(r, name, d.rule) && !r.disabled).sort((a, b) => comparePriority(a.priority, b.priority));
			let at = kept[0]?.priority;
			if (at === undefined) {
				at = freePriority(taken);
				if (at === undefined)
					return {
						kind: 'refuse',
						msg: `no free policy priority between 1.2 and 2 for ${name} (${taken.length} rows in the policy table); nothing was changed`,
					};
				taken.push(at);
				steps.push(['chdef', '-t', 'policy', '-o', at, `name=${name}`, `rule=${d.rule}`]);
				rows.push({ name, priority: at, rule: d.rule, action: 'added' });
			} else {
				rows.push(...kept.map((r) => ({ name, priority: r.priority, rule: d.rule, action: 'kept' as const })));
			}
			const first = at;
			for (const r of table) {
				if (r.name === name && r.rule !== d.rule && !r.restricted && !r.disabled && comparePriority(r.priority, first) < 0) {
					warnings.push(
						`policy row ${r.priority} gives ${name} the rule ${r.rule} and comes before its ${d.rule} row at ${first}: xCAT applies the first row that matches`,
					);
				}
			}
		}
	} else {
		const removed = table.filter((r) => names.some((n) => ours(r, n, d.rule)));
		if (removed.length) steps.push(['rmdef', '-t', 'policy', '-o', removed.map((r) => r.priority).join(',')]);
		rows.push(...removed.map((r) => ({ name: r.name, priority: r.priority, rule: r.rule, action: 'removed' as const })));
	}
	const relevant = (r: { name: string; rule: string }) => names.includes(r.name) && r.rule === d.rule;
	const beforeRows = table.filter((r) => relevant(r) && !r.restricted);
	const afterRows = [
		...beforeRows.filter((r) => !rows.some((x) => x.action === 'removed' && x.priority === r.priority)),
		...rows.filter((x) => x.action === 'added').map((x) => ({ ...x, disabled: false })),
	];
	return { kind: 'act', steps, rows, before: describe(beforeRows), after: describe(afterRows), warnings };
}

function describe(rows: ReadonlyArray<{ priority: string; name: string; rule: string; disabled: boolean }>): string {
	const sorted = [...rows].sort((a, b) => comparePriority(a.priority, b.priority));
	return sorted.map((r) => `priority=${r.priority} name=${r.name} rule=${r.rule}${r.disabled ? ' disable=1' : ''}\n`).join('');
}
