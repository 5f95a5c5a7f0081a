// Decides what to do from what the host has and what was asked (pure): keep the database type
// and fix access (ensure), fix the shared files for a standby (shared), or switch type (switch).
import { cfglocHost, formatCfgloc, parseCfgloc, withCfglocHost, type DbType } from '../xcat/cfgloc';
import { dbService, pgDirs, type Desired } from './desired';
import { grantSqlFor, openNetwork, ungranted, type OptionFile } from './mycnf';
import { ensureHba, ensureListen, parseListen } from './pgconf';
import { PSQL_AS_POSTGRES, type Current, type DbFiles } from './probe';

/** A command; INPUT goes to its stdin and is never shown (it may hold a password). */
export interface Cmd {
	argv: string[];
	env?: Record<string, string>;
	input?: string;
}

export interface Edit {
	path: string;
	what: 'cfgloc' | 'pg_hba.conf' | 'postgresql.conf' | 'my.cnf';
	before: string;
	after: string;
}

export interface Ensure {
	edits: Edit[];
	/** what the database running here needs for the edits: pg_hba.conf is reloaded, listen_addresses or a MariaDB option file needs a restart */
	db: 'none' | 'reload' | 'restart';
	/** statements that grant xcatadmin what it lacks (MariaDB), run after the database is told */
	grants: Cmd[];
	restartXcatd: boolean;
	commands: Cmd[];
}

export interface SwitchSteps {
	to: 'postgresql' | 'mysql';
	backupDir: string;
	stopXcatd?: Cmd;
	dump: Cmd;
	/** pg_setup module: the access edits in pg_conf, made before the setup (the distribution's files: originals kept) */
	access?: Edit[];
	/** pg_setup module: the running server told of ACCESS (a reload for pg_hba.conf, a restart for listen_addresses) */
	prepareDb?: Cmd;
	/** pgsqlsetup or mysqlsetup; pg_setup module: the role and the database, created by psql (SQL on stdin) */
	setup: Cmd;
	/** pg_setup module: cfgloc is written by the module after the setup (pgsqlsetup and mysqlsetup write their own) */
	writeCfgloc?: boolean;
	/** mysqlsetup's -f file: the hosts to grant, one a line */
	hostFile?: { path: string; text: string };
	grant?: Cmd;
	restore?: Cmd;
	/** after the access edits: the new database listens on the VIP and lets every MN in */
	restartDb?: Cmd;
	startXcatd: Cmd;
	/** xcatd was stopped before the switch: started to prove it answers, then stopped again */
	stopXcatdAfter?: Cmd;
	/** what cfgloc will say (the password in it) */
	cfgloc: string;
}

export type Plan =
	| { kind: 'refuse'; msg: string; typeBefore?: DbType }
	| {
			kind: 'act';
			mode: 'ensure' | 'shared' | 'switch';
			typeBefore: DbType;
			sharedType?: DbType;
			ensure: Ensure;
			switch?: SwitchSteps;
			warnings: string[];
			msg: string;
	  };

export interface Context {
	stamp: string;
	backupRoot: string;
	/** check mode: a VIP not here yet is a warning (the task that adds it did not run for real either) */
	check?: boolean;
}

const NO_ENSURE: Ensure = { edits: [], db: 'none', grants: [], restartXcatd: false, commands: [] };

/** The type of the database files under a root: cfgloc's, SQLite tables' or none. */
export function filesType(f: DbFiles): { type?: DbType; evidence: string } {
	if (f.cfgloc !== undefined) return { type: parseCfgloc(f.cfgloc).type, evidence: `${f.root}/etc/xcat/cfgloc` };
	if (f.sqliteTables) return { type: 'sqlite', evidence: `SQLite tables in ${f.root}/etc/xcat and no cfgloc` };
	return { evidence: f.xcatDir ? `${f.root}/etc/xcat has no database` : `no ${f.root}/etc/xcat` };
}

