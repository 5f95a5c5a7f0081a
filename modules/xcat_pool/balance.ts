// The pool's balance plan (issue 15, seed 004), pure: each compute node's `servicenode` list over the pool
// members and a blank `xcatmaster`. The first entry is spread evenly over the members; the second (the
// backup snmove moves a node to when its first is lost) is spread evenly over the other members within each
// first-entry group, so a lost member's nodes land evenly on the rest; deeper entries likewise. Nodes already
// well placed stay where they are: a rerun changes nothing, and adding or removing a member moves only the
// nodes it must. The writes, counts and diff are snmove's (groupWrites, countChanges, diffSummary).

import { quoteValue } from '../runtime/show';
import { splitXcatList } from '../xcat/lists';
import { groupWrites } from '../xcat_snmove/actions';
import { chdefCommands } from '../xcat_snmove/commands';
import { Findings } from '../xcat_snmove/findings';
import { countChanges } from '../xcat_snmove/plan';
import type { AttributeChange, AttributeWrite, ChangeCounts, Finding, NodeMove, NodeState } from '../xcat_snmove/types';
import { HOST } from '../xcat_snmove/validate';

const HOST_RE = new RegExp(HOST.regex);

export interface BalanceRequest {
	/** the pool members as the MN knows them (servicenode entries), MN included; order breaks ties */
	members: readonly string[];
	/** the noderange expanded (nodels); default every node in `nodes` */
	nodes?: readonly string[] | undefined;
	/** node → the member it must keep as its first entry (the admin's choice); its backup is still planned */
	pinned?: ReadonlyMap<string, string> | undefined;
	/** servicenode entries written per node, 2 (first + backup, default) up to the member count */
	entries?: number | undefined;
}

export interface BalanceInput {
	request: BalanceRequest;
	/** the nodes' effective values, as snmove's probe reads them (lsdef -i / tabdump with inheritance) */
	nodes: ReadonlyMap<string, Pick<NodeState, 'servicenode' | 'xcatmaster' | 'inheritedFrom'>>;
	/**
	 * per node with a group that defines xcatmaster: that value and group, which a node's own xcatmaster
	 * hides and its blank would show (xCAT reads a blank node value as unset)
	 */
	groupXcatmaster?: ReadonlyMap<string, { value: string; group: string }>;
}

export type BalanceErrorKind = 'invalid-request' | 'unknown-node' | 'member-is-node' | 'xcatmaster-inherited';
export type BalanceWarningKind = 'nothing-selected' | 'pinned-overloaded';

export interface MemberLoad {
	member: string;
	/** nodes listing it first */
	first: number;
	/** nodes listing it second: the nodes it takes over when their first member is lost */
	backup: number;
}

export interface BalancePlan {
	ok: boolean;
	selected: string[];
	/** nodes whose servicenode or xcatmaster changes (computed even when not ok, as a preview) */
	moves: NodeMove[];
	unchanged: string[];
	/** moves whose first entry changes: the nodes that get another service node */
	firstMoves: number;
	/** per member in `members` order, after the plan */
	load: MemberLoad[];
	counts: ChangeCounts;
	errors: Finding<BalanceErrorKind>[];
	warnings: Finding<BalanceWarningKind>[];
	/** snmove's bulk writes (one per distinct new value set); empty when not ok */
	writes: AttributeWrite[];
}

/** The plan's chdef calls (argv arrays), grouped and split as snmove's are. */
export function balanceCommands(plan: BalancePlan): string[][] {
	return chdefCommands(plan.writes);
}

