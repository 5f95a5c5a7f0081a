// The snmove plan, table by table: every rule and edge of docs/xcat-behaviour.md#snmove and issue 7.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { plan } from '../../modules/xcat_snmove/plan';
import { applyWrites } from '../../modules/xcat_snmove/simulate';
import type { ClusterState, ErrorKind, MovedAttribute, MoveRequest, NodeState, Plan, WarningKind } from '../../modules/xcat_snmove/types';

/** A netboot node served by sn1 (backup sn2), known to the nodes as sn1, unless overridden. */
const node = (p: Partial<NodeState> = {}): NodeState => ({
	servicenode: 'sn1,sn2',
	xcatmaster: 'sn1',
	tftpserver: '',
	nfsserver: '',
	monserver: '',
	conserver: '',
	provmethod: 'netboot',
	...p,
});

const HOSTS = new Map([
	['sn1', '10.1.0.1'],
	['sn2', '10.1.0.2'],
	['sn3', '10.1.0.3'],
	['sn2-eth1', '10.2.0.2'],
]);

function cluster(nodes: Record<string, Partial<NodeState>>, extra: Partial<ClusterState> = {}): ClusterState {
	return { nodes: new Map(Object.entries(nodes).map(([name, p]) => [name, node(p)])), hostAddresses: HOSTS, ...extra };
}

type After = Record<string, Partial<Record<MovedAttribute, string>>>;

/** The node attributes after the plan's writes, for the attributes the case names. */
function afterOf(result: Plan, state: ClusterState, expected: After): After {
	const after = applyWrites(state.nodes, result.actions.writes);
	const out: After = {};
	for (const [name, attributes] of Object.entries(expected)) {
		const values: Partial<Record<MovedAttribute, string>> = {};
		for (const attribute of Object.keys(attributes) as MovedAttribute[]) values[attribute] = after.get(name)![attribute];
		out[name] = values;
	}
	return out;
}

const kinds = <K extends string>(findings: { kind: K; nodes: string[] }[]) => findings.map((f) => [f.kind, f.nodes] as const);

interface Case {
	name: string;
	nodes: Record<string, Partial<NodeState>>;
	request: MoveRequest;
	extra?: Partial<ClusterState>;
	after?: After;
	moved?: string[];
	errors?: (readonly [ErrorKind, string[]])[];
	warnings?: (readonly [WarningKind, string[]])[];
}

const D = '10.1.0.2'; // a -D value used by many cases

