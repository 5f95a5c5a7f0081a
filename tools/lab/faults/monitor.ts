// The invariant monitor, run on the control node (outside the MNs) while a fault scenario runs:
//  * ARP: arping broadcasts a request for the VIP from the lab bridge every 200 ms (-b: never
//    unicast to the MAC it learnt, so every host that holds the address hears it) and tcpdump
//    records every ARP packet on the bridge with the kernel's timestamp: our probes, the
//    replies, and any announcement whose sender address is the VIP;
//  * each MN, asked through `lab exec` (nsenter: works with its link cut or its sshd down) by one
//    long-running loop that prints every 200 ms how many postmasters run with their data
//    directory on /HA, whether the VIP is on an interface and whether xcatd runs. It reads only
//    /proc and netlink, never the shared storage, so a hung /HA or a frozen host (the loop runs
//    in the lab's exec cgroup, outside the frozen one) does not stop it; a loop that stops
//    answering for a second counts as 'unknown' (analyze.ts keeps the last known count), a host
//    the lab machine finds without processes counts as 'off';
//  * the lease, read from the lab machine's side of the shared storage;
//  * a writer on cn1 (the client) that inserts a numbered row through the VIP every 100 ms with
//    xCAT's own database credentials (cfgloc) and prints which inserts were acknowledged.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { labDir, labScript, PG, VIP } from '../lab';
import { parseCfgloc } from '../../../modules/xcat/cfgloc';
import type { ArpPacket, HostSample, LeaseSample, Samples, Write } from './analyze';

export const MNS = ['mn1', 'mn2'];
export const CLIENT = 'cn1';
export const CLIENT_ADDRESS = '198.51.100.31';
export const BRIDGE = 'xhalab0';
const BRIDGE_ADDRESS = '198.51.100.1';
export const SHARED = join(labDir, 'shared');
export const LEASE_FILE = join(SHARED, '.xcat-ha/lease');
const TABLE = 'xcatha_fault_rows';
const PGPASS = '/root/.pgpass-xcat-ha-faults';

const labEnv = { ...process.env, XCAT_HA_LAB_DIR: labDir, LC_ALL: 'C.UTF-8' };

/** `lab exec HOST argv…` with a time limit; never throws */
export async function labExec(host: string, argv: string[], o: { input?: string; timeoutMs?: number } = {}) {
	const r = await execa('bash', [labScript, 'exec', host, ...argv], {
		env: labEnv,
		reject: false,
		timeout: o.timeoutMs ?? 10_000,
		input: o.input ?? '',
		stripFinalNewline: false,
	});
	return { status: r.exitCode ?? -1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), timedOut: r.timedOut };
}

/** whether the lab machine sees HOST running (a launcher alive), from its own state: not from the host */
export async function hostRunning(host: string): Promise<boolean> {
	const r = await execa('bash', [labScript, 'pid', host], { env: labEnv, reject: false, timeout: 5_000 });
	return r.exitCode === 0;
}

// ---------------------------------------------------------------------------------------------
// ARP

/** one tcpdump -e -tt -n line as an ArpPacket (pure; null for packets that say nothing about the VIP) */
export function parseArpLine(line: string, vip: string = VIP, probeFrom: string = BRIDGE_ADDRESS): ArpPacket | null {
	const m = /^(\d+\.\d+)\s+([0-9a-f:]{17}) > ([0-9a-f:]{17}), .*?ARP.*?: (.*)$/.exec(line.trim());
	if (!m) return null;
	const t = Math.round(Number(m[1]) * 1000);
	const src = m[2]!;
	const body = m[4]!;
	const esc = vip.replace(/\./g, '\\.');
	const reply = new RegExp(`^Reply ${esc} is-at ([0-9a-f:]{17})`).exec(body);
	if (reply) return { t, kind: 'claim', mac: reply[1]! };
	const req = new RegExp(`^Request who-has (\\S+)(?: \\(([0-9a-f:]{17})\\))? tell (\\S+?),`).exec(body);
	if (!req) return null;
	if (req[1] === vip && req[3] === probeFrom) return { t, kind: 'probe' };
	// an announcement: the sender says it has the VIP
	if (req[3] === vip) return { t, kind: 'claim', mac: src };
	return null;
}

