// The probe against a fake xCAT: a few named nodes are read by name (`nodels -b`) and give the same
// states, and so the same plan, as the whole-table path (tabdump) does for them; the computed xcatmaster
// is the destination's address, as snmove stores it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CommandResult } from '../../modules/runtime';
import { plan } from '../../modules/xcat_snmove/plan';
import { FEW_NODES, probe, type Probed } from '../../modules/xcat_snmove/probe';
import { nodelsColumns, nodeStatesFromNodels } from '../../modules/xcat_snmove/state';
import type { ClusterState, MoveRequest } from '../../modules/xcat_snmove/types';

const OTHERS = Array.from({ length: 17 }, (_, i) => `cn${i + 4}`); // cn4..cn20: plain members of compute
const ALL = ['cn1', 'cn2', 'cn3', ...OTHERS];

/** The tables: cn1 inherits everything from compute, cn2 has its own rows, cn3 takes monserver from rack2
 * and has its own tftpserver; compute's tftpserver is an xCAT expression only xCAT computes. */
const TABLES: Record<string, string> = {
	nodelist: [
		'#node,groups,status,comments,disable',
		'"cn1","compute,all",,,',
		'"cn2","compute,all",,,',
		'"cn3","rack2,compute,all",,,',
		...OTHERS.map((n) => `"${n}","compute,all",,,`),
		'"sn1","service,all",,,',
		'"sn2","service,all",,,',
	].join('\n'),
	noderes: [
		'#node,servicenode,netboot,tftpserver,nfsserver,monserver,xcatmaster,comments,disable',
		'"compute","sn1,sn2",,"|\\D+(\\d+)|sn1|",,,"sn1",,',
		'"rack2",,,,,"sn1,sn1",,,',
		'"cn2","sn1,sn2",,,"10.1.0.1",,"10.1.0.1",,',
		'"cn3",,,"sn1",,,,,',
	].join('\n'),
	nodehm: ['#node,mgt,conserver,comments,disable', '"compute","ipmi","sn1",,', '"cn2","ipmi","xcatmn",,'].join('\n'),
	nodetype: [
		'#node,os,arch,profile,provmethod,comments,disable',
		'"compute","rhels9","x86_64","compute","netboot",,',
		'"cn2",,,,"rhels9-x86_64-netboot-compute",,',
	].join('\n'),
	postscripts: [
		'#node,postscripts,postbootscripts,comments,disable',
		'"xcatdefaults","syslog,remoteshell,syncfiles","otherpkgs",,',
		'"service","servicenode",,,',
		'"compute","setupntp",,,',
		'"cn3",,"mkresolvconf",,',
	].join('\n'),
	networks: [
		'#netname,net,mask,mgtifname,gateway,comments,disable',
		'"mgmt","10.0.0.0","255.0.0.0","eth0","<xcatmaster>",,',
		'"cn","10.3.0.0","255.255.0.0","eth1",,,',
	].join('\n'),
	servicenode: ['#node,nameserver,dhcpserver,comments,disable', '"sn1","1","1",,', '"sn2","1","1",,'].join('\n'),
	site: ['#key,value,comments,disable', '"master","10.0.0.100",,', '"xcatdport","3001",,'].join('\n'),
};

/**
 * What real `nodels <nodes> -b <columns>` prints for these tables, written out by hand (not computed
 * with the code under test): inherited values carry ` (inherited from group g)`, xCAT computes the
 * expression, and an unset value is `node: table.column` alone (one in the double's `: ` form).
 */
