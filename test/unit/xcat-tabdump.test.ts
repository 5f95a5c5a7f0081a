// tabdump parsing and formatting, fed the literal outputs of docs/xcat-behaviour.md#tabdump and
// docs/xcat-behaviour.md#snmove-observed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ModuleError, type CommandResult } from '../../modules/runtime';
import { columnIndex, formatTabdump, isDisabledValue, parseTabdump, readTable, tabdumpRecords, type Tabdump } from '../../modules/xcat/tabdump';

function parsed(text: string): Tabdump {
	const result = parseTabdump(text);
	if (!result.ok) throw new Error(`unexpected parse error: ${result.error} (line ${result.line})`);
	return result.table;
}

// docs/xcat-behaviour.md#tabdump, examples (each table on its own)
const SITE = '#key,value,comments,disable\n"blademaxp","64",,\n"domain","pok.stglabs.ibm.com",,\n';
const POLICY = '#priority,name,host,commands,noderange,parameters,time,rule,comments,disable\n"1","root",,,,,,"allow",,\n"2.3",,,"lsxcatd",,,,"allow",,\n';
const NETWORKS =
	'#netname,net,mask,mgtifname,gateway,dhcpserver,tftpserver,nameservers,ntpservers,logservers,dynamicrange,staticrange,staticrangeincrement,nodehostname,ddnsdomain,vlanid,domain,mtu,comments,disable\n' +
	'"10_0_0_0-255_0_0_0","10.0.0.0","255.0.0.0","eth0","10.2.0.221",,"10.2.2.250",,,,,,,,,,,,,\n';
// docs/xcat-behaviour.md#snmove-observed (before, nodehm)
const NODEHM =
	'#node,power,mgt,cons,termserver,termport,conserver,serialport,serialspeed,serialflow,getmac,cmdmapping,consoleondemand,consoleenabled,comments,disable\n' +
	'"cn1",,"ipmi","ipmi",,,"sn1",,,,,,,,,\n' +
	'"cn3",,"ipmi","ipmi",,,"xcatmn",,,,,,,,,\n';

test('site: header columns, quoted values, NULL as null', () => {
	const table = parsed(SITE);
	assert.equal(table.columns, ['key', 'value', 'comments', 'disable']);
	assert.equal(table.rows, [
		['blademaxp', '64', null, null],
		['domain', 'pok.stglabs.ibm.com', null, null],
	]);
});

test('policy: NULL fields in the middle of a row', () => {
	const table = parsed(POLICY);
	assert.equal(table.rows[1], ['2.3', null, null, 'lsxcatd', null, null, null, 'allow', null, null]);
});

test('networks: 20 columns, trailing NULLs counted exactly', () => {
	const table = parsed(NETWORKS);
	assert.is(table.columns.length, 20);
	assert.is(table.rows[0]!.length, 20);
	assert.is(table.rows[0]![columnIndex(table, 'tftpserver')], '10.2.2.250');
	assert.is(table.rows[0]![columnIndex(table, 'dhcpserver')], null);
});

test('observed nodehm rows: conserver by column name', () => {
	const records = tabdumpRecords(parsed(NODEHM));
	assert.equal(
		records.map((r) => [r.node, r.conserver, r.power]),
		[
			['cn1', 'sn1', null],
			['cn3', 'xcatmn', null],
		],
	);
});

test('an empty string is defined ("") and differs from NULL', () => {
	const table = parsed('#key,value,comments,disable\n"k","",,\n');
	assert.equal(table.rows[0], ['k', '', null, null]);
});

test('doubled quotes, commas and newlines inside quoted values', () => {
	const table = parsed('#key,value,comments,disable\n"k","say ""hi"", then go","line1\nline2",\n');
	assert.equal(table.rows[0], ['k', 'say "hi", then go', 'line1\nline2', null]);
});

test('observed round trip row: chtab comments="round trip"', () => {
	const table = parsed('#key,value,comments,disable\n"testkey","v1","round trip",\n');
	assert.equal(table.rows[0], ['testkey', 'v1', 'round trip', null]);
});

test('header only: an empty table', () => {
	assert.equal(parsed('#key,value,comments,disable\n'), { columns: ['key', 'value', 'comments', 'disable'], rows: [] });
});

