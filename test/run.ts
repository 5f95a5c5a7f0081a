// Runs every suite in order, each in its own process, and ends with one line
// `N passed, N failed` over all of them. `tsx test/run.ts unit contract` runs a subset.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { type Count, countUvu, failuresOf } from './suite-output';

interface Suite {
	name: string;
	/** a uvu directory (every *.test.ts under it), or a command counted as one test */
	dir?: string;
	command?: string[];
	/** runs on the lab (needs its base image, root) */
	lab?: boolean;
	/** its files split over this many uvu processes at once (files that share nothing but the CPU) */
	shards?: number;
	/** set in its processes' environment */
	env?: Record<string, string>;
}

const uvu = (dir: string, pattern = '\\.test\\.ts$') => ['npx', 'tsx', 'node_modules/uvu/bin.js', dir, pattern];
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Seconds each heavy file took (contract suite, 4 Dec): shards are balanced on them, 10 s for the rest.
const WEIGHT: Record<string, number> = {
	'bad-input.test.ts': 90,
	// real pcs (about 1.5 s a command) creating and repairing a CIB file several times
	'xcat_cluster.test.ts': 60,
	'xcat_shared_data.test.ts': 35,
	'hardening.test.ts': 33,
	'xcat_services.test.ts': 33,
	'xcat_lease.test.ts': 22,
	'xcat_object.test.ts': 18,
	'xcat_vip.test.ts': 13,
};

/** the suite's test files dealt over N shards, heaviest first to the lightest shard; one uvu pattern each */
function shardPatterns(dir: string, n: number): string[] {
	const files = readdirSync(dir)
		.filter((f) => f.endsWith('.test.ts'))
		.sort();
	const weight = (f: string) => WEIGHT[f] ?? 10;
	const shards = Array.from({ length: n }, () => ({ files: [] as string[], load: 0 }));
	for (const f of [...files].sort((a, b) => weight(b) - weight(a))) {
		const light = shards.reduce((a, b) => (b.load < a.load ? b : a));
		light.files.push(f);
		light.load += weight(f);
	}
	return shards.filter((s) => s.files.length > 0).map((s) => `^(${s.files.sort().map(escape).join('|')})$`);
}

const SUITES: Suite[] = [
	{ name: 'typecheck', command: ['npx', 'tsc', '-p', '.'] },
	// the formatter's check (biome.jsonc): `npm run fmt` writes what it wants
	{ name: 'format', command: ['npx', 'biome', 'format', '--reporter=summary', '.'] },
	{ name: 'unit', dir: 'test/unit' },
	// each test spawns the bundled module (node's start-up dominates): two processes use both cores
	{ name: 'contract', dir: 'test/contract', shards: 2 },
	{ name: 'ansible', dir: 'test/ansible' },
	{ name: 'integration', dir: 'test/integration' },
	// ansible-lint (production profile) and ansible-test sanity on the collection
	{ name: 'lint', dir: 'test/lint' },
	// The lab's xCAT charges real xCAT's time (test/lab/xcat/README.md, "Time"). The suites that test
	// the lab, the double and one module at a time on the lab run without it (minutes of CI, and
	// nothing they check depends on xCAT's speed); the playbook suites and every benchmark run with it.
	{ name: 'lab', dir: 'test/lab/selftest', lab: true, env: { XCAT_LAB_COST: 'off' } },
	{ name: 'xcat', dir: 'test/lab/xcat/test', lab: true, env: { XCAT_LAB_COST: 'off' } },
	{ name: 'mn', dir: 'test/mn', lab: true, env: { XCAT_LAB_COST: 'off' } },
	// the playbooks run from the collection built and installed as users do (tools/lab/lab.ts playbook())
	{ name: 'e2e', dir: 'test/e2e', lab: true, env: { XCAT_HA_PLAYBOOKS: 'installed' } },
	{ name: 'faults', dir: 'test/faults', lab: true },
];