const CASES: Case[] = [
	{
		name: 'source selects only the nodes that list it first',
		nodes: { cn1: {}, cn2: { servicenode: 'sn2,sn1', xcatmaster: 'sn2' }, cn3: { servicenode: 'sn3,sn1' } },
		request: { source: 'sn1', destNodeFacing: D },
		moved: ['cn1'],
		after: { cn1: { servicenode: 'sn2,sn1', xcatmaster: D }, cn2: { servicenode: 'sn2,sn1' }, cn3: { servicenode: 'sn3,sn1' } },
	},
	{
		name: 'three entries: the backup to the front, the third stays third',
		nodes: { cn1: { servicenode: 'sn1,sn2,sn3' } },
		request: { source: 'sn1', destNodeFacing: D },
		after: { cn1: { servicenode: 'sn2,sn1,sn3' } },
	},
	{
		name: 'dest not in the list: put in front of the whole list',
		nodes: { cn1: {} },
		request: { nodes: ['cn1'], dest: 'sn3', destNodeFacing: '10.1.0.3' },
		after: { cn1: { servicenode: 'sn3,sn1,sn2', xcatmaster: '10.1.0.3' } },
	},
	{
		name: 'dest third in the list',
		nodes: { cn1: { servicenode: 'sn1,sn2,sn3' } },
		request: { source: 'sn1', dest: 'sn3', destNodeFacing: '10.1.0.3' },
		after: { cn1: { servicenode: 'sn3,sn1,sn2' } },
	},
	{
		name: 'blank tftpserver and nfsserver stay blank',
		nodes: { cn1: {} },
		request: { source: 'sn1', destNodeFacing: D },
		after: { cn1: { tftpserver: '', nfsserver: '' } },
	},
	{
		name: 'tftpserver/nfsserver by the old master name, by its address, and not when naming someone else',
		nodes: {
			byName: { tftpserver: 'sn1', nfsserver: 'sn1' },
			byAddress: { tftpserver: '10.1.0.1', nfsserver: '10.1.0.1' },
			other: { tftpserver: 'sn3', nfsserver: '10.9.9.9' },
		},
		request: { source: 'sn1', destNodeFacing: D },
		after: { byName: { tftpserver: D, nfsserver: D }, byAddress: { tftpserver: D, nfsserver: D }, other: { tftpserver: 'sn3', nfsserver: '10.9.9.9' } },
	},
	{
		name: 'xcatmaster is an address: a tftpserver equal to it follows, a name does not (xCAT does not resolve it)',
		nodes: { cn1: { xcatmaster: '10.1.0.1', tftpserver: '10.1.0.1', nfsserver: 'sn1' } },
		request: { source: 'sn1', destNodeFacing: D },
		after: { cn1: { tftpserver: D, nfsserver: 'sn1' } },
	},
	{
		name: 'tftpserver naming the MN-facing SN name while xcatmaster is the node-facing one: left',
		nodes: { cn1: { xcatmaster: 'sn1-eth1', tftpserver: 'sn1' } },
		request: { source: 'sn1', destNodeFacing: D },
		after: { cn1: { tftpserver: 'sn1', xcatmaster: D } },
	},
	{
		name: 'source_node_facing (-S) replaces xcatmaster as the old master',
		nodes: { cn1: { xcatmaster: 'sn1', tftpserver: 'sn1', nfsserver: 'sn1-eth1' } },
		request: { source: 'sn1', sourceNodeFacing: 'sn1-eth1', destNodeFacing: D },
		after: { cn1: { tftpserver: 'sn1', nfsserver: D } },
	},
	{
		name: 'monserver: two fields naming the old SN rewritten; another SN left; one field warned and left',
		nodes: { two: { monserver: 'sn1,sn1-eth1' }, other: { monserver: 'sn3,sn3' }, one: { monserver: 'sn1' }, blank: {} },
		request: { source: 'sn1', destNodeFacing: D },
		after: { two: { monserver: `sn2,${D}` }, other: { monserver: 'sn3,sn3' }, one: { monserver: 'sn1' }, blank: { monserver: '' } },
		warnings: [['monserver-one-field', ['one']]],
	},
	{
		name: 'conserver: exact match moves; host:nodehost form is left and flagged; the MN is left',
		nodes: { exact: { conserver: 'sn1' }, hostForm: { conserver: 'sn1:sn1-eth1' }, mn: { conserver: 'xcatmn' } },
		request: { source: 'sn1', destNodeFacing: D },
		after: { exact: { conserver: 'sn2' }, hostForm: { conserver: 'sn1:sn1-eth1' }, mn: { conserver: 'xcatmn' } },
		warnings: [['conserver-host-form', ['hostForm']]],
	},
	{
		name: 'dest_node_facing (-D) given: it is the new xcatmaster, even a name',
		nodes: { cn1: { tftpserver: 'sn1' } },
		request: { source: 'sn1', destNodeFacing: 'sn2-eth1' },
		after: { cn1: { xcatmaster: 'sn2-eth1', tftpserver: 'sn2-eth1' } },
	},
	{
		// snmove.pm 410-420 stores the SN's address itself (`$newxcatmaster{$node} = $IP;`), even when it has a name (sn2-eth1)
		name: "-D computed: the destination's address in the node's network, the address even when it has a name",
		nodes: { a: { address: '10.2.0.11' }, b: { address: '10.3.0.12' } },
		request: { source: 'sn1' },
		extra: {
			networks: [
				{ net: '10.2.0.0', mask: '255.255.255.0' },
				{ net: '10.3.0.0', mask: '255.255.255.0' },
			],
			serviceNodeAddresses: new Map([['sn2', [{ address: '10.1.0.2' }, { address: '10.2.0.2' }, { address: '10.3.0.2' }]]]),
		},
		after: { a: { xcatmaster: '10.2.0.2' }, b: { xcatmaster: '10.3.0.2' } },
	},
	{
		name: '-D computed: the last networks row containing the node wins (as getNetwkInfo leaves it)',
		nodes: { a: { address: '10.2.0.11' } },
		request: { source: 'sn1' },
		extra: {
			networks: [
				{ net: '10.0.0.0', mask: '255.0.0.0' },
				{ net: '10.2.0.0', mask: '255.255.255.0' },
			],
			serviceNodeAddresses: new Map([['sn2', [{ address: '10.1.0.2' }, { address: '10.2.0.2' }]]]),
		},
		after: { a: { xcatmaster: '10.2.0.2' } },
	},
	{
		name: 'per-node backups differ: each node goes to its own second entry',
		nodes: { a: { servicenode: 'sn1,sn2' }, b: { servicenode: 'sn1,sn3' } },
		request: { source: 'sn1', destNodeFacing: D },
		after: { a: { servicenode: 'sn2,sn1' }, b: { servicenode: 'sn3,sn1' } },
	},
	{
		name: 'nodes plus source: a listed node not listing the source first is left and said so',
		nodes: { cn1: {}, cn4: { servicenode: 'sn2,sn1', xcatmaster: 'sn2' } },
		request: { nodes: ['cn1', 'cn4'], source: 'sn1', destNodeFacing: D },
		moved: ['cn1'],
		warnings: [['not-listing-source-first', ['cn4']]],
	},
	{
		name: 'nodes without dest or source: moved to their backups, with a warning that it toggles',
		nodes: { cn1: {}, cn2: { servicenode: 'sn2,sn1' } },
		request: { nodes: ['cn1', 'cn2'], destNodeFacing: D },
		after: { cn1: { servicenode: 'sn2,sn1' }, cn2: { servicenode: 'sn1,sn2' } },
		warnings: [['toggles-back', []]],
	},
	{
		name: 'an empty servicenode is filed under site.master: selected by it, moved with dest',
		nodes: { cn1: { servicenode: '', xcatmaster: '' } },
		request: { source: 'mn', dest: 'sn2', destNodeFacing: D },
		extra: { siteMaster: 'mn' },
		after: { cn1: { servicenode: 'sn2', xcatmaster: D } },
	},
];

