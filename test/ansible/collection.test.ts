// The collection as users get it: `ansible-galaxy collection build` from the built tree makes a tarball
// holding what runs (every module's bundle and its docs, roles, playbooks, the callback) and none of the
// sources, toolchain or tests; `ansible-galaxy collection install` puts it in an empty path; from
// there, in a directory outside the checkout and without its ansible.cfg, ansible-doc reads every
// module by FQCN, the collection playbooks resolve by name, a module runs in a play, and a role's
// own test passes.
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../tools/lab/env';

const modules = readdirSync(`${ROOT}/plugins/modules`)
	.filter((f) => f.endsWith('.js'))
	.map((f) => f.slice(0, -3))
	.sort();
const playbooks = readdirSync(`${ROOT}/playbooks`)
	.filter((f) => f.endsWith('.yml'))
	.map((f) => f.slice(0, -4))
	.sort();
const version = /^version:\s*(\S+)/m.exec(readFileSync(`${ROOT}/galaxy.yml`, 'utf8'))![1]!;

const C = suite('collection: build, install, run from the install');
let tmp = '';
let tarball = '';
let installed = '';
/** the environment of a user with only the installed collection: no repo ansible.cfg, nothing under ~ */
let userEnv: Record<string, string> = {};
let work = '';

C.before(async () => {
	tmp = await mkdtemp(join(tmpdir(), 'xcat-ha-collection-'));
	work = join(tmp, 'work');
	await mkdir(work);
	userEnv = {
		PATH: process.env.PATH ?? '/usr/bin:/bin',
		HOME: join(tmp, 'home'),
		ANSIBLE_HOME: join(tmp, 'ansible-home'),
		ANSIBLE_COLLECTIONS_PATH: join(tmp, 'collections'),
		ANSIBLE_LOCAL_TEMP: join(tmp, 'ansible-tmp'),
		ANSIBLE_NOCOLOR: '1',
		ANSIBLE_FORCE_COLOR: '0',
		LC_ALL: 'C.UTF-8',
	};
});
C.after(async () => {
	if (tmp) await rm(tmp, { recursive: true, force: true });
});

C('ansible-galaxy collection build makes the tarball from the built tree', async () => {
	assert.ok(modules.length > 0, 'plugins/modules is empty: run node scripts/build.mjs first');
	const r = await execa('ansible-galaxy', ['collection', 'build', '--output-path', tmp, ROOT], { env: userEnv, cwd: work, reject: false, all: true });
	assert.is(r.exitCode, 0, String(r.all));
	tarball = join(tmp, `xcat-ha-${version}.tar.gz`);
	assert.ok(existsSync(tarball), `no ${tarball}:\n${r.all}`);
});

