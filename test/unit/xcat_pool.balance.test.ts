// The pool's balance plan (issue 15): evenness at 10,000 nodes, backups that spread a lost member's nodes,
// minimal moves on rerun and on a member added or removed, pins, determinism, and refused input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { balanceCommands, planBalance, type BalancePlan, type BalanceRequest } from '../../modules/xcat_pool/balance';
import { splitXcatList } from '../../modules/xcat/lists';
import { diffSummary } from '../../modules/xcat_snmove/diff';
import { applyWrites } from '../../modules/xcat_snmove/simulate';
import type { NodeState } from '../../modules/xcat_snmove/types';

const state = (servicenode: string, xcatmaster = '', extra: Partial<NodeState> = {}): NodeState => ({
	servicenode,
	xcatmaster,
	tftpserver: '',
	nfsserver: '',
	monserver: '',
	conserver: '',
	...extra,
});

const name = (i: number) => `cn${String(i).padStart(5, '0')}`;

/** COUNT nodes as a classic SN setup leaves them: all on sn1 with sn2 as backup, xcatmaster set. */
function classic(count: number): Map<string, NodeState> {
	const nodes = new Map<string, NodeState>();
	for (let i = 0; i < count; i++) nodes.set(name(i), state('sn1,sn2', 'sn1'));
	return nodes;
}

function balance(nodes: ReadonlyMap<string, NodeState>, request: BalanceRequest): { plan: BalancePlan; after: Map<string, NodeState> } {
	const plan = planBalance({ request, nodes });
	assert.ok(plan.ok, JSON.stringify(plan.errors));
	return { plan, after: applyWrites(nodes, plan.writes) };
}

const spread = (counts: Iterable<number>) => {
	const values = [...counts];
	return Math.max(...values) - Math.min(...values);
};

/** member → entry-DEPTH count over the nodes */
function countAt(nodes: ReadonlyMap<string, NodeState>, members: readonly string[], depth: number, first?: string): Map<string, number> {
	const counts = new Map(members.map((m) => [m, 0]));
	for (const node of nodes.values()) {
		const entries = splitXcatList(node.servicenode);
		if (first !== undefined && entries[0] !== first) continue;
		const entry = entries[depth]!;
		counts.set(entry, (counts.get(entry) ?? 0) + 1);
	}
	if (first !== undefined) counts.delete(first);
	return counts;
}

/** Every node: a list of distinct members, ENTRIES long, and a blank xcatmaster. */
function assertWellFormed(nodes: ReadonlyMap<string, NodeState>, members: readonly string[], entries = 2) {
	for (const [node, s] of nodes) {
		const list = splitXcatList(s.servicenode);
		assert.is(list.length, entries, `${node}: ${s.servicenode}`);
		assert.is(new Set(list).size, entries, `${node}: ${s.servicenode}`);
		for (const entry of list) assert.ok(members.includes(entry), `${node}: ${entry} is not a member`);
		assert.is(s.xcatmaster, '', node);
	}
}

const firstOf = (s: NodeState) => splitXcatList(s.servicenode)[0];

for (const members of [
	['sn1', 'sn2', 'sn3'],
	['sn1', 'sn2', 'sn3', 'sn4'],
]) {
	test(`10,000 nodes over ${members.length} members: first entries within one node, backups within one node per lost member`, () => {
		const { plan, after } = balance(classic(10_000), { members });
		assertWellFormed(after, members);
		assert.ok(spread(countAt(after, members, 0).values()) <= 1, JSON.stringify([...countAt(after, members, 0)]));
		for (const lost of members) {
			const takers = countAt(after, members, 1, lost);
			assert.is(takers.size, members.length - 1);
			assert.ok(spread(takers.values()) <= 1, `${lost}: ${JSON.stringify([...takers])}`);
		}
		assert.ok(spread(countAt(after, members, 1).values()) <= 1, 'backup totals');
		assert.equal(
			plan.load.map((l) => l.first),
			members.map((m) => countAt(after, members, 0).get(m)),
		);
		// sn1 keeps its share untouched except xcatmaster; the others moved
		assert.is(plan.firstMoves, 10_000 - Math.ceil(10_000 / members.length));
		assert.is(plan.moves.length, 10_000);
		// one chdef per distinct (list, xcatmaster change): at most members × (members - 1) lists
		assert.ok(balanceCommands(plan).length <= members.length * (members.length - 1), `${balanceCommands(plan).length} commands`);
	});
}

test('a rerun on a balanced pool changes nothing', () => {
	const members = ['sn1', 'sn2', 'sn3'];
	const first = balance(classic(10_000), { members });
	const second = planBalance({ request: { members }, nodes: first.after });
	assert.is(second.moves.length, 0);
	assert.is(second.writes.length, 0);
	assert.is(second.unchanged.length, 10_000);
	assert.equal(balanceCommands(second), []);
});

