// A stand-in for systemctl, journalctl and the xCAT commands xcat_services runs, for contract tests on a
// machine without a running systemd: units are files under a temp dir, every call is logged, and
// failures (a start that fails, fails N times, hangs, or "succeeds" without the unit running) are files too.
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/fake-systemd.sh');

export interface FakeSystemd {
	dir: string;
	/** PATH with the fake commands first */
	path: string;
	unit(name: string, active: string, enabled: string): Promise<void>;
	/** a file that changes behaviour: fail-start-<u>, flaky-start-<u> (content: failures left), hang-start-<u>, dies-<u>, fail-stop-<u>, lingers-<u>, fail-<xcat command>, slow-<xcat command> (content: seconds), site */
	set(file: string, content?: string): Promise<void>;
	calls(): Promise<string[]>;
	state(name: string): Promise<string>;
	remove(): Promise<void>;
}

export const SITE_ROWS = '#key,value,comments,disable\n"master","198.51.100.11",,\n"domain","xcat.lab",,\n';

export async function makeFakeSystemd(): Promise<FakeSystemd> {
	const dir = await mkdtemp(join(tmpdir(), 'fake-systemd-'));
	await mkdir(join(dir, 'units'));
	await mkdir(join(dir, 'bin'));
	await copyFile(SCRIPT, join(dir, 'fake'));
	await chmod(join(dir, 'fake'), 0o755);
	for (const c of ['systemctl', 'journalctl', 'tabdump', 'lsxcatd', 'makedns', 'makedhcp', 'makeconservercf', 'makegocons'])
		await symlink('../fake', join(dir, 'bin', c));
	await writeFile(join(dir, 'calls'), '');
	await writeFile(join(dir, 'site'), SITE_ROWS);
	return {
		dir,
		path: `${join(dir, 'bin')}:${process.env.PATH ?? ''}`,
		unit: (name, active, enabled) => writeFile(join(dir, 'units', name), `${active} ${enabled}\n`),
		set: (file, content = '') => writeFile(join(dir, file), content),
		calls: async () =>
			(await readFile(join(dir, 'calls'), 'utf8'))
				.split('\n')
				.map((l) => l.trimEnd())
				.filter(Boolean),
		state: async (name) => (await readFile(join(dir, 'units', name), 'utf8')).trim(),
		remove: () => rm(dir, { recursive: true, force: true }),
	};
}
