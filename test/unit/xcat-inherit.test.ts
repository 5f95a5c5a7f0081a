// Group inheritance as Table.pm does it, plus the small shared helpers (Perl list split, IPv4 subnets).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveNodeAttributes } from '../../modules/xcat/inherit';
import { inSubnet, isIPv4, parseIPv4, parseSubnet, subnetOf } from '../../modules/runtime/ipv4';
import { splitXcatList } from '../../modules/xcat/lists';
import { parseTabdump, type Tabdump } from '../../modules/xcat/tabdump';

function table(text: string): Tabdump {
	const result = parseTabdump(text);
	if (!result.ok) throw new Error(result.error);
	return result.table;
}

const NODELIST = table(
	[
		'#node,groups,status,statustime,appstatus,appstatustime,primarysn,hidden,updatestatus,updatestatustime,zonename,comments,disable',
		'"cn1","rack1,compute,all",,,,,,,,,,,',
		'"cn2","compute,rack1,all",,,,,,,,,,,',
		'"cn3","all",,,,,,,,,,,',
		'"cn4","rack1,all",,,,,,,,,,,"1"',
	].join('\n'),
);

const NODERES = table(
	[
		'#node,servicenode,tftpserver,xcatmaster,comments,disable',
		'"rack1","sn1,sn2","sn1","sn1",,',
		'"compute","sn3,sn4",,"sn3",,',
		'"cn1",,"",,,',
		'"cn2",,"10.0.0.9",,,',
		'"cn3","|\\D+(\\d+)|sn(($1%2)+1)|",,,,',
		'"all",,,"disabledmaster",,"yes"',
	].join('\n'),
);

const resolve = () => {
	const result = resolveNodeAttributes(NODELIST, {
		servicenode: { table: NODERES, column: 'servicenode' },
		tftpserver: { table: NODERES, column: 'tftpserver' },
		xcatmaster: { table: NODERES, column: 'xcatmaster' },
	});
	if (!result.ok) throw new Error(result.error);
	return result;
};

test('values fall back through the groups in nodelist.groups order; origins say which group', () => {
	const cn1 = resolve().nodes.find((n) => n.name === 'cn1')!;
	assert.equal(cn1.values, { servicenode: 'sn1,sn2', tftpserver: 'sn1', xcatmaster: 'sn1' });
	assert.equal(cn1.inheritedFrom, { servicenode: 'rack1', tftpserver: 'rack1', xcatmaster: 'rack1' });
	const cn2 = resolve().nodes.find((n) => n.name === 'cn2')!;
	assert.equal(cn2.values, { servicenode: 'sn3,sn4', tftpserver: '10.0.0.9', xcatmaster: 'sn3' });
	assert.equal(cn2.inheritedFrom, { servicenode: 'compute', xcatmaster: 'compute' });
});

test("an empty string on the node's row counts as unset (inherits)", () => {
	const cn1 = resolve().nodes.find((n) => n.name === 'cn1')!;
	assert.is(cn1.values.tftpserver, 'sn1');
});

test('disabled rows are ignored: a disabled node is not listed, a disabled group row gives nothing', () => {
	const result = resolve();
	assert.equal(
		result.nodes.map((n) => n.name),
		['cn1', 'cn2', 'cn3'],
	);
	assert.is(result.nodes.find((n) => n.name === 'cn3')!.values.xcatmaster, '');
});

test('own values have no origin; regex values are reported for xCAT to compute', () => {
	const result = resolve();
	const cn3 = result.nodes.find((n) => n.name === 'cn3')!;
	assert.is(cn3.inheritedFrom, undefined);
	assert.equal(result.computed, [{ node: 'cn3', attribute: 'servicenode', expression: '|\\D+(\\d+)|sn(($1%2)+1)|' }]);
});

test('a missing column is an error, not an exception', () => {
	const result = resolveNodeAttributes(NODELIST, { monserver: { table: NODERES, column: 'monserver' } });
	assert.is(result.ok, false);
	if (!result.ok) assert.ok(result.error.includes('monserver'));
});

test('splitXcatList keeps middle empties and drops trailing ones, like Perl split', () => {
	const cases: [string, string[]][] = [
		['', []],
		['sn1', ['sn1']],
		['sn1,sn2', ['sn1', 'sn2']],
		['sn1,,sn2', ['sn1', '', 'sn2']],
		['sn1,sn2,', ['sn1', 'sn2']],
		[',sn2', ['', 'sn2']],
		[',,', []],
	];
	for (const [input, expected] of cases) assert.equal(splitXcatList(input), expected, input);
});

test('IPv4 parsing and the subnet test of ishostinsubnet', () => {
	assert.is(parseIPv4('198.51.100.42'), 198 * 2 ** 24 + (51 << 16) + (100 << 8) + 42);
	// a leading zero is refused: inet_aton would read 010 as octal 8
	for (const bad of ['198.51.100', '198.51.100.256', 'a.b.c.d', '1.2.3.4.5', '', 'sn1', '010.0.0.1', '10.0.0.01']) assert.is(isIPv4(bad), false, bad);
	const subnet = parseSubnet('198.51.100.0', '255.255.255.0')!;
	assert.ok(inSubnet(parseIPv4('198.51.100.200')!, subnet));
	assert.not.ok(inSubnet(parseIPv4('198.51.101.1')!, subnet));
	assert.ok(inSubnet(parseIPv4('255.255.255.255')!, parseSubnet('0.0.0.0', '0.0.0.0')!));
	assert.is(parseSubnet('198.51.100.0', '24'), undefined);
	assert.equal(subnetOf('198.51.100.10', 24), subnet);
	assert.equal(subnetOf('198.51.100.10', 0), { net: 0, mask: 0 });
	assert.equal(subnetOf('198.51.100.10', 32), { net: parseIPv4('198.51.100.10'), mask: 0xffffffff });
});

test.run();
