// The pure parts of the xcat_snmove module around the plan: option checks, parsers of what the probe
// reads, the commands apply runs, and the report's words.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:net';
import type { CommandResult } from '../../modules/runtime';
import { noderangeProblem } from '../../modules/xcat/noderange';
import { briefly, checkDestinations, runSteps, stepWaves, verifyWrites, writeMismatches } from '../../modules/xcat_snmove/apply';
import { nodelsColumns } from '../../modules/xcat_snmove/state';
import { requireManagementNode } from '../../modules/xcat/mn';
import { noderangeOptionProblem } from '../../modules/xcat/noderange';
import { ModuleError } from '../../modules/runtime';
import { commandsFor } from '../../modules/xcat_snmove/commands';
import { checkArgs, type Args } from '../../modules/xcat_snmove/options';
import { networkRows, parseAhostsv4, parseGetentHosts, parseInetAddresses, parseNodels, serviceNodeNames, siteValues } from '../../modules/xcat_snmove/parse';
import { plan } from '../../modules/xcat_snmove/plan';
import { mergeComputed, tablesFor } from '../../modules/xcat_snmove/probe';
import { findingLine, toRequest } from '../../modules/xcat_snmove/report';
import { parseTabdump, type Tabdump } from '../../modules/xcat/tabdump';
import type { PlanActions } from '../../modules/xcat_snmove/types';

const table = (text: string): Tabdump => {
	const r = parseTabdump(text);
	if (!r.ok) throw new Error(r.error);
	return r.table;
};

test('noderanges: the grammar passes, shell syntax and broken structure do not', () => {
	for (const ok of [
		'cn1',
		'cn1,cn3',
		'cn[01-10]',
		'cn01-cn10',
		'rack1@compute',
		'all,-cn5',
		'/cn[345].*',
		'^/tmp/nodes',
		'noderes.servicenode==sn1',
		'(a,b)@c',
		'f[1-2]n[1-3]',
		'cn10+3',
	]) {
		assert.is(noderangeProblem(ok), undefined, ok);
	}
	const bad: [string, RegExp][] = [
		['', /empty/],
		['cn1;reboot', /";"/],
		['cn1 cn2', /" "/],
		['$(id)', /"\$"/],
		['cn`x`', /"`"/],
		['a\nb', /"\\n"/],
		['cn1&', /"&"/],
		['cn1>x', /">"/],
		["cn'1'", /"'"/],
		['cn[1-', /not closed/],
		['cn1]', /no "\["/],
		['(cn1', /not closed/],
		[',cn1', /empty element/],
		['cn1,', /empty element/],
		['cn1,,cn2', /empty element/],
	];
	for (const [text, why] of bad) assert.match(noderangeProblem(text) ?? '', why, JSON.stringify(text));
	assert.is(noderangeProblem('cn[1,2],cn3'), undefined, 'a comma inside brackets is not an element separator');
});

const args = (a: Partial<Args>): Args => ({ ignore_nodes: false, reconfigure_boot: true, write_with: 'chdef', ...a });

test('option checks: nodes need a destination, -S needs -s, postscripts and ignore_nodes exclude each other', () => {
	assert.equal(checkArgs(args({ source: 'sn1', ignore_nodes: false })), []);
	assert.equal(checkArgs(args({ nodes: 'cn1', dest: 'sn1', ignore_nodes: false })), []);
	assert.equal(checkArgs(args({ nodes: 'cn1', source: 'sn1', ignore_nodes: false })), []);
	assert.match(checkArgs(args({ nodes: 'cn1', ignore_nodes: false }))[0]!, /nodes needs dest/);
	assert.match(checkArgs(args({ nodes: 'cn1', dest: 'sn2', source_node_facing: 'x', ignore_nodes: false }))[0]!, /source_node_facing needs source/);
	assert.match(checkArgs(args({ source: 'sn1', dest: 'sn1', ignore_nodes: false }))[0]!, /differ/);
	assert.match(checkArgs(args({ source: 'sn1', ignore_nodes: true, postscripts: ['a'] }))[0]!, /ignore_nodes/);
	assert.match(checkArgs(args({ source: 'sn1', ignore_nodes: false, postscripts: ['all', 'a'] }))[0]!, /stands alone/);
	assert.equal(checkArgs(args({ source: 'sn1', ignore_nodes: false, postscripts: ['all'] })), []);
});