C('the tarball holds what runs, and no sources, toolchain or tests', async () => {
	const files = String((await execa('tar', ['-tzf', tarball])).stdout)
		.split('\n')
		.map((f) => f.replace(/^\.\//, '').replace(/\/$/, ''))
		.filter(Boolean);
	const has = (f: string) => files.includes(f);
	for (const f of [
		'MANIFEST.json',
		'FILES.json',
		'README.md',
		'CHANGELOG.md',
		'meta/runtime.yml',
		'plugins/callback/xcat_ha_audit.py',
		'roles/xcat_ha/tasks/main.yml',
		'roles/xcat_snmove/tasks/main.yml',
		'roles/xcat_ha/files/xcat-lease-guard.cjs',
		'roles/xcat_pool/files/xcat-pool-pg-guard.cjs',
		'roles/xcat_pool/tasks/main.yml',
		'inventory/example/hosts.yml',
	]) {
		assert.ok(has(f), `${f} missing from the tarball`);
	}
	for (const m of modules) for (const ext of ['js', 'yml']) assert.ok(has(`plugins/modules/${m}.${ext}`), `plugins/modules/${m}.${ext} missing`);
	for (const p of playbooks) assert.ok(has(`playbooks/${p}.yml`), `playbooks/${p}.yml missing`);
	const unwanted = files.filter(
		(f) =>
			/\.(ts|mjs|map)$/.test(f) ||
			/(^|\/)node_modules(\/|$)/.test(f) ||
			/^(modules|test|tools|bench|scripts|library|\.ci|\.lab|\.ansible|\.cache|\.git)(\/|$)/.test(f) ||
			f.startsWith('inventory/lab') ||
			['ansible.cfg', 'package.json', 'package-lock.json', 'tsconfig.json', '.gitignore', '.ansible-lint', 'galaxy.yml'].includes(f),
	);
	assert.equal(unwanted, [], 'files that must not ship');
});

C('ansible-galaxy collection install puts it in an empty path', async () => {
	const r = await execa('ansible-galaxy', ['collection', 'install', tarball, '-p', userEnv.ANSIBLE_COLLECTIONS_PATH!], {
		env: userEnv,
		cwd: work,
		reject: false,
		all: true,
	});
	assert.is(r.exitCode, 0, String(r.all));
	installed = join(userEnv.ANSIBLE_COLLECTIONS_PATH!, 'ansible_collections/xcat/ha');
	assert.ok(existsSync(join(installed, 'MANIFEST.json')), String(r.all));
	const list = await execa('ansible-galaxy', ['collection', 'list', 'xcat.ha'], { env: userEnv, cwd: work, reject: false, all: true });
	assert.match(String(list.stdout), new RegExp(`xcat\\.ha\\s+${version.replace(/\./g, '\\.')}`), String(list.all));
});

C('from the install, ansible-doc reads every module by its FQCN', async () => {
	const r = await execa('ansible-doc', ['--json', ...modules.map((m) => `xcat.ha.${m}`)], { env: userEnv, cwd: work, reject: false, all: true });
	assert.is(r.exitCode, 0, String(r.all));
	const docs = JSON.parse(r.stdout) as Record<string, { doc?: { filename?: string; options?: object } }>;
	for (const m of modules) {
		const d = docs[`xcat.ha.${m}`]?.doc;
		assert.ok(d?.options, `ansible-doc xcat.ha.${m} has no options`);
		assert.ok(String(d?.filename).startsWith(installed), `xcat.ha.${m} read from ${d?.filename}, not from the install`);
	}
	const callback = await execa('ansible-doc', ['-t', 'callback', 'xcat.ha.xcat_ha_audit'], { env: userEnv, cwd: work, reject: false, all: true });
	assert.is(callback.exitCode, 0, String(callback.all));
	const list = await execa('ansible-doc', ['-l', 'xcat.ha'], { env: userEnv, cwd: work, reject: false, all: true });
	for (const m of modules) assert.match(String(list.stdout), new RegExp(`^xcat\\.ha\\.${m}\\s`, 'm'), `ansible-doc -l xcat.ha lists ${m}`);
});

C('from the install, every collection playbook resolves by name (syntax check)', async () => {
	for (const p of playbooks) {
		const r = await execa('ansible-playbook', ['--syntax-check', '-i', 'localhost,', `xcat.ha.${p}`], {
			env: userEnv,
			cwd: work,
			reject: false,
			all: true,
		});
		assert.is(r.exitCode, 0, `xcat.ha.${p}:\n${r.all}`);
	}
});

C('from the install, a play runs xcat.ha.xcat_lease on localhost: taken, then unchanged', async () => {
	const lease = join(tmp, 'shared/.xcat-ha/lease');
	await mkdir(join(tmp, 'shared/.xcat-ha'), { recursive: true });
	await writeFile(
		join(work, 'lease.yml'),
		`- name: Take the lease twice
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Take the lease
      xcat.ha.xcat_lease:
        path: ${lease}
        holder: mn1
      register: first
    - name: Take it again
      xcat.ha.xcat_lease:
        path: ${lease}
        holder: mn1
      register: second
    - name: Check that only the first changed anything
      ansible.builtin.assert:
        that: [first is changed, second is not changed]
`,
	);
	// the controller's node: what ansible_node_interpreter would name on a host whose node is elsewhere
	const node = String((await execa('sh', ['-c', 'command -v node'])).stdout).trim();
	const r = await execa(
		'ansible-playbook',
		['-i', 'localhost,', '-e', `ansible_node_interpreter=${node}`, '-e', 'ansible_python_interpreter=/usr/bin/python3', 'lease.yml'],
		{ env: userEnv, cwd: work, reject: false, all: true },
	);
	assert.is(r.exitCode, 0, String(r.all));
	assert.match(String(r.stdout), /localhost\s+: ok=3\s+changed=1\s+unreachable=0\s+failed=0/, String(r.all));
	assert.ok(existsSync(lease), 'the lease file was written');
});

C("from the install, the role xcat.ha.xcat_snmove's own test passes", async () => {
	const dir = join(installed, 'roles/xcat_snmove/tests');
	const r = await execa('ansible-playbook', ['-i', join(dir, 'inventory.yml'), join(dir, 'tests_bad_input.yml')], {
		env: userEnv,
		cwd: work,
		reject: false,
		all: true,
	});
	assert.is(r.exitCode, 0, String(r.all).split('\n').slice(-40).join('\n'));
	assert.match(String(r.stdout), /mn1\s+: ok=\d+\s+changed=0\s+unreachable=0\s+failed=0/, String(r.all).split('\n').slice(-40).join('\n'));
});

C.run();