const BLAME: Record<string, Record<string, string>> = {
	cn1: {
		'noderes.servicenode': 'sn1,sn2 (inherited from group compute)',
		'noderes.xcatmaster': 'sn1 (inherited from group compute)',
		'noderes.tftpserver': 'sn1 (inherited from group compute)',
		'nodehm.conserver': 'sn1 (inherited from group compute)',
		'nodetype.provmethod': 'netboot (inherited from group compute)',
		'nodetype.os': 'rhels9 (inherited from group compute)',
		'postscripts.postscripts': 'setupntp (inherited from group compute)',
	},
	cn2: {
		'noderes.servicenode': 'sn1,sn2',
		'noderes.xcatmaster': '10.1.0.1',
		'noderes.tftpserver': 'sn1 (inherited from group compute)',
		'noderes.nfsserver': '10.1.0.1',
		'nodehm.conserver': 'xcatmn',
		'nodetype.provmethod': 'rhels9-x86_64-netboot-compute',
		'nodetype.os': 'rhels9 (inherited from group compute)',
		'postscripts.postscripts': 'setupntp (inherited from group compute)',
	},
	cn3: {
		'noderes.servicenode': 'sn1,sn2 (inherited from group compute)',
		'noderes.xcatmaster': 'sn1 (inherited from group compute)',
		'noderes.tftpserver': 'sn1',
		'noderes.monserver': 'sn1,sn1 (inherited from group rack2)',
		'nodehm.conserver': 'sn1 (inherited from group compute)',
		'nodetype.provmethod': 'netboot (inherited from group compute)',
		'nodetype.os': 'rhels9 (inherited from group compute)',
		'postscripts.postscripts': 'setupntp (inherited from group compute)',
		'postscripts.postbootscripts': 'mkresolvconf',
	},
};

const HOSTS = [
	'127.0.0.1 localhost',
	...ALL.map((n) => `10.3.0.${n.slice(2)} ${n}`),
	'10.1.0.1 sn1',
	'10.2.0.2 sn2',
	'10.3.255.2 sn2-cn', // sn2's address in the nodes' network has a name: snmove still stores the address
].join('\n');

const IP_ADDR = [
	'sn2: 1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536',
	'sn2:     inet 127.0.0.1/8 scope host lo',
	'sn2: 2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500',
	'sn2:     inet 10.2.0.2/16 brd 10.2.255.255 scope global eth0',
	'sn2: 3: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500',
	'sn2:     inet 10.3.255.2/16 brd 10.3.255.255 scope global eth1',
].join('\n');

const ok = (argv: readonly string[], stdout: string): CommandResult => ({ argv: [...argv], rc: 0, stdout: `${stdout}\n`, stderr: '' });

function blameLines(node: string, columns: readonly string[]): string[] {
	const values = BLAME[node] ?? BLAME.cn1!; // cn4..cn20 are set up as cn1 is
	return columns.map((c) => (values[c] ? `${node}: ${c}: ${values[c]}` : node === 'cn3' ? `${node}: ${c}: ` : `${node}: ${c}`));
}

/** A fake xCAT answering the probe's reads; every call is recorded. */
function fakeXcat(calls: string[][]) {
	return async (argv: readonly string[]): Promise<CommandResult> => {
		calls.push([...argv]);
		const [cmd, ...rest] = argv;
		if (cmd === 'lsxcatd') return ok(argv, 'This is a Management Node');
		if (cmd === 'tabdump' && rest[0] === '-w') {
			assert.equal(rest, ['-w', 'node==xcatdefaults', 'postscripts']);
			return ok(argv, TABLES.postscripts!.split('\n').slice(0, 2).join('\n'));
		}
		if (cmd === 'tabdump') return ok(argv, TABLES[rest[0]!]!);
		// as xCAT's nodels: the group expanded, the nodes sorted, with -b every column of every node
		const expanded = () => [...new Set(rest[0]!.split(',').flatMap((n) => (n === 'compute' ? ALL : [n])))].sort();
		if (cmd === 'nodels' && rest.length === 1) return ok(argv, expanded().join('\n'));
		if (cmd === 'nodels' && rest[1] === '-b')
			return ok(
				argv,
				expanded()
					.flatMap((n) => blameLines(n, rest.slice(2)))
					.join('\n'),
			);
		if (cmd === 'lsdef') {
			// the tabdump path asks xCAT to compute compute's tftpserver expression
			assert.equal(rest.slice(0, 2), ['-t', 'node']);
			return ok(
				argv,
				rest[3]!
					.split(',')
					.map((n) => `Object name: ${n}\n    tftpserver=sn1`)
					.join('\n'),
			);
		}
		if (cmd === 'getent' && rest[0] === 'hosts' && rest.length === 1) return ok(argv, HOSTS);
		if (cmd === 'getent') return { argv: [...argv], rc: 2, stdout: '', stderr: '' };
		if (cmd === 'xdsh' && rest[0] === 'sn2') return ok(argv, IP_ADDR);
		throw new Error(`unexpected command ${argv.join(' ')}`);
	};
}

