import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cfglocHost, formatCfgloc, lsxcatdHost, lsxcatdType, maskCfgloc, parseCfgloc, withCfglocHost } from '../../modules/xcat/cfgloc';

const PG = 'Pg:dbname=xcatdb;host=198.51.100.11|xcatadm|s3cret\n';
const C = suite('cfgloc');

C('PostgreSQL as pgsqlsetup writes it: engine, fields, user, password', () => {
	const c = parseCfgloc(PG);
	assert.equal(c, {
		type: 'postgresql',
		engine: 'Pg',
		fields: [
			['dbname', 'xcatdb'],
			['host', '198.51.100.11'],
		],
		user: 'xcatadm',
		password: 's3cret',
	});
	assert.is(cfglocHost(c), '198.51.100.11');
	assert.is(`${formatCfgloc(c)}\n`, PG);
});

C('MySQL, DB2, SQLite forms and no file', () => {
	assert.is(parseCfgloc('mysql:dbname=xcatdb;host=10.1.0.1|xcatadmin|pw').type, 'mysql');
	assert.is(parseCfgloc('DB2:xcatdb|xcatdb|pw').type, 'db2');
	assert.is(parseCfgloc('SQLite:/etc/xcat').type, 'sqlite');
	assert.is(parseCfgloc('/etc/xcat').type, 'sqlite'); // a bare directory is SQLite
	assert.is(parseCfgloc(undefined).type, 'sqlite');
	assert.is(parseCfgloc('').type, 'sqlite');
	// as xCAT: anything else with an engine is taken for PostgreSQL
	assert.is(parseCfgloc('Odd:dbname=x|u|p').type, 'postgresql');
});

C('withCfglocHost replaces or adds host=, keeps the rest and the other lines', () => {
	assert.is(withCfglocHost(PG, '198.51.100.10'), 'Pg:dbname=xcatdb;host=198.51.100.10|xcatadm|s3cret\n');
	assert.is(withCfglocHost('Pg:dbname=xcatdb|xcatadm|pw', '198.51.100.10'), 'Pg:dbname=xcatdb;host=198.51.100.10|xcatadm|pw\n');
	assert.is(withCfglocHost(`${PG}# note\n`, '10.0.0.1'), 'Pg:dbname=xcatdb;host=10.0.0.1|xcatadm|s3cret\n# note\n');
	assert.is(withCfglocHost('SQLite:/etc/xcat\n', '10.0.0.1'), 'SQLite:/etc/xcat\n');
});

C('maskCfgloc hides the password only', () => {
	assert.is(maskCfgloc(PG), 'Pg:dbname=xcatdb;host=198.51.100.11|xcatadm|********\n');
	assert.is(maskCfgloc('SQLite:/etc/xcat'), 'SQLite:/etc/xcat');
	assert.is(maskCfgloc(''), '');
});

C('lsxcatd -d: engine and host (observed formats)', () => {
	assert.is(lsxcatdType('dbengine=SQLite\n'), 'sqlite');
	const pg = 'cfgloc=Pg:dbname=xcatdb;host=198.51.100.12|xcatadm\ndbengine=Pg\ndbname=xcatdb\ndbhost=198.51.100.12\ndbadmin=xcatadm\n';
	assert.is(lsxcatdType(pg), 'postgresql');
	assert.is(lsxcatdHost(pg), '198.51.100.12');
	assert.is(lsxcatdType('dbengine=mysql\n'), 'mysql');
	assert.is(lsxcatdType('Version 2.19.0\n'), undefined);
});

C.run();
