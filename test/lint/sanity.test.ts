// ansible-test sanity on what ships: the tarball `ansible-galaxy collection build` makes from the built
// tree, unpacked under .../ansible_collections/xcat/ha (where ansible-test needs it). Only the tests
// that run offline with Debian 12's packages; the others would install their requirements from PyPI
// into a venv (never here):
//   ansible-doc (every module and the callback read by ansible-doc: test/ansible/collection.test.ts),
//   yamllint and runtime-metadata (ansible-lint's yaml and meta-runtime rules: test/lint/ansible-lint.test.ts),
//   validate-modules and import (they only look at Python and PowerShell modules; ours are Node),
//   pep8 and pylint (the one Python file, the audit callback: compile and the code-smell tests here),
//   changelog (we have CHANGELOG.md, not a changelogs/ fragment tree).
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../tools/lab/env';

const NEEDS_PYPI = ['ansible-doc', 'changelog', 'import', 'pep8', 'pylint', 'runtime-metadata', 'validate-modules', 'yamllint'];
const modules = readdirSync(`${ROOT}/plugins/modules`)
	.filter((f) => f.endsWith('.js'))
	.sort();
const version = /^version:\s*(\S+)/m.exec(readFileSync(`${ROOT}/galaxy.yml`, 'utf8'))![1]!;

const Sanity = suite('ansible-test sanity');
let tmp = '';
Sanity.before(async () => {
	tmp = await mkdtemp(join(tmpdir(), 'xcat-ha-sanity-'));
});
Sanity.after(async () => {
	if (tmp) await rm(tmp, { recursive: true, force: true });
});

Sanity('the sanity ignores are only the shebang of each Node module (ansible-test expects .py or .ps1 modules)', () => {
	const lines = readFileSync(`${ROOT}/tests/sanity/ignore-2.14.txt`, 'utf8').split('\n').filter(Boolean);
	assert.equal(
		lines,
		modules.map((m) => `plugins/modules/${m} shebang`),
	);
});

Sanity('ansible-test sanity passes on the built collection (the tests that run offline)', async () => {
	const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: join(tmp, 'home'), LC_ALL: 'C.UTF-8', ANSIBLE_NOCOLOR: '1' };
	const build = await execa('ansible-galaxy', ['collection', 'build', '--output-path', tmp, ROOT], { env, cwd: tmp, reject: false, all: true });
	assert.is(build.exitCode, 0, String(build.all));
	const dir = join(tmp, 'ansible_collections/xcat/ha');
	await mkdir(dir, { recursive: true });
	await execa('tar', ['-xzf', join(tmp, `xcat-ha-${version}.tar.gz`), '-C', dir]);
	// ansible-test runs its tests with this Python: Debian's, where ansible-core is installed
	const python = String((await execa('/usr/bin/python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'])).stdout).trim();
	const r = await execa('ansible-test', ['sanity', '--python', python, '--color', 'no', ...NEEDS_PYPI.flatMap((t) => ['--skip-test', t])], {
		env,
		cwd: dir,
		reject: false,
		all: true,
	});
	assert.is(r.exitCode, 0, String(r.all));
	const ran = [...String(r.all).matchAll(/^Running sanity test "([^"]+)"/gm)].map((m) => m[1]);
	for (const t of ['shebang', 'ignores', 'compile', 'symlinks', 'line-endings', 'no-smart-quotes'])
		assert.ok(ran.includes(t), `${t} ran (ran: ${ran.join(', ')})`);
	assert.not.ok(
		ran.some((t) => NEEDS_PYPI.includes(t!)),
		'no test that needs PyPI ran',
	);
});

Sanity.run();