export function plan(cur: Current, d: Desired, ctx: Context): Plan {
	const typeBefore = parseCfgloc(cur.local.cfgloc).type;
	const warnings: string[] = [];
	if (cur.xcatd.engine && cur.xcatd.engine !== typeBefore) {
		warnings.push(`xcatd runs on ${cur.xcatd.engine} but /etc/xcat/cfgloc says ${typeBefore}: xcatd was not restarted since cfgloc changed`);
	}
	if (d.type === 'sqlite' && d.addresses.length > 1) {
		warnings.push(
			'SQLite is allowed for management nodes that share /etc/xcat, but service nodes cannot use it (it takes no remote clients): use postgresql or mysql before adding service nodes',
		);
	}
	const shared = cur.shared ? { ...filesType(cur.shared), linked: cur.shared.linked, root: cur.shared.root } : undefined;
	if (shared?.type && shared.type !== d.type) {
		return {
			kind: 'refuse',
			typeBefore,
			msg: `the shared data at ${shared.root} holds a ${shared.type} database (${shared.evidence}), but type is ${d.type}: give type ${shared.type}, or a shared root that holds ${d.type} or no xCAT data yet; nothing was changed`,
		};
	}
	if (typeBefore === 'db2')
		return {
			kind: 'refuse',
			typeBefore,
			msg: 'xCAT uses DB2 here (/etc/xcat/cfgloc): xcat_db handles postgresql, mysql and sqlite only; nothing was changed',
		};
	const base = { kind: 'act' as const, typeBefore, ...(shared?.type ? { sharedType: shared.type } : {}) };

	if (typeBefore === d.type) {
		const e = ensure(cur.local, cur, d, true);
		if (typeof e === 'string') return { kind: 'refuse', typeBefore, msg: e };
		warnings.push(...e.warnings);
		return {
			...base,
			mode: 'ensure' as const,
			ensure: e.ensure,
			warnings,
			msg: e.ensure.edits.length
				? `${d.type}: access for the VIP and every MN address and cfgloc naming the VIP corrected`
				: `${d.type}: already in place`,
		};
	}

	if (shared?.type === d.type && cur.shared && !cur.shared.linked) {
		// the standby before its /etc/xcat is linked: pgsqlsetup here would initialise a second database
		const e = ensure(cur.shared, cur, d, false);
		if (typeof e === 'string') return { kind: 'refuse', typeBefore, msg: e };
		warnings.push(...e.warnings);
		if (d.type === 'postgresql' && cur.pg.load !== 'loaded') {
			warnings.push(`this node has no ${d.pgService} unit: it cannot run the shared database after a failover; install the PostgreSQL server package`);
		}
		if (d.type === 'mysql' && cur.mysql.unit.load !== 'loaded') {
			warnings.push(
				`this node has no ${d.mysqlService} unit: it cannot run the shared database after a failover; install the MariaDB (or MySQL) server package, or name its unit in mysql_service`,
			);
		}
		return {
			...base,
			mode: 'shared' as const,
			ensure: e.ensure,
			warnings,
			msg: `the shared data at ${cur.shared.root} already holds the ${d.type} database, so this node's own ${typeBefore} database is not switched (pgsqlsetup here would initialise a second one); link /etc/xcat${d.type === 'postgresql' ? ` and ${d.pgData}` : ''} to the shared data (xcat_shared_data) to use it`,
		};
	}

	const refuse = switchProblem(cur, d, typeBefore, ctx.check ?? false);
	if (refuse) return { kind: 'refuse', typeBefore, msg: refuse };
	if (!cur.vipHere) warnings.push(`the vip ${d.vip} is not on this host yet: a real run needs it here before switching (add it first with xcat_vip)`);
	const steps = switchSteps(cur, d, ctx);
	return {
		...base,
		mode: 'switch' as const,
		switch: steps,
		warnings,
		ensure: { ...NO_ENSURE, edits: [{ path: '/etc/xcat/cfgloc', what: 'cfgloc' as const, before: cur.local.cfgloc ?? '', after: `${steps.cfgloc}\n` }] },
		msg: `switching xCAT's database from ${typeBefore} to ${d.type}`,
	};
}

