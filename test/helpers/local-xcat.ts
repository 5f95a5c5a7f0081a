// The lab's xCAT double on this machine, for contract tests of modules that read and write the xCAT
// database: a temporary root (XCAT_DOUBLE_ROOT: SQLite tables, /etc/xCATMN), the double's commands first
// on PATH as wrappers that record each call, xcatd bypassed and real xCAT's time not charged.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE, Root } from '../lab/xcat/test/harness';
import { runModule, type ModuleRun, type RunOpts } from '../../tools/lab/run-module';

/** the double's commands the modules run */
const COMMANDS = ['lsxcatd', 'tabdump', 'nodels', 'lsdef', 'chdef', 'mkdef', 'chtab'];

export interface LocalXcat {
	root: Root;
	/** stdout of a command of the double that must succeed (not recorded) */
	ok(command: string, ...args: string[]): string;
	/** every recorded call since the last forget(), one argv per call */
	calls(): string[][];
	forget(): void;
	/** runs bundled MODULE as Ansible does, with the double on PATH */
	run(module: string, args: Record<string, unknown>, o?: RunOpts): Promise<ModuleRun>;
	remove(): void;
}

export function makeLocalXcat(name: string): LocalXcat {
	const root = new Root(name); // builds the double's bundle once
	const bin = join(root.dir, 'bin');
	const log = join(root.dir, 'calls.log');
	mkdirSync(bin);
	writeFileSync(log, '');
	for (const c of COMMANDS) {
		// one NUL-separated argv a line, then the double told which command it runs
		writeFileSync(join(bin, c), `#!/bin/sh\nprintf '%s\\0' '${c}' "$@" >> '${log}'; printf '\\n' >> '${log}'\nexec node '${BUNDLE}' '${c}' "$@"\n`);
		chmodSync(join(bin, c), 0o755);
	}
	return {
		root,
		ok: (command, ...args) => root.ok(command, ...args),
		calls: () =>
			readFileSync(log, 'utf8')
				.split('\n')
				.filter((l) => l)
				.map((l) => l.split('\0').slice(0, -1)),
		forget: () => writeFileSync(log, ''),
		run: async (module, args, o = {}) => {
			const saved = { ...process.env };
			Object.assign(process.env, root.env, { PATH: `${bin}:${root.env.PATH}` });
			try {
				return await runModule(module, args, o);
			} finally {
				for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
				Object.assign(process.env, saved);
			}
		},
		remove: () => root.remove(),
	};
}