function lines(child: ChildProcess, each: (line: string) => void): void {
	createInterface({ input: child.stdout! }).on('line', each);
}

// ---------------------------------------------------------------------------------------------
// The MNs

/** what runs inside each MN: a line "<ms> <postmasters on /HA> <vip 0|1> <xcatd 0|1>" every 200 ms until
 *  stdin closes. Bash builtins read /proc (a fork per process would make a round take half a second on
 *  the lab's two cores); only the VIP (ip) and a postmaster's directory (readlink) cost a fork. */
const HOST_LOOP = `
vip=$1
while :; do
  t0=\${EPOCHREALTIME/./}
  n=0; x=0
  for d in /proc/[0-9]*; do
    read -r c < $d/comm || continue
    case "$c" in xcatd*) x=1; continue ;; esac
    [ "$c" = postgres ] || continue
    # the postmaster: not a child of another postgres, and its title not rewritten ("postgres: …"
    # is a backend, orphaned ones too)
    read -r st < $d/stat || continue
    set -- $st
    read -r pc < /proc/$4/comm
    [ "$pc" = postgres ] && continue
    IFS= read -r -d '' a0 < $d/cmdline
    case "$a0" in postgres:*) continue ;; esac
    case "$(readlink $d/cwd)" in /HA/*) n=$((n + 1)) ;; esac
  done 2>/dev/null
  v=0; [ -n "$(ip -4 -o addr show to "$vip/32" 2>/dev/null)" ] && v=1
  echo "\${t0:0:13} $n $v $x"
  # the rest of the 200 ms (at least 10 ms), so a loaded machine does not stretch the period
  r=$((200000 - \${EPOCHREALTIME/./} + t0)); [ $r -lt 10000 ] && r=10000; printf -v r '0.%06d' $r
  read -t $r _; [ $? -gt 128 ] || break
done`;

class HostWatch {
	samples: HostSample[] = [];
	private child: ChildProcess | null = null;
	private last = 0;
	private stopped = false;
	private timer: NodeJS.Timeout | null = null;
	private restarting = false;

	constructor(private host: string) {}

	start(): void {
		this.spawn();
		this.timer = setInterval(() => this.tick(), 200);
	}

	private spawn(): void {
		const child = spawn('bash', [labScript, 'exec', this.host, 'bash', '-c', HOST_LOOP, 'loop', VIP], { env: labEnv, stdio: ['pipe', 'pipe', 'ignore'] });
		this.child = child;
		this.last = Date.now();
		lines(child, (l) => {
			const [t, n, v, x] = l.trim().split(' ').map(Number);
			if (t === undefined || !Number.isFinite(t) || n === undefined) return;
			this.last = Date.now();
			this.samples.push({ t, host: this.host, state: 'up', postmasters: n, vip: v === 1, xcatd: x === 1 });
		});
		child.stdin!.on('error', () => {});
		child.on('exit', () => {
			if (this.child === child) this.child = null;
		});
	}

	private async tick(): Promise<void> {
		if (this.stopped || this.restarting) return;
		const now = Date.now();
		if (this.child && now - this.last > 1000) {
			this.samples.push({ t: now, host: this.host, state: 'unknown', postmasters: 0, vip: false, xcatd: false });
		}
		if (this.child) return;
		// the loop ended: the host lost power (cgroup.kill ends it too) or is booting again
		this.restarting = true;
		try {
			if (await hostRunning(this.host)) this.spawn();
			else this.samples.push({ t: Date.now(), host: this.host, state: 'off', postmasters: 0, vip: false, xcatd: false });
		} finally {
			this.restarting = false;
		}
	}