function switchProblem(cur: Current, d: Desired, from: DbType, check: boolean): string | undefined {
	const what = `switching xCAT's database from ${from} to ${d.type}`;
	if (d.type === 'sqlite') return `${what} is not supported (xCAT has no tool for it; restore a dumpxCATdb backup by hand if you must); nothing was changed`;
	if (from !== 'sqlite') return `${what} is not supported: xcat_db switches from sqlite only; nothing was changed`;
	if (d.password === undefined) return `password is required for ${what} (the password of the database's xCAT admin user); nothing was changed`;
	if (!cur.vipHere && !check)
		return `${what} needs the vip ${d.vip} on this host (the database will run here and cfgloc will name the VIP): add it first (xcat_vip); nothing was changed`;
	if (d.type === 'postgresql' && d.pgSetup === 'module') return moduleSetupProblem(cur, d, what);
	if (d.type === 'postgresql') {
		if (!cur.tools.pgsqlsetup) return `${what} needs pgsqlsetup (xCAT-client), found neither on PATH nor in /opt/xcat; nothing was changed`;
		if (cur.pg.load !== 'loaded')
			return `${what} needs the PostgreSQL server: there is no ${d.pgService} unit here (install postgresql-server, or name the unit in pg_service); nothing was changed`;
		if (cur.pg.active === 'active' || cur.pg.active === 'activating' || cur.pg.active === 'reloading')
			return `${what}: ${d.pgService} already runs here, though xCAT is on sqlite; stop it first (pgsqlsetup initialises a new database); nothing was changed`;
		if (cur.local.pgData === 'cluster' || cur.local.pgData === 'other')
			return `${what}: ${d.pgData} already holds ${cur.local.pgData === 'cluster' ? 'a PostgreSQL database' : 'files'}, and pgsqlsetup initialises a new one there; move it aside first; nothing was changed`;
	} else {
		if (!cur.tools.mysqlsetup) return `${what} needs mysqlsetup (xCAT-client), found neither on PATH nor in /opt/xcat; nothing was changed`;
		if (cur.mysql.unit.load !== 'loaded')
			return `${what} needs the MariaDB (or MySQL) server: there is no ${d.mysqlService} unit here (install mariadb-server, or name the unit in mysql_service); nothing was changed`;
		if (cur.mysql.hasXcatdb)
			return `${what}: ${d.mysqlData}/xcatdb already holds a database named xcatdb, and mysqlsetup would restore into it; drop or move it first; nothing was changed`;
		if (cur.xcatd.active !== 'active')
			return `${what} needs xcatd running (mysqlsetup backs up and restores through it); start it first; nothing was changed`;
	}
	return undefined;
}

/** Why the cluster that runs here cannot take xcatdb (pg_setup module), or undefined. */
function moduleSetupProblem(cur: Current, d: Desired, what: string): string | undefined {
	const how = `${what} with pg_setup module (xcatdb set up in the cluster that runs here)`;
	if (cur.pg.load !== 'loaded')
		return `${how} needs the PostgreSQL server: there is no ${d.pgService} unit here (install postgresql, or name the cluster's unit in pg_service, e.g. postgresql@15-main); nothing was changed`;
	if (cur.local.pgData !== 'cluster')
		return `${how} needs the cluster in ${d.pgData}, which ${cur.local.pgData === 'absent' ? 'does not exist' : cur.local.pgData === 'empty' ? 'is empty' : 'holds no PG_VERSION'} (Debian's package creates one: pg_createcluster <version> main; or give pg_data, or pg_setup pgsqlsetup for a new one); nothing was changed`;
	if (cur.pg.active !== 'active')
		return `${how}: ${d.pgService} is ${cur.pg.active || 'not running'}; start it first (what the cluster holds is read from it before anything changes); nothing was changed`;
	const { conf } = pgDirs('', d);
	for (const [name, text] of [
		['pg_hba.conf', cur.local.hba],
		['postgresql.conf', cur.local.conf],
	] as const) {
		if (text === undefined)
			return `${how}: there is no ${conf}/${name} (give pg_conf, the directory of the cluster's configuration: /etc/postgresql/<version>/main on Debian); nothing was changed`;
	}
	const c = cur.cluster;
	if (c === undefined) return `${how}: what the cluster holds was not read; nothing was changed`;
	if ('unreadable' in c) return `${how}: what the cluster holds cannot be read (${c.unreadable}); nothing was changed`;
	if (c.databases.includes('xcatdb'))
		return `${how}: the cluster of ${d.pgService} already holds a database named xcatdb (left by an earlier setup?); drop it (and the role xcatadm) or move the cluster aside first; nothing was changed`;
	const others = c.databases.filter((n) => n !== 'postgres');
	if (others.length)
		return `${how}: the cluster of ${d.pgService} holds other databases (${others.join(', ')}), and xcat_db uses only a cluster without user data; use another cluster (pg_data, pg_conf, pg_service); nothing was changed`;
	if (c.roles.includes('xcatadm'))
		return `${how}: the cluster of ${d.pgService} already has the role xcatadm, whose password xcat_db would have to change; drop it first; nothing was changed`;
	return undefined;
}

