// How xCAT's client prints responses (docs/xcat-behaviour.md#how-xcat-commands-report, Client.pm handle_response):
// errors and warnings on stderr as "Error: [<xcatd host>]: text" (no "[host]: " under XCATBYPASS),
// info and data on stdout; the exit code is the OR of the error codes.
import { writeSync } from 'node:fs';
import { shortHostname } from './env.js';

export class Output {
	exitCode = 0;
	private out: string[] = [];
	private err: string[] = [];
	constructor(readonly viaXcatd: boolean) {}

	private prefix(): string {
		return this.viaXcatd ? `[${shortHostname()}]: ` : '';
	}

	/** MsgUtils->message("E", …): one "Error:" line per text, exit code 1. */
	error(...texts: string[]): void {
		for (const t of texts) this.err.push(`Error: ${this.prefix()}${t}`);
		this.exitCode |= 1;
	}

	/**
	 * xcatd's own noderange check, before any plugin runs: its error carries no "[host]: " tag
	 * (observed for nodels, xdsh), exit code 1.
	 */
	invalidNoderange(missing: readonly string[]): void {
		this.err.push(`Error: Invalid nodes and/or groups in noderange: ${missing.join(',')}`);
		this.exitCode |= 1;
	}

	/** A plugin's per-node error ({node=>[{name, error}]}): "<node>: [<host>]: Error: text", exit code 1. */
	nodeError(node: string, text: string): void {
		this.err.push(`${node}: ${this.prefix()}Error: ${text}`);
		this.exitCode |= 1;
	}

	/** A bare {error=>…} response: printed, exit code untouched. */
	errorNoCode(...texts: string[]): void {
		for (const t of texts) this.err.push(`Error: ${this.prefix()}${t}`);
	}

	warning(...texts: string[]): void {
		for (const t of texts) this.err.push(`Warning: ${this.prefix()}${t}`);
	}

	/** info/data lines; Client.pm skips empty data strings. */
	data(...lines: string[]): void {
		for (const l of lines) if (l !== '') this.out.push(l);
	}

	/** whether any stdout line is pending */
	hasData(): boolean {
		return this.out.length > 0;
	}

	/** A raw stderr line (DBI warnings and the like). */
	raw(line: string): void {
		this.err.push(line);
	}

	code(c: number): void {
		this.exitCode |= c;
	}

	flush(): void {
		if (this.err.length) writeAll(2, `${this.err.join('\n')}\n`);
		if (this.out.length) writeAll(1, `${this.out.join('\n')}\n`);
		this.out = [];
		this.err = [];
	}
}

export function writeAll(fd: number, text: string): void {
	const buf = Buffer.from(text);
	let off = 0;
	while (off < buf.length) {
		try {
			off += writeSync(fd, buf, off);
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
			// the reader went away (`tabdump t | head -1`): real xCAT prints nothing about it
			if ((e as NodeJS.ErrnoException).code === 'EPIPE') return;
			throw e;
		}
	}
}