test('the request: names mapped to the plan, postscripts all as the keyword', () => {
	assert.equal(
		toRequest({
			source: 'sn1',
			source_node_facing: 'a',
			dest: 'sn2',
			dest_node_facing: 'b',
			ignore_nodes: false,
			reconfigure_boot: true,
			postscripts: ['all'],
			write_with: 'chdef',
		}),
		{ ignoreNodes: false, reconfigureBoot: true, source: 'sn1', sourceNodeFacing: 'a', dest: 'sn2', destNodeFacing: 'b', postscripts: 'all' },
	);
	assert.equal(toRequest({ ignore_nodes: true, reconfigure_boot: false, postscripts: ['x'], write_with: 'chdef' }), {
		ignoreNodes: true,
		reconfigureBoot: false,
		postscripts: ['x'],
	});
});

test('tables read: postscripts only when the nodes run them, networks only when xcatmaster is computed or routes may be added', () => {
	const always = ['nodelist', 'noderes', 'nodehm', 'nodetype', 'servicenode', 'site'];
	assert.equal(tablesFor({ ignoreNodes: false }), [...always.slice(0, 4), 'postscripts', 'networks', ...always.slice(4)]);
	assert.equal(
		tablesFor({ ignoreNodes: true }),
		[...always.slice(0, 4), 'networks', ...always.slice(4)],
		'no dest_node_facing: the master comes from networks',
	);
	assert.equal(tablesFor({ ignoreNodes: true, destNodeFacing: '10.0.0.2' }), always, 'snmove -i -D: neither');
	assert.equal(tablesFor({ ignoreNodes: false, destNodeFacing: '10.0.0.2' }), [...always.slice(0, 4), 'postscripts', 'networks', ...always.slice(4)]);
});

test('destinations: an SN that answered xdsh in the probe is not asked again, its xcatd is; one that did not is asked', async () => {
	const server = createServer((socket) => socket.end());
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as { port: number }).port;
	const calls: string[][] = [];
	const read = async (argv: readonly string[]): Promise<CommandResult> => {
		calls.push([...argv]);
		return { argv: [...argv], rc: 0, stdout: '', stderr: '' };
	};
	try {
		await checkDestinations(read, ['127.0.0.1'], port, new Set(['127.0.0.1']));
		assert.equal(calls, [], 'no second xdsh');
		await checkDestinations(read, ['127.0.0.1'], port);
		assert.equal(calls, [['xdsh', '127.0.0.1', 'true']]);
		// the probe's early `xdsh <dest> true` (dest_node_facing given) is awaited, not asked again
		calls.length = 0;
		const failed = { sn: '127.0.0.1', answer: Promise.resolve({ argv: [], rc: 1, stdout: '', stderr: 'ssh: connect refused' }) };
		try {
			await checkDestinations(read, ['127.0.0.1'], port, new Set(), failed);
			assert.unreachable('its early xdsh failed: refused');
		} catch (error) {
			assert.match(String(error), /xdsh 127\.0\.0\.1 true failed \(rc 1\): ssh: connect refused/);
		}
		assert.equal(calls, [], 'the early answer is used');
	} finally {
		await new Promise((resolve) => server.close(resolve));
	}
	try {
		await checkDestinations(read, ['127.0.0.1'], port, new Set(['127.0.0.1']));
		assert.unreachable('xcatd does not answer: refused');
	} catch (error) {
		assert.match(String(error), /does not answer on port/);
	}
});