export function planBalance(input: BalanceInput): BalancePlan {
	const { request } = input;
	const errors = new Findings<BalanceErrorKind>();
	const warnings = new Findings<BalanceWarningKind>();
	const entries = request.entries ?? 2;
	validateBalanceRequest(request, errors);
	if (errors.size > 0) return assemble([], [], [], 0, [], errors, warnings);
	const selected = selectNodes(input, errors);
	if (selected.length === 0) warnings.add('nothing-selected', 'no nodes to balance');
	const works = selected.flatMap((name) => {
		const state = input.nodes.get(name);
		return state ? [workFor(name, state, request)] : [];
	});
	new Balancer(request.members, warnings).level(works, 0, entries);
	const moves: NodeMove[] = [];
	const unchanged: string[] = [];
	let firstMoves = 0;
	for (const work of works) {
		const state = input.nodes.get(work.name)!;
		const changes = changesOf(state, work.chosen.join(','));
		// xCAT reads an empty node value as unset and falls back to the group's: a node-level blank would not hold
		const below = input.groupXcatmaster?.get(work.name);
		if (state.xcatmaster !== '' && state.inheritedFrom?.xcatmaster !== undefined) {
			const group = state.inheritedFrom.xcatmaster;
			errors.add(
				'xcatmaster-inherited',
				`xcatmaster ${quoteValue(state.xcatmaster)} comes from group ${group}; a blank on the node cannot override it: clear it on the group (chdef -t group -o ${group} xcatmaster=)`,
				work.name,
			);
		} else if (state.xcatmaster !== '' && below !== undefined) {
			errors.add(
				'xcatmaster-inherited',
				`the node's own xcatmaster would be blanked, and then group ${below.group}'s xcatmaster ${quoteValue(below.value)} would show through: clear it on the group (chdef -t group -o ${below.group} xcatmaster=)`,
				work.name,
			);
		}
		if (changes.length === 0) {
			unchanged.push(work.name);
			continue;
		}
		const from = work.current[0] ?? '';
		if (from !== work.chosen[0]) firstMoves++;
		moves.push({ node: work.name, from, to: work.chosen[0]!, changes });
	}
	return assemble(selected, moves, unchanged, firstMoves, loadOf(request.members, works), errors, warnings);
}

/** What is wrong with the request, each message naming the option and the value. */
export function balanceRequestProblems(request: BalanceRequest): string[] {
	const problems: string[] = [];
	const { members } = request;
	if (members.length < 2) problems.push(`members must list at least two pool members (a node needs a backup), got: ${quoteValue(members.join(','))}`);
	members.forEach((member, i) => {
		if (!HOST_RE.test(member)) problems.push(`value of members[${i}] must be ${HOST.hint}, got: ${quoteValue(member)}`);
	});
	for (const member of duplicates(members)) problems.push(`members lists ${quoteValue(member)} more than once`);
	const entries = request.entries ?? 2;
	if (!Number.isInteger(entries) || entries < 2 || entries > Math.max(2, members.length)) {
		problems.push(`entries must be a whole number from 2 to the member count (${members.length}), got: ${quoteValue(entries)}`);
	}
	if (request.nodes !== undefined) {
		if (request.nodes.length === 0) problems.push('nodes is empty');
		for (const node of duplicates(request.nodes)) problems.push(`nodes lists ${quoteValue(node)} more than once`);
	}
	const memberSet = new Set(members);
	for (const [node, member] of request.pinned ?? []) {
		if (!memberSet.has(member)) problems.push(`pinned: node ${node} is pinned to ${quoteValue(member)}, which is not one of the members`);
	}
	return problems;
}

function validateBalanceRequest(request: BalanceRequest, errors: Findings<BalanceErrorKind>): void {
	for (const message of balanceRequestProblems(request)) errors.add('invalid-request', message);
}

function duplicates(values: readonly string[]): string[] {
	const seen = new Set<string>();
	const twice = new Set<string>();
	for (const value of values) (seen.has(value) ? twice : seen).add(value);
	return [...twice];
}