for (const c of CASES) {
	test(c.name, () => {
		const state = cluster(c.nodes, c.extra);
		const result = plan({ request: c.request, cluster: state });
		assert.equal(kinds(result.errors), c.errors ?? [], 'errors');
		assert.is(result.ok, (c.errors ?? []).length === 0);
		assert.equal(kinds(result.warnings), c.warnings ?? [], 'warnings');
		if (c.moved)
			assert.equal(
				result.moves.map((m) => m.node),
				c.moved,
				'moved',
			);
		if (c.after) assert.equal(afterOf(result, state, c.after), c.after);
	});
}

interface Refusal {
	name: string;
	nodes: Record<string, Partial<NodeState>>;
	request: MoveRequest;
	extra?: Partial<ClusterState>;
	errors: (readonly [ErrorKind, string[]])[];
}

const REFUSALS: Refusal[] = [
	{
		name: 'no backup: reported, nothing changes',
		nodes: { ok1: {}, lone: { servicenode: 'sn1' } },
		request: { source: 'sn1', destNodeFacing: D },
		errors: [['no-backup', ['lone']]],
	},
	{
		name: 'empty servicenode under site.master without dest: no backup',
		nodes: { cn1: { servicenode: '' } },
		request: { source: 'mn', destNodeFacing: D },
		extra: { siteMaster: 'mn' },
		errors: [['no-backup', ['cn1']]],
	},
	{
		name: 'the same SN listed twice',
		nodes: { cn1: { servicenode: 'sn1,sn1' } },
		request: { source: 'sn1', destNodeFacing: D },
		errors: [['invalid-servicenode', ['cn1']]],
	},
	{
		name: 'an empty entry in servicenode',
		nodes: { cn1: { servicenode: 'sn1,,sn2' } },
		request: { source: 'sn1', destNodeFacing: D },
		errors: [['invalid-servicenode', ['cn1']]],
	},
	{ name: 'an unknown node', nodes: { cn1: {} }, request: { nodes: ['cn1', 'cn9'], dest: 'sn2', destNodeFacing: D }, errors: [['unknown-node', ['cn9']]] },
	{ name: 'an AIX node', nodes: { cn1: { os: 'AIX' } }, request: { source: 'sn1', destNodeFacing: D }, errors: [['unsupported-os', ['cn1']]] },
	{
		name: 'dest is the node itself',
		nodes: { sn3: { servicenode: 'sn1,sn2' } },
		request: { nodes: ['sn3'], dest: 'sn3', destNodeFacing: D },
		errors: [['destination-is-node', ['sn3']]],
	},
	{
		name: 'dest (or a backup) that is not a defined service node',
		nodes: { cn1: {}, cn2: { servicenode: 'sn1,cn7' } },
		request: { source: 'sn1', destNodeFacing: D },
		extra: { serviceNodes: new Set(['sn1', 'sn2']) },
		errors: [['destination-not-service-node', ['cn2']]],
	},
	{
		name: '-D computed but the destination could not be asked for its addresses',
		nodes: { cn1: { address: '10.1.0.11' } },
		request: { source: 'sn1' },
		extra: { networks: [{ net: '10.1.0.0', mask: '255.255.255.0' }], serviceNodeAddresses: new Map() },
		errors: [['destination-unreachable', ['cn1']]],
	},
	{
		name: '-D computed but the node has no address',
		nodes: { cn1: {} },
		request: { source: 'sn1' },
		extra: { networks: [{ net: '10.1.0.0', mask: '255.255.255.0' }], serviceNodeAddresses: new Map([['sn2', [{ address: '10.1.0.2' }]]]) },
		errors: [['node-unresolved', ['cn1']]],
	},
	{
		name: "-D computed but the destination has no address in the node's network",
		nodes: { cn1: { address: '10.5.0.11' } },
		request: { source: 'sn1' },
		extra: { networks: [{ net: '10.5.0.0', mask: '255.255.255.0' }], serviceNodeAddresses: new Map([['sn2', [{ address: '10.1.0.2' }]]]) },
		errors: [['no-xcatmaster', ['cn1']]],
	},
	{
		name: '-D computed but no networks row contains the node',
		nodes: { cn1: { address: '10.7.0.11' } },
		request: { source: 'sn1' },
		extra: { networks: [{ net: '10.5.0.0', mask: '255.255.255.0' }], serviceNodeAddresses: new Map([['sn2', [{ address: '10.7.0.2' }]]]) },
		errors: [['no-xcatmaster', ['cn1']]],
	},
];

