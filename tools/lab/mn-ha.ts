// What the management-node HA tests and the failover benchmark share: a client on cn1 that
// watches the VIP, snapshots of xCAT's tables and files, and the state of each MN.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './env';
import { execa } from 'execa';
import { labScript, ok, on, PG, playbook, VIP, type Out, type PlaybookRun } from './lab';

const WATCH_LOG = '/tmp/xcat-ha-watch.log';
const WATCH_STOP = '/tmp/xcat-ha-watch.stop';

/** cn1 asks xcatd on the VIP every 100 ms (each probe in the background, so a silent VIP does not
 *  slow the others) and notes, with each answer, the MAC cn1 sent it to (so we know which MN answered).
 *  It sends a client's request (lsxcatd -a), which xcatd serves only when it can read its policy from
 *  the database; an xcatd whose database is not back (one a failover started early) denies it, and that
 *  is no answer. */
export async function startWatcher(): Promise<void> {
	await ok(
		'cn1',
		`rm -f ${WATCH_LOG} ${WATCH_STOP}
nohup setsid bash -c '
while [ ! -e ${WATCH_STOP} ]; do
  ( t=$(date +%s%3N)
    a=$(echo "{\\"command\\":\\"lsxcatd\\",\\"args\\":[\\"-a\\"],\\"user\\":\\"root\\"}" | timeout 1 nc -w 1 ${VIP} 3001 2>/dev/null | head -1)
    case "$a" in hostname=*) ;; *) a= ;; esac
    m=$(ip neigh show ${VIP} | awk "{print \\$5}")
    echo "$t \${a:+$m}" >> ${WATCH_LOG} ) &
  sleep 0.1
done' >/dev/null 2>&1 < /dev/null &`,
	);
}

/** while the watcher runs: the MAC of its latest answer ('' before any) */
export async function lastAnswerMac(): Promise<string> {
	const last = (await ok('cn1', `awk 'NF == 2' ${WATCH_LOG} | sort -n | tail -1`)).trim();
	return last.split(' ')[1] ?? '';
}

export interface Watch {
	probes: number;
	answers: Array<{ t: number; mac: string }>;
}

export async function stopWatcher(): Promise<Watch> {
	await ok('cn1', `touch ${WATCH_STOP}; sleep 1.2`);
	const text = await ok('cn1', `cat ${WATCH_LOG}`);
	const lines = text
		.trim()
		.split('\n')
		.map((l) => l.split(' '))
		.map(([t, mac]) => ({ t: Number(t), mac: mac ?? '' }));
	lines.sort((a, b) => a.t - b.t);
	return { probes: lines.length, answers: lines.filter((l) => l.mac !== '') };
}

export interface Outage {
	ms: number;
	lastOld: number;
	firstNew: number;
	bothAnswered: boolean;
}

/** client-visible outage: last answer from the old MN → first answer from the new one; and
 *  whether the old one answered again after the new one had (two MNs answering) */
export function outage(w: Watch, oldMac: string, newMac: string): Outage {
	const firstNew = w.answers.find((a) => a.mac === newMac)?.t ?? NaN;
	const lastOld = Math.max(...w.answers.filter((a) => a.mac === oldMac && !(a.t > firstNew)).map((a) => a.t));
	const bothAnswered = w.answers.some((a) => a.mac === oldMac && a.t > firstNew);
	return { ms: firstNew - lastOld, lastOld, firstNew, bothAnswered };
}

export async function macOf(host: string): Promise<string> {
	return (await ok(host, 'cat /sys/class/net/host0/address')).trim();
}

/** every table, as tabdump prints it (rows sorted: PostgreSQL moves updated rows to the end) */
export async function tables(host: string): Promise<Record<string, string[]>> {
	const names = (await ok(host, 'tabdump')).trim().split('\n').filter(Boolean);
	const out: Record<string, string[]> = {};
	for (const t of names) {
		const lines = (await ok(host, `tabdump ${t}`)).trim().split('\n');
		out[t] = [lines[0] ?? '', ...lines.slice(1).sort()];
	}
	return out;
}