async function probeWith(request: MoveRequest, noderange: string, fewNodes?: number): Promise<{ probed: Probed; calls: string[][] }> {
	const calls: string[][] = [];
	const probed = await probe(fakeXcat(calls), request, noderange, fewNodes);
	return { probed, calls };
}

/** The cluster as the plan sees it for these nodes: other nodes left out. */
function forNodes(cluster: ClusterState, names: readonly string[]): ClusterState {
	return { ...cluster, nodes: new Map(names.map((n) => [n, cluster.nodes.get(n)!])) };
}

const NODE_TABLES = ['nodelist', 'noderes', 'nodehm', 'nodetype', 'postscripts'];
const readsNodeTables = (calls: string[][]) => calls.some((c) => c[0] === 'tabdump' && NODE_TABLES.includes(c[1]!));

const REQUESTS: [string, MoveRequest][] = [
	['dest sn2, nodes touched (postscripts, routes)', { dest: 'sn2', ignoreNodes: false }],
	['dest sn2 -i', { dest: 'sn2', ignoreNodes: true }],
	['backups -i', { ignoreNodes: true }],
	['dest sn2 -D given -i', { dest: 'sn2', destNodeFacing: '10.3.255.9', ignoreNodes: true }],
];

for (const [name, request] of REQUESTS) {
	test(`a few named nodes: nodels -b gives the states and the plan the tabdump path gives (${name})`, async () => {
		const noderange = 'cn3,cn1,cn2';
		const byName = await probeWith(request, noderange);
		const byTables = await probeWith(request, noderange, 0); // threshold 0: the whole-table path
		assert.is(readsNodeTables(byName.calls), false, 'no node table dumped');
		assert.equal(
			byName.calls.filter((c) => c[0] === 'nodels').map((c) => c.slice(0, 3)),
			[['nodels', noderange, '-b']],
			'expanded and read by name in one call',
		);
		assert.is(readsNodeTables(byTables.calls), true);
		const nodes = byName.probed.nodes!;
		assert.equal(nodes, ['cn1', 'cn2', 'cn3']);
		assert.equal(byTables.probed.nodes, nodes);
		assert.equal(forNodes(byName.probed.cluster, nodes), forNodes(byTables.probed.cluster, nodes), 'the same cluster state for these nodes');
		const { cluster: a, ...restA } = byName.probed;
		const { cluster: b, ...restB } = byTables.probed;
		assert.equal(restA, restB);
		const planA = plan({ request: { ...request, nodes }, cluster: byName.probed.cluster });
		const planB = plan({ request: { ...request, nodes }, cluster: byTables.probed.cluster });
		assert.equal(planA, planB, 'the same plan');
		assert.is(planA.ok, true, JSON.stringify(planA.errors));
		assert.is(planA.moves.length, 3);
		assert.ok(
			planA.moves.some((m) => m.changes.some((c) => c.inheritedFrom === 'rack2')),
			'inheritance is kept',
		);
	});
}

