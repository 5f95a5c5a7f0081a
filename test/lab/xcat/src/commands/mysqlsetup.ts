// mysqlsetup -i|-u [-f hostfile] [-V] (xCAT-client/bin/mysqlsetup) on Debian's MariaDB: unit
// `mariadb`, data in /var/lib/mysql. On Debian the real script comments out `bind` lines in
// /etc/mysql/my.cnf only (sed into /tmp, then mv over it, which replaces Debian's link with a
// file); MariaDB's bind-address = 127.0.0.1 is in mariadb.conf.d/50-server.cnf, so the server still
// listens on localhost only afterwards - as here. The SQL the real one types into `mysql -u root -p`
// through Expect goes to the mariadb CLI as root over the local socket, the SQL on stdin.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { askXcatd, bypassed, xcatdAddress } from '../client.js';
import { lit } from '../db/sql.js';
import { fqdn, hostPath, shortHostname, VERSION_LINE } from '../env.js';
import { getopt, flag, str } from '../getopt.js';
import { resolveIPv4 } from '../hosts.js';
import { run, systemctl } from '../sys.js';
import { inProcess, type Ctx } from './common.js';
import { dumpxCATdb, restorexCATdb } from './dbdump.js';

export const MYSQL_DATA_DIR = '/var/lib/mysql';
export const MY_CNF = '/etc/mysql/my.cnf';
const BACKUP_DIR = '/root/xcat-dbback';

const USAGE = [
	'Usage:\nmysqlsetup - Performs the setup of MySQL or MariaDB for xCAT to use as its database. See man mysqlsetup for more information.',
	'mysqlsetup <-h|--help>\n           <-v|--version>\n           <-i|--init> [-f|hostfile] [-o|--odbc] [-L|--LL] [-V|--verbose]\n           <-u|--update> <-f|hostfile> [-o|--odbc] [-L|--LL] [-V|--verbose]\n           <-o|--odbc> [-V|--verbose]\n           <-L|--LL> [-V|--verbose]',
];

const NOT_ALNUM_INPUT = 'The input password  is not alpha-numeric. Rerun the command an input an alpha-numeric password.';
export const ALREADY_CONFIGURED =
	"The /etc/xcat/cfgloc file is already configured for MySQL and xCAT is using mysql or mariadb as it's database. No xCAT setup is required.";

/** The GRANT statement of setupxcatdb and addhosts, one per host. */
export const grantSql = (host: string, password: string) => `GRANT ALL on xcatdb.* TO xcatadmin@${lit(host)} IDENTIFIED BY ${lit(password)};`;

/** addhosts: one host per line, each line chop()ed as Perl does (a last line without newline loses its last character). */
export function hostfileHosts(text: string): string[] {
	if (text === '') return [];
	const lines = text.split(/(?<=\n)/);
	return lines.map((l) => l.slice(0, -1));
}

/**
 * Runs SQL as the MariaDB root user over the local socket, as `mysql -u root -p` does. The real
 * script types the statements through Expect, which only fails when no prompt comes (no session):
 * a statement that fails (CREATE USER of a user left by an earlier run) is not noticed.
 */
export function rootSql(sql: string, rootPassword: string): { ok: boolean; error: string } {
	const r = run('mariadb', ['--no-defaults', '--user=root', '--batch', '--skip-column-names', '--force'], {
		input: sql,
		env: { ...process.env, MYSQL_PWD: rootPassword },
	});
	const error = (r.stderr || r.stdout).trim();
	// client errors (2xxx: no server, no socket) and refused logins mean there was no session
	const noSession = /^ERROR (2\d{3}|1045|1698) /m.test(error);
	return { ok: r.status === 0 || !noSession, error };
}