test('a balanced pool with its spare nodes on the last members is left as it is', () => {
	const nodes = new Map<string, NodeState>();
	const lists = ['sn1,sn2', 'sn1,sn3', 'sn2,sn3', 'sn2,sn1', 'sn3,sn1', 'sn3,sn2', 'sn3,sn1'];
	lists.forEach((list, i) => nodes.set(name(i), state(list)));
	const plan = planBalance({ request: { members: ['sn1', 'sn2', 'sn3'] }, nodes });
	assert.is(plan.moves.length, 0);
});

test('the spare node goes where a node stays, not where most nodes would like to be', () => {
	// sn1 is wanted by 5 (1 listed first, 4 whose first member left the pool), sn3 by 4 listed first
	const lists = ['sn1,sn2', 'old9,sn1', 'old9,sn1', 'old9,sn1', 'old9,sn1', 'sn2,sn3', 'sn3,sn1', 'sn3,sn1', 'sn3,sn2', 'sn3,sn2'];
	const nodes = new Map(lists.map((list, i) => [name(i), state(list)]));
	const { plan } = balance(nodes, { members: ['sn1', 'sn2', 'sn3'] });
	assert.is(plan.firstMoves, 4, 'only the nodes of the member that left get a new first entry');
});

test("a node over its member's share moves to its backup when the backup has room (snmove order)", () => {
	const nodes = new Map([
		['cn1', state('sn1,sn3')],
		['cn2', state('sn1,sn3')],
		['cn3', state('sn1,sn3')],
	]);
	const { after } = balance(nodes, { members: ['sn1', 'sn2', 'sn3'] });
	assert.equal(
		[...after].map(([n, s]) => `${n}=${s.servicenode}`),
		// cn2 takes its backup sn3; its own backup is sn2, not sn1, so each member backs one node (evenness first)
		['cn1=sn1,sn3', 'cn2=sn3,sn2', 'cn3=sn2,sn1'],
	);
});

test('adding a member moves about 1/N of the nodes, all to the new member', () => {
	const three = balance(classic(10_000), { members: ['sn1', 'sn2', 'sn3'] }).after;
	const members = ['sn1', 'sn2', 'sn3', 'sn4'];
	const { plan, after } = balance(three, { members });
	assert.is(plan.firstMoves, 2_500);
	for (const move of plan.moves) if (move.from !== move.to) assert.is(move.to, 'sn4', move.node);
	assert.ok(spread(countAt(after, members, 0).values()) <= 1);
	for (const lost of members) assert.ok(spread(countAt(after, members, 1, lost).values()) <= 1, lost);
	// the new member must also take its share of backups: about 1/N more lists change, no more
	assert.ok(plan.moves.length <= 2 * 2_500 + 12, `${plan.moves.length} lists changed`);
	assertWellFormed(after, members);
});

test('removing a member moves only its nodes, to their backups, evenly', () => {
	const members4 = ['sn1', 'sn2', 'sn3', 'sn4'];
	const four = balance(classic(10_000), { members: members4 }).after;
	const members = ['sn1', 'sn2', 'sn3'];
	const { plan, after } = balance(four, { members });
	const lost = [...four].filter(([, s]) => firstOf(s) === 'sn4');
	assert.is(plan.firstMoves, lost.length);
	for (const [node, s] of lost) assert.is(firstOf(after.get(node)!), splitXcatList(s.servicenode)[1], `${node} goes to its backup`);
	for (const [node, s] of four) if (firstOf(s) !== 'sn4') assert.is(firstOf(after.get(node)!), firstOf(s), `${node} stays`);
	assert.ok(spread(countAt(after, members, 0).values()) <= 1);
	for (const m of members) assert.ok(spread(countAt(after, members, 1, m).values()) <= 1, m);
	assertWellFormed(after, members);
});

test('from scratch and from strangers: blank lists and non-members are replaced', () => {
	const nodes = new Map([
		['a1', state('')],
		['a2', state('old9')],
		['a3', state('old9,sn2')],
		['a4', state('sn2,sn1,sn3')],
		['a5', state('sn1,sn1')],
		['a6', state('sn3,,sn1')],
	]);
	const members = ['sn1', 'sn2', 'sn3'];
	const { plan, after } = balance(nodes, { members });
	assertWellFormed(after, members);
	assert.equal([...countAt(after, members, 0).values()], [2, 2, 2]);
	for (const m of members) assert.equal([...countAt(after, members, 1, m).values()], [1, 1], m);
	assert.equal(
		Object.fromEntries([...after].map(([n, s]) => [n, s.servicenode])),
		// listed members are kept where the split allows (a3 sn2, a4 sn2 then sn1, a5 sn1, a6 sn3 then sn1), the others fill the gaps
		{ a1: 'sn1,sn2', a2: 'sn3,sn2', a3: 'sn2,sn3', a4: 'sn2,sn1', a5: 'sn1,sn3', a6: 'sn3,sn1' },
	);
	assert.is(plan.moves.length, 6);
});

