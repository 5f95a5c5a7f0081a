// pgsqlsetup -i [-N] [-a addr]… [-l addr]… (xCAT-client/bin/pgsqlsetup) in the EL layout:
// data in /var/lib/pgsql/data, run by the `postgresql` unit that EL's postgresql-server package
// ships (the lab installs it, disabled, with `xcat-double pg-unit`; without it pgsqlsetup says
// PostgreSQL is not installed, as the real one does without the package). Like the real one on PostgreSQL ≥ 15 it
// creates xcatdb owned by postgres and grants xcatadm nothing on schema public, so the restore
// fails quietly and xcatd cannot start, unless CREATE on public was granted beforehand (in
// template1); it still reports success. Debian's 9.1-path bug is not reproduced (EL layout).
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostPath, VERSION_LINE } from '../env.js';
import { getopt, flag, list } from '../getopt.js';
import { resolveIPv4 } from '../hosts.js';
import { Output } from '../output.js';
import { run, systemctl } from '../sys.js';
import { inProcess, type Ctx } from './common.js';
import { dumpxCATdb, restorexCATdb } from './dbdump.js';

export const DATA_DIR = '/var/lib/pgsql/data';
export const PG_UNIT_PATH = '/etc/systemd/system/postgresql.service';

const USAGE = [
	'Usage:\npgsqlsetup - Performs the setup of PostgreSQL for xCAT to use as its database. See man pgsqlsetup for more information.',
	'pgsqlsetup <-h|--help>\n           <-v|--version>\n           <-i|--init> [-N|--nostart] [-l|--listen address] [-a|--access address] [-P|--PCM] [-o|--odbc] [-V|--verbose]\n           <-o|--odbc> [-V|--verbose]',
];

function pgBinDir(): string | undefined {
	const base = '/usr/lib/postgresql';
	if (!existsSync(base)) return undefined;
	const versions = readdirSync(base)
		.filter((v) => existsSync(`${base}/${v}/bin/postgres`))
		.sort((a, b) => Number(b) - Number(a));
	return versions[0] ? `${base}/${versions[0]}/bin` : undefined;
}

export function pgUnit(bin: string): string {
	return `# PostgreSQL in the EL layout for the lab's xCAT double (as EL's postgresql-server ships it)
[Unit]
Description=PostgreSQL database server
After=network.target

[Service]
Type=notify
User=postgres
Group=postgres
Environment=PGDATA=${DATA_DIR}
ExecStart=${bin}/postgres -D \${PGDATA}
ExecReload=/bin/kill -HUP $MAINPID
KillMode=mixed
KillSignal=SIGINT
TimeoutSec=120

[Install]
WantedBy=multi-user.target
`;
}

