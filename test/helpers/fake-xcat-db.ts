// A host for xcat_db's contract tests: /etc and /var/lib overlaid in a private mount namespace (the module's
// files, cfgloc and backups land in temp directories, never on this machine), and fake systemctl, ip, psql,
// pgsqlsetup and xCAT database commands first on PATH (test/fixtures/fake-xcat-db.sh) keeping their state.
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runModule, type ModuleRun, type RunOpts } from '../../tools/lab/run-module';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/fake-xcat-db.sh');
const COMMANDS = ['systemctl', 'ip', 'lsxcatd', 'tabdump', 'dumpxCATdb', 'restorexCATdb', 'pgsqlsetup', 'runuser'];

export const SITE = '#key,value,comments,disable\n"master","198.51.100.11",,\n"domain","xcat.lab",,\n';
export const NODELIST =
	'#node,groups,status,statustime,appstatus,appstatustime,primarysn,hidden,updatestatus,updatestatustime,zonename,comments,disable\n"cn1","compute",,,,,,,,,,,\n';

export interface FakeDbHost {
	dir: string;
	/** the host's /etc and /var/lib as the module sees them: write here before a run, read after */
	etc: string;
	varLib: string;
	/** where ABS (under /etc or /var/lib) is for this test: its overlay's upper directory */
	at(abs: string): string;
	unit(name: string, active: string, enabled: string): Promise<void>;
	unitState(name: string): Promise<string>;
	/** a file of the fake's state (e.g. fail-restore, vip) */
	set(file: string, content?: string): Promise<void>;
	read(file: string): Promise<string>;
	calls(): Promise<string[]>;
	run(args: Record<string, unknown>, o?: RunOpts): Promise<ModuleRun>;
	remove(): Promise<void>;
}

/** PG_UNIT: the unit the fake psql answers through; the cluster starts with the database postgres only. */
export async function makeFakeDbHost(pgUnit: string): Promise<FakeDbHost> {
	const dir = await mkdtemp(join(tmpdir(), 'fake-xcat-db-'));
	for (const d of ['bin', 'units', 'sqlite', 'pg', 'etc', 'var-lib', 'work-etc', 'work-var-lib']) await mkdir(join(dir, d));
	await copyFile(SCRIPT, join(dir, 'fake'));
	await chmod(join(dir, 'fake'), 0o755);
	for (const c of COMMANDS) await symlink('../fake', join(dir, 'bin', c));
	await writeFile(join(dir, 'calls'), '');
	await writeFile(join(dir, 'sql'), '');
	await writeFile(join(dir, 'pg_unit'), pgUnit);
	await writeFile(join(dir, 'pg', 'databases'), 'postgres\n');
	await writeFile(join(dir, 'pg', 'roles'), '');
	await writeFile(join(dir, 'sqlite', 'site.csv'), SITE);
	await writeFile(join(dir, 'sqlite', 'nodelist.csv'), NODELIST);
	// xCAT on SQLite: its tables in /etc/xcat, no cfgloc
	await mkdir(join(dir, 'etc', 'xcat'));
	await writeFile(join(dir, 'etc', 'xcat', 'site.sqlite'), '');
	const host: FakeDbHost = {
		dir,
		etc: join(dir, 'etc'),
		varLib: join(dir, 'var-lib'),
		at: (abs) => {
			if (abs.startsWith('/etc/')) return join(dir, 'etc', abs.slice('/etc/'.length));
			if (abs.startsWith('/var/lib/')) return join(dir, 'var-lib', abs.slice('/var/lib/'.length));
			throw new Error(`${abs} is not under /etc or /var/lib, the overlaid directories`);
		},
		unit: (name, active, enabled) => writeFile(join(dir, 'units', name), `${active} ${enabled}\n`),
		unitState: async (name) => (await readFile(join(dir, 'units', name), 'utf8')).trim(),
		set: (file, content = '') => writeFile(join(dir, file), content),
		read: (file) => readFile(join(dir, file), 'utf8'),
		calls: async () =>
			(await readFile(join(dir, 'calls'), 'utf8'))
				.split('\n')
				.map((l) => l.trimEnd())
				.filter(Boolean),
		run: async (args, o = {}) => {
			const saved = { PATH: process.env.PATH, FAKE_XCAT_DB: process.env.FAKE_XCAT_DB };
			process.env.PATH = `${join(dir, 'bin')}:${saved.PATH ?? ''}`;
			process.env.FAKE_XCAT_DB = dir;
			try {
				return await runModule('xcat_db', args, {
					...o,
					overlays: [
						{ target: '/etc', upper: join(dir, 'etc'), work: join(dir, 'work-etc') },
						{ target: '/var/lib', upper: join(dir, 'var-lib'), work: join(dir, 'work-var-lib') },
					],
				});
			} finally {
				process.env.PATH = saved.PATH;
				if (saved.FAKE_XCAT_DB === undefined) delete process.env.FAKE_XCAT_DB;
				else process.env.FAKE_XCAT_DB = saved.FAKE_XCAT_DB;
			}
		},
		remove: () => rm(dir, { recursive: true, force: true }),
	};
	return host;
}
