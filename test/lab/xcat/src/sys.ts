// Running other programs (always argv arrays) and systemd services.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { systemctlCommand } from './env.js';

export interface RunResult {
	status: number;
	stdout: string;
	stderr: string;
}

export function run(cmd: string, args: readonly string[], opts: SpawnSyncOptions & { input?: string } = {}): RunResult {
	const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
	if (r.error) return { status: 127, stdout: '', stderr: `${cmd}: ${r.error.message}` };
	return { status: r.status ?? 1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

export function systemctl(...args: string[]): RunResult {
	return run(systemctlCommand(), args);
}

export function serviceActive(unit: string): boolean {
	return systemctl('is-active', '--quiet', unit).status === 0;
}
