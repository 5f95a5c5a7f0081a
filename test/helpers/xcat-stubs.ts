// Stand-ins for xCAT commands on this machine, for contract tests: each records its argv and prints
// what the test set for it. A module run with them on PATH shows which commands it ran, if any.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface XcatStubs {
	dir: string;
	/** every stub call so far, one argv per call */
	calls(): Promise<string[][]>;
	/** what COMMAND prints on stdout and stderr, and its exit code, from now on */
	answer(command: string, stdout: string, rc?: number, stderr?: string): Promise<void>;
	/** puts the stubs first on PATH (for modules the test starts), until remove() */
	install(): void;
	remove(): Promise<void>;
}

const COMMANDS = ['lsdef', 'chdef', 'mkdef', 'rmdef', 'tabdump', 'chtab'];

/** COMMANDS and EXTRA (e.g. systemctl, ip, rsync) become recording stubs. */
export async function makeXcatStubs(extra: readonly string[] = []): Promise<XcatStubs> {
	const dir = await mkdtemp(join(tmpdir(), 'xcat-stubs-'));
	const log = join(dir, 'calls.log');
	await writeFile(log, '');
	for (const c of [...COMMANDS, ...extra]) {
		await writeFile(
			join(dir, c),
			[
				'#!/bin/sh',
				`printf '%s\\0' "$(basename "$0")" "$@" >> '${log}'; printf '\\n' >> '${log}'`,
				`d='${dir}'; n=$(basename "$0")`,
				'[ -f "$d/$n.out" ] && cat "$d/$n.out"; [ -f "$d/$n.err" ] && cat "$d/$n.err" >&2',
				'exit $(cat "$d/$n.rc" 2>/dev/null || echo 0)',
				'',
			].join('\n'),
			{ mode: 0o755 },
		);
	}
	const oldPath = process.env.PATH;
	return {
		dir,
		async calls() {
			const text = await readFile(log, 'utf8');
			return text
				.split('\n')
				.filter((l) => l)
				.map((l) => l.split('\0').slice(0, -1));
		},
		async answer(command, stdout, rc = 0, stderr = '') {
			await writeFile(join(dir, `${command}.out`), stdout);
			await writeFile(join(dir, `${command}.err`), stderr);
			await writeFile(join(dir, `${command}.rc`), String(rc));
		},
		install() {
			process.env.PATH = `${dir}:${oldPath}`;
		},
		async remove() {
			process.env.PATH = oldPath;
			await rm(dir, { recursive: true, force: true });
		},
	};
}