/** The statements that create xCAT's role and database as pgsqlsetup does (xcatdb owned by postgres, xcatadm with the password). */
export function setupSql(password: string): string {
	// checkArgs lets only letters and digits through: nothing to quote
	if (!/^[A-Za-z0-9]+$/.test(password)) throw new Error('the password must be letters and digits only');
	return `CREATE ROLE xcatadm LOGIN PASSWORD '${password}';\nCREATE DATABASE xcatdb;\n`;
}

/** What a failed module setup drops: only what it created (the plan refused a cluster that had either). */
export const DROP_SQL = 'DROP DATABASE IF EXISTS xcatdb;\nDROP ROLE IF EXISTS xcatadm;\n';

function switchSteps(cur: Current, d: Desired, ctx: Context): SwitchSteps {
	const backupDir = `${ctx.backupRoot}/${ctx.stamp}-sqlite`;
	const running = cur.xcatd.active === 'active';
	const bypass = { XCATBYPASS: '1' };
	const startXcatd: Cmd = { argv: ['systemctl', 'start', 'xcatd'] };
	const after = running ? {} : { stopXcatdAfter: { argv: ['systemctl', 'stop', 'xcatd'] } };
	const hosts = [...d.addresses, d.vip];
	const pgCfgloc = formatCfgloc({
		engine: 'Pg',
		fields: [
			['dbname', 'xcatdb'],
			['host', d.vip],
		],
		user: 'xcatadm',
		password: d.password ?? '',
	});
	if (d.type === 'postgresql' && d.pgSetup === 'module') {
		// what pgsqlsetup -i -N does, in the cluster that runs here: access first (the restore reaches it through the VIP)
		const ips = [d.vip, ...d.addresses];
		const { conf } = pgDirs('', d);
		const hba = ensureHba(cur.local.hba ?? '', ips),
			listen = ensureListen(cur.local.conf ?? '', ips);
		const access: Edit[] = [
			...(hba !== cur.local.hba ? [{ path: `${conf}/pg_hba.conf`, what: 'pg_hba.conf' as const, before: cur.local.hba ?? '', after: hba }] : []),
			...(listen !== cur.local.conf
				? [{ path: `${conf}/postgresql.conf`, what: 'postgresql.conf' as const, before: cur.local.conf ?? '', after: listen }]
				: []),
		];
		const verb = access.some((e) => e.what === 'postgresql.conf') ? 'restart' : access.length ? 'reload' : undefined;
		return {
			to: 'postgresql',
			backupDir,
			...(running ? { stopXcatd: { argv: ['systemctl', 'stop', 'xcatd'] } } : {}),
			dump: { argv: ['dumpxCATdb', '-p', backupDir], env: bypass },
			access,
			...(verb ? { prepareDb: { argv: ['systemctl', verb, d.pgService] } } : {}),
			setup: { argv: [...PSQL_AS_POSTGRES, '-d', 'postgres'], input: setupSql(d.password ?? '') },
			writeCfgloc: true,
			grant: { argv: [...PSQL_AS_POSTGRES, '-d', 'xcatdb', '-c', grantSql('xcatadm')] },
			restore: { argv: ['restorexCATdb', '-p', backupDir], env: bypass },
			startXcatd,
			...after,
			cfgloc: pgCfgloc,
		};
	}
	if (d.type === 'postgresql') {
		return {
			to: 'postgresql',
			backupDir,
			// nobody writes between the backup and the restore
			...(running ? { stopXcatd: { argv: ['systemctl', 'stop', 'xcatd'] } } : {}),
			dump: { argv: ['dumpxCATdb', '-p', backupDir], env: bypass },
			// -N: pgsqlsetup sets up the database without its own backup and restore, which fail on
			// PostgreSQL >= 15 (no CREATE on schema public); the module grants, then restores
			setup: { argv: ['pgsqlsetup', '-i', '-N', ...hosts.flatMap((a) => ['-a', a])], env: { XCATPGPW: d.password ?? '' } },
			grant: { argv: ['runuser', '-u', 'postgres', '--', 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', 'xcatdb', '-c', grantSql('xcatadm')] },
			restore: { argv: ['restorexCATdb', '-p', backupDir], env: bypass },
			restartDb: { argv: ['systemctl', 'restart', d.pgService] },
			startXcatd,
			...after,
			cfgloc: pgCfgloc,
		};
	}
	const hostFile = `${backupDir}/mysql-access-hosts`;
	return {
		to: 'mysql',
		backupDir,
		dump: { argv: ['dumpxCATdb', '-p', backupDir], env: bypass },
		hostFile: { path: hostFile, text: `${hosts.join('\n')}\n` },
		// mysqlsetup backs up, restores and grants the -f hosts itself, with xcatd running
		setup: { argv: ['mysqlsetup', '-i', '-f', hostFile, '-V'], env: { XCATMYSQLADMIN_PW: d.password ?? '', XCATMYSQLROOT_PW: d.password ?? '' } },
		startXcatd: { argv: ['systemctl', 'restart', 'xcatd'] },
		...after,
		cfgloc: formatCfgloc({
			engine: 'mysql',
			fields: [
				['dbname', 'xcatdb'],
				['host', d.vip],
			],
			user: 'xcatadmin',
			password: d.password ?? '',
		}),
	};
}

/** PostgreSQL >= 15 lets only the owner create in schema public; pgsqlsetup makes xcatdb owned by postgres. */
export function grantSql(user: string): string {
	if (!/^[a-z_][a-z0-9_]*$/.test(user)) throw new Error(`unexpected database user name ${JSON.stringify(user)}`);
	return `GRANT CREATE ON SCHEMA public TO ${user}`;
}

/**
 * The edits FILES need: pg_hba.conf and listen_addresses for the VIP and every MN address (postgresql),
 * cfgloc naming the VIP (postgresql, mysql); and what must then be reloaded or restarted here.
 * HERE: the files are this host's own view (the database may run here).
 */
export function ensure(files: DbFiles, cur: Current, d: Desired, here: boolean): { ensure: Ensure; warnings: string[] } | string {
	const type = parseCfgloc(files.cfgloc).type;
	const edits: Edit[] = [];
	const warnings: string[] = [];
	const ips = [d.vip, ...d.addresses];
	if (type === 'postgresql') {
		const { conf: dir, data } = pgDirs(files.root, d);
		const separate = d.pgConf !== d.pgData;
		for (const [name, text] of [
			['pg_hba.conf', files.hba],
			['postgresql.conf', files.conf],
		] as const) {
			if (text === undefined) {
				const hint = separate
					? ": give pg_conf, the directory of this host's PostgreSQL configuration (/etc/postgresql/<version>/main on Debian)"
					: files.root
						? ''
						: `: the database files are not on this host (link ${d.pgData} to the shared data, or give pg_data)`;
				return `cfgloc (${files.root}/etc/xcat/cfgloc) names a PostgreSQL database, but there is no ${dir}/${name}${hint}; nothing was changed`;
			}
		}
		const hba = ensureHba(files.hba!, ips);
		if (hba !== files.hba) edits.push({ path: `${dir}/pg_hba.conf`, what: 'pg_hba.conf', before: files.hba!, after: hba });
		const conf = ensureListen(files.conf!, ips);
		if (conf !== files.conf) edits.push({ path: `${dir}/postgresql.conf`, what: 'postgresql.conf', before: files.conf!, after: conf });
		if (files.autoConf !== undefined && parseListen(files.autoConf).line >= 0) {
			warnings.push(
				`${data}/postgresql.auto.conf sets listen_addresses (ALTER SYSTEM), which wins over postgresql.conf: check it names ${ips.join(', ')}`,
			);
		}
	}
	const grants: Cmd[] = [];
	if (type === 'mysql') {
		edits.push(...openingEdits(cur.mysql.optionFiles));
		const mysqlHere = here && cur.mysql.unit.active === 'active';
		if (mysqlHere && cur.mysql.grantsUnreadable)
			warnings.push(`the grants of xcatadmin could not be read, so they were not checked: ${cur.mysql.grantsUnreadable}`);
		const missing = mysqlHere && cur.mysql.grants ? ungranted(cur.mysql.grants, ips) : [];
		if (missing.length && d.password === undefined)
			warnings.push(`xcatadmin is not granted xcatdb from ${missing.join(', ')}: give password to grant it (as mysqlsetup -u -f would)`);
		else if (missing.length) grants.push({ argv: ['mysql', '--batch'], input: grantSqlFor(missing, d.password!) });
	}
	if ((type === 'postgresql' || type === 'mysql') && files.cfgloc !== undefined && cfglocHost(parseCfgloc(files.cfgloc)) !== d.vip) {
		edits.push({ path: `${files.root}/etc/xcat/cfgloc`, what: 'cfgloc', before: files.cfgloc, after: withCfglocHost(files.cfgloc, d.vip) });
	}
	const dbEdit = edits.some((e) => e.what === 'postgresql.conf' || e.what === 'my.cnf')
		? 'restart'
		: edits.some((e) => e.what === 'pg_hba.conf')
			? 'reload'
			: 'none';
	const service = dbService(d, type) ?? '';
	const dbHere = here && (type === 'mysql' ? cur.mysql.unit : cur.pg).active === 'active';
	const db = dbHere ? dbEdit : 'none';
	if (dbEdit !== 'none' && !dbHere) {
		const where =
			type === 'mysql'
				? 'the changed option files take effect at its next start'
				: `the changed PostgreSQL files take effect where it runs after a ${dbEdit} (or at its next start)`;
		warnings.push(`${service} does not run here: ${where}`);
	}
	const restartXcatd = here && cur.xcatd.active === 'active' && (db === 'restart' || edits.some((e) => e.what === 'cfgloc'));
	const commands: Cmd[] = [
		...(db !== 'none' ? [{ argv: ['systemctl', db, service] }] : []),
		...grants,
		...(restartXcatd ? [{ argv: ['systemctl', 'restart', 'xcatd'] }] : []),
	];
	return { ensure: { edits, db, grants, restartXcatd, commands }, warnings };
}

/** The edits that make MariaDB listen beyond localhost: one per option file that keeps it off the network. */
export function openingEdits(files: readonly OptionFile[]): Edit[] {
	return files.flatMap((f) => {
		const after = openNetwork(f.text);
		return after === f.text ? [] : [{ path: f.path, what: 'my.cnf' as const, before: f.text, after }];
	});
}

/** A command as the result shows it: environment first (secrets masked), as `env` would run it. */
export function shown(cmd: Cmd): string[] {
	const env = Object.entries(cmd.env ?? {}).map(([k, v]) => `${k}=${/PW$|^XCATCFG$/.test(k) ? '********' : v}`);
	return env.length ? ['env', ...env, ...cmd.argv] : [...cmd.argv];
}

/** Every command of a plan, in the order they run. */
export function planCommands(p: Extract<Plan, { kind: 'act' }>): Cmd[] {
	const s = p.switch;
	if (!s) return p.ensure.commands;
	return [s.stopXcatd, s.dump, s.prepareDb, s.setup, s.grant, s.restore, s.restartDb, s.startXcatd, s.stopXcatdAfter].filter(
		(c): c is Cmd => c !== undefined,
	);
}