/** The nodes to balance, sorted by name so the plan depends on the set, not on the order it came in. */
function selectNodes(input: BalanceInput, errors: Findings<BalanceErrorKind>): string[] {
	const { request, nodes } = input;
	const names = request.nodes ?? [...nodes.keys()];
	const members = new Set(request.members);
	const selected: string[] = [];
	for (const name of names) {
		if (!nodes.has(name)) errors.add('unknown-node', 'not a known node', name);
		else if (members.has(name)) errors.add('member-is-node', 'a pool member cannot be balanced over the pool (it is one of the members)', name);
		else selected.push(name);
	}
	const named = new Set(names);
	for (const node of request.pinned?.keys() ?? []) {
		if (!nodes.has(node) || !named.has(node)) errors.add('unknown-node', 'pinned, but not among the nodes to balance', node);
	}
	return selected.sort(byName);
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A node while its list is chosen, entry by entry. */
interface Work {
	name: string;
	/** its servicenode entries now */
	current: string[];
	/** the members it lists now, in its order, once each: where it would rather stay */
	preferred: string[];
	pin: string | undefined;
	chosen: string[];
	/** chosen so far equals current so far: keeping its next current entry leaves the node unchanged */
	intact: boolean;
	/** xcatmaster is blank already: a node left in place is not written at all */
	clean: boolean;
}

function workFor(name: string, state: Pick<NodeState, 'servicenode' | 'xcatmaster'>, request: BalanceRequest): Work {
	const current = splitXcatList(state.servicenode);
	const members = new Set(request.members);
	return {
		name,
		current,
		preferred: [...new Set(current.filter((entry) => members.has(entry)))],
		pin: request.pinned?.get(name),
		chosen: [],
		intact: true,
		clean: state.xcatmaster === '',
	};
}

/**
 * Chooses entry `depth` for a group of nodes that share their chosen entries so far: targets spread the
 * group evenly over the members not yet chosen (pinned nodes first), each node keeps the member it lists
 * next where the target allows (unchanged nodes first), and the rest fill the gaps, trying the members they
 * list next (snmove's order) before any other. Then each resulting group gets its next entry the same way.
 */
class Balancer {
	private readonly index: Map<string, number>;
	/** per depth, the spare nodes (the +1 of an uneven split) each member got so far, so they do not pile up on one */
	private readonly spares: Map<string, number>[] = [];

	constructor(
		private readonly members: readonly string[],
		private readonly warnings: Findings<BalanceWarningKind>,
	) {
		this.index = new Map(members.map((member, i) => [member, i]));
	}

	level(group: Work[], depth: number, entries: number): void {
		if (depth >= entries || group.length === 0) return;
		const prefix = new Set(group[0]!.chosen);
		const candidates = this.members.filter((member) => !prefix.has(member));
		const spares = this.sparesAt(depth);
		const wanted = new Map<string, Work[]>(candidates.map((c) => [c, []]));
		const pins = new Map<string, number>(candidates.map((c) => [c, 0]));
		for (const work of group) {
			const pin = depth === 0 ? work.pin : undefined;
			const choice = pin ?? work.preferred.find((member) => !prefix.has(member));
			if (pin !== undefined) pins.set(pin, pins.get(pin)! + 1);
			if (choice !== undefined) wanted.get(choice)!.push(work);
		}
		const targets = this.targets(group.length, candidates, pins, wanted, spares, depth);
		const movers: Work[] = [];
		const taken = new Map<string, number>(candidates.map((c) => [c, 0]));
		const wantedAny = new Set<Work>();
		for (const [member, works] of wanted) {
			const rank = (w: Work) => keepRank(w, member, depth);
			const ordered = [...works].sort((a, b) => rank(a) - rank(b) || byName(a.name, b.name));
			const target = targets.get(member)!;
			ordered.forEach((work, i) => {
				wantedAny.add(work);
				if (i < target) this.choose(work, member, depth);
				else movers.push(work);
			});
			taken.set(member, Math.min(ordered.length, target));
		}
		for (const work of group) if (!wantedAny.has(work)) movers.push(work);
		movers.sort((a, b) => byName(a.name, b.name));
		const gap = (member: string) => targets.get(member)! - taken.get(member)!;
		const rest: Work[] = [];
		for (const work of movers) {
			const next = work.preferred.find((member) => !prefix.has(member) && gap(member) > 0);
			if (next === undefined) rest.push(work);
			else {
				this.choose(work, next, depth);
				taken.set(next, taken.get(next)! + 1);
			}
		}
		for (const work of rest) {
			let best = candidates[0]!;
			for (const member of candidates) if (gap(member) > gap(best)) best = member;
			this.choose(work, best, depth);
			taken.set(best, taken.get(best)! + 1);
		}
		const next = new Map<string, Work[]>(candidates.map((c) => [c, []]));
		for (const work of group) next.get(work.chosen[depth]!)!.push(work);
		for (const member of candidates) this.level(next.get(member)!, depth + 1, entries);
	}

	private choose(work: Work, member: string, depth: number): void {
		work.chosen.push(member);
		if (work.current[depth] !== member) work.intact = false;
	}

	private sparesAt(depth: number): Map<string, number> {
		while (this.spares.length <= depth) this.spares.push(new Map());
		return this.spares[depth]!;
	}

	/**
	 * Nodes per candidate: water-filling above the pinned counts, so the unpinned members differ by at most
	 * one. The spare ones go to the members the most nodes would stay unchanged on (fewer writes), then to
	 * those that got the fewest spares at this depth in other groups (even totals), then to those most
	 * nodes list next (snmove's order), then in member order.
	 */
	private targets(
		size: number,
		candidates: readonly string[],
		pins: ReadonlyMap<string, number>,
		wanted: ReadonlyMap<string, readonly Work[]>,
		spares: Map<string, number>,
		depth: number,
	): Map<string, number> {
		const staying = new Map(candidates.map((c) => [c, wanted.get(c)!.filter((w) => keepsIntact(w, c, depth)).length]));
		const filled = (level: number) => candidates.reduce((sum, c) => sum + Math.max(pins.get(c)!, level), 0);
		let low = 0;
		let high = size;
		while (low < high) {
			const mid = Math.ceil((low + high) / 2);
			if (filled(mid) <= size) low = mid;
			else high = mid - 1;
		}
		const targets = new Map(candidates.map((c) => [c, Math.max(pins.get(c)!, low)]));
		const spare = size - filled(low);
		const eligible = candidates
			.filter((c) => pins.get(c)! <= low)
			.sort(
				(a, b) =>
					staying.get(b)! - staying.get(a)! ||
					(spares.get(a) ?? 0) - (spares.get(b) ?? 0) ||
					wanted.get(b)!.length - wanted.get(a)!.length ||
					this.index.get(a)! - this.index.get(b)!,
			);
		for (const member of eligible.slice(0, spare)) {
			targets.set(member, low + 1);
			spares.set(member, (spares.get(member) ?? 0) + 1);
		}
		const overloaded = candidates.filter((c) => pins.get(c)! > low + 1);
		for (const member of overloaded) {
			this.warnings.add(
				'pinned-overloaded',
				`${pins.get(member)} nodes are pinned to ${member}, more than an even share (${low} or ${low + 1}): the others are balanced over the rest`,
			);
		}
		return targets;
	}
}

/**
 * Who keeps a member when more nodes want it than its target: pinned nodes (targets cover them), then nodes
 * that stay unchanged by keeping it, then those that only lose their xcatmaster (they change anyway, so a
 * move costs nothing more), then the rest; by name within each.
 */
function keepRank(work: Work, member: string, depth: number): number {
	if (depth === 0 && work.pin !== undefined) return 0;
	if (!keepsIntact(work, member, depth)) return 3;
	return work.clean ? 1 : 2;
}

const keepsIntact = (work: Work, member: string, depth: number) => work.intact && work.current[depth] === member;

function changesOf(state: Pick<NodeState, 'servicenode' | 'xcatmaster' | 'inheritedFrom'>, servicenode: string): AttributeChange[] {
	const changes: AttributeChange[] = [];
	const after = { servicenode, xcatmaster: '' };
	for (const attribute of ['servicenode', 'xcatmaster'] as const) {
		if (state[attribute] === after[attribute]) continue;
		const inheritedFrom = state.inheritedFrom?.[attribute];
		const change: AttributeChange = { attribute, before: state[attribute], after: after[attribute] };
		if (inheritedFrom !== undefined) change.inheritedFrom = inheritedFrom;
		changes.push(change);
	}
	return changes;
}

function loadOf(members: readonly string[], works: readonly Work[]): MemberLoad[] {
	const load = new Map(members.map((member) => [member, { member, first: 0, backup: 0 }]));
	for (const work of works) {
		const first = work.chosen[0];
		const backup = work.chosen[1];
		if (first !== undefined) load.get(first)!.first++;
		if (backup !== undefined) load.get(backup)!.backup++;
	}
	return [...load.values()];
}

function assemble(
	selected: string[],
	moves: NodeMove[],
	unchanged: string[],
	firstMoves: number,
	load: MemberLoad[],
	errors: Findings<BalanceErrorKind>,
	warnings: Findings<BalanceWarningKind>,
): BalancePlan {
	const ok = errors.size === 0;
	return {
		ok,
		selected,
		moves,
		unchanged,
		firstMoves,
		load,
		counts: countChanges(selected.length, moves, unchanged.length),
		errors: errors.list(),
		warnings: warnings.list(),
		writes: ok ? groupWrites(moves.map((move) => ({ move }))) : [],
	};
}
