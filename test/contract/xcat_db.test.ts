// xcat_db's bundle, run as Ansible runs it, on this machine (no xCAT here): bad input fails before
// anything is read or changed, naming the option; the password never appears in any output.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { runModule } from '../../tools/lab/run-module';

const GOOD = { type: 'postgresql', vip: '198.51.100.10', addresses: ['198.51.100.11', '198.51.100.12'] };
const db = (args: Record<string, unknown>, o = {}) => runModule('xcat_db', { ...GOOD, ...args }, o);

const Bad = suite('xcat_db bad input: fails before anything, naming the option');

const BAD: Array<[Record<string, unknown>, string]> = [
	[
		{ colour: 'red' },
		'Unsupported parameters for (xcat_db) module: colour. Supported parameters include: addresses, mysql_data, mysql_service, password, path, pg_conf, pg_data, pg_service, pg_setup, type, vip.',
	],
	[{ type: null, vip: null, addresses: null }, 'missing required arguments: addresses, type, vip'],
	[{ type: 'db2' }, 'value of type must be one of: postgresql, mysql, sqlite, got: db2'],
	[{ vip: '198.51.100' }, 'value of vip must be an IPv4 address in dotted-quad form (e.g. 198.51.100.10), got: "198.51.100"'],
	[{ vip: '198.51.100.10\nreboot' }, 'value of vip must be an IPv4 address in dotted-quad form (e.g. 198.51.100.10), got: "198.51.100.10\\nreboot"'],
	[{ addresses: [] }, 'addresses must have at least 1 item(s), got: []'],
	[{ addresses: ['198.51.100.11', '$(reboot)'] }, 'value of addresses[1] must be an IPv4 address in dotted-quad form (e.g. 198.51.100.10), got: "$(reboot)"'],
	[{ addresses: ['198.51.100.11', '198.51.100.10'] }, "addresses must be the management nodes' own addresses, not the vip (198.51.100.10)"],
	[{ addresses: '198.51.100.11,224.0.0.1' }, 'value of addresses[1] must be a unicast host address, got: 224.0.0.1 (it is a multicast address)'],
	[{ addresses: [{ ip: '198.51.100.11' }] }, 'elements of addresses must be strings, got a dict'],
	[{ path: 'HA' }, 'value of path must be an absolute path, got: "HA"'],
	[{ path: '/HA/../etc' }, `value of path must be an absolute path without '.' or '..' components, got: "/HA/../etc"`],
	[{ pg_data: 'var/lib/pgsql/data' }, 'value of pg_data must be an absolute path, got: "var/lib/pgsql/data"'],
	[{ pg_service: 'postgresql;reboot' }, 'value of pg_service must be a systemd unit name (letters, digits, @ . _ -), got: "postgresql;reboot"'],
	[{ pg_conf: 'etc/postgresql/15/main' }, 'value of pg_conf must be an absolute path, got: "etc/postgresql/15/main"'],
	[{ pg_conf: '/etc/postgresql/15/main/' }, `value of pg_conf must not end with '/', got: "/etc/postgresql/15/main/"`],
	[{ pg_setup: 'initdb' }, 'value of pg_setup must be one of: pgsqlsetup, module, got: initdb'],
	[{ mysql_data: 'var/lib/mysql' }, 'value of mysql_data must be an absolute path, got: "var/lib/mysql"'],
	[{ mysql_data: '/var/lib/../mysql' }, `value of mysql_data must be an absolute path without '.' or '..' components, got: "/var/lib/../mysql"`],
	[{ mysql_service: 'maria db' }, 'value of mysql_service must be a systemd unit name (letters, digits, @ . _ -), got: "maria db"'],
	[{ password: 'cluster' }, "value of password must not be xCAT's documented default password: choose a secret one (from a vault)"],
	[{ password: 'pa$$word' }, 'value of password must be letters and digits only (pgsqlsetup refuses anything else)'],
	[{ password: ['x'] }, "argument 'password' is of type list and we were unable to convert to str: a list is not a string"],
];

Bad('every bad value is refused with the option named; no command ran', async () => {
	for (const [args, msg] of BAD) {
		const { result } = await db(args);
		assert.is(result.failed, true, JSON.stringify(args));
		assert.is(result.msg, msg, JSON.stringify(args));
		assert.equal(result.commands ?? [], [], JSON.stringify(args));
	}
});

Bad('the password is masked in the invocation and anywhere in the output', async () => {
	for (const password of ['cluster', 'pa$$word', 'S3cretPw']) {
		const { stdout, result } = await db({ password, path: '/nonexistent-xcat-ha-shared' });
		assert.is(result.failed, true);
		assert.is(result.invocation.module_args.password, 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER');
		assert.not.ok(stdout.includes(password), password);
	}
});

Bad('a shared root that does not exist is refused before anything else is read', async () => {
	const { result } = await db({ path: '/nonexistent-xcat-ha-shared' });
	assert.is(result.failed, true);
	assert.is(result.msg, 'path /nonexistent-xcat-ha-shared does not exist: give the shared root (e.g. /HA), mounted');
});

Bad.run();

const Here = suite('xcat_db on a machine without xCAT');

Here('no cfgloc is SQLite: a switch without a password is refused, nothing created', async () => {
	const { result } = await db({});
	assert.is(result.failed, true);
	assert.is(
		result.msg,
		"password is required for switching xCAT's database from sqlite to postgresql (the password of the database's xCAT admin user); nothing was changed",
	);
	assert.is(result.type_before, 'sqlite');
	assert.is(result.switched, false);
	assert.not.ok(existsSync('/var/lib/xcat-ha/xcat_db'));
});

Here('type sqlite in check mode: nothing to do, the service-node warning for two MNs', async () => {
	const { result } = await db({ type: 'sqlite' }, { check: true, diff: true });
	assert.is(result.failed, undefined, result.msg);
	assert.is(result.changed, false);
	assert.equal([result.type_before, result.type, result.mode, result.switched], ['sqlite', 'sqlite', 'ensure', false]);
	assert.equal(result.commands, []);
	assert.equal(result.diff, []);
	assert.match(result.warnings.join('\n'), /service nodes cannot use it/);
});

Here.run();
