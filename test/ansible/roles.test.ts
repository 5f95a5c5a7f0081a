// Every role's public variables agree across meta/argument_specs.yml (every entry point),
// defaults/main.yml and README.md, and carry the role's prefix.
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { ansibleEnv, ROOT } from '../../tools/lab/env';

const roles = existsSync(`${ROOT}/roles`) ? readdirSync(`${ROOT}/roles`) : [];
const Roles = suite('roles: argument specs, defaults and README agree');

/** YAML → JSON through the Python that Ansible runs on (no YAML parser among our dependencies) */
async function yaml(path: string): Promise<any> {
	const r = await execa('python3', ['-c', 'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', path]);
	return JSON.parse(r.stdout);
}

Roles('there are roles to check', () => {
	assert.ok(roles.includes('xcat_ha'), `roles: ${roles.join(', ')}`);
});

for (const role of roles) {
	Roles(`${role}: the same variables everywhere, each with the role's prefix`, async () => {
		const dir = `${ROOT}/roles/${role}`;
		const specs = (await yaml(`${dir}/meta/argument_specs.yml`)).argument_specs as Record<string, { options: Record<string, unknown> }>;
		const defaults = Object.keys((await yaml(`${dir}/defaults/main.yml`)) ?? {}).sort();
		const readme = readFileSync(`${dir}/README.md`, 'utf8');
		assert.ok(Object.keys(specs).includes('main'), `${role} has a main entry point`);
		for (const [entry, spec] of Object.entries(specs)) {
			const names = Object.keys(spec.options ?? {}).sort();
			for (const n of names) assert.ok(defaults.includes(n), `${role}: ${n} (entry point ${entry}) has no default in defaults/main.yml`);
		}
		for (const n of defaults) {
			assert.ok(n.startsWith(`${role}_`), `${role}: ${n} lacks the prefix ${role}_`);
			assert.ok(
				Object.values(specs).some((s) => n in (s.options ?? {})),
				`${role}: ${n} is in defaults/main.yml but in no argument spec`,
			);
			assert.ok(readme.includes(`\`${n}\``), `${role}: ${n} is not described in README.md`);
		}
	});
}

// The entry points share one options mapping (a YAML anchor) instead of copies that drift apart:
// an option's key is written once in the file's text, whatever number of entry points takes it
for (const role of roles) {
	Roles(`${role}: each option is written once in meta/argument_specs.yml`, () => {
		const text = readFileSync(`${ROOT}/roles/${role}/meta/argument_specs.yml`, 'utf8');
		const keys = [...text.matchAll(new RegExp(`^\\s+(${role}_\\w+):`, 'gm'))].map((m) => m[1]);
		const twice = keys.filter((k, i) => keys.indexOf(k) !== i);
		assert.ok(keys.length > 0, `${role}: no options found`);
		assert.equal([...new Set(twice)], [], `${role}: written more than once`);
	});
}

// inventory/example is what users copy: it must parse, put the MNs where the role looks for them,
// and set only variables the roles have (a renamed variable would silently do nothing there)
Roles("the example production inventory parses and sets only the roles' variables, secrets from the vault", async () => {
	const r = await execa('ansible-inventory', ['-i', `${ROOT}/inventory/example`, '--list'], { env: ansibleEnv, cwd: ROOT });
	const inv = JSON.parse(r.stdout);
	assert.ok((inv.xcat_mn?.hosts ?? []).length >= 2, 'two MNs in group xcat_mn');
	const vars: Record<string, unknown> = Object.assign({}, ...Object.values(inv._meta.hostvars as Record<string, Record<string, unknown>>));
	const known = new Set<string>();
	for (const role of roles) for (const n of Object.keys((await yaml(`${ROOT}/roles/${role}/defaults/main.yml`)) ?? {})) known.add(n);
	for (const n of Object.keys(vars).filter((k) => /^xcat_/.test(k))) assert.ok(known.has(n), `${n} is set in inventory/example but no role has it`);
	for (const secret of ['xcat_ha_db_password', 'xcat_ha_bmc_password']) assert.match(String(vars[secret]), /^\{\{ vault_/, `${secret} comes from the vault`);
});

Roles.run();