test('parsers: nodels, ip addr through xdsh, getent', () => {
	assert.equal(parseNodels('cn1\ncn3\n\n'), ['cn1', 'cn3']);
	const ipAddr = [
		'sn2: 1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
		'sn2:     inet 127.0.0.1/8 scope host lo',
		'sn2:     inet6 ::1/128 scope host noprefixroute ',
		'sn2: 2: host0@if9: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500',
		'sn2:     inet 198.51.100.22/24 brd 198.51.100.255 scope global host0',
		'sn2:     inet 10.2.0.22/16 scope global eth1',
		'sn2:     inet 10.2.0.22/16 scope global secondary eth1:0',
	].join('\n');
	assert.equal(parseInetAddresses(ipAddr), ['198.51.100.22', '10.2.0.22']);
	assert.equal(parseInetAddresses(''), []);
	const hosts = parseGetentHosts('127.0.0.1       localhost\n198.51.100.22   sn2 sn2.xcat.lab\n198.51.100.22   other\nfe80::1 v6host\n198.51.100.31 cn1\n');
	assert.is(hosts.byName.get('sn2.xcat.lab'), '198.51.100.22');
	assert.is(hosts.byName.get('v6host'), undefined);
	assert.is(hosts.byAddress.get('198.51.100.22'), 'sn2', 'the first name of the first line wins');
	assert.is(parseAhostsv4('10.0.0.5      STREAM cn9.example\n10.0.0.5      DGRAM  \n'), '10.0.0.5');
	assert.is(parseAhostsv4(''), undefined);
});

test('tables: site values, networks in order with gateways, service nodes; disabled rows are skipped', () => {
	const site = table('#key,value,comments,disable\n"master","10.0.0.1",,\n"consoleservice","goconserver",,\n"xcatdport","3001",,"1"\n');
	assert.equal(
		[...siteValues(site)],
		[
			['master', '10.0.0.1'],
			['consoleservice', 'goconserver'],
		],
	);
	const networks = table(
		'#netname,net,mask,mgtifname,gateway,disable\n"a","10.0.0.0","255.0.0.0",,"<xcatmaster>",\n"b","192.168.0.0","255.255.0.0",,,\n"c","172.16.0.0","255.240.0.0",,,"yes"\n',
	);
	assert.equal(networkRows(networks), [
		{ net: '10.0.0.0', mask: '255.0.0.0', gateway: '<xcatmaster>' },
		{ net: '192.168.0.0', mask: '255.255.0.0' },
	]);
	assert.equal([...serviceNodeNames(table('#node,tftpserver,disable\n"sn1","1",\n"sn2","1","1"\n'))], ['sn1']);
});

const ACTIONS: PlanActions = {
	writes: [
		{ nodes: ['cn1', 'cn3'], attributes: { servicenode: 'sn2,sn1', xcatmaster: 'sn2', conserver: 'sn2' } },
		{ nodes: ['cn5'], attributes: { xcatmaster: 'sn2', servicenode: 'sn2,sn1' } },
	],
	consoles: ['cn1', 'cn3'],
	nodeset: [
		{ provmethod: 'netboot', argument: 'netboot', nodes: ['cn1'] },
		{ provmethod: 'img', argument: 'osimage=img', nodes: ['cn3', 'cn5'] },
	],
	routes: [{ gateway: '10.0.0.2', nodes: ['cn1'] }],
	postscripts: [{ scripts: ['syslog', 'setupntp'], nodes: ['cn1', 'cn3', 'cn5'] }],
};