	async stop(): Promise<void> {
		this.stopped = true;
		if (this.timer) clearInterval(this.timer);
		const c = this.child;
		if (!c) return;
		c.stdin!.end();
		await new Promise<void>((res) => {
			const t = setTimeout(() => {
				c.kill('SIGKILL');
				res();
			}, 2000);
			c.on('exit', () => {
				clearTimeout(t);
				res();
			});
		});
	}
}

// ---------------------------------------------------------------------------------------------
// The writer on cn1

export interface DbAccess {
	db: string;
	user: string;
	password: string;
}

/** the database, user and password xCAT uses (its cfgloc on the shared storage) */
function dbAccess(): DbAccess {
	const c = parseCfgloc(readFileSync(join(SHARED, 'etc/xcat/cfgloc'), 'utf8'));
	const db = c.fields.find(([k]) => k === 'dbname')?.[1];
	if (c.type !== 'postgresql' || !db) throw new Error(`xCAT's cfgloc is not a PostgreSQL one with a dbname (type ${c.type})`);
	return { db, user: c.user, password: c.password };
}

const connInfo = (a: DbAccess) => `host=${VIP} dbname=${a.db} user=${a.user} connect_timeout=2`;

const HBA_LINE = `host    all          all        ${CLIENT_ADDRESS}/32      md5  # xcat-ha fault tests: the writer on ${CLIENT}`;

/**
 * What the writer needs, made once per lab: cn1 let into PostgreSQL (a pg_hba line in each MN's own
 * configuration, Debian's /etc/postgresql, so that whichever MN serves lets it in; the active MN's
 * postmaster reloads), xCAT's password in a pgpass file on cn1 (never on a command line), and the
 * table. ACTIVE is the MN whose postmaster reloads.
 */
export async function prepareWriter(active: string): Promise<void> {
	const a = dbAccess();
	const hbaPath = `${PG.conf}/pg_hba.conf`;
	for (const mn of MNS) {
		const hba = await labExec(mn, ['cat', hbaPath]);
		if (hba.status !== 0) throw new Error(`could not read ${mn}:${hbaPath}: ${hba.stderr}`);
		if (hba.stdout.includes(`${CLIENT_ADDRESS}/32`)) continue;
		const add = await labExec(mn, ['sh', '-c', `cat >> ${hbaPath}`], { input: `${hba.stdout.endsWith('\n') ? '' : '\n'}${HBA_LINE}\n` });
		if (add.status !== 0) throw new Error(`could not let ${CLIENT} in on ${mn}: ${add.stderr}`);
		if (mn !== active) continue;
		const r = await labExec(active, ['pkill', '-HUP', '-x', '-o', 'postgres']);
		if (r.status !== 0) throw new Error(`could not make ${active}'s postmaster reload pg_hba.conf: ${r.stderr}`);
		await new Promise((res) => setTimeout(res, 500));
	}
	const pass = await labExec(CLIENT, ['sh', '-c', `umask 077; cat > ${PGPASS}`], { input: `${VIP}:*:${a.db}:${a.user}:${a.password}\n` });
	if (pass.status !== 0) throw new Error(`could not write ${PGPASS} on ${CLIENT}`);
	const r = await psql(`CREATE TABLE IF NOT EXISTS ${TABLE} (run text NOT NULL, id integer NOT NULL, at timestamptz DEFAULT now(), PRIMARY KEY (run, id))`);
	if (r.status !== 0) throw new Error(`could not create ${TABLE} through the VIP from ${CLIENT}: ${r.stderr}${r.stdout}`);
}

/** SQL through the VIP from cn1 */
export async function psql(sql: string, timeoutMs = 15_000) {
	return labExec(
		CLIENT,
		[
			'env',
			`PGPASSFILE=${PGPASS}`,
			'timeout',
			String(Math.ceil(timeoutMs / 1000)),
			'psql',
			'-qAtX',
			'-v',
			'ON_ERROR_STOP=1',
			connInfo(dbAccess()),
			'-c',
			sql,
		],
		{ timeoutMs: timeoutMs + 2000 },
	);
}