for (const r of REFUSALS) {
	test(`refused: ${r.name} → ok false, no actions`, () => {
		const result = plan({ request: r.request, cluster: cluster(r.nodes, r.extra) });
		assert.is(result.ok, false);
		assert.equal(kinds(result.errors), r.errors);
		assert.equal(result.actions, { writes: [], consoles: [], nodeset: [], routes: [], postscripts: [] });
	});
}

const INVALID_REQUESTS: [string, MoveRequest, string][] = [
	// the same words as the module's argument checks (options.ts and the schema): one implementation, validate.ts
	['neither nodes nor source', { dest: 'sn2' }, 'one of the following is required: nodes, source'],
	['empty nodes', { nodes: [] }, 'nodes is empty'],
	['dest equal to the source', { source: 'sn1', dest: 'sn1' }, 'dest must differ from source, both are sn1'],
	[
		'postscripts with ignore_nodes',
		{ source: 'sn1', postscripts: ['syslog'], ignoreNodes: true },
		'postscripts cannot be combined with ignore_nodes: ignore_nodes runs nothing on the nodes',
	],
	[
		'a dest with shell syntax',
		{ source: 'sn1', dest: 'sn2;reboot' },
		`value of dest must be a host name or IPv4 address (letters, digits, '.', '_', '-'), got: "sn2;reboot"`,
	],
	['a dest with a comma (would corrupt servicenode)', { source: 'sn1', dest: 'sn2,sn3' }, 'value of dest must be a host name'],
	['a source with a newline', { source: 'sn1\nx' }, 'value of source must be a host name'],
	['a dest_node_facing with a space', { source: 'sn1', destNodeFacing: 'a b' }, 'value of dest_node_facing must be a host name'],
	['a node name with $()', { nodes: ['cn$(id)'], dest: 'sn2' }, 'not a node name'],
	[
		"'all' with other scripts",
		{ source: 'sn1', postscripts: ['all', 'syslog'] },
		"postscripts: all stands alone (it runs every script in the nodes' lists), got: all,syslog",
	],
	['a script name with a slash', { source: 'sn1', postscripts: ['../x'] }, 'value of postscripts[0] must be a postscript name'],
	['no script at all', { source: 'sn1', postscripts: [] }, 'postscripts must have at least 1 item(s), got: []'],
];

