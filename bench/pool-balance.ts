// Figures for issue 15: the pool's balance plan at 10,000 and 100,000 nodes over 3 members, in memory.
// Each scenario times the plan (median of RUNS runs) and shows the per-member split, the nodes whose first
// entry changes, the lists that change and the chdef commands, against a baseline computed in the same run:
// a naive round-robin over the sorted nodes (first = i mod N, backup = the next member) that ignores where
// the nodes are now. A benchmark prints figures; it never fails on timing.
import { balanceCommands, planBalance, type BalancePlan } from '../modules/xcat_pool/balance';
import { splitXcatList } from '../modules/xcat/lists';
import { applyWrites } from '../modules/xcat_snmove/simulate';
import type { NodeState } from '../modules/xcat_snmove/types';

const RUNS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0).padStart(5)} ms`;
const n = (x: number) => x.toLocaleString('en');

function timed<T>(work: () => T): { result: T; ms: number } {
	const times: number[] = [];
	let result!: T;
	for (let i = 0; i < RUNS; i++) {
		const started = performance.now();
		result = work();
		times.push(performance.now() - started);
	}
	return { result, ms: median(times) };
}

const name = (i: number) => `cn${String(i).padStart(6, '0')}`;
const state = (servicenode: string, xcatmaster: string): NodeState => ({
	servicenode,
	xcatmaster,
	tftpserver: '',
	nfsserver: '',
	monserver: '',
	conserver: '',
});

/** A classic SN setup: every node on sn1, backup sn2, xcatmaster set. */
function classic(count: number): Map<string, NodeState> {
	const nodes = new Map<string, NodeState>();
	for (let i = 0; i < count; i++) nodes.set(name(i), state('sn1,sn2', 'sn1'));
	return nodes;
}

/** The baseline: round-robin over the sorted names, ignoring the current lists. */
function naive(nodes: ReadonlyMap<string, NodeState>, members: readonly string[]): Map<string, NodeState> {
	const after = new Map<string, NodeState>();
	[...nodes.keys()].sort().forEach((node, i) => {
		const first = i % members.length;
		after.set(node, state(`${members[first]},${members[(first + 1) % members.length]}`, ''));
	});
	return after;
}

interface Figures {
	first: number[];
	firstMoves: number;
	changed: number;
	/** per member: max - min of the members that take its nodes over when it is lost */
	lossSpread: number;
}

function figures(before: ReadonlyMap<string, NodeState>, after: ReadonlyMap<string, NodeState>, members: readonly string[]): Figures {
	const first = new Map(members.map((m) => [m, 0]));
	const takers = new Map(members.map((m) => [m, new Map(members.filter((o) => o !== m).map((o) => [o, 0]))]));
	let firstMoves = 0;
	let changed = 0;
	for (const [node, s] of after) {
		const [a, b] = splitXcatList(s.servicenode);
		first.set(a!, first.get(a!)! + 1);
		takers.get(a!)!.set(b!, takers.get(a!)!.get(b!)! + 1);
		const old = before.get(node)!;
		if (splitXcatList(old.servicenode)[0] !== a) firstMoves++;
		if (old.servicenode !== s.servicenode || old.xcatmaster !== s.xcatmaster) changed++;
	}
	const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
	return { first: [...first.values()], firstMoves, changed, lossSpread: Math.max(...[...takers.values()].map((t) => spread([...t.values()]))) };
}

function show(label: string, before: ReadonlyMap<string, NodeState>, members: readonly string[]): Map<string, NodeState> {
	const run = timed(() => planBalance({ request: { members }, nodes: before }));
	const plan: BalancePlan = run.result;
	if (!plan.ok) throw new Error(JSON.stringify(plan.errors));
	const commands = timed(() => balanceCommands(plan));
	const after = applyWrites(before, plan.writes);
	const ours = figures(before, after, members);
	const base = figures(before, naive(before, members), members);
	const split = ours.first;
	console.log(`\n${label}: ${n(before.size)} nodes over ${members.length} members (${members.join(',')})`);
	console.log(
		`  ours   plan ${ms(run.ms)}, chdef argv ${ms(commands.ms)}   first per member ${split.map(n).join(' / ')} (max-min ${Math.max(...split) - Math.min(...split)}, ${(((Math.max(...split) - Math.min(...split)) / Math.min(...split)) * 100).toFixed(3)} %)`,
	);
	console.log(
		`         new first entry ${n(ours.firstMoves)} nodes, lists written ${n(ours.changed)}, ${plan.writes.length} writes = ${commands.result.length} chdef commands; a lost member's nodes spread over the others within ${ours.lossSpread}`,
	);
	console.log(
		`  naive  round-robin: first per member ${base.first.map(n).join(' / ')}, new first entry ${n(base.firstMoves)} nodes, lists written ${n(base.changed)}; a lost member's nodes spread within ${n(base.lossSpread)} (all to one member)`,
	);
	return after;
}

for (const count of [10_000, 100_000]) {
	const three = ['sn1', 'sn2', 'sn3'];
	console.log(`\n=== ${n(count)} nodes (median of ${RUNS} runs) ===`);
	const balanced = show('from a classic setup (all on sn1,sn2, xcatmaster set)', classic(count), three);
	show('rerun on the balanced pool', balanced, three);
	const four = show('a fourth member added', balanced, [...three, 'sn4']);
	show('then sn2 removed', four, ['sn1', 'sn3', 'sn4']);
}
console.log(`\nheap used ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`);
