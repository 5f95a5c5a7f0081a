// What the module integration tests (test/mn), the e2e tests and the benchmarks need of the lab:
// bring it up or back to its freshly provisioned state, run scripts and bundled modules on its
// hosts over ssh (as Ansible does), and run playbooks against its inventory.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { ansibleEnv, ROOT } from './env';
import { ansibleArgs, pythonJson, MARKER, type RunOpts } from './run-module';

export const labScript = join(ROOT, 'test/lab/lab');
export const labDir = resolve(process.env.XCAT_HA_LAB_DIR ?? join(ROOT, '.lab'));
export const sshConfig = join(labDir, 'ssh/config');
export const LAB_HOSTS = ['mn1', 'mn2', 'sn1', 'sn2', 'cn1'];
export const VIP = '198.51.100.10';
/** PostgreSQL as the xcat_ha role finds it on the lab's Debian 12 MNs (its default layout there):
 *  the package's cluster 15/main; the role puts SHARED (which holds DATA) on the shared storage */
export const PG = {
	data: '/var/lib/postgresql/15/main',
	conf: '/etc/postgresql/15/main',
	unit: 'postgresql@15-main',
	shared: '/var/lib/postgresql/15',
} as const;
export const ADDRESS: Record<string, string> = { mn1: '198.51.100.11', mn2: '198.51.100.12', sn1: '198.51.100.21', sn2: '198.51.100.22', cn1: '198.51.100.31' };

const labEnv = { ...process.env, XCAT_HA_LAB_DIR: labDir, LC_ALL: 'C.UTF-8' };

function labRunning(): boolean {
	const st = spawnSync('bash', [labScript, 'status'], { encoding: 'utf8', env: labEnv });
	return st.status === 0 && LAB_HOSTS.every((h) => new RegExp(`^${h}\\s+running`, 'm').test(st.stdout));
}

/** the lab running, with the provision hooks re-applied (they are idempotent) */
export function ensureLab(): void {
	if (!labRunning()) return labUp();
	const hook = spawnSync('bash', [join(ROOT, 'test/lab/provision.d/50-xcat.sh')], {
		encoding: 'utf8',
		env: { ...labEnv, LAB: labScript, LAB_HOSTS: LAB_HOSTS.join(' ') },
	});
	if (hook.status !== 0) throw new Error(`provision hook failed: ${hook.stderr}${hook.stdout}`);
}

/** every host as freshly provisioned: down (disks and /HA removed), then up (about 12 s) */
export function resetLab(): void {
	const down = spawnSync('bash', [labScript, 'down'], { stdio: 'inherit', env: labEnv });
	if (down.status !== 0) throw new Error('bash test/lab/lab down failed');
	labUp();
}

function labUp(): void {
	const up = spawnSync('bash', [labScript, 'up'], { stdio: 'inherit', env: labEnv });
	if (up.status !== 0) throw new Error('the lab could not be brought up (bash test/lab/lab up failed); these tests need it');
}

export interface Out {
	stdout: string;
	stderr: string;
	status: number;
}

/** a bash script on HOST over ssh (the lab's own master connection) */
export async function on(host: string, script: string, timeoutMs = 180_000): Promise<Out> {
	const r = await execa('ssh', ['-F', sshConfig, host, 'bash', '-s'], { input: script, reject: false, timeout: timeoutMs, stripFinalNewline: false });
	return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), status: r.exitCode ?? -1 };
}

/** like `on`, with `set -e`; throws with the output unless it exits 0 */
export async function ok(host: string, script: string, timeoutMs = 180_000): Promise<string> {
	const r = await on(host, `set -e\n${script}`, timeoutMs);
	if (r.status !== 0) throw new Error(`${host} exited ${r.status}:\n${script}\n--- stderr\n${r.stderr}--- stdout\n${r.stdout}`);
	return r.stdout;
}

export interface HostModuleRun {
	result: Record<string, any>;
	stdout: string;
	stderr: string;
	exitCode: number;
	ms: number;
}