test('three entries over four members: the third spread evenly within each first/backup pair', () => {
	const members = ['sn1', 'sn2', 'sn3', 'sn4'];
	const { after } = balance(classic(1_200), { members, entries: 3 });
	assertWellFormed(after, members, 3);
	const third = new Map<string, Map<string, number>>();
	for (const s of after.values()) {
		const [a, b, c] = splitXcatList(s.servicenode);
		const pair = `${a},${b}`;
		if (!third.has(pair)) third.set(pair, new Map());
		third.get(pair)!.set(c!, (third.get(pair)!.get(c!) ?? 0) + 1);
	}
	assert.is(third.size, 12);
	for (const [pair, counts] of third) {
		assert.is(counts.size, 2, pair);
		assert.ok(spread(counts.values()) <= 1, pair);
	}
	const rerun = planBalance({ request: { members, entries: 3 }, nodes: after });
	assert.is(rerun.moves.length, 0);
});

test('pinned nodes keep their member; the others balance around them', () => {
	const nodes = classic(300);
	const pinned = new Map<string, string>();
	for (let i = 0; i < 30; i++) pinned.set(name(i), 'sn3');
	const members = ['sn1', 'sn2', 'sn3'];
	const { plan, after } = balance(nodes, { members, pinned });
	for (const node of pinned.keys()) assert.is(firstOf(after.get(node)!), 'sn3', node);
	assert.equal([...countAt(after, members, 0).values()], [100, 100, 100]);
	assert.equal(plan.warnings, []);
	// more pinned than an even share: the pins hold, the rest split evenly over the others, with a warning
	const heavy = new Map<string, string>();
	for (let i = 0; i < 200; i++) heavy.set(name(i), 'sn3');
	const over = balance(nodes, { members, pinned: heavy });
	assert.equal([...countAt(over.after, members, 0).values()], [50, 50, 200]);
	assert.equal(
		over.plan.warnings.map((w) => w.kind),
		['pinned-overloaded'],
	);
	assert.match(over.plan.warnings[0]!.message, '200 nodes are pinned to sn3');
});

test('deterministic: the same nodes in another order give the same plan', () => {
	const members = ['sn1', 'sn2', 'sn3'];
	const nodes = new Map<string, NodeState>();
	for (let i = 0; i < 3_000; i++) nodes.set(name(i), state(['sn1,sn2', 'sn2,sn3', '', 'sn3,sn1', 'sn2'][i % 5]!, i % 2 ? 'sn1' : ''));
	const reversed = new Map([...nodes].reverse());
	const a = planBalance({ request: { members }, nodes });
	const b = planBalance({ request: { members }, nodes: reversed });
	const c = planBalance({ request: { members, nodes: [...reversed.keys()] }, nodes });
	assert.equal(b, a);
	assert.equal(c, a);
	assert.equal(planBalance({ request: { members }, nodes }), a);
});

test('writes: snmove bulk chdef calls, servicenode then a blank xcatmaster', () => {
	const nodes = new Map([
		['cn1', state('sn1,sn2', 'sn1')],
		['cn2', state('sn1,sn2', 'sn1')],
		['cn3', state('sn1,sn2', '')],
		['cn4', state('sn2,sn1', '')],
	]);
	const { plan } = balance(nodes, { members: ['sn1', 'sn2'] });
	// sn1 has one node too many: cn2 moves (cn1 first by name stays), as it changes anyway (xcatmaster), not cn3
	assert.equal(balanceCommands(plan), [
		['chdef', '-t', 'node', '-o', 'cn1', 'xcatmaster='],
		['chdef', '-t', 'node', '-o', 'cn2', 'servicenode=sn2,sn1', 'xcatmaster='],
	]);
	assert.equal(plan.unchanged, ['cn3', 'cn4']);
	assert.equal(plan.load, [
		{ member: 'sn1', first: 2, backup: 2 },
		{ member: 'sn2', first: 2, backup: 2 },
	]);
	assert.is(plan.counts.servicenode, 1);
	assert.is(plan.counts.xcatmaster, 2);
	const diff = diffSummary(plan);
	assert.equal(diff.before, { cn1: { xcatmaster: 'sn1' }, cn2: { servicenode: 'sn1,sn2', xcatmaster: 'sn1' } });
	assert.equal(diff.after, { cn1: { xcatmaster: '' }, cn2: { servicenode: 'sn2,sn1', xcatmaster: '' } });
});

