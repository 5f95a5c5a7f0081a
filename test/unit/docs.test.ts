// The repository stands alone: no tracked file points outside it (to the development machine's
// shared notes), and every reference to our docs/ — `docs/<file>#<anchor>`, `docs/<file> §<heading>`,
// or a relative Markdown link — names a file that exists and a heading it has.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const Docs = suite('docs: the repository stands alone, its references resolve');

const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
	.split('\0')
	.filter((f) => f !== '' && existsSync(join(ROOT, f)));
const texts = new Map<string, string>();
for (const f of tracked) {
	const buf = readFileSync(join(ROOT, f));
	if (!buf.includes(0)) texts.set(f, buf.toString('utf8'));
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2 */
export function anchors(markdown: string): Set<string> {
	const out = new Set<string>();
	const seen = new Map<string, number>();
	let fenced = false;
	for (const line of markdown.split('\n')) {
		if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
		const m = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
		if (!m) continue;
		const base = m[1]!
			.toLowerCase()
			.replace(/[^\p{L}\p{N}\s_-]/gu, '')
			.replace(/\s/g, '-');
		const n = seen.get(base) ?? 0;
		seen.set(base, n + 1);
		out.add(n === 0 ? base : `${base}-${n}`);
	}
	return out;
}

const headings = (markdown: string): string[] => {
	let fenced = false;
	return markdown.split('\n').flatMap((line) => {
		if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
		const m = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
		return m ? [m[1]!] : [];
	});
};

const anchorsOf = new Map<string, Set<string>>();
function anchorsIn(path: string): Set<string> {
	if (!anchorsOf.has(path)) anchorsOf.set(path, anchors(readFileSync(join(ROOT, path), 'utf8')));
	return anchorsOf.get(path)!;
}

Docs('the docs exist', () => {
	for (const f of ['architecture.md', 'safety.md', 'xcat-behaviour.md', 'xcatha.md']) assert.ok(texts.has(`docs/${f}`), `docs/${f} is tracked`);
});

Docs('no tracked file outside docs/ points to the shared notes of the development machine', () => {
	// written in pieces, so that this file does not match itself
	const outside = [
		['..', 'shared'].join('/'),
		['', 'work', 'shared'].join('/'),
		...[
			['xcat', 'surface'],
			['xcatha', 'behaviour'],
			['xcat', 'real', 'outputs'],
			['lab', 'nspawn'],
		].map((p) => p.join('-')),
	];
	const found: string[] = [];
	for (const [f, text] of texts) {
		if (f.startsWith('docs/')) continue;
		text.split('\n').forEach((line, i) => {
			for (const o of outside) if (line.includes(o)) found.push(`${f}:${i + 1}: ${o}`);
		});
	}
	assert.equal(found, []);
});

Docs('every docs/<file>#<anchor> and docs/<file> §<heading> names a heading of that file', () => {
	const bad: string[] = [];
	let count = 0;
	for (const [f, text] of texts) {
		text.split('\n').forEach((line, i) => {
			const where = `${f}:${i + 1}`;
			for (const m of line.matchAll(/\bdocs\/([\w.-]+\.md)(?:#([\w-]+)|\s+§\s*"?([^"\n]+))?/g)) {
				count++;
				const [, file, anchor, heading] = m;
				const path = `docs/${file}`;
				if (!texts.has(path)) {
					bad.push(`${where}: ${path} does not exist`);
					continue;
				}
				if (anchor !== undefined && !anchorsIn(path).has(anchor)) bad.push(`${where}: ${path} has no heading #${anchor}`);
				if (heading !== undefined && !headings(texts.get(path)!).some((h) => heading.startsWith(h)))
					bad.push(`${where}: ${path} has no heading "${heading}"`);
			}
		});
	}
	assert.ok(count > 20, `only ${count} references found`);
	assert.equal(bad, []);
});

Docs('every relative Markdown link resolves, anchors included', () => {
	const bad: string[] = [];
	for (const [f, text] of texts) {
		if (!f.endsWith('.md')) continue;
		let fenced = false;
		text.split('\n').forEach((line, i) => {
			if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
			if (fenced) return;
			for (const m of line.matchAll(/\]\(([^)\s]*)\)/g)) {
				const target = m[1]!;
				if (/^[a-z]+:/i.test(target) || target === '') continue;
				const [file = '', anchor] = target.split('#');
				const path = file === '' ? f : relative(ROOT, resolve(ROOT, dirname(f), file));
				if (!existsSync(join(ROOT, path))) {
					bad.push(`${f}:${i + 1}: ${target}: no ${path}`);
					continue;
				}
				if (anchor !== undefined && path.endsWith('.md') && !anchorsIn(path).has(anchor)) bad.push(`${f}:${i + 1}: ${target}: no heading #${anchor}`);
			}
		});
	}
	assert.equal(bad, []);
});

Docs('anchors: the slugs GitHub makes', () => {
	assert.equal(
		[...anchors('# A, b: c\n## cfgloc: where the database is\n```\n# not a heading\n```\n## A, b: c\n')],
		['a-b-c', 'cfgloc-where-the-database-is', 'a-b-c-1'],
	);
});

Docs.run();