test('commands: one chdef per write (attributes in a fixed order), consoles, nodeset per group, routes, updatenode -s then -P', () => {
	const steps = commandsFor(ACTIONS, '');
	assert.equal(
		steps.map((s) => s.name),
		['database', 'consoles', 'nodeset', 'routes', 'postscripts'],
	);
	assert.equal(
		steps.flatMap((s) => s.commands),
		[
			['chdef', '-t', 'node', '-o', 'cn1,cn3', 'servicenode=sn2,sn1', 'xcatmaster=sn2', 'conserver=sn2'],
			['chdef', '-t', 'node', '-o', 'cn5', 'servicenode=sn2,sn1', 'xcatmaster=sn2'],
			['makeconservercf', 'cn1,cn3'],
			['nodeset', 'cn1', 'netboot'],
			['nodeset', 'cn3,cn5', 'osimage=img'],
			['xdsh', 'cn1', '-v', 'route add default gw 10.0.0.2'],
			['updatenode', 'cn1,cn3,cn5', '-s'],
			['updatenode', 'cn1,cn3,cn5', '-P', 'syslog,setupntp'],
		],
	);
	assert.equal(commandsFor(ACTIONS, 'goconserver')[1]!.commands, [['makegocons', 'cn1,cn3']]);
	assert.equal(commandsFor({ writes: [], consoles: [], nodeset: [], routes: [], postscripts: [] }, ''), [], 'nothing to do, no step');
});

test('commands: 20,000 nodes moving alike are one write, split into argv-sized chdef calls', () => {
	const nodes = Array.from({ length: 20_000 }, (_, i) => `node${String(i).padStart(6, '0')}`);
	const database = commandsFor({ ...ACTIONS, writes: [{ nodes, attributes: { xcatmaster: 'sn2' } }] }, '')[0]!;
	assert.is(database.commands.length, 3); // 20,000 × 11 characters
	assert.ok(database.commands.every((argv) => argv[4]!.length < 128 * 1024));
	assert.equal(
		database.commands.flatMap((argv) => argv[4]!.split(',')),
		nodes,
	);
});

test('findings: at most ten nodes named, with the count', () => {
	assert.is(findingLine({ kind: 'x', message: 'm', nodes: [] }), 'm');
	assert.is(findingLine({ kind: 'x', message: 'm', nodes: ['a'] }), 'm (1 node: a)');
	const many = Array.from({ length: 12 }, (_, i) => `n${i}`);
	assert.is(findingLine({ kind: 'x', message: 'm', nodes: many }), 'm (12 nodes: n0, n1, n2, n3, n4, n5, n6, n7, n8, n9, … 2 more)');
});

test('a plan from the lab cluster as the module probes it gives the commands the e2e test expects', () => {
	const node = {
		servicenode: 'sn1,sn2',
		xcatmaster: 'sn1',
		tftpserver: 'sn1',
		nfsserver: 'sn1',
		monserver: 'sn1,sn1',
		conserver: 'sn1',
		provmethod: 'rhels9.4-x86_64-netboot-compute',
		postscripts: 'syslog,setupntp',
		address: '198.51.100.31',
	};
	const p = plan({
		request: { source: 'sn1' },
		cluster: {
			nodes: new Map([
				['cn1', node],
				['cn2', { ...node, servicenode: 'sn2,sn1', xcatmaster: 'sn2' }],
			]),
			networks: [{ net: '198.51.100.0', mask: '255.255.255.0' }],
			serviceNodeAddresses: new Map([['sn2', [{ address: '198.51.100.22' }]]]),
			hostAddresses: new Map([
				['sn1', '198.51.100.21'],
				['sn2', '198.51.100.22'],
			]),
			serviceNodes: new Set(['sn1', 'sn2']),
			xcatdefaults: { postscripts: 'syslog,remoteshell,syncfiles', postbootscripts: 'otherpkgs' },
		},
	});
	assert.is(p.ok, true);
	assert.equal(
		commandsFor(p.actions, '').flatMap((s) => s.commands),
		[
			[
				'chdef',
				'-t',
				'node',
				'-o',
				'cn1',
				'servicenode=sn2,sn1',
				// the computed master is sn2's address, as snmove.pm 420 stores it, though it has a name
				'xcatmaster=198.51.100.22',
				'tftpserver=198.51.100.22',
				'nfsserver=198.51.100.22',
				'monserver=sn2,198.51.100.22',
				'conserver=sn2',
			],
			['makeconservercf', 'cn1'],
			['nodeset', 'cn1', 'osimage=rhels9.4-x86_64-netboot-compute'],
			['updatenode', 'cn1', '-s'],
			['updatenode', 'cn1', '-P', 'syslog,setupntp'],
		],
	);
});

