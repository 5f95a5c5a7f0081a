// Runs the bundled double on this machine against a temporary root (XCAT_DOUBLE_ROOT), with the
// local sqlite3 CLI, and a throwaway PostgreSQL cluster on 127.0.0.1:55432 when a test asks.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const BUNDLE = join(here, '..', 'dist', 'xcat-double.js');
let built = false;

export function ensureBundle(): string {
	if (!built) {
		execFileSync('node', [join(here, '..', 'build.mjs')], { stdio: 'pipe' });
		built = true;
	}
	return BUNDLE;
}

export function requireTool(name: string): void {
	if (spawnSync('sh', ['-c', `command -v ${name}`]).status !== 0) {
		throw new Error(`${name} is missing on this machine: apt-get install -y ${name === 'psql' || name === 'initdb' ? 'postgresql' : name}`);
	}
}

export interface Result {
	stdout: string;
	stderr: string;
	status: number;
}

export class Root {
	readonly dir: string;
	env: Record<string, string>;
	constructor(name: string, extraEnv: Record<string, string> = {}) {
		ensureBundle();
		requireTool('sqlite3');
		this.dir = mkdtempSync(join(tmpdir(), `xcat-double-${name}-`));
		for (const d of ['etc/xcat', 'root', 'install', 'tftpboot']) mkdirSync(join(this.dir, d), { recursive: true });
		writeFileSync(join(this.dir, 'etc/hosts'), '127.0.0.1 localhost\n198.51.100.11 xcatmn\n198.51.100.21 sn1\n198.51.100.22 sn2\n198.51.100.31 cn1\n');
		writeFileSync(join(this.dir, 'etc/xCATMN'), '');
		const recorder = join(this.dir, 'systemctl');
		writeFileSync(recorder, `#!/bin/sh\necho "$*" >> ${join(this.dir, 'systemctl.log')}\n`);
		chmodSync(recorder, 0o755);
		this.env = {
			PATH: process.env.PATH ?? '/usr/bin:/bin',
			HOME: process.env.HOME ?? '/root',
			XCAT_DOUBLE_ROOT: this.dir,
			XCAT_DOUBLE_HOSTNAME: 'xcatmn',
			XCAT_DOUBLE_SYSTEMCTL: recorder,
			XCAT_DOUBLE_IFACES: 'host0=198.51.100.11/24',
			XCATBYPASS: '1',
			...extraEnv,
		};
	}

	run(cmd: string, args: string[] = [], env: Record<string, string> = {}, input = ''): Result {
		const r = spawnSync('node', [BUNDLE, cmd, ...args], { env: { ...this.env, ...env }, encoding: 'utf8', input });
		return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
	}

	/** stdout of a command that must succeed */
	ok(cmd: string, ...args: string[]): string {
		const r = this.run(cmd, args);
		if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout}`);
		return r.stdout;
	}

	file(path: string): string {
		return join(this.dir, path);
	}

	remove(): void {
		rmSync(this.dir, { recursive: true, force: true });
	}
}

/** A PostgreSQL 15 cluster of our own, owned by the postgres user, on 127.0.0.1:55432. */
export class LocalPostgres {
	readonly port = 55432;
	readonly dir: string;
	private readonly bin: string;
	constructor() {
		const versions = ['17', '16', '15', '14', '13'].map((v) => `/usr/lib/postgresql/${v}/bin`).filter((d) => existsSync(`${d}/postgres`));
		if (!versions.length) throw new Error('PostgreSQL server binaries are missing on this machine: apt-get install -y postgresql');
		this.bin = versions[0]!;
		this.dir = mkdtempSync(join(tmpdir(), 'xcat-double-pg-'));
		chmodSync(this.dir, 0o755);
		execFileSync('chown', ['postgres:postgres', this.dir]);
		this.asPostgres('initdb', ['-D', join(this.dir, 'data'), '-A', 'trust', '-U', 'postgres']);
		writeFileSync(join(this.dir, 'data', 'pg_hba.conf'), 'local all all trust\nhost all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 md5\n');
		execFileSync('chown', ['postgres:postgres', join(this.dir, 'data', 'pg_hba.conf')]);
		this.asPostgres('pg_ctl', ['-D', join(this.dir, 'data'), '-w', '-l', join(this.dir, 'log'),
			'-o', `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${this.dir} -c fsync=off`, 'start']);
	}

	private asPostgres(tool: string, args: string[]): string {
		return execFileSync('runuser', ['-u', 'postgres', '--', `${this.bin}/${tool}`, ...args], { cwd: '/tmp', encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
	}

	sql(db: string, statement: string): string {
		return this.asPostgres('psql', ['-X', '-q', '-A', '-t', '-h', this.dir, '-p', String(this.port), '-d', db, '-v', 'ON_ERROR_STOP=1', '-c', statement]);
	}

	stop(): void {
		try {
			this.asPostgres('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'fast', '-w', 'stop']);
		} finally {
			rmSync(this.dir, { recursive: true, force: true });
		}
	}
}