test('a few names of which one is a group: past FEW_NODES nodes, the expansion is kept and the node tables read', async () => {
	const request: MoveRequest = { dest: 'sn2', ignoreNodes: true };
	const guessed = await probeWith(request, 'cn1,compute', 2);
	const plain = await probeWith(request, 'cn1,compute', 0);
	assert.equal(
		guessed.calls.filter((c) => c[0] === 'nodels').map((c) => c.slice(0, 3)),
		[['nodels', 'cn1,compute', '-b']],
	);
	assert.is(readsNodeTables(guessed.calls), true, 'the tables read, as for any large noderange');
	assert.equal(guessed.probed.nodes, plain.probed.nodes);
	assert.ok(guessed.probed.nodes!.length > 2);
	assert.equal(guessed.probed.cluster, plain.probed.cluster);
});

test('a noderange that is not plain names (a range, a pattern) is expanded alone first', async () => {
	for (const noderange of ['cn1-cn3', '/cn[12]', 'compute@rack2', 'compute,-cn2']) {
		const calls: string[][] = [];
		await probe(fakeXcat(calls), { dest: 'sn2', ignoreNodes: true }, noderange).catch(() => undefined);
		assert.equal(
			calls.find((c) => c[0] === 'nodels'),
			['nodels', noderange],
			noderange,
		);
	}
});

test('the computed xcatmaster is the destination address, not the name /etc/hosts gives it (snmove.pm 420)', async () => {
	// snmove.pm 410-420: `if (xCAT::NetworkUtils->ishostinsubnet($IP, $nethash{$node}{mask}, $nethash{$node}{net}))
	// { $newxcatmaster{$node} = $IP; last; }` and 500: `$sn_hash{$node}{'xcatmaster'} = $newxcatmaster{$node};`
	for (const fewNodes of [FEW_NODES, 0]) {
		const { probed } = await probeWith({ dest: 'sn2', ignoreNodes: true }, 'cn1', fewNodes);
		const p = plan({ request: { dest: 'sn2', ignoreNodes: true, nodes: ['cn1'] }, cluster: probed.cluster });
		const xcatmaster = p.moves[0]!.changes.find((c) => c.attribute === 'xcatmaster');
		assert.is(xcatmaster?.after, '10.3.255.2');
		assert.equal(p.actions.writes[0]!.attributes.tftpserver, '10.3.255.2', 'tftpserver follows the old master sn1');
	}
});

test(`more than ${FEW_NODES} named nodes, or a source: the node tables are dumped whole`, async () => {
	const many = await probeWith({ dest: 'sn2', ignoreNodes: true }, 'compute');
	assert.is(many.probed.nodes!.length, 20);
	assert.is(readsNodeTables(many.calls), true);
	assert.equal(
		many.calls.filter((c) => c[0] === 'nodels').map((c) => c.slice(0, 3)),
		[['nodels', 'compute', '-b']],
		'a group is a plain name: read as a guess, its 20 nodes kept, their values dropped',
	);
	const calls: string[][] = [];
	await probe(fakeXcat(calls), { source: 'sn1', dest: 'sn2', ignoreNodes: true }, undefined);
	assert.is(readsNodeTables(calls), true);
	const both: string[][] = [];
	await probe(fakeXcat(both), { source: 'sn1', dest: 'sn2', ignoreNodes: true }, 'cn1');
	assert.is(readsNodeTables(both), true, 'a source with nodes: the source must be looked up among all nodes');
});

test('dest with dest_node_facing: its xdsh true starts with the first reads, for the destination check to await', async () => {
	const { probed, calls } = await probeWith({ dest: 'sn2', destNodeFacing: '10.3.255.9', ignoreNodes: true }, 'cn1');
	assert.equal(
		calls.filter((c) => c[0] === 'xdsh'),
		[['xdsh', 'sn2', 'true']],
	);
	assert.is(probed.earlySsh?.sn, 'sn2');
	assert.is((await probed.earlySsh!.answer).rc, 0);
	const without = await probeWith({ dest: 'sn2', ignoreNodes: true }, 'cn1');
	assert.is(without.probed.earlySsh, undefined, 'without dest_node_facing the address read (xdsh ip addr) answers for ssh');
});

