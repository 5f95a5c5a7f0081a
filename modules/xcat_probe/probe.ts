// What is there for one run id (reads only): its files, its state file, and whether its prober still runs.
import { existsSync, readFileSync } from 'node:fs';
import { requireRegularOrAbsent } from '../runtime/paths';
import { MARKER, type ProberConfig } from './prober';

export interface Files {
	/** the run's state: the prober's pid and settings, written by the module that started it */
	state: string;
	/** the prober's stdout: one line a probe */
	samples: string;
	/** the prober's stderr */
	log: string;
	/** made by the module that stops it */
	stop: string;
}

export const filesOf = (dir: string, id: string): Files => ({
	state: `${dir}/${id}.json`,
	samples: `${dir}/${id}.samples`,
	log: `${dir}/${id}.log`,
	stop: `${dir}/${id}.stop`,
});

/** What the state file records. */
export interface RunState {
	pid: number;
	/** as the task gave it */
	address: string;
	/** the IPv4 address probed */
	probed_address: string;
	port: number;
	/** a second port that must accept too (the database's): absent in a run without one */
	also_port?: number;
	interval_ms: number;
	timeout_ms: number;
	max_seconds: number;
	started_ms: number;
}

export interface Current {
	files: Files;
	/** the files of this id that exist */
	present: string[];
	state: RunState | null;
	/** the state file's pid is this run's prober, still running */
	running: boolean;
}

export function parseState(text: string): RunState | null {
	try {
		const v = JSON.parse(text) as Partial<RunState>;
		const n = (x: unknown) => Number.isInteger(x) && (x as number) > 0;
		if (!n(v.pid) || typeof v.address !== 'string' || typeof v.probed_address !== 'string') return null;
		if (![v.port, v.interval_ms, v.timeout_ms, v.max_seconds, v.started_ms].every(n)) return null;
		if (v.also_port !== undefined && !n(v.also_port)) return null;
		return v as RunState;
	} catch {
		return null;
	}
}

/**
 * Whether PID runs this run's prober: its command line is `node -e <source> -- <config>` with our marker
 * and this run's stop file. A pid reused by another process, or a prober that ended (a zombie's command
 * line is empty), is not.
 */
export function isOurProber(pid: number, stopFile: string): boolean {
	let cmdline: string;
	try {
		cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
	} catch {
		return false;
	}
	return proberCmdlineMatches((cmdline.endsWith('\0') ? cmdline.slice(0, -1) : cmdline).split('\0'), stopFile);
}

/** The test of isOurProber on an argv (pure). */
export function proberCmdlineMatches(argv: readonly string[], stopFile: string): boolean {
	if (argv[1] !== '-e' || argv[3] !== '--' || argv.length !== 5) return false;
	try {
		const cfg = JSON.parse(argv[4]!) as Partial<ProberConfig>;
		return cfg.marker === MARKER && cfg.stop_file === stopFile;
	} catch {
		return false;
	}
}

export function probe(dir: string, id: string): Current {
	const files = filesOf(dir, id);
	for (const [name, path] of Object.entries(files)) requireRegularOrAbsent(`the ${name} file`, path);
	const present = Object.values(files).filter((f) => existsSync(f));
	const state = present.includes(files.state) ? parseState(readFileSync(files.state, 'utf8')) : null;
	return { files, present, state, running: state !== null && isOurProber(state.pid, files.stop) };
}

export function readSamples(files: Files): string {
	requireRegularOrAbsent('the samples file', files.samples);
	return existsSync(files.samples) ? readFileSync(files.samples, 'utf8') : '';
}