test('CRLF line ends and a missing final newline are accepted', () => {
	const table = parsed('#key,value,comments,disable\r\n"a","1",,\r\n"b","2",,');
	assert.equal(table.rows, [
		['a', '1', null, null],
		['b', '2', null, null],
	]);
});

test('a bare (unquoted) value from a hand-edited dump is taken as is', () => {
	assert.equal(parsed('#key,value\nmaster,10.0.0.1\n').rows[0], ['master', '10.0.0.1']);
});

const MALFORMED: [string, string, string, number][] = [
	['no header', '"a","b"\n', 'header', 1],
	['too few fields', '#a,b,c\n"1","2"\n', '2 fields, the header has 3', 2],
	['too many fields', '#a,b\n"1","2","3"\n', '3 fields, the header has 2', 2],
	['unterminated quote', '#a,b\n"1","2\n', 'unterminated', 2],
	['text after a closing quote', '#a,b\n"1"x,"2"\n', 'after a quoted value', 2],
	['second header', '#a\n"1"\n#b\n"2"\n', 'second header', 3],
	['quote inside a bare value', '#a,b\nab"c,"d"\n', 'quote inside', 2],
];
for (const [name, text, message, line] of MALFORMED) {
	test(`malformed: ${name} → error with its line, not an exception`, () => {
		const result = parseTabdump(text);
		assert.is(result.ok, false);
		if (result.ok) return;
		assert.ok(result.error.includes(message), result.error);
		assert.is(result.line, line);
	});
}

test('formatTabdump reproduces every reference text byte for byte', () => {
	for (const text of [SITE, POLICY, NETWORKS, NODEHM]) assert.is(formatTabdump(parsed(text)), text);
});

test('formatTabdump quotes and doubles quotes, writes NULL as nothing', () => {
	const text = formatTabdump({ columns: ['key', 'value', 'comments'], rows: [['a"b', '', null]] });
	assert.is(text, '#key,value,comments\n"a""b","",\n');
	assert.equal(parsed(text).rows[0], ['a"b', '', null]);
});

test('10,000 rows round trip exactly', () => {
	const rows = Array.from({ length: 10_000 }, (_, i) => [`cn${i}`, `sn${i % 2},sn${(i + 1) % 2}`, i % 3 ? null : '', `x"${i}"`]);
	const table = { columns: ['node', 'servicenode', 'tftpserver', 'comments'], rows };
	assert.equal(parsed(formatTabdump(table)), table);
});

test('disable: only "", 0 and no (any case) keep a row enabled', () => {
	const cases: [string | null, boolean][] = [
		[null, false],
		['', false],
		['0', false],
		['no', false],
		['NO', false],
		['nO', false],
		['1', true],
		['yes', true],
		['YES', true],
	];
	for (const [value, disabled] of cases) assert.is(isDisabledValue(value), disabled, String(value));
});

test('readTable: the table; a failed tabdump or one that prints no table fails the module, in the same words everywhere', async () => {
	const answer =
		(rc: number, stdout: string, stderr = '') =>
		async (argv: readonly string[]): Promise<CommandResult> => ({ argv: [...argv], rc, stdout, stderr });
	assert.equal(await readTable(answer(0, '#key,value\n"domain","lab"\n'), 'site'), { columns: ['key', 'value'], rows: [['domain', 'lab']] });
	const failure = async (p: Promise<unknown>) =>
		p.then(
			() => undefined,
			(e: unknown) => e,
		);
	const down = await failure(readTable(answer(1, '', 'Error: connection refused\n'), 'site'));
	assert.ok(down instanceof ModuleError);
	assert.is(down.message, 'tabdump site failed (rc 1): Error: connection refused');
	assert.equal([down.extra.rc, down.extra.stderr], [1, 'Error: connection refused\n']);
	const garbled = await failure(readTable(answer(0, 'ERROR: Unable to open basic site table\n#key,value\n'), 'site'));
	assert.ok(garbled instanceof ModuleError);
	assert.match(garbled.message, /^tabdump site printed what is not a table \(line 1: /);
});

test.run();