test('computed values: lsdef -i answers merged; a node lsdef did not show (hidden, or gone) is named, not left with its expression', () => {
	const nodes = new Map([
		['cn1', { xcatmaster: '|cn(\\d+)|sn1|' }],
		['cn2', { xcatmaster: '|cn(\\d+)|sn1|' }],
	]) as unknown as Parameters<typeof mergeComputed>[0];
	assert.is(mergeComputed(nodes, ['cn1', 'cn2'], ['xcatmaster'], 'Object name: cn1\n    xcatmaster=sn1\nObject name: cn2\n    xcatmaster=sn1\n'), undefined);
	assert.is((nodes.get('cn2') as unknown as Record<string, string>).xcatmaster, 'sn1');
	const again = new Map([
		['cn1', { xcatmaster: '|x|y|' }],
		['cn2', { xcatmaster: '|x|y|' }],
	]) as unknown as Parameters<typeof mergeComputed>[0];
	assert.match(mergeComputed(again, ['cn1', 'cn2'], ['xcatmaster'], 'Object name: cn1\n    xcatmaster=sn1\n') ?? '', /^lsdef showed no values for cn2, /);
	assert.match(mergeComputed(again, ['cn1'], ['xcatmaster'], 'No object definitions have been found\n') ?? '', /no values for cn1/);
});

test('a failed command over 10,000 nodes is told in a few lines: its nodes cut short, its first five errors, how many more', () => {
	const nodes = Array.from({ length: 10_000 }, (_, i) => `bn${String(i + 1).padStart(5, '0')}`);
	const stderr = nodes.map((n) => `${n}: [mn1]: Error: Unable to identify plugin for this command`).join('\n');
	const text = briefly({ argv: ['nodeset', nodes.join(','), 'osimage=x'], error: new ModuleError('nodeset … failed', { rc: 1, stderr, stdout: '' }) });
	assert.ok(text.length < 1000, `${text.length} characters`);
	assert.match(text, /^nodeset 'bn00001,.*…\(10000 nodes\)' osimage=x failed \(rc 1\): bn00001: \[mn1\]: Error/);
	assert.match(text, /bn00005: .*\n… and 9995 more lines$/);
});

test('a too-long noderange is reported with the other errors, not alone', () => {
	const errors = checkArgs(args({ nodes: 'n'.repeat(70_000), source_node_facing: 'x' }));
	assert.is(errors.length, 3, JSON.stringify(errors));
	assert.match(errors[0]!, /^value of nodes must be at most 65536 characters/);
	assert.match(errors[1]!, /^nodes needs dest/);
	assert.match(errors[2]!, /^source_node_facing needs source/);
});

test('noderangeOptionProblem: length first, then the grammar, both naming the option', () => {
	assert.is(noderangeOptionProblem('noderange', 'cn[1-3],rack2'), undefined);
	assert.match(noderangeOptionProblem('nodes', 'n'.repeat(70_000))!, /^value of nodes must be at most 65536 characters, got: "n+…\(70000 characters\)"$/);
	assert.match(noderangeOptionProblem('nodes', `cn1,${'c'.repeat(300)}`)!, /^value of nodes must be a name of at most 253 characters/);
	assert.is(
		noderangeOptionProblem('noderange', 'cn1,,cn2'),
		'value of noderange must be an xCAT noderange (e.g. cn1,cn[3-7],rack2), got: "cn1,,cn2": it has an empty element (",," or a leading or trailing ",")',
	);
});

