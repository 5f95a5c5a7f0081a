// ansible-lint (Debian 12's 6.13), production profile, on the whole collection from its root, with the
// config in .ansible-lint (no rule skipped). It lints what git tracks: roles, playbooks, meta, galaxy.yml,
// the modules' docs (modules/*/<name>.yml, copied to plugins/modules/ by the build), inventories.
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ansibleEnv, ROOT } from '../../tools/lab/env';

const Lint = suite('ansible-lint');

Lint('ansible-lint, production profile, passes on the collection', async () => {
	const r = await execa('ansible-lint', ['--offline', '--profile', 'production', '--nocolor'], {
		env: {
			...ansibleEnv,
			HOME: `${ROOT}/.cache/lint-home`,
			// ansible-compat 3.0.1 (Debian 12) gives ansible's collection finder dirname($ANSIBLE_COLLECTIONS_PATH)
			// instead of the configured paths; with the trailing slash that is our path, and xcat.ha.* resolve
			ANSIBLE_COLLECTIONS_PATH: `${ROOT}/.ansible/collections/`,
		},
		cwd: ROOT,
		reject: false,
		all: true,
	});
	assert.is(r.exitCode, 0, String(r.all));
	assert.not.match(String(r.all), /Unable to resolve FQCN/, 'every xcat.ha.* module resolves');
	assert.match(String(r.all), /Passed with production profile: 0 failure\(s\), 0 warning\(s\)/, String(r.all));
});

Lint.run();