export async function pgsqlsetup(ctx: Ctx): Promise<void> {
	const { out } = ctx;
	const p = getopt(ctx.args, [
		{ names: ['i', 'init'], key: 'i' },
		{ names: ['o', 'odbc'], key: 'o' },
		{ names: ['l', 'listen'], value: true, multi: true, key: 'l' },
		{ names: ['a', 'access'], value: true, multi: true, key: 'a' },
		{ names: ['N', 'nostart'], key: 'N' },
		{ names: ['P', 'PCM'], key: 'P' },
		{ names: ['h', 'help'], key: 'h' },
		{ names: ['v', 'version'], key: 'v' },
		{ names: ['V', 'verbose'], key: 'V' },
	]);
	const say = (t: string) => out.data(t);
	const fail = (t: string) => {
		out.raw(t);
		out.code(1);
	};
	if (p.bad) {
		USAGE.forEach(say);
		out.code(1);
		return;
	}
	if (flag(p, 'h')) {
		USAGE.forEach(say);
		return;
	}
	if (flag(p, 'v')) {
		say(VERSION_LINE);
		return;
	}
	if (!flag(p, 'i') && !flag(p, 'o')) {
		say('Either -i  or -o flag must be chosen');
		USAGE.forEach(say);
		out.code(1);
		return;
	}
	const bin = pgBinDir();
	if (!bin || !existsSync(hostPath(PG_UNIT_PATH))) {
		fail(
			' rpm -qa | grep postgresql | grep server failed. \nPostgreSQL is not installed.  If on AIX, it should be first obtained from the xcat dependency tarballs and installed before running this command.\n If on Linux, install from the OS CDs.',
		);
		return;
	}
	const pgRunning = run('pgrep', ['-x', 'postgres']).status === 0;
	const cfglocPath = hostPath('/etc/xcat/cfgloc');
	const onPg = existsSync(cfglocPath) && readFileSync(cfglocPath, 'utf8').includes('Pg');
	if (onPg && flag(p, 'i')) say('The /etc/xcat/cfgloc file is already configured for PostgreSQL. xcat database initialization will not take place.');
	let password = '';
	if (!onPg) {
		const env = process.env.XCATPGPW;
		if (env) password = env;
		else {
			say('Input the password for xcatadm id: ');
			out.flush();
			password = readFileSync(0, 'utf8').split('\n')[0] ?? '';
		}
		if (/[^a-zA-Z0-9]/.test(password)) {
			fail(
				env
					? 'The password in the env variable XCATPGPW is not alpha-numeric.'
					: 'The input password  is not alpha-numeric. Rerun the command an input an alpha-numeric password.',
			);
			return;
		}
	}
	if (flag(p, 'i') && !onPg) {
		const nostart = flag(p, 'N');
		const backupdir = '/root/xcat-dbback';
		let hname = run('hostname', []).stdout.trim();
		if (!nostart) {
			say(`Backing up xCAT Database to ${backupdir}.\nThis could take several minutes.`);
			const dir = hostPath(backupdir);
			mkdirSync(dir, { recursive: true });
			for (const f of readdirSync(dir)) rmSync(`${dir}/${f}`, { force: true, recursive: false });
			const sub = await inProcess('dumpxCATdb', ['-p', backupdir], dumpxCATdb);
			if (sub !== 0) {
				fail(` XCATBYPASS=1 dumpxCATdb -p ${backupdir} failed.`);
				return;
			}
			say('Shutting down the xcatd daemon during database migration.');
			out.flush();
			systemctl('stop', 'xcatd');
			const master = readFileSync(`${dir}/site.csv`, 'utf8')
				.split('\n')
				.find((l) => l.startsWith('"master'));
			if (master) hname = (master.split(',')[1] ?? '').split('"')[1] ?? hname;
		}
		const mn = resolveIPv4(hname);
		if (!mn) {
			fail(`Hostname resolution for ${hname} failed.`);
			return;
		}

		// initpgdb (the unit and the manual Debian clusters are the package's part: `xcat-double pg-unit`)
		mkdirSync(hostPath('/var/lib/pgsql'), { recursive: true });
		const pw = postgresIds();
		chownSync(hostPath('/var/lib/pgsql'), pw.uid, pw.gid);
		out.flush();
		const init = run('runuser', ['-u', 'postgres', '--', `${bin}/initdb`, '-D', DATA_DIR], { cwd: '/tmp' });
		out.data(...`${init.stdout}${init.stderr}`.split('\n'));
		const hba = hostPath(`${DATA_DIR}/pg_hba.conf`);
		if (existsSync(hba)) {
			copyFileSync(hba, `${hba}.org`);
			const text = readFileSync(hba, 'utf8');
			const access = [...list(p, 'a'), mn].filter((ip, i, all) => all.indexOf(ip) === i && !text.includes(ip));
			const lines = access.map((ip) => `host    all          all        ${ip}/32      md5`);
			if (lines.length) writeFileSync(hba, text.replace(/^(.*IPv4 local connections:.*)$/m, `$1\n${lines.join('\n')}`));
		}
		const conf = hostPath(`${DATA_DIR}/postgresql.conf`);
		if (existsSync(conf) && !readFileSync(conf, 'utf8').includes('setup by xCAT')) {
			const listen = ['localhost', mn, ...list(p, 'l')].join(',');
			writeFileSync(conf, `${readFileSync(conf, 'utf8')}#setup by xCAT\nlisten_addresses = '${listen}'\n`);
		}
		if (!pgStart(out, true)) return;
		if (!pgRunning && !pgStart(out, false)) return;
		if (systemctl('enable', '--quiet', 'postgresql').status !== 0) out.raw('enable service postgresql failed. PostgreSQL will not restart on reboot.');

		// setupxcatdb: the database belongs to postgres; xcatadm and root only get a login
		const created = run('runuser', ['-u', 'postgres', '--', `${bin}/createdb`, 'xcatdb'], { cwd: '/tmp' });
		for (const line of `${created.stdout}${created.stderr}`.split('\n'))
			if (line) {
				say(line);
				say(' ');
			}
		for (const user of ['xcatadm', 'root']) {
			run('runuser', ['-u', 'postgres', '--', `${bin}/psql`, '-X', '-q', '-d', 'xcatdb', '-c', `CREATE USER ${user} WITH PASSWORD '${password}';`], {
				cwd: '/tmp',
			});
		}

		// createcfgloc
		const backup = hostPath('/etc/xcat/cfgloc.xcat.backup');
		if (existsSync(cfglocPath) && !existsSync(backup)) renameSync(cfglocPath, backup);
		writeFileSync(cfglocPath, `Pg:dbname=xcatdb;host=${mn}|xcatadm|${password}\n`);
		chmodSync(cfglocPath, 0o600);

		if (!nostart) {
			say(`Restoring the xCAT Database with ${backupdir} to PostgreSQL database.\nThis could take several minutes.`);
			if (!existsSync(hostPath(backupdir))) {
				fail(` ${backupdir} is missing. Cannot retore the database.`);
				return;
			}
			const cfg = readFileSync(cfglocPath, 'utf8').split('\n')[0] ?? '';
			const rc = await inProcess('restorexCATdb', ['-p', backupdir], restorexCATdb, { XCATCFG: cfg });
			if (rc !== 0) {
				fail(` restorexCATdb -p ${backupdir} failed.`);
				return;
			}
			out.flush();
			systemctl('start', 'xcatd'); // its result is ignored, as xCAT::Utils->startservice's is
			say('xCAT is running on the PostgreSQL database.\n');
		} else {
			say('xCAT PostgreSQL database is setup.\n');
		}
	}
	if (flag(p, 'o')) out.raw("Setup of the ODBC is not supported by the lab's xCAT double.");
}