test('requireManagementNode: the module it was asked for is named in each refusal', async () => {
	const answer =
		(r: Partial<CommandResult>) =>
		async (argv: readonly string[]): Promise<CommandResult> => ({ argv: [...argv], rc: 0, stdout: '', stderr: '', ...r });
	const refusal = async (r: Partial<CommandResult>, module: string) => {
		try {
			await requireManagementNode(answer(r), module);
			return undefined;
		} catch (error) {
			return (error as Error).message;
		}
	};
	assert.is(await refusal({ stdout: 'This is a Management Node\n' }, 'xcat_pool'), undefined);
	assert.is(await refusal({ rc: 127 }, 'xcat_pool'), 'lsxcatd was not found: run xcat_pool on the active xCAT management node');
	assert.is(
		await refusal({ stdout: 'This is a Service Node\n' }, 'xcat_snmove'),
		'this host is not an xCAT management node (lsxcatd -t says: This is a Service Node); run xcat_snmove on the active management node',
	);
	assert.match((await refusal({ rc: 111, stderr: 'Connection failure' }, 'xcat_pool'))!, /xcatd does not answer on this host.*run xcat_pool there/);
});

test('read-back: each node that differs is named with the value it holds and the one written', () => {
	const held = new Map([
		['cn1', { servicenode: 'sn2,sn1', xcatmaster: '' }],
		['cn2', { servicenode: 'sn1,sn2', xcatmaster: 'sn1' }],
	]);
	const writes = [{ nodes: ['cn1', 'cn2', 'cn3'], attributes: { servicenode: 'sn2,sn1', xcatmaster: '' } }];
	assert.equal(writeMismatches(held, writes), ['cn2: servicenode="sn1,sn2" (written "sn2,sn1"), xcatmaster="sn1" (written "")', 'cn3: no longer defined']);
	assert.equal(writeMismatches(held, [{ nodes: ['cn1'], attributes: { servicenode: 'sn2,sn1' } }]), []);
});

/** What `nodels <nodes> -b <columns>` prints when each node holds servicenode=sn2,sn1 and xcatmaster=sn2. */
function nodelsHolding(argv: readonly string[]): string {
	const values: Record<string, string> = { 'noderes.servicenode': 'sn2,sn1', 'noderes.xcatmaster': 'sn2' };
	return argv[1]!
		.split(',')
		.flatMap((node) => argv.slice(3).map((column) => (values[column] ? `${node}: ${column}: ${values[column]}` : `${node}: ${column}`)))
		.join('\n');
}

test('read-back: up to 16 written nodes are read by name (one nodels -b), more as the node tables', async () => {
	const asked: string[][] = [];
	const read = async (argv: readonly string[]): Promise<CommandResult> => {
		asked.push([...argv]);
		if (argv[0] === 'nodels') return { argv: [...argv], rc: 0, stdout: nodelsHolding(argv), stderr: '' };
		const rows: Record<string, string> = {
			nodelist: '#node,groups,status,statustime,appstatus,appstatustime,primarysn,hidden,updatestatus,updatestatustime,zonename,comments,disable\n',
			noderes:
				'#node,servicenode,netboot,tftpserver,tftpdir,nfsserver,monserver,nfsdir,installnic,primarynic,discoverynics,cmdinterface,xcatmaster,current_osimage,next_osimage,nimserver,routenames,nameservers,proxydhcp,syslog,comments,disable\n',
			nodehm: '#node,power,mgt,cons,termserver,termport,conserver,serialport,serialspeed,serialflow,getmac,cmdmapping,consoleondemand,comments,disable\n',
		};
		const nodes = Array.from({ length: 17 }, (_, k) => `cn${k + 1}`);
		const body =
			argv[1] === 'nodelist'
				? nodes.map((n) => `"${n}","compute",,,,,,,,,,,`)
				: argv[1] === 'noderes'
					? nodes.map((n) => `"${n}","sn2,sn1",,,,,,,,,,,"sn2",,,,,,,,,`)
					: nodes.map((n) => `"${n}",,,,,,,,,,,,,,`);
		return { argv: [...argv], rc: 0, stdout: `${rows[argv[1]!]}${body.join('\n')}\n`, stderr: '' };
	};
	const write = (count: number) => [
		{ nodes: Array.from({ length: count }, (_, k) => `cn${k + 1}`), attributes: { servicenode: 'sn2,sn1', xcatmaster: 'sn2' } },
	];
	await verifyWrites(read, write(16));
	assert.equal(
		asked.map((a) => a.slice(0, 3)),
		[['nodels', Array.from({ length: 16 }, (_, k) => `cn${k + 1}`).join(','), '-b']],
	);
	assert.equal(asked[0]!.slice(3), nodelsColumns(false));
	asked.length = 0;
	await verifyWrites(read, write(17));
	assert.equal(asked.map((a) => a.join(' ')).sort(), ['tabdump nodehm', 'tabdump nodelist', 'tabdump noderes']);
	try {
		await verifyWrites(read, [{ nodes: ['cn1'], attributes: { servicenode: 'sn1,sn2' } }]);
		assert.unreachable('cn1 holds sn2,sn1: the read-back fails');
	} catch (error) {
		assert.match(String(error), /cn1: servicenode="sn2,sn1" \(written "sn1,sn2"\)/);
	}
});

