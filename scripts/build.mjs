// Builds every modules/<name>/main.ts into plugins/modules/<name>.js (one self-contained CommonJS file
// for Node 18, argument style "jsonargs" so Ansible can pipeline it) plus its sidecar docs
// plugins/modules/<name>.yml: the layout of the collection xcat.ha, whose root is this repository.
// It also links .ansible/collections/ansible_collections/xcat/ha to the repository, so that
// ansible.cfg's collections_path resolves xcat.ha.* to this checkout.
import { build } from 'esbuild';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { chmod, copyFile, mkdir, readdir, readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// `--src DIR --out DIR` build other module folders (the contract tests' fixtures) the same way.
const flag = (name, fallback) => {
	const i = process.argv.indexOf(name);
	return resolve(root, i > 0 ? process.argv[i + 1] : fallback);
};
const srcDir = flag('--src', 'modules');
const outDir = flag('--out', 'plugins/modules');
const ARGS_GLOBAL = '__ANSIBLE_JSON_ARGS__';
const ARGS_MARKER = '<<INCLUDE_ANSIBLE_MODULE_JSON_ARGS>>';
// Ansible checks for these before the args marker; any of them would make it run the file another way.
const STRONGER_MARKERS = ['<<INCLUDE_ANSIBLE_MODULE_COMMON>>', 'from ansible.module_utils', '#Requires -', 'POWERSHELL_COMMON', '#AnsibleRequires'];

async function moduleNames() {
	const entries = await readdir(srcDir, { withFileTypes: true });
	return entries
		.filter((e) => e.isDirectory() && existsSync(join(srcDir, e.name, 'main.ts')))
		.map((e) => e.name)
		.sort();
}

/** The module's JSON schema, computed by the same code the module runs. */
async function schemaOf(name) {
	const out = await build({
		stdin: {
			contents: `import { toJsonSchema } from './modules/runtime/options.ts';\nimport { options } from ${JSON.stringify(join(srcDir, name, 'options.ts'))};\nexport default toJsonSchema(options);`,
			resolveDir: root,
			loader: 'ts',
		},
		bundle: true,
		format: 'esm',
		platform: 'node',
		write: false,
		logLevel: 'silent',
	});
	const url = `data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`;
	return (await import(url)).default;
}

/** Swaps modules/runtime/validator.ts for ajv's precompiled validator of this module's schema. */
function standaloneValidator(schema) {
	const ajv = new Ajv({ allErrors: true, useDefaults: true, coerceTypes: false, strict: true, code: { source: true, esm: false } });
	const code = standaloneCode(ajv, ajv.compile(schema));
	return {
		name: 'standalone-validator',
		setup(b) {
			b.onLoad({ filter: /modules[\\/]runtime[\\/]validator\.ts$/ }, () => ({
				contents: `import validate from 'xcat-ha:validator';\nexport function compileValidator() { return validate; }\n`,
				loader: 'ts',
			}));
			b.onResolve({ filter: /^xcat-ha:validator$/ }, () => ({ path: 'validator', namespace: 'xcat-ha' }));
			b.onLoad({ filter: /.*/, namespace: 'xcat-ha' }, () => ({ contents: code, loader: 'js', resolveDir: root }));
		},
	};
}

function checkMarkers(name, text) {
	for (const m of STRONGER_MARKERS) if (text.includes(m)) throw new Error(`${name}.js contains "${m}": Ansible would not run it as a jsonargs module`);
	const count = text.split(ARGS_MARKER).length - 1;
	if (count !== 1) throw new Error(`${name}.js must contain the args marker exactly once, found ${count}`);
}

async function buildModule(name) {
	const outfile = join(outDir, `${name}.js`);
	const result = await build({
		entryPoints: [join(srcDir, name, 'main.ts')],
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node18',
		minify: true,
		legalComments: 'none',
		charset: 'ascii',
		banner: { js: '#!/usr/bin/node' },
		plugins: [standaloneValidator(await schemaOf(name))],
		write: false,
		logLevel: 'silent',
	});
	const text = result.outputFiles[0].text;
	const globals = text.split(ARGS_GLOBAL).length - 1;
	if (globals !== 1) throw new Error(`${name}.js: expected ${ARGS_GLOBAL} once in the bundle, found ${globals}`);
	// the marker on a line comment inside a function: modules/runtime/input.ts reads it back from the
	// function's source text, so arguments that are not JSON are answered instead of being a syntax error
	const final = text.replace(ARGS_GLOBAL, () => `(function(){\n//${ARGS_MARKER}\n})`);
	checkMarkers(name, final);
	const docs = join(srcDir, name, `${name}.yml`);
	if (!existsSync(docs)) throw new Error(`${docs} is missing: every module needs its documentation`);
	// each file replaced by rename, so a playbook running meanwhile never finds a module missing or half written;
	// not executable: Ansible runs it through its shebang's interpreter (ansible_node_interpreter), and
	// ansible-test sanity refuses executable modules
	await writeFile(`${outfile}.${process.pid}.tmp`, final, { mode: 0o644 });
	await chmod(`${outfile}.${process.pid}.tmp`, 0o644);
	await rename(`${outfile}.${process.pid}.tmp`, outfile);
	await copyFile(docs, join(outDir, `${name}.yml.${process.pid}.tmp`));
	await rename(join(outDir, `${name}.yml.${process.pid}.tmp`), join(outDir, `${name}.yml`));
	return { name, bytes: Buffer.byteLength(final) };
}

// Long-running services of ours, bundled the same way, shipped by a role (not Ansible modules: no args marker;
// .cjs, so that Node runs them as CommonJS wherever they lie, also under this package.json's "type": "module").
const SERVICES = [
	{ entry: 'modules/xcat_lease/guard.ts', out: 'roles/xcat_ha/files/xcat-lease-guard.cjs' },
	{ entry: 'modules/xcat_pool/pg-guard.ts', out: 'roles/xcat_pool/files/xcat-pool-pg-guard.cjs' },
];

async function buildService({ entry, out }) {
	const outfile = join(root, out);
	await mkdir(dirname(outfile), { recursive: true });
	const result = await build({
		entryPoints: [join(root, entry)],
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node18',
		minify: true,
		legalComments: 'none',
		charset: 'ascii',
		write: false,
		logLevel: 'silent',
	});
	const text = result.outputFiles[0].text;
	// no shebang and not executable: its unit runs it with the host's node (ansible_node_interpreter),
	// and ansible-test sanity refuses a shebang on a file that is not a module
	await writeFile(`${outfile}.${process.pid}.tmp`, text, { mode: 0o644 });
	await chmod(`${outfile}.${process.pid}.tmp`, 0o644);
	await rename(`${outfile}.${process.pid}.tmp`, outfile);
	return { name: out, bytes: Buffer.byteLength(text) };
}

/**
 * .ansible/collections/ansible_collections/xcat/ha → the repository (relative, so the checkout may
 * move): ansible.cfg's collections_path finds xcat.ha here, so the checkout runs as the collection.
 */
async function linkCheckoutAsCollection() {
	const dir = join(root, '.ansible/collections/ansible_collections/xcat');
	const link = join(dir, 'ha');
	const target = '../../../..';
	if ((await readlink(link).catch(() => null)) === target) return;
	await mkdir(dir, { recursive: true });
	await symlink(target, `${link}.${process.pid}.tmp`);
	await rename(`${link}.${process.pid}.tmp`, link);
}

const started = Date.now();
await mkdir(outDir, { recursive: true });
try {
	const built = await Promise.all((await moduleNames()).map(buildModule));
	const wanted = new Set(built.flatMap((b) => [`${b.name}.js`, `${b.name}.yml`]));
	for (const f of await readdir(outDir)) if (!wanted.has(f) && !f.endsWith('.tmp')) await rm(join(outDir, f), { recursive: true, force: true });
	for (const b of built) console.log(`built ${outDir}/${b.name}.js (${(b.bytes / 1024).toFixed(1)} KiB)`);
	// the contract tests' fixture builds (--src) have no services
	if (srcDir === resolve(root, 'modules')) {
		for (const b of await Promise.all(SERVICES.map(buildService))) console.log(`built ${b.name} (${(b.bytes / 1024).toFixed(1)} KiB)`);
		await linkCheckoutAsCollection();
	}
	console.log(`build: ${built.length} module(s) in ${Date.now() - started} ms`);
} catch (err) {
	console.error(`build failed: ${err.message}`);
	process.exit(1);
}
