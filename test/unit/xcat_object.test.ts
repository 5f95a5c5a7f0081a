import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readLsdef, type Current } from '../../modules/xcat_object/current';
import { checkArgs, toDesired, type Args, type Desired } from '../../modules/xcat_object/desired';
import { plan } from '../../modules/xcat_object/plan';
import { lsdefArgv, plainNames } from '../../modules/xcat_object/probe';

const args = (a: Partial<Args>): Args => ({ type: 'node', name: 'cn1', attributes: {}, state: 'present', ...a }) as Args;
const want = (d: Partial<Desired>): Desired => ({ type: 'node', name: 'compute', attributes: [], state: 'present', ...d });
const cur = (objects: Record<string, Record<string, string>>, missing: string[] = []): Current => ({ objects: new Map(Object.entries(objects)), missing });
const act = (p: ReturnType<typeof plan>) => {
	if (p.kind !== 'act') throw new Error(`refused: ${p.msg}`);
	return p;
};

const Check = suite('xcat_object argument checks');

Check('good arguments pass; site defaults to clustersite', () => {
	assert.equal(checkArgs(args({ attributes: { xcatmaster: '198.51.100.10', 'nicips.eth0': '10.0.0.1', nfsserver: '' } })), []);
	assert.equal(checkArgs(args({ type: 'site', name: 'clustersite' })), []);
	assert.is(toDesired(args({ type: 'site', name: undefined as unknown as string })).name, 'clustersite');
	assert.equal(toDesired(args({ attributes: { b: '2', a: '1' } })).attributes, [
		['b', '2'],
		['a', '1'],
	]);
});

Check('each bad value is named with what is allowed', () => {
	const cases: Array<[Partial<Args>, RegExp]> = [
		[{ type: 'site', name: 'othersite' }, /value of name must be clustersite \(or left out\) for type site.*got: "othersite"/],
		[{ type: 'site', state: 'absent' }, /type site cannot be absent/],
		[{ state: 'absent', attributes: { xcatmaster: 'x' } }, /attributes must be empty with state=absent/],
		[{ attributes: { 'bad name': 'x' } }, /attributes has a key that is not an xCAT attribute name \(letters, digits, _ and \. only\): "bad name"/],
		[{ attributes: { 'a;reboot': 'x' } }, /not an xCAT attribute name.*"a;reboot"/],
		[{ attributes: { master: 'a\nb' } }, /value of attributes\.master must be one line \(no newline, carriage return or NUL\), got: "a\\nb"/],
		[{ attributes: { master: 'a\rb' } }, /value of attributes\.master must be one line/],
		[{ attributes: { master: ' 10.0.0.1' } }, /value of attributes\.master must not start or end with whitespace/],
		[{ attributes: { master: 'x'.repeat(100_001) } }, /value of attributes\.master is 100001 characters long: at most 100000/],
		[{ attributes: { nfsserver: 'NULL' } }, /value of attributes\.nfsserver must not be the word NULL .*use "" to clear/],
	];
	for (const [a, re] of cases) assert.match(checkArgs(args(a)).join('\n'), re, JSON.stringify(a).slice(0, 80));
});

Check.run();

const Read = suite('xcat_object reading lsdef');

Read('lsdef argv: -i … -c for attributes, -s for existence, -l for removal; -S shows hidden nodes too', () => {
	assert.equal(
		lsdefArgv(
			want({
				attributes: [
					['xcatmaster', 'x'],
					['nfsserver', ''],
				],
			}),
		),
		['lsdef', '-t', 'node', '-o', 'compute', '-S', '-i', 'xcatmaster,nfsserver', '-c'],
	);
	assert.equal(lsdefArgv(want({})), ['lsdef', '-t', 'node', '-o', 'compute', '-S', '-s']);
	assert.equal(lsdefArgv(want({ state: 'absent' })), ['lsdef', '-t', 'node', '-o', 'compute', '-S', '-l']);
	assert.equal(lsdefArgv(want({ type: 'network', name: 'n1', attributes: [['tftpserver', 'x']] })), [
		'lsdef',
		'-t',
		'network',
		'-o',
		'n1',
		'-i',
		'tftpserver',
		'-c',
	]);
});

