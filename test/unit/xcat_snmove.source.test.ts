// A source that names no known host is an error (a typo read as "nothing to move" before issue 13);
// a known source with nothing left to move is ok.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { plan } from '../../modules/xcat_snmove/plan';
import type { ClusterState, NodeState } from '../../modules/xcat_snmove/types';

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
const cluster = (nodes: Record<string, Partial<NodeState>>, extra: Partial<ClusterState> = {}): ClusterState => ({
	nodes: new Map(Object.entries(nodes).map(([n, p]) => [n, node(p)])),
	hostAddresses: new Map([
		['sn1', '10.1.0.1'],
		['sn2', '10.1.0.2'],
	]),
	...extra,
});

test('source naming no service node, node, servicenode entry or site.master is an error naming source and the value', () => {
	const p = plan({ request: { source: 'sn9' }, cluster: cluster({ cn1: {} }, { serviceNodes: new Set(['sn1', 'sn2']), siteMaster: 'mn1' }) });
	assert.is(p.ok, false);
	assert.equal(
		p.errors.map((e) => e.kind),
		['unknown-source'],
	);
	assert.match(p.errors[0]!.message, /^source sn9 names no known node/);
	assert.equal(p.selected, []);
});

test('a known source with nothing to move is ok: a defined service node, a second entry, site.master', () => {
	const cases: [string, ClusterState][] = [
		['sn3', cluster({ cn1: {} }, { serviceNodes: new Set(['sn1', 'sn2', 'sn3']) })],
		['sn2', cluster({ cn1: { servicenode: 'sn1,sn2' } })],
		['mn1', cluster({ cn1: {} }, { siteMaster: 'mn1' })],
	];
	for (const [source, state] of cases) {
		const p = plan({ request: { source }, cluster: state });
		assert.equal(p.errors, [], source);
		assert.equal(p.selected, [], source);
		assert.equal(
			p.warnings.map((w) => w.kind),
			['nothing-selected'],
			source,
		);
	}
});

test.run();
