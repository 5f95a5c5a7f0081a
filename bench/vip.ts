// Figures for issue 2: per-task cost of xcat_vip (check mode) against ansible.builtin.command, bundle size, cold call.
// Per task = (T(playbook with 20 tasks) − T(same playbook with no tasks)) / 20, median of 3 runs each.
import { execa } from 'execa';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ansibleEnv, ROOT } from '../tools/lab/env';
import { ip, makePair } from '../tools/lab/netns';
import { runModule } from '../tools/lab/run-module';

const TASKS = 20,
	RUNS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function playbook(task: string | undefined): string {
	const tasks = task ? Array.from({ length: TASKS }, (_, i) => `    - name: Task ${i + 1}\n${task}`).join('\n') : '    []';
	return `---\n- name: Bench\n  hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n${task ? tasks : ''}${task ? '' : '    - name: Nothing\n      ansible.builtin.meta: noop'}\n`;
}

async function timePlaybook(ns: string, file: string): Promise<number> {
	const started = process.hrtime.bigint();
	const r = await execa('ip', ['netns', 'exec', ns, 'ansible-playbook', '-i', 'localhost,', file], { cwd: ROOT, env: ansibleEnv, reject: false });
	if (r.exitCode !== 0) throw new Error(`${file} failed:\n${r.stdout}`);
	return Number(process.hrtime.bigint() - started) / 1e6;
}

const pair = await makePair('b');
const dir = await mkdtemp(join(tmpdir(), 'xcat-ha-bench-'));
try {
	await ip('-n', pair.a.ns, 'addr', 'add', '198.51.100.10/24', 'dev', 'v0', 'label', 'v0:0');
	const books = {
		empty: playbook(undefined),
		xcat_vip: playbook('      xcat.ha.xcat_vip:\n        address: 198.51.100.10\n        interface: v0\n      check_mode: true'),
		command: playbook('      ansible.builtin.command: "true"\n      changed_when: false'),
	};
	const times: Record<string, number[]> = { empty: [], xcat_vip: [], command: [] };
	for (const [name, text] of Object.entries(books)) await writeFile(join(dir, `${name}.yml`), text);
	for (let i = 0; i < RUNS; i++) for (const name of Object.keys(books)) times[name]!.push(await timePlaybook(pair.a.ns, join(dir, `${name}.yml`)));
	const perTask = (name: string) => (median(times[name]!) - median(times.empty!)) / TASKS;
	const ours = perTask('xcat_vip'),
		builtin = perTask('command');

	const cold: number[] = [],
		bare: number[] = [];
	for (let i = 0; i < 10; i++) {
		cold.push((await runModule('xcat_vip', { address: '198.51.100.10', interface: 'v0' }, { netns: pair.a.ns, check: true })).ms);
		const s = Date.now();
		await execa('ip', ['netns', 'exec', pair.a.ns, 'node', '-e', '0']);
		bare.push(Date.now() - s);
	}
	const size = (await stat(join(ROOT, 'plugins/modules/xcat_vip.js'))).size;

	console.log('xcat_vip benchmark (local connection, pipelining on, inside a network namespace)');
	console.log(`  per task, xcat_vip check mode (VIP held):  ${ours.toFixed(0)} ms`);
	console.log(`  per task, ansible.builtin.command: true:    ${builtin.toFixed(0)} ms`);
	console.log(`  ratio xcat_vip / command:                   ${(ours / builtin).toFixed(2)}  (goal <= 0.80)`);
	console.log(`  bundle plugins/modules/xcat_vip.js:                ${(size / 1024).toFixed(1)} KiB`);
	console.log(`  cold call, bundle piped to node (median 10): ${median(cold)} ms  (node -e 0: ${median(bare)} ms)`);
} finally {
	await pair.remove();
	await rm(dir, { recursive: true, force: true });
}
