// The prober: a small program the module starts detached, as `node -e <source> -- <config>`, so that it
// needs no file of its own (Ansible may pipe the module to node on stdin). Its source is the two
// functions below, stringified: they use nothing but their parameters and Node's globals. Its stdout
// is the samples file and its stderr the log file, both opened by the module; it writes nothing else.

/** The prober's configuration, its last argument; `marker` and `stop_file` tell the module it is ours. */
export interface ProberConfig {
	marker: typeof MARKER;
	id: string;
	/** an IPv4 address (a name is resolved once, by the module: a DNS server on the MN would be down too) */
	address: string;
	port: number;
	/** a second port of the same address that must accept too, in the same attempt */
	also_port?: number;
	interval_ms: number;
	timeout_ms: number;
	max_seconds: number;
	/** the prober stops when this file appears */
	stop_file: string;
}

export const MARKER = 'xcat_probe';

/**
 * The MAC of IPV4 in the neighbour table (/proc/net/arp: read, not `ip neigh` run ten times a second),
 * when the entry is complete; '' when the address is not on-link or not resolved yet.
 */
export function arpMac(table: string, ipv4: string): string {
	for (const line of table.split('\n')) {
		const f = line.trim().split(/\s+/);
		// IP address, HW type, Flags, HW address, Mask, Device; flag 0x2: the entry is complete
		if (f[0] === ipv4 && f.length >= 6 && (Number.parseInt(f[2] ?? '0', 16) & 2) !== 0 && f[3] !== '00:00:00:00:00:00') return f[3]!.toLowerCase();
	}
	return '';
}

/**
 * Every interval, a TCP connect to address:port (and to address:also_port at once, both to be accepted);
 * one line per attempt on stdout: `<epoch ms> <1|0> <error code|-> <mac|-> <ms taken>`, the code of a
 * refused also_port suffixed with `@<port>`. Attempts overlap (a silent address must not
 * slow the others); a stalled host skips the attempts it missed rather than firing them at once, so a
 * stall shows as a gap without probes. Stops on the stop file, SIGTERM or SIGINT, and by itself after
 * max_seconds; then it waits for the attempts under way (at most a second) and exits.
 */
export function prober(cfg: ProberConfig, net: typeof import('node:net'), fs: typeof import('node:fs'), mac: typeof arpMac): void {
	// the epoch at start plus a monotonic clock: a clock step during the run does not move the samples
	const now = () => Math.round(performance.timeOrigin + performance.now());
	const start = performance.now();
	const endAt = start + cfg.max_seconds * 1000;
	let stopping = false;
	let inFlight = 0;
	let n = 0;
	let timer: NodeJS.Timeout | undefined;
	const exitIfDone = () => {
		if (stopping && inFlight === 0) process.exit(0);
	};
	const finish = () => {
		if (stopping) return;
		stopping = true;
		clearTimeout(timer);
		setTimeout(() => process.exit(0), Math.min(cfg.timeout_ms, 1000) + 50);
		exitIfDone();
	};
	const neighbours = () => {
		try {
			return fs.readFileSync('/proc/net/arp', 'utf8');
		} catch {
			return '';
		}
	};
	const attempt = () => {
		const t = now();
		const begun = performance.now();
		inFlight++;
		let done = false;
		const ports = cfg.also_port ? [cfg.port, cfg.also_port] : [cfg.port];
		const sockets = ports.map((port) => net.connect({ host: cfg.address, port }));
		let accepted = 0;
		const end = (ok: boolean, code: string) => {
			if (done) return;
			done = true;
			clearTimeout(limit);
			for (const s of sockets) s.destroy();
			inFlight--;
			const m = mac(neighbours(), cfg.address);
			fs.writeSync(1, `${t} ${ok ? 1 : 0} ${code || '-'} ${m || '-'} ${Math.round(performance.now() - begun)}\n`);
			exitIfDone();
		};
		const limit = setTimeout(() => end(false, 'timeout'), cfg.timeout_ms);
		sockets.forEach((s, i) => {
			s.once('connect', () => {
				if (++accepted === sockets.length) end(true, '');
			});
			s.once('error', (e: NodeJS.ErrnoException) => end(false, `${e.code ?? 'error'}${i > 0 ? `@${ports[i]}` : ''}`));
		});
	};
	const tick = () => {
		if (stopping) return;
		if (fs.existsSync(cfg.stop_file) || performance.now() >= endAt) return finish();
		attempt();
		n = Math.max(n + 1, Math.floor((performance.now() - start) / cfg.interval_ms) + 1);
		timer = setTimeout(tick, Math.max(0, start + n * cfg.interval_ms - performance.now()));
	};
	process.on('SIGTERM', finish);
	process.on('SIGINT', finish);
	tick();
}

/** The program's text for `node -e`: the config is its only argument (process.argv[1]). */
export function proberSource(): string {
	return `(${prober.toString()})(JSON.parse(process.argv[1]),require("node:net"),require("node:fs"),${arpMac.toString()})`;
}
