// The double's cost model (src/cost.ts): the price of each kind of work, the switch, and that a
// command really pays it (a lower bound only: a loaded machine can make a call slower, never faster).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODEL, modelOn, price, queueEnd } from '../src/cost';
import { BUNDLE, Root } from './harness';

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

Cost('database work is serial on the host: parallel requests queue behind each other (pure)', () => {
	assert.is(queueEnd(0, 1000, 150), 1150, 'an idle host starts at once');
	assert.is(queueEnd(1100, 1000, 150), 1250, 'a busy host starts when the work booked before ends');
	let busy = 0;
	const ends = [1, 2, 3, 4].map(() => (busy = queueEnd(busy, 1000, price('define-object', 2500, 0))));
	assert.equal(ends, [4750, 8500, 12250, 16000], 'four chdef calls of 2,500 nodes sent at once: the last ends when one of 10,000 would');
	assert.ok('serial' in MODEL['define-object'] && MODEL['define-object'].serial);
});

Cost('three chdef calls of 1,000 nodes at once take as long as one of 3,000, as on real xCAT', async () => {
	const root = new Root('cost-serial');
	try {
		root.ok('xcatconfig', '-i');
		root.ok('mkdef', '-t', 'node', '-o', 'cn[1-3000]', 'groups=compute,all');
		const chdef = (first: number) =>
			new Promise<number>((resolve) => {
				const p = spawn('node', [BUNDLE, 'chdef', '-t', 'node', '-o', `cn[${first}-${first + 999}]`, 'xcatmaster=sn2'], {
					env: { ...root.env, XCAT_DOUBLE_COST: 'real' },
					stdio: 'ignore',
				});
				p.on('exit', (code) => resolve(code ?? -1));
			});
		const t0 = performance.now();
		const codes = await Promise.all([1, 1001, 2001].map(chdef));
		const ms = performance.now() - t0;
		assert.equal(codes, [0, 0, 0]);
		assert.ok(ms >= 3 * 1500, `three parallel chdef of 1,000 nodes took ${ms.toFixed(0)} ms: not serialised (each alone pays 1,500 ms)`);
		assert.is(root.ok('nodels', 'cn3000', 'noderes.xcatmaster').trim(), 'cn3000: sn2');
		assert.not.ok(existsSync(`${root.dir}/var/lib/xcat-double/db-busy-until.lock`), 'no lock left behind');
	} finally {
		root.remove();
	}
});

Cost.run();
