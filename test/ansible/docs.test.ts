// Each module's documentation (as ansible-doc reads it, by FQCN from the checkout as the collection
// xcat.ha) and its declared options agree, both ways.
import { execa } from 'execa';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import type { Option } from '../../modules/runtime/options';
import { ansibleEnv, ROOT } from '../../tools/lab/env';

const modules = readdirSync(`${ROOT}/plugins/modules`)
	.filter((f) => f.endsWith('.js'))
	.map((f) => f.slice(0, -3));
const Docs = suite('module docs match the schema');

let docs: Record<string, any> = {};
Docs.before(async () => {
	const r = await execa('ansible-doc', ['--json', ...modules.map((m) => `xcat.ha.${m}`)], { env: ansibleEnv, cwd: ROOT });
	docs = Object.fromEntries(Object.entries(JSON.parse(r.stdout)).map(([fqcn, d]) => [fqcn.replace(/^xcat\.ha\./, ''), d]));
});

Docs('there is at least one module to check', () => {
	assert.ok(modules.includes('xcat_vip'), `modules: ${modules.join(', ')}`);
});

for (const name of modules) {
	Docs(`${name}: options, types, defaults, choices and required agree`, async () => {
		const { options } = (await import(`${ROOT}/modules/${name}/options.ts`)) as { options: Record<string, Option> };
		const documented = docs[name]?.doc?.options as Record<string, any> | undefined;
		assert.ok(documented, `ansible-doc has no options for ${name}`);
		assert.equal(Object.keys(documented).sort(), Object.keys(options).sort(), 'option names');
		for (const [opt, o] of Object.entries(options)) {
			const d = documented[opt];
			const where = `${name}.${opt}`;
			assert.is(d.type, o.kind, `${where} type`);
			assert.is(d.required ?? false, o.required ?? false, `${where} required`);
			assert.equal(d.default ?? null, o.default ?? null, `${where} default`);
			assert.equal(d.choices ?? null, o.kind === 'str' && o.choices ? [...o.choices] : null, `${where} choices`);
			if (o.kind === 'list') assert.is(d.elements, o.elements, `${where} elements`);
			if (o.secret) assert.is(d.no_log, true, `${where} must be documented as no_log`);
			assert.ok(Array.isArray(d.description) ? d.description.length > 0 : Boolean(d.description), `${where} has a description`);
		}
		assert.ok(String(docs[name].examples ?? '').includes(`xcat.ha.${name}:`), `${name} has examples that use it by its FQCN`);
		assert.ok(Object.keys(docs[name].return ?? {}).length > 0, `${name} documents what it returns`);
	});
}

Docs.run();
