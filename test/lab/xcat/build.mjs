// Bundles the lab's xCAT double into one CommonJS file for Node 18: test/lab/xcat/dist/xcat-double.js.
// Usage: node test/lab/xcat/build.mjs   (prints the output path)
import { build } from 'esbuild';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outfile = join(here, 'dist', 'xcat-double.js');
mkdirSync(dirname(outfile), { recursive: true });
await build({
	entryPoints: [join(here, 'src', 'main.ts')],
	bundle: true,
	platform: 'node',
	target: 'node18',
	format: 'cjs',
	outfile,
	banner: { js: '#!/usr/bin/node' },
	logLevel: 'warning',
	legalComments: 'none',
});
chmodSync(outfile, 0o755);
// the repository is "type": "module"; the bundle is CommonJS
writeFileSync(join(dirname(outfile), 'package.json'), '{ "type": "commonjs" }\n');
console.log(outfile);
