// The site values that decide regeneration, read from `XCATBYPASS=1 tabdump site` (pure).
import { columnIndex, isDisabledValue, tabdumpOf } from '../xcat/tabdump';

export interface Site {
	/** rows in the table: a database that is down still prints the header, and nothing else */
	rows: number;
	domain?: string;
	consoleservice?: string;
}

export type SiteRead = { ok: true; site: Site } | { ok: false; why: string };

export function parseSite(stdout: string): SiteRead {
	const parsed = tabdumpOf('site', stdout);
	if (!parsed.ok) return { ok: false, why: parsed.why };
	const t = parsed.table;
	const key = columnIndex(t, 'key'),
		value = columnIndex(t, 'value'),
		disable = columnIndex(t, 'disable');
	if (key < 0 || value < 0) return { ok: false, why: `tabdump site printed no key and value columns: #${t.columns.join(',')}` };
	if (t.rows.length === 0) return { ok: false, why: 'tabdump site printed only its header: the database did not answer' };
	const site: Site = { rows: t.rows.length };
	for (const row of t.rows) {
		if (disable >= 0 && isDisabledValue(row[disable])) continue;
		const v = row[value];
		if (!v) continue;
		if (row[key] === 'domain') site.domain = v;
		if (row[key] === 'consoleservice') site.consoleservice = v;
	}
	return { ok: true, site };
}
