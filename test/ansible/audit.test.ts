// Where playbooks/audit.yml writes its report: never into the directory it is run from unless asked.
// The audit runs against an inventory whose MN group is empty (no host is touched: only the report
// play on localhost runs, with 0 items checked), from a fresh working directory and HOME.
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ansibleEnv, ROOT } from '../../tools/lab/env';

const Audit = suite('audit: where the report goes');
const T = mkdtempSync(join(tmpdir(), 'xcat-ha-audit-test-'));
const inventory = join(T, 'inventory.yml');
writeFileSync(inventory, 'all:\n  children:\n    xcat_mn:\n      hosts: {}\n');

/** runs the audit from a fresh working directory with HOME in T; returns that directory */
async function audit(name: string, env: Record<string, string | undefined>, args: string[] = []): Promise<string> {
	const cwd = join(T, name, 'cwd');
	mkdirSync(cwd, { recursive: true });
	const r = await execa('ansible-playbook', ['-i', inventory, `${ROOT}/playbooks/audit.yml`, ...args], {
		cwd,
		reject: false,
		all: true,
		env: { ...ansibleEnv, HOME: join(T, name, 'home'), XDG_STATE_HOME: undefined, XCAT_HA_AUDIT_DIR: undefined, ...env },
	});
	assert.is(r.exitCode, 0, String(r.all));
	return cwd;
}

function report(dir: string): { dir: string; checked: number } {
	assert.ok(existsSync(join(dir, 'audit.junit.xml')), `${dir}/audit.junit.xml`);
	return JSON.parse(readFileSync(join(dir, 'audit.json'), 'utf8'));
}

Audit('by default in ~/.local/state/xcat-ha/audit (mode 0700), nothing in the working directory', async () => {
	const cwd = await audit('default', {});
	const dir = join(T, 'default', 'home', '.local', 'state', 'xcat-ha', 'audit');
	assert.is(report(dir).dir, dir);
	assert.is(report(dir).checked, 0);
	assert.is(statSync(dir).mode & 0o777, 0o700);
	assert.equal(readdirSync(cwd), []);
});

Audit('in $XDG_STATE_HOME/xcat-ha/audit when it is set', async () => {
	const cwd = await audit('xdg', { XDG_STATE_HOME: join(T, 'xdg', 'state') });
	const dir = join(T, 'xdg', 'state', 'xcat-ha', 'audit');
	assert.is(report(dir).dir, dir);
	assert.equal(readdirSync(cwd), []);
});

Audit('in $XCAT_HA_AUDIT_DIR, before the XDG directory', async () => {
	const dir = join(T, 'env', 'reports');
	const cwd = await audit('env', { XCAT_HA_AUDIT_DIR: dir, XDG_STATE_HOME: join(T, 'env', 'state') });
	assert.is(report(dir).dir, dir);
	assert.not.ok(existsSync(join(T, 'env', 'state')));
	assert.equal(readdirSync(cwd), []);
});

Audit("-e xcat_ha_audit_dir wins over the environment, and a relative one is the working directory's", async () => {
	const cwd = await audit('asked', { XCAT_HA_AUDIT_DIR: join(T, 'asked', 'env') }, ['-e', 'xcat_ha_audit_dir=reports']);
	assert.is(report(join(cwd, 'reports')).dir, join(cwd, 'reports'));
	assert.not.ok(existsSync(join(T, 'asked', 'env')));
});

Audit.after(() => rmSync(T, { recursive: true, force: true }));
Audit.run();