// literal output of the lab's double (docs/xcat-behaviour.md#lsdef-and-chdef formats)
Read('compressed values, empty values and missing nodes (exit 1 for the missing one only)', () => {
	const r = readLsdef('node', ['servicenode', 'nfsserver'], {
		rc: 1,
		stdout: 'cn1: nfsserver=\ncn1: servicenode=sn1,sn2\ncn2: nfsserver=sn2\ncn2: servicenode=sn2,sn1\n',
		stderr: "Error: [mn1]: Could not find an object named 'cn99' of type 'node'.\n",
	});
	assert.ok(r.ok);
	if (!r.ok) return;
	assert.equal(
		[...r.current.objects],
		[
			['cn1', { servicenode: 'sn1,sn2', nfsserver: '' }],
			['cn2', { servicenode: 'sn2,sn1', nfsserver: 'sn2' }],
		],
	);
	assert.equal(r.current.missing, ['cn99']);
});

Read('site: unset keys are not printed, and clustersite always exists', () => {
	const r = readLsdef('site', ['master', 'nameservers', 'newkey'], { rc: 0, stdout: 'clustersite: master=198.51.100.11\n', stderr: '' });
	assert.ok(r.ok && r.current.objects.get('clustersite')!.nameservers === '' && r.current.objects.get('clustersite')!.master === '198.51.100.11');
	const none = readLsdef('site', ['x'], { rc: 0, stdout: '', stderr: '' });
	assert.ok(none.ok && none.current.objects.has('clustersite'));
});

// literal outputs of real xCAT 2.19.0 (docs/xcat-behaviour.md#empty-results)
Read('real: every named node missing: the stdout line, an error each, exit 1: all missing, nothing refused', () => {
	const r = readLsdef('node', ['groups', 'ip'], {
		rc: 1,
		stdout: 'No object definitions have been found\n',
		stderr: "Error: [xcatmn]: Could not find an object named 'cn1' of type 'node'.\n",
	});
	assert.ok(r.ok, r.ok ? '' : r.msg);
	if (r.ok) assert.equal([r.current.objects.size, r.current.missing], [0, ['cn1']]);
	const gone = readLsdef('network', [], {
		rc: 1,
		stdout: 'No object definitions have been found\n',
		stderr: "Error: [xcatmn]: Could not find an object named 'net9' of type 'network'.\n",
	});
	assert.ok(gone.ok && gone.current.missing[0] === 'net9' && gone.current.objects.size === 0, 'a removed network (the check after rmdef)');
});

Read('real: no asked site key set: the stdout line, exit 0: the keys are empty', () => {
	const r = readLsdef('site', ['domain', 'dhcpinterfaces'], { rc: 0, stdout: 'No object definitions have been found\n', stderr: '' });
	assert.ok(r.ok, r.ok ? '' : r.msg);
	if (r.ok) assert.equal(r.current.objects.get('clustersite'), { domain: '', dhcpinterfaces: '' });
});

Read('no object of the type at all: the plain names asked are missing; a noderange cannot be', () => {
	const run = { rc: 0, stdout: "Could not find any objects of type 'group'.\n", stderr: '' };
	const r = readLsdef('group', ['xcatmaster'], run, plainNames('g1,g2'));
	assert.ok(r.ok && r.current.missing.join() === 'g1,g2');
	const range = readLsdef('node', ['groups'], { ...run, stdout: "Could not find any objects of type 'node'.\n" }, plainNames('cn[1-3]'));
	assert.not.ok(range.ok);
	if (!range.ok) assert.match(range.msg, /lsdef found no node at all .*name the objects one by one/);
});

Read('short and long forms give existence and every attribute', () => {
	const short = readLsdef('node', [], { rc: 0, stdout: 'cn1  (node)\ncn2  (node)\n', stderr: '' });
	assert.ok(short.ok && [...short.current.objects.keys()].join() === 'cn1,cn2');
	const long = readLsdef('network', [], { rc: 0, stdout: 'Object name: net1\n    mask=255.0.0.0\n    net=10.0.0.0\n', stderr: '' });
	assert.ok(long.ok);
	if (long.ok) assert.equal(long.current.objects.get('net1'), { mask: '255.0.0.0', net: '10.0.0.0' });
});

Read('an attribute xCAT does not know for the type fails, naming it', () => {
	const r = readLsdef('node', ['comments'], {
		rc: 1,
		stdout: 'cn1: comments=\n',
		stderr: "Error: [mn1]: 'comments' is not a valid attribute name for an object type of 'node'.\n",
	});
	assert.not.ok(r.ok);
	if (!r.ok) assert.match(r.msg, /^attributes comments: xCAT has no such attribute for an object of type node/);
});

