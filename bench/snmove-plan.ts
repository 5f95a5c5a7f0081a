// Figures for issue 7: the pure core of xcat_snmove at 100,000 nodes, in memory.
// Builds the cluster as tabdump text (nodelist, noderes, nodehm, nodetype, postscripts), then times
// parsing, group inheritance, the plan and the diff summary, each the median of RUNS runs, against
// baselines measured in the same run: a regex-per-line CSV parser, and one plan + one chdef per node.
// A benchmark prints figures; it never fails on timing.
import { noderangeChunks } from '../modules/xcat/noderange';
import { formatTabdump, parseTabdump, type Tabdump, type TabdumpRow } from '../modules/xcat/tabdump';
import { diffSummary } from '../modules/xcat_snmove/diff';
import { plan } from '../modules/xcat_snmove/plan';
import { applyWrites } from '../modules/xcat_snmove/simulate';
import { nodeStatesFromTables } from '../modules/xcat_snmove/state';
import type { ClusterState, MoveRequest, Plan } from '../modules/xcat_snmove/types';

const NODES = Number(process.env.SNMOVE_BENCH_NODES ?? 100_000);
const RUNS = 3;
const RACK = 2_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0).padStart(6)} ms`;

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

// ---- the cluster, as tabdump would print it ----

const name = (i: number) => `cn${String(i).padStart(6, '0')}`;
const address = (i: number) => `10.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`; // in 10.64.0.0/10

function table(columns: string[], rows: TabdumpRow[]): string {
	return formatTabdump({ columns, rows });
}

function clusterText(count: number): Record<'nodelist' | 'noderes' | 'nodehm' | 'nodetype' | 'postscripts', string> {
	const nodelist: TabdumpRow[] = [],
		noderes: TabdumpRow[] = [],
		nodehm: TabdumpRow[] = [],
		nodetype: TabdumpRow[] = [],
		postscripts: TabdumpRow[] = [];
	for (let rack = 0; rack * RACK < count; rack++) noderes.push([`rack${rack}`, 'sn1,sn2', 'sn1-eth1', null, null, null, null]);
	nodetype.push(['compute', 'rhels9.4', 'rhels9.4-x86_64-netboot-compute', null]);
	nodehm.push(['compute', 'sn1', null]);
	postscripts.push(['xcatdefaults', 'syslog,remoteshell,syncfiles', 'otherpkgs', null], ['compute', 'setupntp', null, null]);
	for (let i = 0; i < count; i++) {
		const n = name(i);
		nodelist.push([n, `rack${Math.floor(i / RACK)},compute,all`, null]);
		const own = i % 2 === 0; // half the nodes inherit servicenode/xcatmaster from their rack's group row
		const servicenode = own ? (i % 10 === 1 ? 'sn1,sn3' : 'sn1,sn2') : null;
		const tftp = [null, 'sn1-eth1', '10.127.255.1', 'sn9'][i % 4]!;
		const monserver = i % 100 === 7 ? 'sn1' : i % 2 ? 'sn1,sn1-eth1' : null;
		noderes.push([n, servicenode, own ? 'sn1-eth1' : null, tftp, i % 3 ? 'sn1-eth1' : null, monserver, null]);
		if (i % 5 === 0) nodehm.push([n, 'xcatmn', null]);
		if (i % 10 === 0) nodetype.push([n, null, 'install', null]);
	}
	return {
		nodelist: table(['node', 'groups', 'disable'], nodelist),
		noderes: table(['node', 'servicenode', 'xcatmaster', 'tftpserver', 'nfsserver', 'monserver', 'disable'], noderes),
		nodehm: table(['node', 'conserver', 'disable'], nodehm),
		nodetype: table(['node', 'os', 'provmethod', 'disable'], nodetype),
		postscripts: table(['node', 'postscripts', 'postbootscripts', 'disable'], postscripts),
	};
}

// ---- baselines ----

/** The obvious parser: split lines, one regex per line, an object per row. */
function naiveParse(text: string): Record<string, string | null>[] {
	const [header, ...lines] = text.split('\n');
	const columns = header!.slice(1).split(',');
	const rows: Record<string, string | null>[] = [];
	for (const line of lines) {
		if (!line) continue;
		const fields = [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) => {
			const raw = m[1]!;
			if (raw === '') return null;
			return raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw;
		});
		const row: Record<string, string | null> = {};
		columns.forEach((column, i) => {
			row[column] = fields[i] ?? null;
		});
		rows.push(row);
	}
	return rows;
}

/** What a script looping over nodes does: one plan (one snmove) and one chdef per node. */
function perNodePlans(request: MoveRequest, cluster: ClusterState, nodes: string[]): number {
	let writes = 0;
	for (const node of nodes) writes += plan({ request: { ...request, nodes: [node] }, cluster }).actions.writes.length;
	return writes;
}

// ---- run ----

const text = clusterText(NODES);
const bytes = Object.values(text).reduce((sum, t) => sum + t.length, 0);
console.log(
	`nodes: ${NODES.toLocaleString('en')} in ${NODES / RACK} racks; tabdump text ${(bytes / 1e6).toFixed(1)} MB over 5 tables (median of ${RUNS} runs each)\n`,
);

const parsed = timed(() => {
	const tables = {} as Record<keyof typeof text, Tabdump>;
	for (const [table, body] of Object.entries(text) as [keyof typeof text, string][]) {
		const result = parseTabdump(body);
		if (!result.ok) throw new Error(`${table}: ${result.error}`);
		tables[table] = result.table;
	}
	return tables;
});
const naive = timed(() => Object.values(text).map(naiveParse));
console.log(`parse, 5 tables      ours ${ms(parsed.ms)}   naive regex-per-line parser ${ms(naive.ms)}   ${(naive.ms / parsed.ms).toFixed(1)}x faster`);

const addresses = new Map<string, string>();
for (let i = 0; i < NODES; i++) addresses.set(name(i), address(i));
const states = timed(() => {
	const result = nodeStatesFromTables(parsed.result, addresses);
	if (!result.ok) throw new Error(result.error);
	return result;
});
console.log(`node states (groups) ${ms(states.ms)}   (${states.result.nodes.size.toLocaleString('en')} nodes, inheritance resolved)`);

const cluster: ClusterState = {
	nodes: states.result.nodes,
	xcatdefaults: states.result.xcatdefaults,
	networks: [
		{ net: '192.168.0.0', mask: '255.255.255.0' },
		{ net: '10.64.0.0', mask: '255.192.0.0', gateway: '<xcatmaster>' },
	],
	serviceNodeAddresses: new Map([
		['sn2', [{ address: '192.168.0.2' }, { address: '10.127.255.2', hostname: 'sn2-eth1' }]],
		['sn3', [{ address: '192.168.0.3' }, { address: '10.127.255.3', hostname: 'sn3-eth1' }]],
	]),
	hostAddresses: new Map([
		['sn1-eth1', '10.127.255.1'],
		['sn2-eth1', '10.127.255.2'],
		['sn3-eth1', '10.127.255.3'],
	]),
	serviceNodes: new Set(['sn1', 'sn2', 'sn3']),
};

const computed = timed(() => plan({ request: { source: 'sn1' }, cluster }));
const given = timed(() => plan({ request: { source: 'sn1', destNodeFacing: '10.127.255.2', dest: 'sn2' }, cluster }));
report('plan, -s sn1 (xcatmaster computed per network)', computed.ms, computed.result);
report('plan, -s sn1 -d sn2 -D 10.127.255.2', given.ms, given.result);

const sample = Math.min(NODES, 20_000);
const sampleNodes = computed.result.selected.slice(0, sample);
const started = performance.now();
const perNodeWrites = perNodePlans({ source: 'sn1' }, cluster, sampleNodes);
const perNodeMs = ((performance.now() - started) / sampleNodes.length) * computed.result.selected.length;
console.log(
	`baseline: one plan + one chdef per node, measured on ${sampleNodes.length.toLocaleString('en')} nodes, scaled to ${computed.result.selected.length.toLocaleString('en')}: ${ms(perNodeMs)}, ${((perNodeWrites / sampleNodes.length) * computed.result.selected.length).toLocaleString('en')} chdef calls`,
);
const chdefCommands = computed.result.actions.writes.reduce((sum, w) => sum + noderangeChunks(w.nodes).length, 0);
console.log(
	`  → ours: ${(perNodeMs / computed.ms).toFixed(1)}x faster to plan; ${computed.result.actions.writes.length} writes = ${chdefCommands} chdef commands once noderanges are split to fit one argv string, instead of ${computed.result.moves.length.toLocaleString('en')} (${Math.round(computed.result.moves.length / chdefCommands).toLocaleString('en')}x fewer)`,
);

const diff = timed(() => JSON.stringify(diffSummary(computed.result)));
console.log(
	`\ndiffSummary          ${ms(diff.ms)}   (${diff.result.length.toLocaleString('en')} bytes of JSON for ${computed.result.moves.length.toLocaleString('en')} moved nodes)`,
);

const moved: ClusterState = { ...cluster, nodes: applyWrites(cluster.nodes, computed.result.actions.writes) };
const second = timed(() => plan({ request: { source: 'sn1' }, cluster: moved }));
console.log(`second plan          ${ms(second.ms)}   (after the move: ${second.result.selected.length} selected, ${second.result.moves.length} moves)`);
console.log(`heap used            ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`);

function report(label: string, time: number, result: Plan) {
	const c = result.counts;
	console.log(
		`\n${label}\n  ${ms(time)}  (goal ≤ 2000 ms)  ok=${result.ok}  moved ${c.moved.toLocaleString('en')}  writes ${result.actions.writes.length}  consoles ${result.actions.consoles.length.toLocaleString('en')}  nodeset groups ${result.actions.nodeset.length}  postscript groups ${result.actions.postscripts.length}  route groups ${result.actions.routes.length}`,
	);
	console.log(
		`  changes: servicenode ${c.servicenode}, xcatmaster ${c.xcatmaster}, tftpserver ${c.tftpserver}, nfsserver ${c.nfsserver}, monserver ${c.monserver}, conserver ${c.conserver}, inherited→per-node ${c.inheritedOverrides}; warnings ${result.warnings.map((w) => `${w.kind}×${w.nodes.length}`).join(', ') || 'none'}`,
	);
}