test('a servicenode inherited from a group is written on the node; an inherited xcatmaster is refused', () => {
	const nodes = new Map([
		['cn1', state('sn1,sn2', '', { inheritedFrom: { servicenode: 'rack1' } })],
		['cn2', state('sn1,sn2', '', { inheritedFrom: { servicenode: 'rack1' } })],
	]);
	const { plan } = balance(nodes, { members: ['sn1', 'sn2'] });
	assert.equal(plan.moves[0]!.changes, [{ attribute: 'servicenode', before: 'sn1,sn2', after: 'sn2,sn1', inheritedFrom: 'rack1' }]);
	assert.is(plan.counts.inheritedOverrides, 1);
	const master = new Map([['cn1', state('sn1,sn2', 'sn1', { inheritedFrom: { xcatmaster: 'compute' } })]]);
	const refused = planBalance({ request: { members: ['sn1', 'sn2'] }, nodes: master });
	assert.is(refused.ok, false);
	assert.equal(refused.writes, []);
	assert.equal(
		refused.errors.map((e) => [e.kind, e.nodes]),
		[['xcatmaster-inherited', ['cn1']]],
	);
	assert.match(refused.errors[0]!.message, 'chdef -t group -o compute xcatmaster=');
});

test("a node's own xcatmaster over a group's is refused: its blank would show the group's value", () => {
	const nodes = new Map([
		['cn1', state('sn1,sn2', '10.0.0.2')],
		['cn2', state('sn2,sn1', '')],
	]);
	const groupXcatmaster = new Map([['cn1', { value: 'sn1', group: 'rack' }]]);
	const refused = planBalance({ request: { members: ['sn1', 'sn2'] }, nodes, groupXcatmaster });
	assert.is(refused.ok, false);
	assert.equal(refused.writes, []);
	assert.equal(
		refused.errors.map((e) => [e.kind, e.nodes]),
		[['xcatmaster-inherited', ['cn1']]],
	);
	assert.match(refused.errors[0]!.message, `group rack's xcatmaster "sn1" would show through: clear it on the group (chdef -t group -o rack xcatmaster=)`);
	assert.is(planBalance({ request: { members: ['sn1', 'sn2'] }, nodes }).ok, true, 'without the group value the same nodes balance');
});

const refusal = (request: BalanceRequest, nodes: ReadonlyMap<string, NodeState> = classic(3)) => {
	const plan = planBalance({ request, nodes });
	assert.is(plan.ok, false);
	assert.equal(plan.writes, []);
	return plan.errors.map((e) => (e.nodes.length > 0 ? `${e.kind}: ${e.message}: ${e.nodes.join(',')}` : `${e.kind}: ${e.message}`));
};

test('bad input is refused with messages that name the value', () => {
	assert.equal(refusal({ members: [] }), ['invalid-request: members must list at least two pool members (a node needs a backup), got: ""']);
	assert.equal(refusal({ members: ['sn1'] }), ['invalid-request: members must list at least two pool members (a node needs a backup), got: "sn1"']);
	assert.equal(refusal({ members: ['sn1', 'sn2', 'sn1'] }), ['invalid-request: members lists "sn1" more than once']);
	assert.equal(refusal({ members: ['sn1', 'sn2'], nodes: ['cn00000', 'cn00001', 'cn00000'] }), ['invalid-request: nodes lists "cn00000" more than once']);
	assert.equal(refusal({ members: ['sn1', 'sn2'], nodes: [] }), ['invalid-request: nodes is empty']);
	assert.equal(refusal({ members: ['sn1', 'sn 2'] }), [
		`invalid-request: value of members[1] must be a host name or IPv4 address (letters, digits, '.', '_', '-'), got: "sn 2"`,
	]);
	assert.equal(refusal({ members: ['sn1', 'sn2'], entries: 3 }), ['invalid-request: entries must be a whole number from 2 to the member count (2), got: 3']);
	assert.equal(refusal({ members: ['sn1', 'sn2'], pinned: new Map([['cn00000', 'sn7']]) }), [
		'invalid-request: pinned: node cn00000 is pinned to "sn7", which is not one of the members',
	]);
	assert.equal(refusal({ members: ['sn1', 'sn2'], nodes: ['cn00000', 'cn9'] }), ['unknown-node: not a known node: cn9']);
	assert.equal(refusal({ members: ['sn1', 'sn2'], nodes: ['cn00000'], pinned: new Map([['cn00001', 'sn1']]) }), [
		'unknown-node: pinned, but not among the nodes to balance: cn00001',
	]);
	const withMember = new Map([...classic(2), ['sn2', state('')]]);
	assert.equal(refusal({ members: ['sn1', 'sn2'] }, withMember), [
		'member-is-node: a pool member cannot be balanced over the pool (it is one of the members): sn2',
	]);
});

test.run();
