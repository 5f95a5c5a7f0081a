// For lab tests that change xCAT tables on an MN and put them back: the lab freshly provisioned,
// a whole-database backup taken before and restored after, and table dumps to compare.
import { ok, on, resetLab } from '../../tools/lab/lab';

/** every table as tabdump prints it (dumpxCATdb writes that format), one after the other; one xCAT command */
export async function dumpTables(host: string): Promise<string> {
	return ok(
		host,
		`d=$(mktemp -d); XCATBYPASS=1 dumpxCATdb -p "$d" >/dev/null; for f in "$d"/*.csv; do echo "== $(basename "$f")"; cat "$f"; done; rm -rf "$d"`,
	);
}

/**
 * The lab as freshly provisioned (another test file may have left other cluster data), and HOST's xcatd
 * answering on SQLite.
 */
export async function freshMn(host: string): Promise<void> {
	resetLab();
	const r = await on(host, 'systemctl is-active --quiet xcatd && lsxcatd -d && tabdump site >/dev/null');
	if (r.status !== 0 || !r.stdout.includes('dbengine=SQLite')) throw new Error(`${host} is not a running SQLite MN after the reset:\n${r.stdout}${r.stderr}`);
}

export async function backupDb(host: string, dir: string): Promise<void> {
	await ok(host, `rm -rf '${dir}'; XCATBYPASS=1 dumpxCATdb -p '${dir}' >/dev/null`);
}

export async function restoreDb(host: string, dir: string): Promise<void> {
	await ok(host, `XCATBYPASS=1 restorexCATdb -p '${dir}' >/dev/null && rm -rf '${dir}'`);
}
