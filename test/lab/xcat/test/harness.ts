// Runs the bundled double on this machine against a temporary root (XCAT_DOUBLE_ROOT), with the
// local sqlite3 CLI, and a throwaway PostgreSQL cluster on 127.0.0.1:55432 or MariaDB server on
// 127.0.0.1:53306 when a test asks.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
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
	// mariadbd lives in /usr/sbin, which a non-login PATH may lack
	if (spawnSync('sh', ['-c', `PATH="$PATH:/usr/sbin:/sbin" command -v ${name}`]).status !== 0) {
		const pkg: Record<string, string> = {
			psql: 'postgresql',
			initdb: 'postgresql',
			mariadb: 'mariadb-client-core',
			mariadbd: 'mariadb-server-core',
			'mariadb-install-db': 'mariadb-server-core',
		};
		throw new Error(`${name} is missing on this machine: apt-get install -y --no-install-recommends ${pkg[name] ?? name}`);
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
			// fast unit-level runs of the double: real xCAT's time is modelled on the lab, not here
			XCAT_DOUBLE_COST: 'off',
			...extraEnv,
		};
	}

	/** timeoutMs: the command is killed then (status -1), for a daemon that waits */
	run(cmd: string, args: string[] = [], env: Record<string, string> = {}, input = '', timeoutMs?: number): Result {
		const r = spawnSync('node', [BUNDLE, cmd, ...args], {
			env: { ...this.env, ...env },
			encoding: 'utf8',
			input,
			...(timeoutMs ? { timeout: timeoutMs } : {}),
		});
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
		this.asPostgres('pg_ctl', [
			'-D',
			join(this.dir, 'data'),
			'-w',
			'-l',
			join(this.dir, 'log'),
			'-o',
			`-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${this.dir} -c fsync=off`,
			'start',
		]);
	}

	private asPostgres(tool: string, args: string[]): string {
		return execFileSync('runuser', ['-u', 'postgres', '--', `${this.bin}/${tool}`, ...args], {
			cwd: '/tmp',
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'pipe'],
		});
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

/**
 * A MariaDB server of our own on 127.0.0.1:53306 (Debian's mariadb-server-core, which starts no
 * service): a throwaway datadir, its socket in the temp dir, run as root (--user=root), since
 * the -core packages create no mysql user. Root logs in through that socket (unix_socket).
 */
export class LocalMariadb {
	readonly port = 53306;
	readonly dir: string;
	readonly socket: string;
	private readonly proc: ChildProcess;
	constructor() {
		requireTool('mariadbd');
		requireTool('mariadb');
		this.dir = mkdtempSync(join(tmpdir(), 'xcat-double-mariadb-'));
		this.socket = join(this.dir, 'mysqld.sock');
		execFileSync(
			'mariadb-install-db',
			['--no-defaults', '--user=root', `--datadir=${join(this.dir, 'data')}`, '--auth-root-authentication-method=socket', '--skip-test-db'],
			{ stdio: 'pipe' },
		);
		this.proc = spawn(
			'/usr/sbin/mariadbd',
			[
				'--no-defaults',
				'--user=root',
				`--datadir=${join(this.dir, 'data')}`,
				`--socket=${this.socket}`,
				'--bind-address=127.0.0.1',
				`--port=${this.port}`,
				`--pid-file=${join(this.dir, 'mariadbd.pid')}`,
				`--log-error=${join(this.dir, 'log')}`,
				'--skip-log-bin',
				'--innodb-flush-log-at-trx-commit=0',
				'--skip-name-resolve',
			],
			{ stdio: 'ignore' },
		);
		for (let i = 0; i < 300; i++) {
			if (spawnSync('mariadb', ['--no-defaults', `--socket=${this.socket}`, '-u', 'root', '-e', 'SELECT 1']).status === 0) return;
			spawnSync('sleep', ['0.1']);
		}
		this.stop();
		throw new Error(`mariadbd did not start on 127.0.0.1:${this.port}`);
	}

	/** Runs SQL as root over the socket; returns the tab-separated rows. */
	sql(statement: string, db = ''): string {
		return execFileSync(
			'mariadb',
			['--no-defaults', `--socket=${this.socket}`, '-u', 'root', '--batch', '--raw', '--skip-column-names', ...(db ? [db] : [])],
			{ input: statement, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] },
		);
	}

	stop(): void {
		try {
			if (this.proc.exitCode === null) {
				this.proc.kill('SIGTERM');
				for (let i = 0; i < 300 && existsSync(join(this.dir, 'mariadbd.pid')); i++) spawnSync('sleep', ['0.1']);
			}
		} finally {
			rmSync(this.dir, { recursive: true, force: true });
		}
	}
}
