// xcat_object's bundle, run as Ansible runs it, with recording stand-ins for the xCAT commands.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runModule, type RunOpts } from '../../tools/lab/run-module';
import { makeXcatStubs, type XcatStubs } from '../helpers/xcat-stubs';

let stubs: XcatStubs;
const object = (args: Record<string, unknown>, o: RunOpts = {}) => runModule('xcat_object', args, o);
const HINT = 'an xCAT object name or noderange (letters, digits and _ . , : @ + - [ ] / ^; no spaces or shell metacharacters; not starting with -)';

const Bad = suite('xcat_object bad input: fails before running any xCAT command');
Bad.before(async () => {
	stubs = await makeXcatStubs();
	stubs.install();
});
Bad.after(async () => {
	await stubs.remove();
});

const node = { type: 'node', name: 'cn1' };
const BAD: Array<[Record<string, unknown>, string]> = [
	[{ ...node, colour: 'red' }, 'Unsupported parameters for (xcat_object) module: colour. Supported parameters include: attributes, name, state, type.'],
	[{ name: 'cn1' }, 'missing required arguments: type'],
	[{ type: 'osimage', name: 'x' }, 'value of type must be one of: site, network, node, group, got: osimage'],
	[{ type: ['node'], name: 'x' }, `argument 'type' is of type list and we were unable to convert to str: a list is not a string`],
	[{ type: 'node' }, 'type is node but all of the following are missing: name'],
	[{ type: 'network' }, 'type is network but all of the following are missing: name'],
	[{ type: 'group' }, 'type is group but all of the following are missing: name'],
	[{ type: 'node', name: 'cn1;reboot' }, `value of name must be ${HINT}, got: "cn1;reboot"`],
	[{ type: 'node', name: 'cn$(id)' }, `value of name must be ${HINT}, got: "cn$(id)"`],
	[{ type: 'node', name: 'cn1 cn2' }, `value of name must be ${HINT}, got: "cn1 cn2"`],
	[{ type: 'node', name: 'cn1\ncn2' }, `value of name must be ${HINT}, got: "cn1\\ncn2"`],
	[{ type: 'node', name: '-t' }, `value of name must be ${HINT}, got: "-t"`],
	[{ type: 'node', name: '' }, `value of name must be ${HINT}, got: ""`],
	[{ type: 'group', name: 'g`x`' }, `value of name must be ${HINT}, got: "g\`x\`"`],
	[{ type: 'site', name: 'mysite' }, 'value of name must be clustersite (or left out) for type site: xCAT has one site object, got: "mysite"'],
	[{ ...node, state: 'gone' }, 'value of state must be one of: present, absent, got: gone'],
	[{ type: 'site', state: 'absent' }, 'type site cannot be absent: xCAT always has its site object (clear a site attribute with an empty value instead)'],
	[{ ...node, state: 'absent', attributes: { xcatmaster: 'x' } }, 'attributes must be empty with state=absent: the whole object is removed'],
	[
		{ ...node, attributes: ['xcatmaster=x'] },
		`argument 'attributes' is of type list and we were unable to convert to dict: ["xcatmaster=x"] is not a mapping`,
	],
	[{ ...node, attributes: 'not a mapping' }, `argument 'attributes' is of type str and we were unable to convert to dict: "not a mapping" is not a mapping`],
	[{ ...node, attributes: { xcatmaster: null } }, 'value of attributes.xcatmaster must be a string, got a NoneType'],
	[{ ...node, attributes: { xcatmaster: { a: 1 } } }, 'value of attributes.xcatmaster must be a string, got a dict'],
	[{ ...node, attributes: { 'xcat master': 'x' } }, 'attributes has a key that is not an xCAT attribute name (letters, digits, _ and . only): "xcat master"'],
	[{ ...node, attributes: { 'a=b': 'x' } }, 'attributes has a key that is not an xCAT attribute name (letters, digits, _ and . only): "a=b"'],
	[{ ...node, attributes: { xcatmaster: 'a\nb' } }, 'value of attributes.xcatmaster must be one line (no newline, carriage return or NUL), got: "a\\nb"'],
	[
		{ ...node, attributes: { xcatmaster: 'vip ' } },
		'value of attributes.xcatmaster must not start or end with whitespace (chdef would not store it as given), got: "vip "',
	],
];

Bad('every bad value is named, with what is allowed, and no xCAT command runs', async () => {
	for (const [args, msg] of BAD) {
		const { result, exitCode } = await object(args);
		assert.is(result.failed, true, JSON.stringify(args));
		assert.is(exitCode, 1);
		assert.is(result.msg, msg, JSON.stringify(args));
	}
	assert.equal(await stubs.calls(), []);
});

Bad('several problems are reported together', async () => {
	const { result } = await object({ ...node, attributes: { 'a b': 'x', master: 'a\nb' } });
	assert.match(result.msg, /"a b".*\. value of attributes\.master must be one line/);
});

Bad.run();

const Flow = suite('xcat_object with stand-in commands');
Flow.before(async () => {
	stubs = await makeXcatStubs();
	stubs.install();
});
Flow.after(async () => {
	await stubs.remove();
});

Flow('check mode runs only lsdef and reports the grouped chdefs and the diff', async () => {
	await stubs.answer('lsdef', 'cn1: nfsserver=sn1\ncn1: xcatmaster=sn1\ncn2: nfsserver=\ncn2: xcatmaster=sn2\ncn3: nfsserver=\ncn3: xcatmaster=vip\n');
	const { result } = await object({ type: 'node', name: 'cn[1-3]', attributes: { xcatmaster: 'vip', nfsserver: '' } }, { check: true, diff: true });
	assert.is(result.changed, true, result.msg);
	assert.equal(result.commands, [
		['chdef', '-t', 'node', '-o', 'cn1', 'xcatmaster=vip', 'nfsserver='],
		['chdef', '-t', 'node', '-o', 'cn2', 'xcatmaster=vip'],
	]);
	assert.equal(result.objects.cn2, { xcatmaster: { before: 'sn2', after: 'vip' } });
	assert.is(result.diff.before, 'cn1: xcatmaster=sn1\ncn1: nfsserver=sn1\ncn2: xcatmaster=sn2\ncn2: nfsserver=\n');
	assert.equal(await stubs.calls(), [['lsdef', '-t', 'node', '-o', 'cn[1-3]', '-S', '-i', 'xcatmaster,nfsserver', '-c']]);
});

Flow('an attribute xCAT does not know fails after the probe, before any change', async () => {
	await stubs.answer('lsdef', 'cn1: comments=\n', 1, "Error: [mn1]: 'comments' is not a valid attribute name for an object type of 'node'.\n");
	const { result } = await object({ type: 'node', name: 'cn1', attributes: { comments: 'x' } });
	assert.is(result.failed, true);
	assert.match(result.msg, /^attributes comments: xCAT has no such attribute for an object of type node/);
	assert.ok((await stubs.calls()).every((c) => c[0] === 'lsdef'));
});

Flow("xcatd down: the probe fails with lsdef's words", async () => {
	await stubs.answer('lsdef', '', 111, 'Connection failure: IO::Socket::INET: connect: Connection refused at /opt/xcat/lib/perl/xCAT/Client.pm line 248.\n');
	const { result } = await object({ type: 'site', attributes: { master: 'vip' } });
	assert.match(result.msg, /^lsdef failed \(rc 111\): Connection failure/);
});

Flow.run();