for (const [name, request, message] of INVALID_REQUESTS) {
	test(`invalid request: ${name}`, () => {
		const result = plan({ request, cluster: cluster({ cn1: {} }) });
		assert.is(result.ok, false);
		assert.equal(
			result.errors.map((e) => e.kind),
			['invalid-request'],
		);
		assert.ok(result.errors[0]!.message.includes(message), result.errors[0]!.message);
		assert.equal(result.selected, []);
	});
}

test('no backup for one node: the others are previewed but nothing may change', () => {
	const result = plan({ request: { source: 'sn1', destNodeFacing: D }, cluster: cluster({ a: {}, lone: { servicenode: 'sn1' } }) });
	assert.is(result.ok, false);
	assert.equal(
		result.moves.map((m) => m.node),
		['a'],
	);
	assert.equal(result.errors[0]!.message, 'Could not determine a backup service node: servicenode has no second entry and no dest was given');
	assert.equal(result.actions.writes, []);
});

test('inherited group values are written per node, and said to be inherited', () => {
	const state = cluster({
		cn1: { tftpserver: 'sn1', inheritedFrom: { servicenode: 'rack1', tftpserver: 'rack1', xcatmaster: 'rack1' } },
		cn2: { tftpserver: 'sn1', inheritedFrom: { servicenode: 'rack1' } },
	});
	const result = plan({ request: { source: 'sn1', destNodeFacing: D }, cluster: state });
	assert.equal(result.moves[0]!.changes, [
		{ attribute: 'servicenode', before: 'sn1,sn2', after: 'sn2,sn1', inheritedFrom: 'rack1' },
		{ attribute: 'xcatmaster', before: 'sn1', after: D, inheritedFrom: 'rack1' },
		{ attribute: 'tftpserver', before: 'sn1', after: D, inheritedFrom: 'rack1' },
	]);
	assert.is(result.counts.inheritedOverrides, 4);
	assert.equal(result.actions.writes, [{ nodes: ['cn1', 'cn2'], attributes: { servicenode: 'sn2,sn1', xcatmaster: D, tftpserver: D } }]);
	const after = applyWrites(state.nodes, result.actions.writes);
	assert.is(after.get('cn1')!.inheritedFrom, undefined);
});

test('idempotent: a second plan over the post-move state moves nothing (source, nodes+dest)', () => {
	const state = cluster({
		a: { tftpserver: 'sn1', nfsserver: '10.1.0.1', monserver: 'sn1,sn1', conserver: 'sn1', provmethod: 'install', postscripts: 'syslog' },
		b: { servicenode: 'sn1,sn2,sn3', monserver: 'sn1' },
		c: { servicenode: 'sn2,sn1', xcatmaster: 'sn2' },
	});
	for (const request of [
		{ source: 'sn1', destNodeFacing: D },
		{ nodes: ['a', 'b', 'c'], dest: 'sn2', destNodeFacing: D },
	] as MoveRequest[]) {
		const first = plan({ request, cluster: state });
		assert.ok(first.moves.length >= 2);
		const second = plan({ request, cluster: { ...state, nodes: applyWrites(state.nodes, first.actions.writes) } });
		assert.is(second.ok, true);
		assert.equal(second.moves, []);
		assert.equal(second.actions, { writes: [], consoles: [], nodeset: [], routes: [], postscripts: [] });
	}
	const again = plan({
		request: { source: 'sn1', destNodeFacing: D },
		cluster: { ...state, nodes: applyWrites(state.nodes, plan({ request: { source: 'sn1', destNodeFacing: D }, cluster: state }).actions.writes) },
	});
	assert.equal(again.selected, []);
	assert.equal(kinds(again.warnings), [['nothing-selected', []]]);
});