export async function mysqlsetup(ctx: Ctx): Promise<void> {
	const { out } = ctx;
	const p = getopt(ctx.args, [
		{ names: ['i', 'init'], key: 'i' },
		{ names: ['u', 'update'], key: 'u' },
		{ names: ['f', 'hostfile'], value: true, key: 'f' },
		{ names: ['o', 'odbc'], key: 'o' },
		{ names: ['L', 'LL'], key: 'L' },
		{ names: ['h', 'help'], key: 'h' },
		{ names: ['v', 'version'], key: 'v' },
		{ names: ['V', 'verbose'], key: 'V' },
	]);
	const say = (t: string) => out.data(t);
	const fail = (t: string) => {
		out.raw(t);
		out.code(1);
	};
	const verbose = flag(p, 'V');
	const runcmd = (cmd: string) => {
		if (verbose) say(`Running command on ${shortHostname()}: ${cmd} 2>&1\n`);
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
	const init = flag(p, 'i'),
		update = flag(p, 'u'),
		odbc = flag(p, 'o'),
		ll = flag(p, 'L');
	const hostfileArg = str(p, 'f');
	const hostfile = hostfileArg && hostPath(hostfileArg);
	if (!init && !update && !odbc && !ll) {
		say('Either -i or -u or -o flag must be chosen');
		USAGE.forEach(say);
		out.code(1);
		return;
	}
	const odbconly = (!init && !update && !ll && odbc) || (!hostfile && update && odbc);
	if (init && update) {
		fail(' The -i and -u flags may not be input to the command. Use one or the other. \n ');
		return;
	}
	if (update && !hostfile && !odbc) {
		fail(
			' The -u flag requires the -o flag or the  -f flag pointing to a file that contains the list of hosts that you would like to add to database access.',
		);
		return;
	}
	if (hostfile && !existsSync(hostfile)) {
		fail(' The -f flag is pointing to a non-existing file.');
		return;
	}

	runcmd('dpkg -l | grep mysql-server');
	if (!existsSync('/usr/sbin/mariadbd') && !existsSync('/usr/sbin/mysqld')) {
		fail(
			' dpkg -l | grep mysql-server failed. \nMySQL perl DBD is not installed.  If on AIX, it should be first obtained from the xcat dependency tarballs and installed before running this command.\n If on Linux, install from the OS CDs.',
		);
		return;
	}
	runcmd('ps -ef | grep mysqld');
	const mysqlRunning = run('pgrep', ['-x', 'mariadbd']).status === 0 || run('pgrep', ['-x', 'mysqld']).status === 0;
	if (mysqlRunning && init) say('MySQL is running.  Database initialization will not take place.');
	const cfglocPath = hostPath('/etc/xcat/cfgloc');
	const xcatRunningMysql = existsSync(cfglocPath) && readFileSync(cfglocPath, 'utf8').includes('mysql');
	if (xcatRunningMysql && init) say(ALREADY_CONFIGURED);

	let adminPw = '',
		rootPw = '';
	if ((!odbconly && !xcatRunningMysql) || update || ll) {
		const admin = readPassword('XCATMYSQLADMIN_PW', 'Input the alpha-numberic  password for xcatadmin in the MySQL database: ');
		if (admin.error) {
			fail(admin.error);
			return;
		}
		const root = readPassword('XCATMYSQLROOT_PW', 'Input the password for root in the MySQL database: ');
		if (root.error) {
			fail(root.error);
			return;
		}
		adminPw = admin.value;
		rootPw = root.value;
	}

	if (init && !xcatRunningMysql) {
		if (!mysqlRunning) {
			if (!initMysqlDb(ctx, runcmd)) return;
			if (!mysqlStart(ctx)) return;
			runcmd('systemctl enable mariadb');
			if (systemctl('enable', '--quiet', 'mariadb').status !== 0) fail(' systemctl enable mariadb failed. MySQL will not restart on reboot.');
			// mysqladmin -u root password …, without the password on a command line
			if (!rootSql(`SET PASSWORD = PASSWORD(${lit(rootPw)});`, '').ok) {
				say(
					'Warning, mysqladmin -u root password command failed, trying to set root password in MySQL. If root id has been defined in MySQL, and has a password then this message can be ignored.',
				);
			}
		}

		say(`Backing up xCAT Database to ${BACKUP_DIR}.\nThis could take several minutes.`);
		const backup = hostPath(BACKUP_DIR);
		if (!existsSync(backup)) {
			runcmd(`mkdir -p ${BACKUP_DIR}`);
			mkdirSync(backup, { recursive: true });
		} else {
			runcmd(`rm -f ${BACKUP_DIR}/*`);
			for (const f of readdirSync(backup)) rmSync(`${backup}/${f}`, { force: true, recursive: false });
		}
		// unlike pgsqlsetup, no XCATBYPASS: the dump goes through xcatd, which must be running
		runcmd(`dumpxCATdb -p ${BACKUP_DIR}`);
		const dumped = (await xcatdAnswers()) && (await inProcess('dumpxCATdb', ['-p', BACKUP_DIR], dumpxCATdb)) === 0;
		if (!dumped) {
			fail(` dumpxCATdb -p ${BACKUP_DIR} failed.`);
			return;
		}
		say('Shutting down the xcatd daemon during database migration.');
		out.flush();
		systemctl('stop', 'xcatd');

		runcmd(`grep master ${BACKUP_DIR}/site.csv`);
		const siteCsv = existsSync(`${backup}/site.csv`) ? readFileSync(`${backup}/site.csv`, 'utf8') : '';
		const masterLine = siteCsv.split('\n').find((l) => l.includes('master'));
		const hname = masterLine ? ((masterLine.split(',')[1] ?? '').split('"')[1] ?? '') : fqdn();
		const mn = resolveIPv4(hname);
		if (!mn) {
			fail(`Hostname resolution for ${hname} failed.`);
			return;
		}

		// setupxcatdb: CREATE USER gives xcatadmin@'%' (no privilege on xcatdb); only the MN's address is granted
		const grants = [mn];
		const created = rootSql(
			[
				'CREATE DATABASE xcatdb;ALTER DATABASE xcatdb DEFAULT CHARACTER SET latin1;',
				`CREATE USER xcatadmin IDENTIFIED BY ${lit(adminPw)};`,
				...grants.map((h) => grantSql(h, adminPw)),
			].join('\n'),
			rootPw,
		);
		if (!created.ok) {
			fail(`Failed creating database. ${created.error}`);
			return;
		}

		// createcfgloc: cfgloc.mysql (the previous one kept as cfgloc.mysql.backup), then restorexcatdb
		// copies it to cfgloc, keeping a cfgloc of another database once as cfgloc.olddb
		const cfglocMysql = hostPath('/etc/xcat/cfgloc.mysql');
		if (existsSync(cfglocMysql)) renameSync(cfglocMysql, `${cfglocMysql}.backup`);
		writeFileSync(cfglocMysql, `mysql:dbname=xcatdb;host=${mn}|xcatadmin|${adminPw}\n`, { mode: 0o600 });
		chmodSync(cfglocMysql, 0o600);
		const olddb = hostPath('/etc/xcat/cfgloc.olddb');
		if (existsSync(cfglocPath) && !existsSync(olddb)) {
			runcmd('cp /etc/xcat/cfgloc /etc/xcat/cfgloc.olddb');
			copyFileSync(cfglocPath, olddb);
		}
		runcmd('cp /etc/xcat/cfgloc.mysql /etc/xcat/cfgloc');
		copyFileSync(cfglocMysql, cfglocPath);
		chmodSync(cfglocPath, 0o600);
		const xcatcfg = readFileSync(cfglocPath, 'utf8').split('\n')[0] ?? '';

		say(`Restoring the xCAT Database with ${BACKUP_DIR} to MySQL database.\nThis could take several minutes.`);
		if (!existsSync(backup)) {
			fail(` ${BACKUP_DIR} is missing. Cannot retore the database.`);
			return;
		}
		const rc = await inProcess('restorexCATdb', ['-p', BACKUP_DIR], restorexCATdb, { XCATCFG: xcatcfg });
		if (rc !== 0) {
			fail(` XCATBYPASS=y XCATCFG="${xcatcfg}"  restorexCATdb -p ${BACKUP_DIR} failed.`);
			return;
		}
		out.flush();
		systemctl('restart', 'xcatd'); // its result is ignored, as the real `service xcatd restart`'s is
		say('xCAT is now running on the MySQL database.');
	}

	if (odbc) out.raw("Setup of the ODBC is not supported by the lab's xCAT double.");
	if (ll) out.raw("The LoadLeveler setup is not supported by the lab's xCAT double.");

	if (hostfile) {
		// addhosts: one mysql session per host, stopping at the first failure
		for (const host of hostfileHosts(readFileSync(hostfile, 'utf8'))) {
			const r = rootSql(grantSql(host, adminPw), rootPw);
			if (!r.ok) {
				fail(`Failed adding  hosts. ${r.error}`);
				return;
			}
		}
	}

	function readPassword(env: string, prompt: string): { value: string; error?: string } {
		const v = process.env[env];
		if (v) return /[^a-zA-Z0-9]/.test(v) ? { value: '', error: ` The password in the env variable ${env} is not alpha-numeric.` } : { value: v };
		// no terminal in the double: the prompt is shown and the empty answer refused
		say(prompt);
		return { value: '', error: NOT_ALNUM_INPUT };
	}
}

/** initmysqldb: comment out bind lines of /etc/mysql/my.cnf (Debian), then the data directory if the package has not made it. */
function initMysqlDb(ctx: Ctx, runcmd: (cmd: string) => void): boolean {
	const sed = `sed 's/\\(^\\s*bind.*\\)/#\\1/' ${MY_CNF} > /tmp/my.cnf; mv -f /tmp/my.cnf ${MY_CNF};chmod 644 ${MY_CNF}`;
	runcmd(sed);
	const cnf = hostPath(MY_CNF);
	if (!existsSync(cnf)) {
		ctx.out.raw(` comment the bind-address line in /etc/mysql/my.cfg failed: ${sed}.`);
		ctx.out.code(1);
		return false;
	}
	const text = readFileSync(cnf, 'utf8').replace(/^(\s*bind.*)$/gm, '#$1');
	rmSync(cnf, { force: true }); // mv -f over a symbolic link replaces the link, not its target
	writeFileSync(cnf, text, { mode: 0o644 });
	chmodSync(cnf, 0o644);
	runcmd('/usr/bin/mysql_install_db --user=mysql');
	// mysql_install_db on an initialised directory only says so and succeeds
	if (existsSync(hostPath(`${MYSQL_DATA_DIR}/mysql`))) return true;
	const r = run('mariadb-install-db', ['--user=mysql', `--datadir=${hostPath(MYSQL_DATA_DIR)}`]);
	if (r.status !== 0) {
		ctx.out.raw(' /usr/bin/mysql_install_db --user=mysql failed.');
		ctx.out.code(1);
		return false;
	}
	return true;
}

function mysqlStart(ctx: Ctx): boolean {
	ctx.out.flush();
	if (systemctl('start', 'mariadb').status !== 0) {
		ctx.out.raw(' failed to start mysql/mariadb.');
		ctx.out.code(1);
		return false;
	}
	for (let i = 0; i < 120; i++) {
		if (systemctl('is-active', '--quiet', 'mariadb').status === 0) return true;
		run('sleep', ['1']);
	}
	ctx.out.raw(' Could not start the mysql daemon, in time allocated ( 2minutes)');
	ctx.out.code(1);
	return false;
}

async function xcatdAnswers(): Promise<boolean> {
	if (bypassed() || process.env.XCAT_DOUBLE_NOXCATD === '1') return true;
	const addr = xcatdAddress();
	try {
		await askXcatd(addr.host, addr.port, { command: 'dumpxCATdb', args: ['-p', BACKUP_DIR], user: process.env.USER || 'root', pid: process.pid });
		return true;
	} catch {
		return false;
	}
}