/** path, type, mode, owner, size and checksum of every file under DIRS (links not followed at the top) */
export async function files(host: string, dirs: string[]): Promise<string[]> {
	const out = await ok(
		host,
		`for d in ${dirs.join(' ')}; do cd "$d/" && find . -printf '%y %m %u:%g %s %p -> %l\\n' | sort | sed "s|^|$d |"; find . -type f -print0 | sort -z | xargs -0r sha256sum | sed "s|^|$d |"; done`,
	);
	return out.trim().split('\n');
}

/** lease: the lease file as JSON text, without the heartbeat fields the active MN's guard renews
 *  every second (so two states of an untouched pair compare equal); enabledUnits: the units enabled
 *  at boot, and the Debian cluster as <unit>:start.conf-auto when postgresql-common starts it at boot */
export interface MnState {
	vip: boolean;
	hostname: string;
	xcatd: string;
	enabledUnits: string[];
	lease: string;
	links: string[];
}

function withoutHeartbeat(text: string): string {
	if (!text) return text;
	const { heartbeat: _h, renewed: _r, ...rest } = JSON.parse(text) as Record<string, unknown>;
	return JSON.stringify(rest);
}

/** a bash script inside HOST without the network (nsenter): works while its link is cut */
export async function inside(host: string, script: string, timeoutMs = 60_000): Promise<Out> {
	const r = await execa('bash', [labScript, 'exec', host, 'bash', '-c', script], { reject: false, timeout: timeoutMs, stripFinalNewline: false });
	return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), status: r.exitCode ?? -1 };
}

/** an MN's HA state; `via: 'exec'` reads it without the network (a host whose link is cut) */
export async function mnState(host: string, via: 'ssh' | 'exec' = 'ssh'): Promise<MnState> {
	const r = await (via === 'ssh' ? on : inside)(
		host,
		`ip -4 -o addr show to ${VIP}/32 | wc -l; hostname; systemctl is-active xcatd; \
for u in postgresql ${PG.unit} xcatd named isc-dhcp-server conserver-server; do [ "$(systemctl is-enabled $u 2>/dev/null)" = enabled ] && printf '%s ' $u; done; \
grep -qx auto ${PG.conf}/start.conf 2>/dev/null && printf '%s ' ${PG.unit}:start.conf-auto; echo; \
cat /HA/.xcat-ha/lease 2>/dev/null | tr -d '\\n'; echo; \
for d in /install /etc/xcat /root/.xcat ${PG.shared} /tftpboot; do printf '%s ' "$(readlink $d)"; done; echo`,
	);
	const [vip = '', hostname = '', xcatd = '', enabled = '', lease = '', links = ''] = r.stdout.split('\n');
	return {
		vip: vip.trim() !== '0',
		hostname,
		xcatd,
		enabledUnits: enabled.trim().split(' ').filter(Boolean),
		lease: withoutHeartbeat(lease),
		links: links.trim().split(' '),
	};
}

export function leaseHolder(s: MnState): string | null {
	return s.lease ? (JSON.parse(s.lease).holder as string | null) : null;
}

/** the JSON failover report the playbook printed, from the log on the shared storage (last line) */
export async function lastReport(host: string): Promise<Record<string, any>> {
	const line = (await ok(host, 'tail -n 1 /HA/.xcat-ha/failover.log')).trim();
	return JSON.parse(line);
}

const AUDIT_DIR = join(ROOT, '.cache/e2e-audit');

/** playbooks/audit.yml with --diff (and ARGS), and the reports it wrote */
export async function audit(args: string[] = []): Promise<{ run: PlaybookRun; report: any; junit: string }> {
	rmSync(AUDIT_DIR, { recursive: true, force: true });
	const run = await playbook('playbooks/audit.yml', ['--diff', '-e', `xcat_ha_audit_dir=${AUDIT_DIR}`, ...args]);
	const report = existsSync(join(AUDIT_DIR, 'audit.json')) ? JSON.parse(readFileSync(join(AUDIT_DIR, 'audit.json'), 'utf8')) : null;
	const junit = existsSync(join(AUDIT_DIR, 'audit.junit.xml')) ? readFileSync(join(AUDIT_DIR, 'audit.junit.xml'), 'utf8') : '';
	return { run, report, junit };
}

/** `host: task` of every drifted item of an audit report, sorted */
export const driftOf = (report: any) =>
	report.items
		.filter((i: any) => i.status === 'drift')
		.map((i: any) => `${i.host}: ${i.check}`)
		.sort() as string[];
