// xcatd -f: the daemon. It starts only when its database answers and the site table has
// xcatdport (as /usr/sbin/xcatd dies otherwise), then listens on that port on every address, tells
// systemd it is ready, and answers each request with who it is and which database it uses:
//   hostname=<name> / Version … / This is a Management Node / dbengine=… (+ cfgloc fields)
// Requests: a JSON line from the double's clients, any text line (e.g. `echo | nc vip 3001`),
// or an HTTP GET (curl http://vip:3001/). TLS clients are served the same over TLS.
import { spawnSync } from 'node:child_process';
import { charge, waitMs } from '../cost.js';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { lsxcatdDatabaseLines } from '../db/cfgloc.js';
import { DbError, DbUnavailable } from '../db/backend.js';
import { openBackend, readDbConfig } from '../db/open.js';
import { writeAll } from '../output.js';
import { DENIED } from '../client.js';
import { fqdn, hostPath, VERSION_LINE } from '../env.js';
import { TABLES, type Row } from '../schema.js';
import type { Ctx } from './common.js';
import { nodeRoleLines } from './lsxcatd.js';

const LOG = '/var/log/xcat/xcatd.log';

function log(line: string): void {
	try {
		mkdirSync(hostPath('/var/log/xcat'), { recursive: true });
		appendFileSync(hostPath(LOG), `${new Date().toISOString()} xcatd[${process.pid}]: ${line}\n`);
	} catch {
		// logging must never take the daemon down
	}
}

export async function xcatd(ctx: Ctx): Promise<void> {
	const { out } = ctx;
	if (!ctx.args.includes('-f')) {
		out.data('Usage: xcatd -f   (the lab double runs in the foreground; systemd manages it)');
		out.code(1);
		return;
	}
	const cfg = readDbConfig();
	let port: number;
	// Real xcatd 2.19 does not give up when its database does not answer: it asks for the site table
	// four times, 1, 2 and 4 s apart, logs, and starts over 1 s later (every 8 s), its unit still
	// activating and no port open, until the database answers (measured on real xCAT: test/lab/xcat/README.md, xcatd)
	const site = await siteWhenReachable(ctx);
	if (!site) {
		out.code(1);
		return;
	}
	const spec = TABLES.site!;
	const row = site.find((r) => r[0] === 'xcatdport' && (r[spec.cols.indexOf('disable')] ?? '') === '');
	if (!row || !row[1]) {
		log('Need xcatdport defined in site table');
		log('Died at /usr/sbin/xcatd line 201.');
		out.raw('Need xcatdport defined in site table');
		out.raw('Died at /usr/sbin/xcatd line 201.');
		out.code(1);
		return;
	}
	port = Number(row[1]);

	// real xcatd loads its plugins before it forks and listens: nothing answers in the meantime
	charge('xcatd-start');
	const identity = () => [`hostname=${fqdn()}`, VERSION_LINE, ...nodeRoleLines(), ...lsxcatdDatabaseLines(readDbConfig())];
	const tlsOptions = loadTls();
	const server = createServer((sock) => {
		sock.once('data', (first: Buffer) => {
			if (first[0] === 0x16 && tlsOptions) {
				// a TLS client: feed what was already read, then the rest, through a JS stream
				const wire = new Duplex({
					read() {
						sock.resume();
					},
					write(chunk, _enc, cb) {
						sock.write(chunk, cb);
					},
					final(cb) {
						sock.end();
						cb();
					},
				});
				sock.on('data', (d: Buffer) => {
					if (!wire.push(d)) sock.pause();
				});
				sock.on('end', () => wire.push(null));
				wire.push(first);
				serve(new TLSSocket(wire as unknown as Socket, { isServer: true, ...tlsOptions }), identity, 'tls');
			} else {
				sock.pause();
				sock.unshift(first);
				serve(sock, identity, 'tcp');
				sock.resume();
			}
		});
		sock.on('error', () => sock.destroy());
		sock.setTimeout(10000, () => sock.destroy());
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen({ port, host: '0.0.0.0' }, () => resolve());
	}).catch((e: Error) => {
		log(`Error: cannot listen on port ${port}: ${e.message}`);
		out.raw(`xcatd: cannot listen on port ${port}: ${e.message}`);
		out.code(1);
	});
	if (out.exitCode) return;
	log(`xcatd started on port ${port}, database ${cfg.engine === 'SQLite' ? 'SQLite' : `${cfg.engine} on ${(cfg as { host: string }).host}`}`);
	notifyReady();
	const siteReads = readSiteWhileIdle();
	await new Promise<void>((resolve) => {
		const stop = (sig: string) => {
			log(`xcatd stopping on ${sig}`);
			clearInterval(siteReads);
			charge('xcatd-stop');
			server.close();
			resolve();
		};
		process.once('SIGTERM', () => stop('SIGTERM'));
		process.once('SIGINT', () => stop('SIGINT'));
	});
}