/** the time each test file took: uvu prints a file's name on a line of its own when it starts */
function fileTimer() {
	const files: Array<{ file: string; ms: number }> = [];
	let current: { file: string; t0: number } | null = null;
	let partial = '';
	const close = (now: number) => {
		if (current) files.push({ file: current.file, ms: now - current.t0 });
		current = null;
	};
	return {
		feed(text: string) {
			const lines = (partial + text).split('\n');
			partial = lines.pop() ?? '';
			for (const line of lines) {
				const m = /^(\S+\.test\.ts)$/.exec(line.replace(/\u001b\[[0-9;]*m/g, '').trim());
				if (m) {
					close(Date.now());
					current = { file: m[1]!, t0: Date.now() };
				}
			}
		},
		end(): string {
			close(Date.now());
			return files.map((f) => `    ${f.file.padEnd(36)} ${(f.ms / 1000).toFixed(1).padStart(7)} s`).join('\n');
		},
	};
}

function run(
	argv: string[],
	stdout: NodeJS.WritableStream = process.stdout,
	stderr: NodeJS.WritableStream = process.stderr,
	env: Record<string, string> = {},
): Promise<{ code: number; output: string; files: string }> {
	return new Promise((resolve) => {
		const [cmd, ...args] = argv as [string, ...string[]];
		const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', ...env } });
		let output = '';
		const timer = fileTimer();
		const keep = (chunk: Buffer, to: NodeJS.WritableStream) => {
			output += chunk.toString();
			timer.feed(chunk.toString());
			to.write(chunk);
		};
		child.stdout.on('data', (c: Buffer) => keep(c, stdout));
		child.stderr.on('data', (c: Buffer) => keep(c, stderr));
		child.on('close', (code) => resolve({ code: code ?? 1, output, files: timer.end() }));
	});
}

/** like run(), with the output shown whole when the process ends (shards would interleave theirs) */
async function runHeld(argv: string[], env: Record<string, string> = {}) {
	let text = '';
	const sink = {
		write(c: Buffer | string) {
			text += c.toString();
			return true;
		},
	} as unknown as NodeJS.WritableStream;
	const r = await run(argv, sink, sink, env);
	process.stdout.write(text);
	return r;
}

/**
 * The lab's base image (debootstrap and the packages: minutes on a fresh machine) built in the
 * background while the suites that need no lab run; the first lab suite waits for it. Its output
 * is held back and shown only if it failed (the suite's own `lab up` then says why, too).
 */
function buildLabBaseInBackground(): Promise<void> {
	const started = Date.now();
	let text = '';
	const sink = {
		write(c: Buffer | string) {
			text += c.toString();
			return true;
		},
	} as unknown as NodeJS.WritableStream;
	return run(['bash', 'test/lab/lab', 'base'], sink, sink).then(({ code }) => {
		console.log(
			`\n(lab base image: ${code === 0 ? 'ready' : `failed, exit ${code}`} after ${((Date.now() - started) / 1000).toFixed(1)} s, built beside the suites before the lab's)`,
		);
		if (code !== 0) console.log(text.slice(-3000));
	});
}

async function main() {
	const wanted = process.argv.slice(2);
	const unknown = wanted.filter((w) => !SUITES.some((s) => s.name === w));
	if (unknown.length) {
		console.error(`unknown suite(s): ${unknown.join(', ')}; known: ${SUITES.map((s) => s.name).join(', ')}`);
		process.exit(2);
	}
	const chosen = SUITES.filter((s) => wanted.length === 0 || wanted.includes(s.name));
	const firstLab = chosen.findIndex((s) => s.lab);
	const base = firstLab > 0 && process.getuid?.() === 0 ? buildLabBaseInBackground() : null;
	const totals: Count = { passed: 0, failed: 0 };
	const lines: string[] = [];
	const failures: string[] = [];
	const fileTimes: string[] = [];
	for (const suite of chosen) {
		if (suite.dir && !existsSync(suite.dir)) continue;
		if (suite.lab && base) await base;
		console.log(`\n=== suite ${suite.name} ===`);
		const started = Date.now();
		const parts = suite.command
			? [run(suite.command, process.stdout, process.stderr, suite.env)]
			: suite.shards && suite.shards > 1
				? shardPatterns(suite.dir!, suite.shards).map((p) => runHeld(uvu(suite.dir!, p), suite.env))
				: [run(uvu(suite.dir!), process.stdout, process.stderr, suite.env)];
		const count: Count = { passed: 0, failed: 0 };
		for (const { code, output, files } of await Promise.all(parts)) {
			if (files) fileTimes.push(`  ${suite.name}\n${files}`);
			const c = suite.command ? { passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1 } : countUvu(output, code);
			count.passed += c.passed;
			count.failed += c.failed;
			for (const f of failuresOf(output, code, !suite.command)) failures.push(`--- ${suite.name}\n${f}`);
		}
		totals.passed += count.passed;
		totals.failed += count.failed;
		lines.push(
			`${suite.name.padEnd(12)} ${String(count.passed).padStart(5)} passed ${String(count.failed).padStart(4)} failed  ${((Date.now() - started) / 1000).toFixed(1)} s`,
		);
	}
	// CI shows only the tail of the output: what failed goes just above the totals
	if (failures.length) console.log(`\n=== failures ===\n${failures.join('\n')}`);
	// where the time goes, for keeping CI short
	if (fileTimes.length) console.log(`\n=== time per test file ===\n${fileTimes.join('\n')}`);
	console.log(`\n${lines.join('\n')}`);
	console.log(`${totals.passed} passed, ${totals.failed} failed`);
	process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1);
}

await main();