test('xCAT calls: 1 and 10 named nodes by name, 20 by tables', async () => {
	const xcat = (calls: string[][]) => calls.filter((c) => c[0] !== 'getent').map((c) => (c[0] === 'tabdump' ? `tabdump ${c.at(-1)}` : c[0]!));
	const one = await probeWith({ dest: 'sn2', ignoreNodes: true }, 'cn1');
	assert.equal(xcat(one.calls).sort(), ['lsxcatd', 'nodels', 'tabdump networks', 'tabdump servicenode', 'tabdump site', 'xdsh']);
	const ten = await probeWith({ dest: 'sn2', ignoreNodes: true }, 'cn1,cn2,cn3,cn4,cn5,cn6,cn7,cn8,cn9,cn10');
	assert.equal(xcat(ten.calls), xcat(one.calls), 'the same calls for 10 nodes');
	const touched = await probeWith({ dest: 'sn2', ignoreNodes: false }, 'cn1');
	assert.ok(xcat(touched.calls).includes('tabdump postscripts'), 'xcatdefaults alone (tabdump -w) when postscripts run');
});

test('a named destination is asked with the first reads, before any answer is awaited; a dest that is no service node counts nowhere', async () => {
	const { calls, probed } = await probeWith({ dest: 'sn2', ignoreNodes: true }, 'cn1,cn2');
	const xdsh = calls.findIndex((c) => c[0] === 'xdsh');
	const mn = calls.findIndex((c) => c[0] === 'lsxcatd');
	assert.ok(xdsh >= 0 && mn >= 0 && xdsh < mn, `xdsh before lsxcatd, the first awaited: ${JSON.stringify(calls.map((c) => c[0]))}`);
	assert.is(calls.filter((c) => c[0] === 'xdsh').length, 1, 'asked once');
	assert.ok(probed.cluster.serviceNodeAddresses!.has('sn2'));
	assert.ok(probed.answeredSsh.has('sn2'));
	// cn5 is no service node: its early xdsh (which fails here) leaves no trace in the probe's answers
	const stranger = await probeWith({ dest: 'cn5', ignoreNodes: true }, 'cn1');
	assert.equal([...stranger.probed.cluster.serviceNodeAddresses!.keys()], []);
	assert.equal([...stranger.probed.unreachable.keys()], []);
	assert.equal([...stranger.probed.answeredSsh], []);
});

test('nodels -b parsing: both empty forms, attribution, and what must fail', () => {
	const columns = nodelsColumns(false);
	assert.not.ok(columns.includes('postscripts.postscripts'));
	const text = blameLines('cn3', columns).join('\n');
	const r = nodeStatesFromNodels(text, ['cn3'], columns);
	assert.ok(r.ok);
	if (!r.ok) return;
	const cn3 = r.nodes.get('cn3')!;
	assert.is(cn3.monserver, 'sn1,sn1');
	assert.is(cn3.nfsserver, '');
	assert.equal(cn3.inheritedFrom, { servicenode: 'compute', xcatmaster: 'compute', monserver: 'rack2', conserver: 'compute' });
	assert.is(nodeStatesFromNodels('cn1: noderes.nfsserver', ['cn1'], columns).ok, true, 'empty value, real form');
	const missing = nodeStatesFromNodels(text, ['cn3', 'cn4'], columns);
	assert.ok(!missing.ok && /nothing for cn4/.test(missing.error));
	const stranger = nodeStatesFromNodels(`${text}\ncn9: noderes.servicenode: sn1`, ['cn3'], columns);
	assert.ok(!stranger.ok && /cn9/.test(stranger.error));
	const garbage = nodeStatesFromNodels('Error: something', ['cn3'], columns);
	assert.ok(!garbage.ok);
});

test.run();