test('steps: the consoles and the boot files are written at once, while the rows are read back, and before routes and postscripts', async () => {
	assert.equal(stepWaves(['database', 'consoles', 'nodeset', 'routes', 'postscripts'].map((name) => ({ name: name as never }))), [[0], [1, 2], [3], [4]]);
	assert.equal(stepWaves([{ name: 'database' }, { name: 'nodeset' }, { name: 'postscripts' }]), [[0], [1], [2]]);
	const events: string[] = [];
	const change = async (argv: readonly string[]): Promise<CommandResult> => {
		events.push(`start ${argv[0]}`);
		await new Promise((resolve) => setTimeout(resolve, 30));
		events.push(`end ${argv[0]}`);
		return { argv: [...argv], rc: 0, stdout: '', stderr: '' };
	};
	const read = async (argv: readonly string[]): Promise<CommandResult> => {
		events.push(`start ${argv[0]}`);
		await new Promise((resolve) => setTimeout(resolve, 30));
		events.push(`end ${argv[0]}`);
		return { argv: [...argv], rc: 0, stdout: nodelsHolding(argv), stderr: '' };
	};
	const steps = [
		{ name: 'database' as const, commands: [['chdef', '-t', 'node', '-o', 'cn1', 'servicenode=sn2,sn1', 'xcatmaster=sn2']] },
		{ name: 'consoles' as const, commands: [['makegocons', 'cn1']] },
		{ name: 'nodeset' as const, commands: [['nodeset', 'cn1', 'netboot']] },
		{ name: 'postscripts' as const, commands: [['updatenode', 'cn1', '-s']] },
	];
	const times = await runSteps(change, read, steps, [{ nodes: ['cn1'], attributes: { servicenode: 'sn2,sn1', xcatmaster: 'sn2' } }]);
	assert.equal(events, [
		'start chdef',
		'end chdef',
		'start nodels',
		'start makegocons',
		'start nodeset',
		'end nodels',
		'end makegocons',
		'end nodeset',
		'start updatenode',
		'end updatenode',
	]);
	assert.equal(
		times.map((t) => t.step),
		['database', 'consoles', 'nodeset', 'postscripts'],
	);
	assert.ok(times[0]!.ms >= 55, `the database step lasts until its rows are read back: ${times[0]!.ms} ms`);

	// rows that differ from the plan: consoles and boot files were made meanwhile (from the database as
	// it is); the postscripts, which reach the nodes, do not run
	events.length = 0;
	try {
		await runSteps(change, read, steps, [{ nodes: ['cn1'], attributes: { servicenode: 'sn3,sn1', xcatmaster: 'sn3' } }]);
		assert.unreachable('the read-back finds cn1 holding sn2');
	} catch (error) {
		assert.instance(error, ModuleError);
		assert.match(
			(error as ModuleError).message,
			/cn1: servicenode="sn2,sn1" \(written "sn3,sn1"\).*consoles and boot files were written.*nothing else ran/,
		);
		assert.equal((error as ModuleError).extra.failed_steps, ['database']);
	}
	assert.equal(
		events.filter((e) => e.startsWith('start')),
		['start chdef', 'start nodels', 'start makegocons', 'start nodeset'],
	);
});

test.run();
