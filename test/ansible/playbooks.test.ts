// Every playbook passes ansible-playbook --syntax-check from the checkout (ansible-lint: the lint suite, test/lint).
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync } from 'node:fs';
import { ansibleEnv, ROOT } from '../../tools/lab/env';

const yamlIn = (dir: string) =>
	existsSync(`${ROOT}/${dir}`)
		? readdirSync(`${ROOT}/${dir}`)
				.filter((f) => /\.ya?ml$/.test(f))
				.map((f) => `${dir}/${f}`)
		: [];
const playbooks = [...yamlIn('playbooks'), ...yamlIn('test/integration/playbooks')];
const Content = suite('ansible content');

Content('there are playbooks to check', () => {
	assert.ok(playbooks.length > 0);
});

for (const pb of playbooks) {
	Content(`syntax-check ${pb}`, async () => {
		const r = await execa('ansible-playbook', ['--syntax-check', '-i', 'localhost,', pb], { env: ansibleEnv, cwd: ROOT, reject: false, all: true });
		assert.is(r.exitCode, 0, String(r.all));
	});
}

Content.run();
