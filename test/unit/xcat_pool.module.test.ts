// The pure parts of the xcat_pool module around the balance plan: option checks and the request, the
// member check, the probe's reads (through a scripted read), and the result's words.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CommandResult, Read } from '../../modules/runtime';
import { planBalance } from '../../modules/xcat_pool/balance';
import { checkArgs, toRequest, type Args } from '../../modules/xcat_pool/options';
import { memberProblems, probe } from '../../modules/xcat_pool/probe';
import { balanceResult, firstMovesNote, refusal } from '../../modules/xcat_pool/report';
import type { NodeState } from '../../modules/xcat_snmove/types';

const args = (a: Partial<Args> = {}): Args => ({ members: ['sn1', 'sn2'], noderange: 'compute', entries: 2, state: 'balanced', write_with: 'chdef', ...a });

test('option checks: a good request passes', () => {
	assert.equal(checkArgs(args()), []);
	assert.equal(checkArgs(args({ members: ['sn1', 'sn2', 'sn3'], entries: 3, pinned: { cn1: 'sn3' }, noderange: 'cn[01-10],rack2' })), []);
});

test('option checks: each names the option, the value and what is allowed', () => {
	const one = (a: Partial<Args>) => {
		const errors = checkArgs(args(a));
		assert.is(errors.length, 1, JSON.stringify(errors));
		return errors[0]!;
	};
	assert.is(
		one({ noderange: 'cn1;reboot' }),
		'value of noderange must be an xCAT noderange (e.g. cn1,cn[3-7],rack2), got: "cn1;reboot": it contains characters a noderange cannot have: ";"',
	);
	assert.match(one({ noderange: 'n'.repeat(70_000) }), /^value of noderange must be at most 65536 characters, got: "n+…\(70000 characters\)"$/);
	assert.match(
		one({ members: ['sn1', `sn2.${'b'.repeat(64)}`] }),
		/^value of members\[1\] must be a name of at most 253 characters with labels .* \(a label of 64 characters\)$/,
	);
	assert.is(one({ entries: 3 }), 'entries must be a whole number from 2 to the member count (2), got: 3');
	assert.is(one({ members: ['sn1', 'sn1'] }), 'members lists "sn1" more than once');
	assert.is(one({ pinned: { cn1: 'sn9' } }), 'pinned: node cn1 is pinned to "sn9", which is not one of the members');
	assert.is(
		one({ pinned: { 'cn1;x': 'sn1' } }),
		`pinned has a key that is not a node name (a host name or IPv4 address (letters, digits, '.', '_', '-')), got: "cn1;x"`,
	);
	const long = one({ pinned: { ['c'.repeat(1 << 20)]: 'sn1' } });
	assert.match(long, /^value of pinned must be a name of at most 253 characters/);
	assert.ok(long.length < 600, `${long.length} characters`);
});

test('option checks: several problems are reported together', () => {
	const errors = checkArgs(args({ noderange: 'n'.repeat(70_000), entries: 5, pinned: { cn1: 'sn9' } }));
	assert.is(errors.length, 3, JSON.stringify(errors));
	assert.match(errors[0]!, /^value of noderange/);
	assert.match(errors[1]!, /^entries must/);
	assert.match(errors[2]!, /^pinned: node cn1/);
});

test('the request: members and entries as given, pins as a map, the expanded nodes', () => {
	assert.equal(toRequest(args()), { members: ['sn1', 'sn2'], entries: 2 });
	const request = toRequest(args({ pinned: { cn1: 'sn2' } }), ['cn1', 'cn2']);
	assert.equal(request.pinned, new Map([['cn1', 'sn2']]));
	assert.equal(request.nodes, ['cn1', 'cn2']);
});

test('members: each one without an enabled servicenode row is named', () => {
	assert.equal(memberProblems(['sn1', 'sn2'], new Set(['sn1', 'sn2', 'sn3'])), []);
	const problems = memberProblems(['sn1', 'mn1', 'sn9'], new Set(['sn1']));
	assert.is(problems.length, 2);
	assert.match(problems[0]!, /^member mn1 has no enabled row in the servicenode table/);
	assert.match(problems[1]!, /^member sn9 /);
});

const state = (servicenode: string, xcatmaster = ''): NodeState => ({ servicenode, xcatmaster, tftpserver: '', nfsserver: '', monserver: '', conserver: '' });

test('the result: counts, load, and the note only when first entries move', () => {
	const nodes = new Map([
		['cn1', state('sn1,sn2', 'sn1')],
		['cn2', state('sn1,sn2', 'sn1')],
		['cn3', state('sn2,sn1')],
	]);
	const plan = planBalance({ request: { members: ['sn1', 'sn2'] }, nodes });
	const result = balanceResult(plan);
	assert.equal(
		{ ...result, note: undefined },
		{
			changed: true,
			selected: 3,
			moves: 2,
			first_moves: 0,
			unchanged: 1,
			load: [
				{ member: 'sn1', first: 2, backup: 1 },
				{ member: 'sn2', first: 1, backup: 2 },
			],
			note: undefined,
		},
	);
	assert.not.ok('note' in result, 'only xcatmaster changed: no node gets another first service node');
	assert.is(firstMovesNote(0), undefined);
	assert.match(firstMovesNote(3)!, /^3 node\(s\) get another first service node in the xCAT database only: .*next nodeset and boot.*xcat\.ha\.xcat_snmove$/);
	const moving = balanceResult(planBalance({ request: { members: ['sn1', 'sn2'] }, nodes: new Map([...nodes, ['cn4', state('sn1,sn2')]]) }));
	assert.is(moving.first_moves, 1);
	assert.ok(moving.note);
});