/**
 * What EL's postgresql-server package gives a host, for the lab: the `postgresql` unit (disabled)
 * for the EL data directory. It takes the name of Debian's unit, whose generator would also start
 * the Debian clusters set to auto on the same port, so those are set to manual. Idempotent.
 */
export function pgUnitInstall(ctx: Ctx): void {
	const bin = pgBinDir();
	if (!bin) {
		ctx.out.error('xcat-double pg-unit: no PostgreSQL server in /usr/lib/postgresql');
		return;
	}
	const path = hostPath(PG_UNIT_PATH);
	let changed = debianClustersManual();
	if (!existsSync(path) || readFileSync(path, 'utf8') !== pgUnit(bin)) {
		mkdirSync(hostPath('/etc/systemd/system'), { recursive: true });
		writeFileSync(`${path}.new`, pgUnit(bin));
		renameSync(`${path}.new`, path);
		changed++;
	}
	if (changed) systemctl('daemon-reload');
	ctx.out.data(`xcat-double pg-unit: ${changed} change(s)`);
}

/** /etc/postgresql/<v>/<c>/start.conf "auto" -> "manual", the original kept as start.conf.xcat-double */
export function debianClustersManual(): number {
	const base = hostPath('/etc/postgresql');
	if (!existsSync(base)) return 0;
	let changed = 0;
	for (const v of readdirSync(base)) {
		for (const c of existsSync(`${base}/${v}`) ? readdirSync(`${base}/${v}`) : []) {
			const f = `${base}/${v}/${c}/start.conf`;
			if (!existsSync(f) || !/^\s*auto\s*$/m.test(readFileSync(f, 'utf8'))) continue;
			if (!existsSync(`${f}.xcat-double`)) copyFileSync(f, `${f}.xcat-double`);
			writeFileSync(f, readFileSync(f, 'utf8').replace(/^\s*auto\s*$/m, 'manual'));
			changed++;
		}
	}
	return changed;
}

function postgresIds(): { uid: number; gid: number } {
	const line = readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((l) => l.startsWith('postgres:'));
	const f = line?.split(':') ?? [];
	return { uid: Number(f[2] ?? 0), gid: Number(f[3] ?? 0) };
}

function pgStart(out: Output, restart: boolean): boolean {
	out.data('Starting the PosgreSQL Server');
	out.flush();
	if (systemctl(restart ? 'restart' : 'start', 'postgresql').status !== 0) {
		out.raw(' failed to start postgresql.');
		out.code(1);
		return false;
	}
	for (let i = 0; i < 30; i++) {
		if (systemctl('is-active', '--quiet', 'postgresql').status === 0) return true;
		run('sleep', ['1']);
	}
	out.raw(' service postgresql start failed.');
	out.code(1);
	return false;
}
