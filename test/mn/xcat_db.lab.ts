// What the xcat_db lab tests (PostgreSQL and MariaDB) share: the module run with defaults, every
// table of xCAT, the VIP put on a host by hand, and a fault that keeps xcatd from starting.
import { ADDRESS, ok, runModuleOn, VIP } from '../../tools/lab/lab';

export const PW = 'LabS3cret';
export const MN1 = ADDRESS.mn1!,
	MN2 = ADDRESS.mn2!;

/** xcat_db on HOST with TYPE's arguments for the lab's pair, ARGS over them */
export const dbOn =
	(type: string) =>
	(host: string, args: Record<string, unknown> = {}, o: { check?: boolean; diff?: boolean } = {}) =>
		runModuleOn(host, 'xcat_db', { type, vip: VIP, addresses: [MN1, MN2], password: PW, ...args }, o);

/** every table, sorted rows (row order is the database's) */
export const allTables = (host: string) => ok(host, 'for t in $(tabdump); do echo "== $t"; tabdump "$t" | sort; done');

export const vipOn = (host: string) => ok(host, `ip -o -4 addr show | grep -q " ${VIP}/" || ip addr add ${VIP}/24 dev host0 label host0:vip`);

/** runs F while xcatd refuses to start on mn1 whenever cfgloc begins with ENGINE (`Pg:`, `mysql:`) */
export async function withXcatdFault<T>(engine: string, f: () => Promise<T>): Promise<T> {
	await ok(
		'mn1',
		`mkdir -p /run/systemd/system/xcatd.service.d && printf '[Service]\\nExecStartPre=/bin/sh -c "! grep -q ^${engine} /etc/xcat/cfgloc"\\n' > /run/systemd/system/xcatd.service.d/fault.conf && systemctl daemon-reload`,
	);
	try {
		return await f();
	} finally {
		await ok('mn1', 'rm -rf /run/systemd/system/xcatd.service.d && systemctl daemon-reload');
	}
}
