// Helpers for the lab self-test: run the lab script, commands inside hosts, fault scripts.
// The suite runs from the repository root (test/run.ts) and uses the lab's own state directory.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';

export const repo = process.cwd();
export const labScript = join(repo, 'test/lab/lab');
export const labDir = resolve(process.env.XCAT_HA_LAB_DIR ?? join(repo, '.lab'));
export const sshConfig = join(labDir, 'ssh/config');
export const VIP = '198.51.100.10';
/** the cgroup parent of this state directory's hosts (lib/common.sh) */
export const labCgroup = `xcat-ha-lab-${createHash('sha256').update(labDir).digest('hex').slice(0, 8)}`;

export interface LabHost {
	name: string;
	ip: string;
	groups: string[];
}

/** hosts.conf, parsed the way lib/hosts-conf.sh does */
export const HOSTS: LabHost[] = readFileSync(join(repo, 'test/lab/hosts.conf'), 'utf8')
	.split('\n')
	.map((line) => line.replace(/#.*/, '').trim())
	.filter(Boolean)
	.map((line) => {
		const [name = '', octet = '', groups = ''] = line.split(/\s+/);
		return { name, ip: `198.51.100.${octet}`, groups: groups.split(',') };
	});
export const MNS = HOSTS.filter((h) => h.groups.includes('xcat_mn')).map((h) => h.name);
/** the hosts that have /HA: the MNs and the MN pool's members */
export const SHARED = HOSTS.filter((h) => h.groups.includes('xcat_mn') || h.groups.includes('xcat_pool')).map((h) => h.name);

export interface Run {
	stdout: string;
	stderr: string;
	exitCode: number;
	ms: number;
}

export async function run(cmd: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<Run> {
	const started = Date.now();
	const r = await execa(cmd, args, {
		reject: false,
		input: opts.input ?? '',
		timeout: opts.timeoutMs ?? 120_000,
		env: { XCAT_HA_LAB_DIR: labDir, LC_ALL: 'C.UTF-8' }, // ansible refuses a non-UTF-8 locale
	});
	return {
		stdout: String(r.stdout ?? ''),
		stderr: String(r.stderr ?? ''),
		exitCode: r.exitCode ?? (r.timedOut ? 124 : -1),
		ms: Date.now() - started,
	};
}

export function describe(what: string, r: Run): string {
	return `${what} exited ${r.exitCode} after ${r.ms} ms\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

/** runs and throws (with all output) unless the exit code is 0 */
export async function ok(cmd: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<string> {
	const r = await run(cmd, args, opts);
	if (r.exitCode !== 0) throw new Error(describe(`${cmd} ${args.join(' ')}`, r));
	return r.stdout;
}

export const lab = (args: string[], timeoutMs = 600_000) => run('bash', [labScript, ...args], { timeoutMs });
export const labOk = (args: string[], timeoutMs = 600_000) => ok('bash', [labScript, ...args], { timeoutMs });

/** a shell script inside HOST through `lab exec` (no ssh) */
export const inHost = (host: string, script: string, timeoutMs = 60_000) => run('bash', [labScript, 'exec', host, 'sh', '-c', script], { timeoutMs });
export const inHostOk = (host: string, script: string, timeoutMs = 60_000) => ok('bash', [labScript, 'exec', host, 'sh', '-c', script], { timeoutMs });

/** ssh to HOST with the lab's config; a fresh connection unless told to reuse the master */
export const ssh = (host: string, command: string, timeoutMs = 20_000) =>
	run('ssh', ['-F', sshConfig, '-o', 'ControlPath=none', '-o', 'ConnectTimeout=3', host, command], { timeoutMs });

export const fault = (name: string, args: string[], timeoutMs = 120_000) => run('bash', [join(repo, 'test/lab/faults', name), ...args], { timeoutMs });

/** polls CHECK every 200 ms until it returns true; throws WHAT after TIMEOUT */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<number> {
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		if (await check()) return Date.now() - started;
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
}

/** `lab status` as {host: {state, link, memoryMiB}} */
export async function status(): Promise<Record<string, { state: string; link: string; memoryMiB: number | null }>> {
	const out = await labOk(['status'], 60_000);
	const hosts: Record<string, { state: string; link: string; memoryMiB: number | null }> = {};
	for (const line of out.split('\n')) {
		const m = line.match(/^(\S+)\s+(\S+)\s+(\S+)\s+(?:(\d+) MiB|-)\s+(\S+)\s/);
		if (m && m[1] !== 'HOST') hosts[m[1]!] = { state: m[2]!, link: m[5]!, memoryMiB: m[4] ? Number(m[4]) : null };
	}
	return hosts;
}

/** the MAC of a host's lab interface */
export async function macOf(host: string): Promise<string> {
	return (await inHostOk(host, 'cat /sys/class/net/host0/address')).trim();
}

export async function bootId(host: string): Promise<string> {
	return (await inHostOk(host, 'cat /proc/sys/kernel/random/boot_id')).trim();
}

export async function systemState(host: string): Promise<string> {
	return (await inHost(host, 'systemctl is-system-running', 10_000)).stdout.trim();
}