/**
 * Real xcatd's UDP listener reads the site table every 5 s while idle (`can_read(5)`, then
 * populate_site_hash: xcatd 813–817), through its one database worker, which serves every request one
 * at a time (Table.pm 335–361) with no connect timeout. The double's reads block its one event loop the
 * same way (psql, synchronously), so a read whose database address belongs to nobody holds every
 * request until its connection gets through or gives up. A failed read, and one that held it over
 * 500 ms, are logged.
 * XCAT_DOUBLE_SITE_READ_MS changes the period (a test makes a read fall into a failover's gap).
 */
function readSiteWhileIdle(): NodeJS.Timeout {
	const period = Number(process.env.XCAT_DOUBLE_SITE_READ_MS ?? '5000');
	return setInterval(
		() => {
			const t0 = Date.now();
			let failure = '';
			try {
				openBackend().read(['site']);
			} catch (e) {
				failure = `: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;
			}
			const ms = Date.now() - t0;
			if (failure) log(`site read failed after ${ms} ms${failure}`);
			if (ms > 500) log(`site read held the database worker for ${ms} ms`);
		},
		Number.isFinite(period) && period >= 50 ? period : 5000,
	);
}

const RETRY_WAITS_MS = [1000, 2000, 4000];
const CYCLE_PAUSE_MS = 1000;

/** The site table's rows once the database answers; undefined when it fails otherwise (a DbError, reported as before). */
async function siteWhenReachable(ctx: Ctx): Promise<Row[] | undefined> {
	const sleep = (ms: number) => new Promise((r) => setTimeout(r, waitMs(ms)));
	for (;;) {
		let last: DbUnavailable | undefined;
		for (let attempt = 0; attempt <= RETRY_WAITS_MS.length; attempt++) {
			try {
				return openBackend().read(['site']).get('site') ?? [];
			} catch (e) {
				if (!(e instanceof DbUnavailable)) {
					const msg = e instanceof DbError ? e.message : String(e);
					for (const l of [msg, 'Need xcatdport defined in site table', 'Died at /usr/sbin/xcatd line 201.']) {
						log(l);
						ctx.out.raw(l);
					}
					return undefined;
				}
				last = e;
			}
			if (attempt < RETRY_WAITS_MS.length) await sleep(RETRY_WAITS_MS[attempt]!);
		}
		const lines = [
			`Failed to connect to site table after retrying 3 times: ${last!.dbiMessage} at /opt/xcat/lib/perl/xCAT/Table.pm line 973.`,
			'Could not connect to the database. Database handle not defined.',
			'Can not open basic site table for configuration, waiting the database to be initialized.',
		];
		for (const l of lines) log(l);
		writeAll(2, `${lines.join('\n')}\n`);
		await sleep(CYCLE_PAUSE_MS);
	}
}

/**
 * Real xcatd checks the caller against the policy table before any command (lsxcatd -a too): when the
 * database does not answer it denies. Asked for the double's client requests only, not for probes.
 */
function policyReadable(): boolean {
	try {
		openBackend().read(['policy']);
		return true;
	} catch (e) {
		return !(e instanceof DbUnavailable);
	}
}

function serve(sock: Socket | TLSSocket, identity: () => string[], transport: string): void {
	let buf = '';
	sock.setEncoding('utf8');
	sock.on('data', (d: string) => {
		buf += d;
		if (!buf.includes('\n') && buf.length < 65536) return;
		const line = buf.split('\n')[0]!.replace(/\r$/, '');
		const peer = `${sock.remoteAddress ?? '?'}`;
		const lines = identity();
		if (/^(GET|HEAD) /.test(line)) {
			const body = `${lines.join('\n')}\n`;
			sock.end(
				`HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${line.startsWith('HEAD') ? '' : body}`,
			);
			log(`${transport} ${peer}: http ${line.split(' ')[1] ?? ''}`);
			return;
		}
		let what = line.trim() === '' ? 'probe' : 'text request';
		let request: { command?: string; args?: string[]; user?: string } = {};
		try {
			request = JSON.parse(line) as typeof request;
			if (request.command) what = `${request.user ?? '?'} ran ${[request.command, ...(request.args ?? [])].join(' ')}`;
		} catch {
			// not a client of the double: any line is a probe
		}
		if (request.command && !policyReadable()) {
			log('Unable to open policy data, denying');
			log(`Permission denied for request: peername=${request.user ?? '?'}, peerhost=${peer}, command= ${request.command}`);
			sock.end(`${DENIED}\n`);
			return;
		}
		log(`${transport} ${peer}: ${what}`);
		sock.end(`${lines.join('\n')}\n`);
	});
}

function loadTls(): { key: Buffer; cert: Buffer } | undefined {
	const key = hostPath('/etc/xcat/cert/server-key.pem');
	const cert = hostPath('/etc/xcat/cert/server-cert.pem');
	if (!existsSync(key) || !existsSync(cert)) return undefined;
	try {
		return { key: readFileSync(key), cert: readFileSync(cert) };
	} catch {
		return undefined;
	}
}

/** Type=notify: systemctl start returns once we listen (NotifyAccess=all in the unit). */
function notifyReady(): void {
	if (!process.env.NOTIFY_SOCKET) return;
	spawnSync('systemd-notify', ['--ready', `--pid=${process.pid}`, '--status=listening'], { stdio: 'ignore' });
}