test('a node already at its destination is unchanged and gets no node-side step', () => {
	const state = cluster({
		there: { servicenode: 'sn2,sn1', xcatmaster: D, provmethod: 'install', postscripts: 'syslog' },
		moving: { provmethod: 'install', postscripts: 'syslog' },
	});
	const result = plan({ request: { nodes: ['there', 'moving'], dest: 'sn2', destNodeFacing: D }, cluster: state });
	assert.equal(result.unchanged, ['there']);
	assert.equal(result.actions.nodeset, [{ provmethod: 'install', argument: 'install', nodes: ['moving'] }]);
	assert.equal(result.actions.postscripts, [{ scripts: ['syslog'], nodes: ['moving'] }]);
	assert.equal(result.counts, {
		selected: 2,
		moved: 1,
		unchanged: 1,
		servicenode: 1,
		xcatmaster: 1,
		tftpserver: 0,
		nfsserver: 0,
		monserver: 0,
		conserver: 0,
		inheritedOverrides: 0,
	});
});

test('bulk writes: 1,000 nodes moving alike are one write; distinct assignments one write each', () => {
	const nodes: Record<string, Partial<NodeState>> = {};
	for (let i = 0; i < 1000; i++) nodes[`cn${i}`] = i % 10 === 9 ? { tftpserver: 'sn1' } : {};
	nodes.other = { servicenode: 'sn1,sn3' };
	const result = plan({ request: { source: 'sn1', destNodeFacing: D }, cluster: cluster(nodes) });
	assert.is(result.actions.writes.length, 3);
	const [alike, withTftp, toSn3] = result.actions.writes;
	assert.is(alike!.nodes.length, 900);
	assert.equal(alike!.attributes, { servicenode: 'sn2,sn1', xcatmaster: D });
	assert.is(withTftp!.nodes.length, 100);
	assert.equal(withTftp!.attributes, { servicenode: 'sn2,sn1', xcatmaster: D, tftpserver: D });
	assert.equal(toSn3, { nodes: ['other'], attributes: { servicenode: 'sn3,sn1', xcatmaster: D } });
	const written = result.actions.writes.flatMap((w) => w.nodes);
	assert.is(new Set(written).size, 1001);
});

test('consoles: only the nodes whose conserver changed', () => {
	const result = plan({
		request: { source: 'sn1', destNodeFacing: D },
		cluster: cluster({ a: { conserver: 'sn1' }, b: { conserver: 'xcatmn' }, c: { conserver: 'sn1' } }),
	});
	assert.equal(result.actions.consoles, ['a', 'c']);
});

test('nodeset: grouped by provmethod; nodes without one skipped with a warning; off with reconfigureBoot false', () => {
	const state = cluster({ a: { provmethod: 'install' }, b: { provmethod: 'rhels9-compute' }, c: { provmethod: 'install' }, d: { provmethod: '' } });
	const result = plan({ request: { source: 'sn1', destNodeFacing: D }, cluster: state });
	assert.equal(result.actions.nodeset, [
		{ provmethod: 'install', argument: 'install', nodes: ['a', 'c'] },
		{ provmethod: 'rhels9-compute', argument: 'osimage=rhels9-compute', nodes: ['b'] },
	]);
	assert.equal(kinds(result.warnings), [['no-provmethod', ['d']]]);
	assert.equal(plan({ request: { source: 'sn1', destNodeFacing: D, reconfigureBoot: false }, cluster: state }).actions.nodeset, []);
});

test('nodeset still runs with ignore_nodes (as xCAT); routes and postscripts do not', () => {
	const state = cluster(
		{ a: { provmethod: 'install', postscripts: 'syslog', address: '10.1.0.11' } },
		{ networks: [{ net: '10.1.0.0', mask: '255.255.255.0', gateway: '<xcatmaster>' }] },
	);
	const result = plan({ request: { source: 'sn1', destNodeFacing: D, ignoreNodes: true }, cluster: state });
	assert.is(result.actions.nodeset.length, 1);
	assert.equal(result.actions.routes, []);
	assert.equal(result.actions.postscripts, []);
});

