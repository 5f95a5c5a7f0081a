// Pure formats: tabdump CSV, lsdef stanzas, cfgloc and lsxcatd -d, against docs/xcat-behaviour.md#command-formats.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { headerLine, parseRecord, rowLine, splitDump } from '../src/csv';
import { lsxcatdDatabaseLines, parseCfgloc } from '../src/db/cfgloc';
import { formatLsdef } from '../src/stanza';
import { TABLES } from '../src/schema';

const Csv = suite('tabdump CSV');

Csv('the tabdump examples, byte for byte', () => {
	assert.is(headerLine(TABLES.site!.cols), '#key,value,comments,disable');
	assert.is(rowLine(['blademaxp', '64', null, null]), '"blademaxp","64",,');
	assert.is(rowLine(['1', 'root', null, null, null, null, null, 'allow', null, null]), '"1","root",,,,,,"allow",,');
	assert.is(rowLine(['2.3', null, null, 'lsxcatd', null, null, null, 'allow', null, null]), '"2.3",,,"lsxcatd",,,,"allow",,');
	assert.is(
		headerLine(TABLES.networks!.cols),
		'#netname,net,mask,mgtifname,gateway,dhcpserver,tftpserver,nameservers,ntpservers,logservers,dynamicrange,staticrange,staticrangeincrement,nodehostname,ddnsdomain,vlanid,domain,mtu,comments,disable',
	);
});

Csv('NULL is nothing, an empty string is "", quotes are doubled', () => {
	assert.is(rowLine(['a', '', null, 'say "hi"']), '"a","",,"say ""hi"""');
});

Csv('records parse back to the same values, commas and newlines included', () => {
	const rows = [
		['a', '', null, 'x,y'],
		['b', 'line1\nline2', '"q"', null],
		[null, null, null, null],
	];
	const text = `${headerLine(['c1', 'c2', 'c3', 'c4'])}\n${rows.map(rowLine).join('\n')}\n`;
	const { cols, records } = splitDump(text);
	assert.equal(cols, ['c1', 'c2', 'c3', 'c4']);
	assert.equal(
		records.map((r) => parseRecord(r, 4)),
		rows,
	);
});

Csv('malformed input is refused', () => {
	assert.throws(() => splitDump('"a","b"\n'), /header/);
	assert.throws(() => parseRecord('"a",b"c', 3), /unescaped/);
	assert.throws(() => parseRecord('"a","b","c","d"', 3), /too many/);
});

const Stanza = suite('lsdef stanzas');
const cn1 = {
	name: 'cn1',
	type: 'node',
	attrs: new Map([
		['xcatmaster', '10.1.0.2'],
		['servicenode', 'sn1,sn2'],
		['groups', 'all'],
		['tftpserver', ''],
	]),
};

Stanza('-i: sorted, 4 spaces, requested attributes only (the lsdef example)', () => {
	assert.equal(formatLsdef([cn1], { long: true, requested: ['xcatmaster', 'servicenode'] }), [
		'Object name: cn1',
		'    servicenode=sn1,sn2',
		'    xcatmaster=10.1.0.2',
	]);
});

Stanza('-i shows an unset attribute empty; without -i unset and empty ones are left out', () => {
	assert.equal(formatLsdef([cn1], { long: true, requested: ['tftpserver', 'nfsserver'] }), ['Object name: cn1', '    nfsserver=', '    tftpserver=']);
	assert.equal(formatLsdef([cn1], { long: true }), ['Object name: cn1', '    groups=all', '    servicenode=sn1,sn2', '    xcatmaster=10.1.0.2']);
});

Stanza('-c -i compresses to "obj: attr=val"; -z writes the stanza file; short lists "name  (type)"', () => {
	assert.equal(formatLsdef([cn1], { long: true, requested: ['servicenode'], compress: true }), ['cn1: servicenode=sn1,sn2']);
	assert.equal(formatLsdef([cn1], { long: true, stanza: true, requested: ['groups'] }), [
		'# <xCAT data object stanza file>',
		'\ncn1:',
		'    objtype=node',
		'    groups=all',
	]);
	assert.equal(formatLsdef([{ ...cn1, name: 'cn2' }, cn1], { long: false }), ['cn1  (node)', 'cn2  (node)']);
	assert.equal(formatLsdef([cn1], { long: true, multiType: true, requested: ['groups'] }), ['Object name: cn1  (node)', '    groups=all']);
});

Stanza('site with -i prints only the requested keys that are set', () => {
	const site = {
		name: 'clustersite',
		type: 'site',
		attrs: new Map([
			['master', '10.0.0.1'],
			['domain', 'x'],
		]),
	};
	assert.equal(formatLsdef([site], { long: true, requested: ['master', 'nameservers'], freeForm: true }), [
		'Object name: clustersite',
		'    master=10.0.0.1',
	]);
});

const Cfg = suite('cfgloc and lsxcatd -d');

Cfg('PostgreSQL: five lines, never the password (lsxcatd -d)', () => {
	const c = parseCfgloc('Pg:dbname=xcatdb;host=10.0.0.1|xcatadm|secret\n');
	assert.is(c.engine, 'Pg');
	assert.equal(lsxcatdDatabaseLines(c), [
		'cfgloc=Pg:dbname=xcatdb;host=10.0.0.1|xcatadm',
		'dbengine=Pg',
		'dbname=xcatdb',
		'dbhost=10.0.0.1',
		'dbadmin=xcatadm',
	]);
	assert.not.ok(lsxcatdDatabaseLines(c).join('').includes('secret'));
});

Cfg('no cfgloc, or a bare path, is SQLite', () => {
	assert.equal(lsxcatdDatabaseLines(parseCfgloc(undefined)), ['dbengine=SQLite']);
	const p = parseCfgloc('/opt/xcat/cfg');
	assert.ok(p.engine === 'SQLite' && p.dir === '/opt/xcat/cfg');
	const m = parseCfgloc('mysql:dbname=xcatdb;host=10.1.0.1|xcatadmin|cluster');
	assert.ok(m.engine === 'mysql' && m.host === '10.1.0.1' && m.user === 'xcatadmin');
});

Csv.run();
Stanza.run();
Cfg.run();