/** the ids of RUN present in the table, read through the VIP (null if the read failed) */
export async function rowsOf(run: string): Promise<Set<number> | null> {
	for (let i = 0; i < 3; i++) {
		const r = await psql(`SELECT id FROM ${TABLE} WHERE run = '${run}'`);
		if (r.status === 0) return new Set(r.stdout.split('\n').filter(Boolean).map(Number));
		await new Promise((res) => setTimeout(res, 2000));
	}
	return null;
}

/**
 * The client: one psql on cn1 kept open to the VIP, as an application keeps its connection, fed
 * an INSERT … RETURNING id every 100 ms, one at a time; a returned id is the acknowledgement (the
 * commit is done when it prints). An insert with no answer within 3 s (a silent peer: cut link,
 * frozen or dead MN) or an error counts as not acknowledged, and psql is replaced by a new one,
 * which connects to whichever host answers for the VIP then. (A psql per insert cost the lab's two
 * cores so much that the monitor's own sampling slowed down.)
 */
class Writer {
	writes = new Map<number, Write>();
	lastAckedSent = 0;
	private child: ChildProcess | null = null;
	private startedAt = 0;
	private inflight: Write | null = null;
	private pids = new Map<ChildProcess, string>();
	private next = 1;
	private timer: NodeJS.Timeout | null = null;

	constructor(private run: string) {}

	start(): void {
		this.timer = setInterval(() => this.tick(), 100);
		this.tick();
	}

	private fail(): void {
		if (this.inflight) this.inflight.failed = Date.now();
		this.inflight = null;
	}

	private spawnPsql(): void {
		this.startedAt = Date.now();
		// nsenter stays the parent of what it runs in the host: psql prints its own pid first, so a
		// hung one can be killed inside cn1 (killing our child would leave it there)
		const child = spawn(
			'bash',
			[
				labScript,
				'exec',
				CLIENT,
				'sh',
				'-c',
				'echo "pid $$"; exec env PGPASSFILE="$1" psql -qAtX -v ON_ERROR_STOP=0 "$2"',
				'writer',
				PGPASS,
				connInfo(dbAccess()),
			],
			{ env: labEnv, stdio: ['pipe', 'pipe', 'pipe'] },
		);
		this.child = child;
		child.stdin!.on('error', () => {});
		lines(child, (l) => {
			const pid = /^pid (\d+)$/.exec(l.trim());
			if (pid) {
				this.pids.set(child, pid[1]!);
				return;
			}
			const id = Number(l.trim());
			if (this.child === child && this.inflight && this.inflight.id === id) {
				this.inflight.acked = Date.now();
				this.lastAckedSent = Math.max(this.lastAckedSent, this.inflight.sent);
				this.inflight = null;
			}
		});
		createInterface({ input: child.stderr! }).on('line', (l) => {
			if (this.child === child && /ERROR|FATAL|PANIC|lost/.test(l)) this.fail();
		});
		child.on('exit', () => {
			if (this.child !== child) return;
			this.fail();
			this.child = null;
		});
	}

	private tick(): void {
		const now = Date.now();
		if (this.inflight && now - this.inflight.sent > 3000) {
			this.fail();
			const c = this.child;
			this.child = null;
			if (c) this.kill(c);
		}
		if (!this.child) {
			// a new connection at most every 500 ms: each costs a lab exec
			if (now - this.startedAt >= 500) this.spawnPsql();
			return;
		}
		if (this.inflight) return;
		const w: Write = { id: this.next++, sent: now };
		this.writes.set(w.id, w);
		this.inflight = w;
		this.child.stdin!.write(`INSERT INTO ${TABLE} (run, id) VALUES ('${this.run}', ${w.id}) RETURNING id;\n`);
	}

	/** our child, and the psql it runs inside cn1 */
	private kill(c: ChildProcess): void {
		const pid = this.pids.get(c);
		if (pid) void labExec(CLIENT, ['kill', '-9', pid]);
		c.stdin!.destroy();
		c.kill('SIGKILL');
	}