test('postscripts: grouped by script list, extras appended, all', () => {
	const state = cluster(
		{ a: { postscripts: 'setupntp' }, b: {}, c: { postbootscripts: 'mkresolvconf' }, d: { postscripts: 'setupntp' } },
		{ xcatdefaults: { postscripts: 'syslog,remoteshell,syncfiles', postbootscripts: 'otherpkgs' } },
	);
	const request: MoveRequest = { source: 'sn1', destNodeFacing: D };
	assert.equal(plan({ request, cluster: state }).actions.postscripts, [
		{ scripts: ['syslog', 'setupntp'], nodes: ['a', 'd'] },
		{ scripts: ['syslog'], nodes: ['b'] },
		{ scripts: ['syslog', 'mkresolvconf'], nodes: ['c'] },
	]);
	assert.equal(plan({ request: { ...request, postscripts: ['confignetwork'] }, cluster: state }).actions.postscripts[1], {
		scripts: ['syslog', 'confignetwork'],
		nodes: ['b'],
	});
	assert.equal(plan({ request: { ...request, postscripts: 'all' }, cluster: state }).actions.postscripts[1], {
		scripts: ['syslog', 'remoteshell', 'syncfiles', 'otherpkgs'],
		nodes: ['b'],
	});
	assert.equal(plan({ request: { ...request, postscripts: ['all'] }, cluster: state }).actions.postscripts[1], {
		scripts: ['syslog', 'remoteshell', 'syncfiles', 'otherpkgs'],
		nodes: ['b'],
	});
	assert.equal(plan({ request, cluster: cluster({ a: {} }) }).actions.postscripts, []); // nothing to run: no updatenode
});

test('routes: nodes in a network whose gateway is <xcatmaster> get their new master as gateway', () => {
	const networks = [
		{ net: '10.1.0.0', mask: '255.255.255.0', gateway: '<xcatmaster>' },
		{ net: '10.4.0.0', mask: '255.255.255.0', gateway: '10.4.0.254' },
	];
	const state = cluster({ a: { address: '10.1.0.11' }, b: { address: '10.4.0.12' } }, { networks });
	assert.equal(plan({ request: { source: 'sn1', destNodeFacing: D }, cluster: state }).actions.routes, [{ gateway: D, nodes: ['a'] }]);
	assert.equal(plan({ request: { source: 'sn1', destNodeFacing: 'sn2-eth1' }, cluster: state }).actions.routes, [{ gateway: '10.2.0.2', nodes: ['a'] }]);
	const unresolved = plan({ request: { source: 'sn1', destNodeFacing: 'sn9' }, cluster: state });
	assert.equal(unresolved.actions.routes, []);
	assert.equal(kinds(unresolved.warnings), [['route-gateway-unresolved', ['a']]]);
});

test('destinations: every distinct destination SN, for apply to check before changing anything', () => {
	const result = plan({ request: { source: 'sn1', destNodeFacing: D }, cluster: cluster({ a: {}, b: { servicenode: 'sn1,sn3' }, c: {} }) });
	assert.equal(result.destinations, ['sn2', 'sn3']);
	assert.equal(
		result.moves.map((m) => [m.node, m.from, m.to]),
		[
			['a', 'sn1', 'sn2'],
			['b', 'sn1', 'sn3'],
			['c', 'sn1', 'sn2'],
		],
	);
});

test('counts per change kind', () => {
	const result = plan({
		request: { source: 'sn1', destNodeFacing: D },
		cluster: cluster({ a: { tftpserver: 'sn1', conserver: 'sn1' }, b: { monserver: 'sn1,x' } }),
	});
	assert.equal(result.counts, {
		selected: 2,
		moved: 2,
		unchanged: 0,
		servicenode: 2,
		xcatmaster: 2,
		tftpserver: 1,
		nfsserver: 0,
		monserver: 1,
		conserver: 1,
		inheritedOverrides: 0,
	});
});

test('node names that are Object.prototype keys are ordinary names', () => {
	const names = ['constructor', 'toString', 'hasOwnProperty'];
	const result = plan({ request: { nodes: names, dest: 'sn2', destNodeFacing: D }, cluster: cluster({ constructor: {}, toString: {}, hasOwnProperty: {} }) });
	assert.is(result.ok, true);
	assert.equal(
		result.moves.map((m) => m.node),
		names,
	);
	assert.equal(
		plan({ request: { nodes: ['valueOf'], dest: 'sn2' }, cluster: cluster({}) }).errors.map((e) => e.kind),
		['unknown-node'],
	);
});

test.run();