/** the bundled module run on HOST the way Ansible runs it with pipelining: the program on node's stdin */
export async function runModuleOn(host: string, name: string, args: Record<string, unknown>, o: RunOpts = {}): Promise<HostModuleRun> {
	const source = await readFile(join(o.libDir ?? join(ROOT, 'plugins/modules'), `${name}.js`), 'utf8');
	const program = source.replace(MARKER, () => pythonJson(ansibleArgs(name, args, o)));
	const started = Date.now();
	// ssh hands its words to the remote shell: each variable single-quoted
	const env = Object.entries(o.env ?? {}).map(([k, v]) => `${k}='${v.replace(/'/g, `'\\''`)}'`);
	const r = await execa('ssh', ['-F', sshConfig, host, ...(env.length ? ['env', ...env] : []), '/usr/bin/node'], {
		input: program,
		reject: false,
		stripFinalNewline: false,
		timeout: 600_000,
	});
	const ms = Date.now() - started;
	const stdout = String(r.stdout ?? '');
	let result: Record<string, any>;
	try {
		result = JSON.parse(stdout);
	} catch {
		throw new Error(`module ${name} on ${host} printed no JSON (exit ${r.exitCode}):\n${stdout}\n${String(r.stderr)}`);
	}
	return { result, stdout, stderr: String(r.stderr ?? ''), exitCode: r.exitCode ?? -1, ms };
}

export interface PlaybookRun {
	stdout: string;
	stderr: string;
	status: number;
	ms: number;
}

/**
 * Where playbook() takes the playbooks from: the checkout (playbooks/<name>.yml, ansible.cfg), or,
 * with XCAT_HA_PLAYBOOKS=installed (the e2e suite: test/run.ts sets it), the collection as users get
 * it, built from this checkout's built tree and installed once per process into a temp directory, run
 * by name (ansible-playbook xcat.ha.<name>) from there with a user's ansible.cfg and none of ours.
 */
export const PLAYBOOKS_FROM: 'checkout' | 'installed' = process.env.XCAT_HA_PLAYBOOKS === 'installed' ? 'installed' : 'checkout';

interface Installed {
	dir: string;
	config: string;
}
let installed: Promise<Installed> | null = null;

async function installCollection(): Promise<Installed> {
	const dir = await mkdtemp(join(tmpdir(), 'xcat-ha-installed-'));
	process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
	const env = { ...process.env, HOME: join(dir, 'home'), ANSIBLE_HOME: join(dir, 'ansible-home'), ANSIBLE_NOCOLOR: '1' };
	const galaxy = async (...args: string[]) => {
		const r = await execa('ansible-galaxy', ['collection', ...args], { cwd: dir, env, extendEnv: false, reject: false, all: true });
		if (r.exitCode !== 0) throw new Error(`ansible-galaxy collection ${args.join(' ')} failed:\n${r.all}`);
		return String(r.stdout);
	};
	const built = await galaxy('build', '--output-path', dir, ROOT);
	const tarball = /Created collection for xcat\.ha at (\S+\.tar\.gz)/.exec(built)?.[1];
	if (!tarball) throw new Error(`ansible-galaxy collection build made no tarball:\n${built}`);
	await galaxy('install', tarball, '-p', join(dir, 'collections'));
	// what a user's ansible.cfg needs for xcat.ha (README): pipelining, the audit's callback; the temp
	// and control files in the temp directory
	const config = join(dir, 'ansible.cfg');
	await writeFile(
		config,
		[
			'[defaults]',
			`collections_path = ${join(dir, 'collections')}`,
			'callbacks_enabled = xcat.ha.xcat_ha_audit',
			'retry_files_enabled = False',
			'interpreter_python = auto_silent',
			`local_tmp = ${join(dir, 'tmp')}`,
			'[ssh_connection]',
			`control_path_dir = ${join(dir, 'cp')}`,
			'[connection]',
			'pipelining = True',
			'',
		].join('\n'),
	);
	return { dir, config };
}

/**
 * ansible-playbook against the lab inventory; PATH is playbooks/<name>.yml, ARGS extra command-line
 * arguments. The one place tests, benchmarks and the demo run playbooks (see PLAYBOOKS_FROM).
 */
export async function playbook(path: string, args: string[] = [], env: Record<string, string> = {}, timeoutMs = 900_000): Promise<PlaybookRun> {
	let argv = [join(ROOT, path)];
	let where = { cwd: ROOT, env: { ...labEnv, ...ansibleEnv, ...env } as Record<string, string | undefined> };
	if (PLAYBOOKS_FROM === 'installed') {
		const name = /^playbooks\/([a-z0-9_]+)\.yml$/.exec(path)?.[1];
		if (!name) throw new Error(`${path} is not a collection playbook (playbooks/<name>.yml)`);
		installed ??= installCollection();
		const { dir, config } = await installed;
		argv = [`xcat.ha.${name}`];
		where = {
			cwd: dir,
			env: { ...labEnv, ANSIBLE_CONFIG: config, ANSIBLE_HOME: join(dir, 'ansible-home'), ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', ...env },
		};
	}
	const started = Date.now();
	const r = await execa('ansible-playbook', ['-i', join(ROOT, 'inventory/lab/hosts.yml'), ...argv, ...args], {
		reject: false,
		timeout: timeoutMs,
		...where,
	});
	return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), status: r.exitCode ?? -1, ms: Date.now() - started };
}

/** "changed=N" of HOST from the PLAY RECAP */
export function recap(stdout: string, host: string): Record<string, number> {
	const line = stdout.split('\n').find((l) => new RegExp(`^${host}\\s+:`).test(l)) ?? '';
	return Object.fromEntries([...line.matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
}
