// Each role's own tests (roles/<role>/tests/tests_*.yml, linux-system-roles style) pass against the
// role's test inventory: every bad-input case is refused with its message, and no task reached a host.
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { ansibleEnv, ROOT } from '../../tools/lab/env';

const RoleTests = suite('roles: their own tests');
const roles = readdirSync(`${ROOT}/roles`).filter((r) => existsSync(`${ROOT}/roles/${r}/tests/inventory.yml`));

RoleTests('every role has tests', () => {
	assert.equal(roles.sort(), readdirSync(`${ROOT}/roles`).sort());
});

for (const role of roles) {
	const dir = `roles/${role}/tests`;
	for (const playbook of readdirSync(`${ROOT}/${dir}`).filter((f) => /^tests_.*\.yml$/.test(f))) {
		RoleTests(`${dir}/${playbook}`, async () => {
			const cases = readFileSync(`${ROOT}/${dir}/${playbook}`, 'utf8').match(/include_tasks: tasks\/assert_refused\.yml/g)?.length ?? 0;
			const r = await execa('ansible-playbook', ['-i', `${dir}/inventory.yml`, `${dir}/${playbook}`], {
				env: ansibleEnv,
				cwd: ROOT,
				reject: false,
				all: true,
			});
			const recaps = [
				...String(r.stdout).matchAll(/^(\S+)\s+: ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=\d+\s+rescued=(\d+)/gm),
			];
			const tail = String(r.all).split('\n').slice(-40).join('\n');
			assert.is(r.exitCode, 0, tail);
			assert.ok(recaps.length > 0, `no play recap:\n${tail}`);
			for (const [, host, changed, unreachable, failed, rescued] of recaps) {
				assert.is(`${unreachable} ${failed} ${changed}`, '0 0 0', `${host}: unreachable, failed, changed`);
				assert.is(Number(rescued), cases, `${host}: each of the ${cases} cases refused`);
			}
		});
	}
}

RoleTests.run();
