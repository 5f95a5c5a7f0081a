// The policy table as tabdump prints it, read into rows (pure).
import { tabdumpOf, tabdumpRecords, isDisabledValue } from '../xcat/tabdump';

export interface PolicyRow {
	priority: string;
	name: string;
	rule: string;
	disabled: boolean;
	/** the row also names a host, commands, a noderange, parameters or a time: it is about more than the name */
	restricted: boolean;
}

const RESTRICTING = ['host', 'commands', 'noderange', 'parameters', 'time'] as const;

export function readPolicy(text: string): { ok: true; rows: PolicyRow[] } | { ok: false; msg: string } {
	const parsed = tabdumpOf('policy', text);
	if (!parsed.ok) return { ok: false, msg: parsed.why };
	const missing = ['priority', 'name', 'rule', ...RESTRICTING].filter((c) => !parsed.table.columns.includes(c));
	if (missing.length) return { ok: false, msg: `tabdump policy has no column ${missing.join(', ')} (columns: ${parsed.table.columns.join(',')})` };
	// tabdump prints the header alone (exit 0) when the database does not answer; xcatconfig -i always
	// writes rows 1, 2, …: an empty table is not one to add our rows to
	if (parsed.table.rows.length === 0)
		return {
			ok: false,
			msg: 'tabdump policy printed only its header: the xCAT database did not answer, or its policy table is empty (xcatconfig -i writes rows 1, 2, …); nothing was changed',
		};
	const rows = tabdumpRecords(parsed.table).map((r) => ({
		priority: r.priority ?? '',
		name: r.name ?? '',
		rule: r.rule ?? '',
		disabled: isDisabledValue(r.disable),
		restricted: RESTRICTING.some((c) => (r[c] ?? '') !== ''),
	}));
	return { ok: true, rows };
}