Read('xcatd down, or any other error, fails with what lsdef said', () => {
	const down = readLsdef('node', ['x'], {
		rc: 111,
		stdout: '',
		stderr: 'Connection failure: IO::Socket::INET: connect: Connection refused at /opt/xcat/lib/perl/xCAT/Client.pm line 248.\n',
	});
	assert.not.ok(down.ok);
	if (!down.ok) assert.match(down.msg, /^lsdef failed \(rc 111\): Connection failure/);
	const other = readLsdef('node', ['x'], { rc: 1, stdout: '', stderr: 'Error: [mn1]: Invalid nodes and/or groups in noderange: foo\n' });
	assert.not.ok(other.ok);
	const silent = readLsdef('node', ['x'], { rc: 1, stdout: '', stderr: '' });
	assert.not.ok(silent.ok);
});

Read.run();

const Plan = suite('xcat_object plan');

Plan('nothing differs: no command', () => {
	const p = act(plan(cur({ cn1: { xcatmaster: 'vip' }, cn2: { xcatmaster: 'vip' } }), want({ attributes: [['xcatmaster', 'vip']] })));
	assert.equal(p.steps, []);
	assert.equal(p.objects, {});
	assert.is(p.before, '');
	assert.is(p.after, '');
});

Plan('nodes with different current values are grouped by identical change-set: one chdef per set', () => {
	const c = cur({
		cn1: { xcatmaster: 'sn1', tftpserver: 'sn1', nfsserver: 'sn1' },
		cn2: { xcatmaster: 'sn2', tftpserver: 'sn2', nfsserver: 'sn2' },
		cn3: { xcatmaster: 'sn1', tftpserver: 'sn1', nfsserver: '' },
		cn4: { xcatmaster: 'vip', tftpserver: 'sn1', nfsserver: '' },
		cn5: { xcatmaster: 'sn2', tftpserver: 'sn1', nfsserver: 'sn2' },
	});
	const p = act(
		plan(
			c,
			want({
				attributes: [
					['xcatmaster', 'vip'],
					['tftpserver', 'sn1'],
					['nfsserver', ''],
				],
			}),
		),
	);
	assert.equal(p.steps, [
		['chdef', '-t', 'node', '-o', 'cn1,cn5', 'xcatmaster=vip', 'nfsserver='],
		['chdef', '-t', 'node', '-o', 'cn2', 'xcatmaster=vip', 'tftpserver=sn1', 'nfsserver='],
		['chdef', '-t', 'node', '-o', 'cn3', 'xcatmaster=vip'],
	]);
	assert.equal(Object.keys(p.objects), ['cn1', 'cn2', 'cn3', 'cn5']);
	assert.equal(p.objects.cn2, {
		xcatmaster: { before: 'sn2', after: 'vip' },
		tftpserver: { before: 'sn2', after: 'sn1' },
		nfsserver: { before: 'sn2', after: '' },
	});
	assert.equal(p.objects.cn3, { xcatmaster: { before: 'sn1', after: 'vip' } });
	assert.match(p.before, /^cn1: xcatmaster=sn1\ncn1: tftpserver=sn1\ncn1: nfsserver=sn1\ncn2: /);
	assert.match(p.after, /cn3: xcatmaster=vip\ncn3: tftpserver=sn1\ncn3: nfsserver=\n/);
	assert.not.match(p.before + p.after, /cn4/);
});

Plan('10,000 nodes with one change-set: commands split under the argument limit, every node once', () => {
	const objects: Record<string, Record<string, string>> = {};
	const names = Array.from({ length: 10_000 }, (_, i) => `compute-node-${String(i).padStart(5, '0')}`);
	for (const n of names) objects[n] = { xcatmaster: 'sn1' };
	const p = act(plan(cur(objects), want({ attributes: [['xcatmaster', 'vip']] }), 50_000));
	assert.ok(p.steps.length >= 4 && p.steps.length <= 5, `${p.steps.length} commands`);
	for (const s of p.steps) assert.ok(s[4]!.length <= 50_000);
	assert.equal(
		p.steps.flatMap((s) => s[4]!.split(',')),
		names,
	);
});

