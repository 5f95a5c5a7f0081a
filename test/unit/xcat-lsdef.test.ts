// lsdef parsing, fed the literal outputs of docs/xcat-behaviour.md#lsdef-and-chdef and docs/xcat-behaviour.md#empty-results.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseLsdef } from '../../modules/xcat/lsdef';

const plain = (record: Record<string, string> | undefined) => (record ? { ...record } : undefined);

test('stanza: lsdef -t node -o cn1 -i servicenode,xcatmaster', () => {
	const result = parseLsdef('Object name: cn1\n    servicenode=sn1,sn2\n    xcatmaster=10.1.0.2\n');
	assert.equal(plain(result.objects.get('cn1')), { servicenode: 'sn1,sn2', xcatmaster: '10.1.0.2' });
	assert.equal(result.errors, []);
	assert.equal(result.unrecognised, []);
});

test('observed: lsdef cn3 -i groups', () => {
	assert.equal(plain(parseLsdef('Object name: cn3\n    groups=all\n').objects.get('cn3')), { groups: 'all' });
});

test('several objects; -i lists an empty attribute as empty; values may contain =', () => {
	const text = 'Object name: cn1\n    postscripts=setupntp arg=1\n    tftpserver=\nObject name: cn2\n    tftpserver=sn2\n';
	const result = parseLsdef(text);
	assert.equal([...result.objects.keys()], ['cn1', 'cn2']);
	assert.equal(plain(result.objects.get('cn1')), { postscripts: 'setupntp arg=1', tftpserver: '' });
	assert.equal(plain(result.objects.get('cn2')), { tftpserver: 'sn2' });
});

test('site object: lsdef -t site', () => {
	const result = parseLsdef('Object name: clustersite\n    master=10.0.0.1\n    nameservers=10.0.0.1\n');
	assert.equal(plain(result.objects.get('clustersite')), { master: '10.0.0.1', nameservers: '10.0.0.1' });
});

test('several -t types: "Object name: x  (type)"', () => {
	const result = parseLsdef('Object name: rack1  (group)\n    servicenode=sn1,sn2\nObject name: cn1  (node)\n    groups=rack1,all\n');
	assert.equal(result.types.get('rack1'), 'group');
	assert.equal(result.types.get('cn1'), 'node');
	assert.equal(plain(result.objects.get('rack1')), { servicenode: 'sn1,sn2' });
});

test('observed listing without -l: "cn1  (node)" lines', () => {
	const result = parseLsdef('cn1  (node)\ncn2  (node)\n');
	assert.equal([...result.objects.keys()], ['cn1', 'cn2']);
	assert.equal(result.types.get('cn2'), 'node');
});

test('compressed -c -i form: "cn1: servicenode=sn1,sn2"', () => {
	const result = parseLsdef('cn1: servicenode=sn1,sn2\ncn1: xcatmaster=sn1\ncn2: servicenode=sn2,sn1\n');
	assert.equal(plain(result.objects.get('cn1')), { servicenode: 'sn1,sn2', xcatmaster: 'sn1' });
	assert.equal(plain(result.objects.get('cn2')), { servicenode: 'sn2,sn1' });
});

test('missing object, with the [mn] prefix: error and missing name, objects found are kept', () => {
	const text = "Error: [xcatmn]: Could not find an object named 'cn9' of type 'node'.\nObject name: cn1\n    servicenode=sn1\n";
	const result = parseLsdef(text);
	assert.equal(result.missing, ['cn9']);
	assert.equal(result.errors, [{ server: 'xcatmn', text: "Could not find an object named 'cn9' of type 'node'.", kind: 'missing-object' }]);
	assert.equal(plain(result.objects.get('cn1')), { servicenode: 'sn1' });
});

test('missing object without a server (XCATBYPASS) and without the Error prefix', () => {
	const bypass = parseLsdef("Error: Could not find an object named 'cn9' of type 'node'.\n");
	assert.equal(bypass.errors, [{ text: "Could not find an object named 'cn9' of type 'node'.", kind: 'missing-object' }]);
	const bare = parseLsdef("Could not find an object named 'cn8' of type 'node'.\n");
	assert.equal(bare.missing, ['cn8']);
	assert.is(bare.errors.length, 1);
});

test('observed: invalid attribute errors are returned, the stanza still parsed', () => {
	const text = ["Error: [xcatmn]: 'comments' is not a valid attribute name for an object type of 'node'.", 'Object name: cn3', '    monserver=sn1'].join(
		'\n',
	);
	const result = parseLsdef(text);
	assert.equal(
		result.errors.map((e) => e.text),
		["'comments' is not a valid attribute name for an object type of 'node'."],
	);
	assert.equal(result.invalidAttributes, ['comments']);
	assert.is(result.errors[0]!.kind, 'invalid-attribute');
	assert.equal(plain(result.objects.get('cn3')), { monserver: 'sn1' });
});

test('an error line interleaved inside a stanza does not end it', () => {
	const result = parseLsdef('Object name: cn1\n    servicenode=sn1\nWarning: [xcatmn]: something odd\n    xcatmaster=sn1\n');
	assert.equal(plain(result.objects.get('cn1')), { servicenode: 'sn1', xcatmaster: 'sn1' });
	assert.equal(result.warnings, [{ server: 'xcatmn', text: 'something odd' }]);
});

test('observed: no node definitions to display', () => {
	const result = parseLsdef('Could not find any object definitions to display.\n');
	assert.is(result.empty, true);
	assert.is(result.objects.size, 0);
	assert.equal(result.unrecognised, []);
});

// real xCAT 2.19.0 (docs/xcat-behaviour.md#empty-results): stdout then stderr, as a caller joins them
test('real: every named object missing: the stdout line and one error each (exit 1)', () => {
	const result = parseLsdef("No object definitions have been found\nError: [xcatmn]: Could not find an object named 'cn1' of type 'node'.\n");
	assert.is(result.empty, true);
	assert.equal(result.missing, ['cn1']);
	assert.equal(result.unrecognised, []);
	assert.equal(
		result.errors.map((e) => e.kind),
		['missing-object'],
	);
});

test('real: no asked site key is set (exit 0); no object of the type at all', () => {
	const site = parseLsdef('No object definitions have been found\n');
	assert.is(site.empty, true);
	assert.equal([site.objects.size, site.errors.length, site.unrecognised.length], [0, 0, 0]);
	const none = parseLsdef("Could not find any objects of type 'group'.\n");
	assert.is(none.empty, true);
	assert.equal(none.unrecognised, []);
});

test('unknown lines are kept, not dropped', () => {
	const result = parseLsdef('Object name: cn1\n  badindent=1\nsomething else\n');
	assert.equal(result.unrecognised, ['  badindent=1', 'something else']);
});

test('an attribute line before any object is unrecognised', () => {
	assert.equal(parseLsdef('    servicenode=sn1\n').unrecognised, ['    servicenode=sn1']);
});

test.run();
