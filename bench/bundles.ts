// What each bundle costs a task: its bytes (what Ansible ships through ssh per task; gzip for a connection
// that compresses), the npm packages those bytes come from (esbuild's metafile), and Node's start and
// compile of it: the bundle piped to `node` as pipelining does, with an unknown option, so that the module
// parses and refuses without touching the host. Wall time is the median of N runs; CPU (user+sys) is the
// mean, from the kernel's count of reaped children. `npx tsx bench/bundles.ts [N] [LIBDIR...]`: with
// library directories given (e.g. one built before a change, one after), their runs are interleaved so that
// the machine's load weighs on both alike.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const N = Number(process.argv[2] ?? 30);
const given = process.argv.slice(3);
const MARKER = '<<INCLUDE_ANSIBLE_MODULE_JSON_ARGS>>';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

/** CPU time (ms) of this process's reaped children so far: cutime + cstime of /proc/self/stat */
function childrenCpuMs(): number {
	const fields = readFileSync('/proc/self/stat', 'utf8')
		.replace(/^.*\) /, '')
		.split(' ');
	return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100; // USER_HZ is 100 on Linux
}

/** one run: wall ms and CPU ms of `node` reading PROGRAM on stdin */
function run(program: string): { wall: number; cpu: number } {
	const cpu0 = childrenCpuMs();
	const t0 = process.hrtime.bigint();
	const r = spawnSync('node', [], { input: program });
	const wall = Number(process.hrtime.bigint() - t0) / 1e6;
	if (!String(r.stdout).includes('"failed"')) throw new Error(`no refusal: ${r.stdout}${r.stderr}`);
	return { wall, cpu: childrenCpuMs() - cpu0 };
}

let scratch: string | undefined;
let dirs = given;
if (!dirs.length) {
	scratch = mkdtempSync(join(tmpdir(), 'xcat-ha-bundles-'));
	const b = spawnSync('node', ['scripts/build.mjs', '--out', scratch], { encoding: 'utf8' });
	if (b.status !== 0) throw new Error(b.stderr);
	dirs = [scratch];
}
try {
	const names = readdirSync(dirs[0]!)
		.filter((f) => f.endsWith('.js'))
		.map((f) => f.slice(0, -3))
		.sort();

	console.log('bytes per bundle (gzip -9):');
	for (const name of names)
		console.log(
			`  ${name.padEnd(18)} ${dirs
				.map((d) => {
					const t = readFileSync(join(d, `${name}.js`));
					return `${kib(t.length)} (${kib(gzipSync(t, { level: 9 }).length)})`;
				})
				.join('  |  ')}`,
		);

	// the packages in this tree's bundles (the schema validator is generated at build time: left out here)
	console.log('\nnpm packages in the bundles of this tree (minified bytes):');
	for (const name of names) {
		const r = await build({
			entryPoints: [`modules/${name}/main.ts`],
			bundle: true,
			platform: 'node',
			format: 'cjs',
			target: 'node18',
			minify: true,
			legalComments: 'none',
			charset: 'ascii',
			write: false,
			metafile: true,
			logLevel: 'silent',
			plugins: [
				{
					name: 'no-validator',
					setup: (p) =>
						p.onLoad({ filter: /modules[\\/]runtime[\\/]validator\.ts$/ }, () => ({
							contents: 'export function compileValidator() {}',
							loader: 'ts',
						})),
				},
			],
		});
		const by = new Map<string, number>();
		for (const [path, { bytesInOutput }] of Object.entries(Object.values(r.metafile.outputs)[0]!.inputs)) {
			const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? 'ours';
			by.set(pkg, (by.get(pkg) ?? 0) + bytesInOutput);
		}
		// the rest of the bundle built above: the validator ajv generates from the module's schema, the args marker
		if (scratch) by.set('ajv (generated validator)', readFileSync(join(scratch, `${name}.js`)).length - Object.values(r.metafile.outputs)[0]!.bytes);
		console.log(
			`  ${name.padEnd(18)} ${[...by]
				.sort((a, b) => b[1] - a[1])
				.map(([p, n]) => `${p} ${kib(n)}`)
				.join(', ')}`,
		);
	}

	const base = Array.from({ length: N }, () => {
		const c0 = childrenCpuMs(),
			t0 = process.hrtime.bigint();
		spawnSync('node', ['-e', '0']);
		return { wall: Number(process.hrtime.bigint() - t0) / 1e6, cpu: childrenCpuMs() - c0 };
	});
	console.log(
		`\nstart and refusal, ${N} runs each: wall median / CPU mean (node -e 0: ${median(base.map((b) => b.wall)).toFixed(0)} / ${(base.reduce((s, b) => s + b.cpu, 0) / N).toFixed(0)} ms)`,
	);
	for (const name of names) {
		const args = JSON.stringify({ no_such_option: 1, _ansible_check_mode: true, _ansible_module_name: name });
		const programs = dirs.map((d) => readFileSync(join(d, `${name}.js`), 'utf8').replace(MARKER, () => args));
		const runs = dirs.map(() => [] as Array<{ wall: number; cpu: number }>);
		for (let i = 0; i < N; i++) programs.forEach((p, j) => runs[j]!.push(run(p)));
		console.log(
			`  ${name.padEnd(18)} ${runs.map((rs) => `${median(rs.map((r) => r.wall)).toFixed(0)} / ${(rs.reduce((s, r) => s + r.cpu, 0) / N).toFixed(0)} ms`).join('  |  ')}`,
		);
	}
} finally {
	if (scratch) rmSync(scratch, { recursive: true, force: true });
}
