// Runs every suite in order, each in its own process, and ends with one line
// `N passed, N failed` over all of them. `tsx test/run.ts unit contract` runs a subset.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Count, countUvu, failuresOf } from './suite-output';

interface Suite {
	name: string;
	/** a uvu directory (every *.test.ts under it), or a command counted as one test */
	dir?: string;
	command?: string[];
}

const uvu = (dir: string) => ['npx', 'tsx', 'node_modules/uvu/bin.js', dir, '\\.test\\.ts$'];

const SUITES: Suite[] = [
	{ name: 'typecheck', command: ['npx', 'tsc', '-p', '.'] },
	{ name: 'unit', dir: 'test/unit' },
	{ name: 'contract', dir: 'test/contract' },
	{ name: 'ansible', dir: 'test/ansible' },
	{ name: 'integration', dir: 'test/integration' },
	{ name: 'lab', dir: 'test/lab/selftest' },
	{ name: 'xcat', dir: 'test/lab/xcat/test' },
	{ name: 'mn', dir: 'test/mn' },
	{ name: 'e2e', dir: 'test/e2e' },
	{ name: 'faults', dir: 'test/faults' },
];

function run(argv: string[]): Promise<{ code: number; output: string }> {
	return new Promise((resolve) => {
		const [cmd, ...args] = argv as [string, ...string[]];
		const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
		let output = '';
		const keep = (chunk: Buffer, to: NodeJS.WriteStream) => { output += chunk.toString(); to.write(chunk); };
		child.stdout.on('data', (c: Buffer) => keep(c, process.stdout));
		child.stderr.on('data', (c: Buffer) => keep(c, process.stderr));
		child.on('close', (code) => resolve({ code: code ?? 1, output }));
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
	const totals: Count = { passed: 0, failed: 0 };
	const lines: string[] = [];
	const failures: string[] = [];
	for (const suite of chosen) {
		if (suite.dir && !existsSync(suite.dir)) continue;
		console.log(`\n=== suite ${suite.name} ===`);
		const started = Date.now();
		const { code, output } = await run(suite.command ?? uvu(suite.dir!));
		const count = suite.command ? { passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1 } : countUvu(output, code);
		totals.passed += count.passed;
		totals.failed += count.failed;
		for (const f of failuresOf(output, code, !suite.command)) failures.push(`--- ${suite.name}\n${f}`);
		lines.push(`${suite.name.padEnd(12)} ${String(count.passed).padStart(5)} passed ${String(count.failed).padStart(4)} failed  ${((Date.now() - started) / 1000).toFixed(1)} s`);
	}
	// CI shows only the tail of the output: what failed goes just above the totals
	if (failures.length) console.log(`\n=== failures ===\n${failures.join('\n')}`);
	console.log(`\n${lines.join('\n')}`);
	console.log(`${totals.passed} passed, ${totals.failed} failed`);
	process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1);
}

await main();
