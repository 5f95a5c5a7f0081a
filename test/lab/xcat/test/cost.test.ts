// The double's cost model (src/cost.ts): the price of each kind of work, the switch, and that a
// command really pays it (a lower bound only: a loaded machine can make a call slower, never faster).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODEL, modelOn, price } from '../src/cost';
import { Root } from './harness';

const Cost = suite('the double charges real xCAT 2.19 time');

Cost('a call and an xcatd start are floors on the whole process; writes and consoles a price per unit', () => {
	assert.is(price('call', 1, 40), 120, 'a call that took 40 ms pays 120 ms more');
	assert.is(price('call', 1, 500), 0, 'a call already slower than real xCAT pays nothing');
	assert.is(price('xcatd-start', 1, 300), 1500);
	assert.is(price('xcatd-stop', 1, 5000), 440);
	assert.is(price('define-object', 10_000, 0), 15_000, 'chdef of 10,000 nodes: 15 s, as real xCAT (14.6-16.3 s)');
	assert.ok(Math.abs(price('console', 10_000, 0) - 3900) < 1e-6, 'makeconservercf of 10,000 nodes: 3.9 s (3.2-4.6 s)');
	assert.is(price('regenerate', 1, 1000), 2500, 'makedns -n and makedhcp -n take 3.5 s');
	assert.equal(Object.keys(MODEL).sort(), ['call', 'console', 'define-object', 'regenerate', 'xcatd-start', 'xcatd-stop']);
});

Cost("on unless switched off, by the environment first, else by the lab's file", () => {
	const dir = mkdtempSync(join(tmpdir(), 'xcat-cost-'));
	const file = join(dir, 'cost-model');
	assert.is(modelOn({}, file), true, 'no file, no variable: on');
	writeFileSync(file, 'off\n');
	assert.is(modelOn({}, file), false);
	assert.is(modelOn({ XCAT_DOUBLE_COST: 'real' }, file), true, 'the environment wins over the file');
	writeFileSync(file, 'real\n');
	assert.is(modelOn({ XCAT_DOUBLE_COST: 'off' }, file), false);
	assert.is(modelOn({}, file), true);
});

Cost("a client command takes at least real xCAT's 160 ms with the model on", () => {
	const root = new Root('cost');
	try {
		root.ok('xcatconfig', '-i');
		const t0 = performance.now();
		const r = root.run('tabdump', ['site'], { XCAT_DOUBLE_COST: 'real' });
		const ms = performance.now() - t0;
		assert.is(r.status, 0, r.stderr);
		assert.ok(ms >= 160, `tabdump took ${ms.toFixed(0)} ms`);
	} finally {
		root.remove();
	}
});

Cost.run();
