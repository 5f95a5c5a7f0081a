// Does the database answer, and does xcatd? (reads only). tabdump exits 0 with only the header
// when the database is unreachable, so rows are what count, never the exit code alone.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Read } from '../runtime';
import type { DbType } from '../xcat/cfgloc';
import { tabdumpOf } from '../xcat/tabdump';
import { lsxcatd } from './probe';
import { xcatEnv } from '../xcat/env';

/** `tabdump site` (through xcatd, or straight to the database with bypass): its row count, or why none. */
export async function siteRows(read: Read, opts: { bypass: boolean; cfgloc?: string }): Promise<{ rows: number; why?: string }> {
	const env = xcatEnv({ ...(opts.bypass ? { XCATBYPASS: '1' } : {}), ...(opts.cfgloc ? { XCATCFG: opts.cfgloc } : {}) });
	const r = await read(['tabdump', 'site'], { env, timeoutMs: 120_000 });
	const parsed = r.rc === 0 ? tabdumpOf('site', r.stdout.replace(/^(?!#)[^\n]*\n/, '')) : undefined;
	const rows = parsed?.ok ? parsed.table.rows.length : 0;
	if (rows > 0) return { rows };
	const said = `${r.stderr}${r.stdout}`.trim().split('\n').slice(-3).join(' / ');
	return { rows: 0, why: `tabdump site${opts.bypass ? ' (XCATBYPASS=1)' : ''} gave no rows (rc ${r.rc})${said ? `: ${said}` : ''}` };
}

/** Waits up to SECONDS for xcatd to answer `lsxcatd -d` with TYPE (and HOST); why not, or undefined. */
export async function xcatdAnswers(read: Read, type: DbType, host: string | undefined, seconds = 30): Promise<string | undefined> {
	let last = '';
	for (let i = 0; i <= seconds; i++) {
		const l = await lsxcatd(read);
		if (l.rc === 0 && l.engine === type && (host === undefined || l.host === host)) {
			const site = await siteRows(read, { bypass: false });
			if (site.rows > 0) return undefined;
			last = site.why ?? '';
		} else {
			last =
				l.rc === 0
					? `lsxcatd -d says ${l.engine ?? 'no dbengine'}${l.host ? ` on ${l.host}` : ''}, expected ${type}${host ? ` on ${host}` : ''}`
					: `lsxcatd -d failed (rc ${l.rc}): ${`${l.stderr}${l.stdout}`.trim().split('\n').slice(-2).join(' / ')}`;
		}
		if (i < seconds) await sleep(1000);
	}
	return `xcatd does not answer as expected after ${seconds} s: ${last}`;
}
