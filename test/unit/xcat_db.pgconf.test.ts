import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureHba, ensureListen, hbaAllows, hbaLine, parseListen } from '../../modules/xcat_db/pgconf';

// pg_hba.conf as initdb writes it, then pgsqlsetup's lines after the IPv4 comment
const HBA = `# TYPE  DATABASE        USER            ADDRESS                 METHOD

# "local" is for Unix domain socket connections only
local   all             all                                     trust
# IPv4 local connections:
host    all          all        198.51.100.10/32      md5
host    all          all        198.51.100.11/32      md5
host    all             all             127.0.0.1/32            trust
# IPv6 local connections:
host    all             all             ::1/128                 trust
`;
const H = suite('pg_hba.conf');

H('pgsqlsetup lines allow; comments, other methods and other masks do not', () => {
	assert.ok(hbaAllows(HBA, '198.51.100.11'));
	assert.not.ok(hbaAllows(HBA, '198.51.100.12'));
	assert.not.ok(hbaAllows('#host all all 198.51.100.12/32 md5\n', '198.51.100.12'));
	assert.not.ok(hbaAllows('host all all 198.51.100.12/32 reject\n', '198.51.100.12'));
	assert.not.ok(hbaAllows('host all all 198.51.100.0/24 md5\n', '198.51.100.12'));
	assert.ok(hbaAllows('host all all 198.51.100.12/32 scram-sha-256\n', '198.51.100.12'));
	assert.ok(hbaAllows('host all all 198.51.100.12 255.255.255.255 md5\n', '198.51.100.12'));
	assert.not.ok(hbaAllows(HBA, '98.51.100.11'));
});

H('a missing address is added after the xCAT lines that follow the IPv4 comment', () => {
	const out = ensureHba(HBA, ['198.51.100.10', '198.51.100.11', '198.51.100.12']);
	assert.is(out, HBA.replace('198.51.100.11/32      md5\n', `198.51.100.11/32      md5\n${hbaLine('198.51.100.12')}\n`));
	assert.is(ensureHba(out, ['198.51.100.10', '198.51.100.11', '198.51.100.12']), out, 'second run changes nothing');
});

H('without the IPv4 comment the lines go at the end; a missing final newline is added', () => {
	assert.is(ensureHba('local all all trust', ['10.0.0.1']), `local all all trust\n${hbaLine('10.0.0.1')}\n`);
	assert.is(ensureHba('', ['10.0.0.1', '10.0.0.1']), `${hbaLine('10.0.0.1')}\n`);
});

const L = suite('listen_addresses');

L('the last uncommented setting is the one PostgreSQL uses; the default is localhost', () => {
	const conf =
		"#listen_addresses = 'localhost'\t# what IP address(es) to listen on;\nport = 5432\n#setup by xCAT\nlisten_addresses = 'localhost,198.51.100.11'\n";
	assert.equal(parseListen(conf), { line: 3, addresses: ['localhost', '198.51.100.11'] });
	assert.equal(parseListen("listen_addresses='a, b'\nlisten_addresses = c # x\n"), { line: 1, addresses: ['c'] });
	assert.equal(parseListen('port = 5432\n'), { line: -1, addresses: ['localhost'] });
});

L('missing addresses are appended to the effective line, comment kept; idempotent', () => {
	const conf = "port = 5432\n#setup by xCAT\nlisten_addresses = 'localhost,198.51.100.11'  # xCAT\n";
	const out = ensureListen(conf, ['198.51.100.10', '198.51.100.11', '198.51.100.12']);
	assert.is(out, "port = 5432\n#setup by xCAT\nlisten_addresses = 'localhost,198.51.100.11,198.51.100.10,198.51.100.12'\t# xCAT\n");
	assert.is(ensureListen(out, ['198.51.100.10', '198.51.100.11', '198.51.100.12']), out);
});

L("no setting: one is appended; '*' already listens everywhere", () => {
	assert.is(ensureListen('port = 5432', ['10.0.0.1']), "port = 5432\nlisten_addresses = 'localhost,10.0.0.1'\t# xcat-ha: the VIP and every MN address\n");
	assert.is(ensureListen("listen_addresses = '*'\n", ['10.0.0.1']), "listen_addresses = '*'\n");
	// localhost is added when missing
	assert.is(ensureListen("listen_addresses = '10.0.0.1'\n", ['10.0.0.1']), "listen_addresses = '10.0.0.1,localhost'\n");
});

H.run();
L.run();