Plan('clearing: an empty string clears a set value and is equal to an unset one', () => {
	const p = act(
		plan(
			cur({ clustersite: { forwarders: '10.255.255.53', newkey: '' } }),
			want({
				type: 'site',
				name: 'clustersite',
				attributes: [
					['forwarders', ''],
					['newkey', ''],
				],
			}),
		),
	);
	assert.equal(p.steps, [['chdef', '-t', 'site', '-o', 'clustersite', 'forwarders=']]);
	assert.equal(p.objects, { clustersite: { forwarders: { before: '10.255.255.53', after: '' } } });
});

Plan('values are compared literally: list order and a trailing comma are differences', () => {
	const p = act(
		plan(
			cur({ cn1: { servicenode: 'sn1,sn2' }, cn2: { servicenode: 'sn2,sn1' }, cn3: { servicenode: 'sn2,sn1,' } }),
			want({ attributes: [['servicenode', 'sn2,sn1']] }),
		),
	);
	assert.equal(p.steps, [['chdef', '-t', 'node', '-o', 'cn1,cn3', 'servicenode=sn2,sn1']]);
});

Plan('missing network, node and group objects are created with mkdef (empty values left out)', () => {
	const net = act(
		plan(
			cur({}, ['net2']),
			want({
				type: 'network',
				name: 'net2',
				attributes: [
					['net', '10.0.0.0'],
					['mask', '255.0.0.0'],
					['gateway', ''],
				],
			}),
		),
	);
	assert.equal(net.steps, [['mkdef', '-t', 'network', '-o', 'net2', 'net=10.0.0.0', 'mask=255.0.0.0']]);
	assert.equal(net.objects, { net2: { net: { before: '', after: '10.0.0.0' }, mask: { before: '', after: '255.0.0.0' } } });
	assert.is(net.before, '');
	assert.is(net.after, 'net2: net=10.0.0.0\nnet2: mask=255.0.0.0\n');
	const nodes = act(plan(cur({ cn1: { groups: 'all,compute' } }, ['cn9', 'cn10']), want({ name: 'cn1,cn9,cn10', attributes: [['groups', 'all,compute']] })));
	assert.equal(nodes.steps, [['mkdef', '-t', 'node', '-o', 'cn9,cn10', 'groups=all,compute']]);
	const group = act(plan(cur({}, ['rack1']), want({ type: 'group', name: 'rack1' })));
	assert.equal(group.steps, [['mkdef', '-t', 'group', '-o', 'rack1']]);
});

Plan('a missing node without groups, or a network without net and mask, is refused naming the option', () => {
	const node = plan(
		cur({}, ['cn9']),
		want({
			name: 'cn9',
			attributes: [
				['ip', '10.0.0.9'],
				['groups', ''],
			],
		}),
	);
	assert.is(node.kind, 'refuse');
	if (node.kind === 'refuse')
		assert.is(
			node.msg,
			"cn9 of type node does not exist; creating it needs attributes.groups (xCAT's mkdef refuses a node without groups); nothing was changed",
		);
	const net = plan(cur({}, ['n1', 'n2']), want({ type: 'network', name: 'n1,n2', attributes: [['net', '10.0.0.0']] }));
	assert.is(net.kind, 'refuse');
	if (net.kind === 'refuse') assert.match(net.msg, /^n1, n2 of type network do not exist; creating them needs attributes\.mask/);
});

Plan('a noderange that matches nothing changes nothing and says so', () => {
	const p = act(plan(cur({}), want({ name: 'emptygroup', attributes: [['xcatmaster', 'x']] })));
	assert.equal(p.steps, []);
	assert.match(p.warnings.join(), /emptygroup matched no node objects/);
});

Plan('absent: the objects that exist are removed in one rmdef; missing ones are nothing to do', () => {
	const p = act(plan(cur({ cn1: { groups: 'all', xcatmaster: 'sn1' }, cn2: {} }, ['cn3']), want({ name: 'cn[1-3]', state: 'absent' })));
	assert.equal(p.steps, [['rmdef', '-t', 'node', '-o', 'cn1,cn2']]);
	assert.equal(p.objects, { cn1: { groups: { before: 'all', after: '' }, xcatmaster: { before: 'sn1', after: '' } }, cn2: {} });
	assert.is(p.before, 'cn1: groups=all\ncn1: xcatmaster=sn1\ncn2:\n');
	assert.is(p.after, '');
	assert.equal(act(plan(cur({}, ['cn3']), want({ name: 'cn3', state: 'absent' }))).steps, []);
});

Plan.run();
