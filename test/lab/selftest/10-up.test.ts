// `lab up` from a clean slate (the base image is kept: building it is measured by CI's first run),
// then again: the second is a fast no-op.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HOSTS, describe, lab, status } from './lab';

const U = suite('lab up');

U('starts from nothing: down first', async () => {
	const r = await lab(['down']);
	assert.is(r.exitCode, 0, describe('lab down', r));
});

U('brings every host up, printing each phase', async () => {
	const r = await lab(['up']);
	assert.is(r.exitCode, 0, describe('lab up', r));
	for (const phase of ['prereq', 'base', 'network', 'shared', 'hosts', 'provision']) {
		assert.match(r.stderr, new RegExp(`^lab: phase ${phase}\\s+\\d+\\.\\d+ s`, 'm'), `phase ${phase} timed`);
	}
	console.log(r.stderr.split('\n').filter((l) => /phase|up:/.test(l)).join('\n'));
});

U('up again changes nothing and is fast', async () => {
	const r = await lab(['up']);
	assert.is(r.exitCode, 0, describe('second lab up', r));
	assert.match(r.stderr, /up: nothing changed/, describe('second lab up', r));
	assert.ok(r.ms < 15_000, `second up took ${r.ms} ms`);
});

U('status shows every host running with its address and memory', async () => {
	const st = await status();
	for (const h of HOSTS) {
		assert.is(st[h.name]?.state, 'running', `${h.name}: ${JSON.stringify(st[h.name])}`);
		assert.is(st[h.name]?.link, 'up');
		const mem = st[h.name]?.memoryMiB ?? 0;
		assert.ok(mem > 5 && mem < 400, `${h.name} memory ${mem} MiB`);
	}
	console.log(`memory (PSS, MiB): ${HOSTS.map((h) => `${h.name}=${st[h.name]?.memoryMiB}`).join(' ')}`);
});

U.run();