test('the refusal lists every error with its nodes', () => {
	const plan = planBalance({ request: { members: ['sn1', 'sn2'], nodes: ['sn1', 'cn9'] }, nodes: new Map([['sn1', state('')]]) });
	assert.is(plan.ok, false);
	assert.is(
		refusal(plan),
		'nothing was changed: a pool member cannot be balanced over the pool (it is one of the members) (1 node: sn1); not a known node (1 node: cn9)',
	);
});

/** A read that answers each command (by its first words) from a script, and records what it was asked. */
function scripted(answers: Record<string, Partial<CommandResult>>): { read: Read; asked: string[][] } {
	const asked: string[][] = [];
	const read: Read = async (argv) => {
		asked.push([...argv]);
		const key = Object.keys(answers).find((k) => argv.join(' ').startsWith(k));
		return { argv: [...argv], rc: 0, stdout: '', stderr: '', ...(key ? answers[key] : { rc: 127, stderr: `no ${argv[0]}` }) };
	};
	return { read, asked };
}

const SERVICENODE =
	'#node,nameserver,dhcpserver,tftpserver,nfsserver,conserver,monserver,ldapserver,ntpserver,ftpserver,nimserver,ipforward,dhcpinterfaces,proxydhcp,comments,disable\n"sn1",,,"1",,,,,,,,,,,,\n"sn2",,,"1",,,,,,,,,,,,\n"sn3",,,"1",,,,,,,,,,,,"1"\n';
const NODELS_B = [
	'cn1: noderes.servicenode: sn1,sn2',
	'cn1: noderes.xcatmaster: sn1',
	'cn1: noderes.tftpserver',
	'cn1: noderes.nfsserver',
	'cn1: noderes.monserver',
	'cn1: nodehm.conserver',
	'cn1: nodetype.provmethod',
	'cn1: nodetype.os',
	'cn2: noderes.servicenode: sn1,sn2 (inherited from group compute)',
	'cn2: noderes.xcatmaster',
	'cn2: noderes.tftpserver',
	'cn2: noderes.nfsserver',
	'cn2: noderes.monserver',
	'cn2: nodehm.conserver',
	'cn2: nodetype.provmethod',
	'cn2: nodetype.os',
	'',
].join('\n');

test('probe: lsxcatd first, then the servicenode rows, the noderange and the node tables whole, with what the groups alone give', async () => {
	const { read, asked } = scripted({
		'lsxcatd -t': { stdout: 'This is a Management Node\n' },
		'tabdump servicenode': { stdout: SERVICENODE },
		'nodels compute': { stdout: 'cn1\ncn2\n' },
		'tabdump nodelist': {
			stdout: '#node,groups,status,statustime,appstatus,appstatustime,primarysn,hidden,updatestatus,updatestatustime,zonename,comments,disable\n"cn1","compute,all",,,,,,,,,,,\n"cn2","compute,all",,,,,,,,,,,\n',
		},
		'tabdump noderes': {
			stdout: '#node,servicenode,xcatmaster,tftpserver,nfsserver,monserver,comments,disable\n"cn1","sn1,sn2","sn1",,,,,\n"compute","sn2,sn1","sn9",,,,,\n',
		},
		'tabdump nodehm': { stdout: '#node,conserver,comments,disable\n' },
	});
	const probed = await probe(read, ['sn1', 'sn2'], 'compute');
	assert.equal(probed.nodes, ['cn1', 'cn2']);
	assert.equal(probed.serviceNodes, new Set(['sn1', 'sn2']), 'the disabled row of sn3 does not count');
	assert.is(probed.states.get('cn1')!.xcatmaster, 'sn1');
	assert.equal(probed.states.get('cn2')!.inheritedFrom, { servicenode: 'compute', xcatmaster: 'compute' });
	assert.equal(
		probed.groupXcatmaster,
		new Map([
			['cn1', { value: 'sn9', group: 'compute' }],
			['cn2', { value: 'sn9', group: 'compute' }],
		]),
		"cn1's own sn1 hides compute's sn9",
	);
	assert.ok(asked.some((a) => a.join(' ') === 'lsxcatd -t'));
	assert.not.ok(
		asked.some((a) => a[0] === 'nodels' && a.includes('-b')),
		'two nodes are read from the tables too: nodels -b does not show a group value under a node value',
	);
});

test('probe: not an MN is refused first, whatever else fails; a member without a row (even disabled) is named', async () => {
	const notMn = scripted({ 'lsxcatd -t': { stdout: 'This is a Service Node\n' } });
	try {
		await probe(notMn.read, ['sn1', 'sn2'], 'compute');
		assert.unreachable('not refused');
	} catch (error) {
		assert.is(
			(error as Error).message,
			'this host is not an xCAT management node (lsxcatd -t says: This is a Service Node); run xcat_pool on the active management node',
		);
	}
	const noRow = scripted({
		'lsxcatd -t': { stdout: 'This is a Management Node\n' },
		'tabdump servicenode': { stdout: SERVICENODE },
		'nodels compute': { stdout: 'cn1\ncn2\n' },
	});
	try {
		await probe(noRow.read, ['sn1', 'sn3'], 'compute');
		assert.unreachable('not refused');
	} catch (error) {
		assert.match((error as Error).message, /^nothing was changed: member sn3 has no enabled row in the servicenode table/);
	}
	assert.not.ok(
		noRow.asked.some((a) => a.includes('-b')),
		'no node is read once a member fails',
	);
});

test.run();
