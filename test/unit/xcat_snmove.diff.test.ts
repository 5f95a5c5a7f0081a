// diffSummary (what --diff shows) and the node states built from tabdump tables.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTabdump, type Tabdump } from '../../modules/xcat/tabdump';
import { diffSummary } from '../../modules/xcat_snmove/diff';
import { plan } from '../../modules/xcat_snmove/plan';
import { nodeStatesFromTables } from '../../modules/xcat_snmove/state';
import type { NodeState, Plan } from '../../modules/xcat_snmove/types';

function planFor(count: number): Plan {
	const nodes = new Map<string, NodeState>();
	for (let i = 1; i <= count; i++) {
		nodes.set(`cn${i}`, {
			servicenode: 'sn1,sn2',
			xcatmaster: 'sn1',
			tftpserver: i % 2 ? 'sn1' : '',
			nfsserver: '',
			monserver: '',
			conserver: 'sn1',
			provmethod: 'netboot',
		});
	}
	return plan({ request: { source: 'sn1', destNodeFacing: 'sn2-eth1' }, cluster: { nodes } });
}

test('up to the limit: every node with its changed attributes, before and after', () => {
	const diff = diffSummary(planFor(2));
	assert.equal(diff.before, {
		cn1: { servicenode: 'sn1,sn2', xcatmaster: 'sn1', tftpserver: 'sn1', conserver: 'sn1' },
		cn2: { servicenode: 'sn1,sn2', xcatmaster: 'sn1', conserver: 'sn1' },
	});
	assert.equal(diff.after, {
		cn1: { servicenode: 'sn2,sn1', xcatmaster: 'sn2-eth1', tftpserver: 'sn2-eth1', conserver: 'sn2' },
		cn2: { servicenode: 'sn2,sn1', xcatmaster: 'sn2-eth1', conserver: 'sn2' },
	});
	assert.is(diff.before_header, 'xCAT node attributes (2 nodes)');
});

test('exactly 100 nodes: still per node', () => {
	const diff = diffSummary(planFor(100));
	assert.is(Object.keys(diff.after).length, 100);
});

test('past 100 nodes: counts per change kind and the first nodes', () => {
	const diff = diffSummary(planFor(250));
	const changes = { servicenode: 250, xcatmaster: 250, tftpserver: 125, nfsserver: 0, monserver: 0, conserver: 250, inheritedOverrides: 0 };
	assert.equal(diff.before.changes, changes);
	assert.equal(diff.after.changes, changes);
	assert.is(diff.after.nodes, 250);
	assert.is(diff.after.more_nodes, 240);
	assert.equal(Object.keys(diff.after.first_nodes as object), ['cn1', 'cn2', 'cn3', 'cn4', 'cn5', 'cn6', 'cn7', 'cn8', 'cn9', 'cn10']);
	assert.equal((diff.after.first_nodes as Record<string, unknown>).cn1, {
		servicenode: 'sn2,sn1',
		xcatmaster: 'sn2-eth1',
		tftpserver: 'sn2-eth1',
		conserver: 'sn2',
	});
	assert.is(diff.after_header, 'xCAT node attributes (250 nodes, first 10 shown)');
	assert.ok(JSON.stringify(diff).length < 5000);
});

test('limit and sample are parameters', () => {
	const diff = diffSummary(planFor(5), 3, 2);
	assert.equal(Object.keys(diff.before.first_nodes as object), ['cn1', 'cn2']);
	assert.is(diff.before.more_nodes, 3);
});

test('the before side says which values were inherited from a group', () => {
	const nodes = new Map<string, NodeState>([
		[
			'cn1',
			{ servicenode: 'sn1,sn2', xcatmaster: 'sn1', tftpserver: '', nfsserver: '', monserver: '', conserver: '', inheritedFrom: { servicenode: 'rack1' } },
		],
	]);
	const diff = diffSummary(plan({ request: { source: 'sn1', destNodeFacing: 'x' }, cluster: { nodes } }));
	assert.equal(diff.before.cn1, { servicenode: 'sn1,sn2', xcatmaster: 'sn1', inherited_from: { servicenode: 'rack1' } });
	assert.equal(diff.after.cn1, { servicenode: 'sn2,sn1', xcatmaster: 'x' });
});

test('no moves: empty sides', () => {
	const diff = diffSummary(plan({ request: { source: 'sn9' }, cluster: { nodes: new Map() } }));
	assert.equal(diff.before, {});
	assert.equal(diff.after, {});
});

function table(text: string): Tabdump {
	const result = parseTabdump(text);
	if (!result.ok) throw new Error(result.error);
	return result.table;
}

test('node states from tabdump: group values with their origin, defaults, computed values, addresses', () => {
	const result = nodeStatesFromTables(
		{
			nodelist: table('#node,groups,disable\n"cn1","rack1,all",\n"cn2","all",\n'),
			noderes: table(
				'#node,servicenode,xcatmaster,tftpserver,nfsserver,monserver,disable\n"rack1","sn1,sn2","sn1",,,,\n"cn1",,,"sn1",,,\n"cn2","|cn(\\d+)|sn($1)|",,,,,\n',
			),
			nodehm: table('#node,conserver,disable\n"all","sn1",\n'),
			nodetype: table('#node,os,provmethod,disable\n"all","rhels9","netboot",\n'),
			postscripts: table('#node,postscripts,postbootscripts,disable\n"xcatdefaults","syslog,remoteshell","otherpkgs",\n"cn1","setupntp",,\n'),
		},
		new Map([['cn1', '10.1.0.11']]),
	);
	if (!result.ok) throw new Error(result.error);
	assert.equal(result.nodes.get('cn1'), {
		servicenode: 'sn1,sn2',
		xcatmaster: 'sn1',
		tftpserver: 'sn1',
		nfsserver: '',
		monserver: '',
		conserver: 'sn1',
		provmethod: 'netboot',
		os: 'rhels9',
		postscripts: 'setupntp',
		postbootscripts: '',
		address: '10.1.0.11',
		inheritedFrom: { servicenode: 'rack1', xcatmaster: 'rack1', conserver: 'all' },
	});
	assert.equal(result.xcatdefaults, { postscripts: 'syslog,remoteshell', postbootscripts: 'otherpkgs' });
	assert.equal(result.computed, [{ node: 'cn2', attribute: 'servicenode', expression: '|cn(\\d+)|sn($1)|' }]);
});

test('node states: nodetype and postscripts tables are optional; a bad table is an error', () => {
	const nodelist = table('#node,groups,disable\n"cn1","all",\n');
	const ok = nodeStatesFromTables({
		nodelist,
		noderes: table('#node,servicenode,xcatmaster,tftpserver,nfsserver,monserver\n"cn1","sn1,sn2",,,,\n'),
		nodehm: table('#node,conserver\n'),
	});
	assert.ok(ok.ok && ok.nodes.get('cn1')!.servicenode === 'sn1,sn2');
	const bad = nodeStatesFromTables({ nodelist, noderes: table('#node,servicenode\n'), nodehm: table('#node,conserver\n') });
	assert.is(bad.ok, false);
});

test.run();