	async stop(): Promise<void> {
		if (this.timer) clearInterval(this.timer);
		const until = Date.now() + 3500;
		while (this.inflight && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
		this.fail();
		const c = this.child;
		this.child = null;
		if (!c || c.exitCode !== null) return;
		c.stdin!.end();
		await new Promise<void>((res) => {
			const t = setTimeout(() => {
				this.kill(c);
				res();
			}, 2000);
			c.on('exit', () => {
				clearTimeout(t);
				res();
			});
		});
	}
}

// ---------------------------------------------------------------------------------------------

export interface Monitor {
	/** the fault is injected now */
	fault(): number;
	/** mark a moment (printed with the figures) */
	mark(what: string): void;
	marks: Array<{ t: number; what: string }>;
	/** the samples of the last ms (for scenarios that react to what the monitor sees) */
	hosts(): HostSample[];
	lease(): LeaseSample | undefined;
	/** when the latest acknowledged write was sent (0 if none yet) */
	lastAckedSent(): number;
	stop(): Promise<Samples>;
}

export function readLeaseNow(): LeaseSample {
	const t = Date.now();
	try {
		const l = JSON.parse(readFileSync(LEASE_FILE, 'utf8'));
		return { t, holder: l.holder ?? null, generation: l.generation };
	} catch {
		return { t, holder: existsSync(LEASE_FILE) ? undefined : null };
	}
}

export async function startMonitor(run: string): Promise<Monitor> {
	const start = Date.now();
	const arp: ArpPacket[] = [];
	const dump = spawn('tcpdump', ['-i', BRIDGE, '-n', '-l', '-e', '-tt', '--immediate-mode', 'arp'], { stdio: ['ignore', 'pipe', 'ignore'] });
	lines(dump, (l) => {
		const p = parseArpLine(l);
		if (p) arp.push(p);
	});
	// tcpdump needs a moment to open its socket before the first probe
	await new Promise((res) => setTimeout(res, 300));
	// one broadcast request every 200 ms (this arping takes whole seconds as its interval); it
	// exits at the first reply, tcpdump sees every other one
	const arping = setInterval(() => {
		spawn('arping', ['-q', '-b', '-c', '1', '-w', '1', '-I', BRIDGE, VIP], { stdio: 'ignore' }).on('error', () => {});
	}, 200);

	const watches = MNS.map((h) => new HostWatch(h));
	for (const w of watches) w.start();

	const lease: LeaseSample[] = [];
	let reading = false;
	const leaseTimer = setInterval(async () => {
		if (reading) return; // a hung storage: the pending read is the answer ('undefined' holder below)
		reading = true;
		const t = Date.now();
		try {
			const l = JSON.parse(await readFile(LEASE_FILE, 'utf8'));
			lease.push({ t, holder: l.holder ?? null, generation: l.generation });
		} catch {
			lease.push({ t, holder: undefined });
		} finally {
			reading = false;
		}
	}, 200);

	const writer = new Writer(run);
	writer.start();
	let faultAt = NaN;
	const marks: Array<{ t: number; what: string }> = [];
	return {
		fault: () => (faultAt = Date.now()),
		mark: (what) => marks.push({ t: Date.now(), what }),
		marks,
		hosts: () => watches.flatMap((w) => w.samples),
		lease: () => lease[lease.length - 1],
		lastAckedSent: () => writer.lastAckedSent,
		async stop() {
			await writer.stop();
			clearInterval(leaseTimer);
			await Promise.all(watches.map((w) => w.stop()));
			const end = Date.now();
			clearInterval(arping);
			await new Promise((res) => setTimeout(res, 300));
			dump.kill('SIGTERM');
			await new Promise<void>((res) => {
				if (dump.exitCode !== null) res();
				else dump.on('exit', () => res());
				setTimeout(res, 2000);
			});
			return {
				start,
				end,
				fault: Number.isFinite(faultAt) ? faultAt : start,
				arp: arp.filter((p) => p.t <= end),
				hosts: watches.flatMap((w) => w.samples),
				lease,
				writes: [...writer.writes.values()].sort((a, b) => a.id - b.id),
			};
		},
	};
}
