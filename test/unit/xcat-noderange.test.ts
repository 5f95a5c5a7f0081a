// Node lists split into noderange arguments that fit one argv string.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_NODERANGE_CHARS, noderangeChunks } from '../../modules/xcat/noderange';

test('a short list is one chunk, joined by commas', () => {
	assert.equal(noderangeChunks(['cn1', 'cn2', 'cn3']), ['cn1,cn2,cn3']);
	assert.equal(noderangeChunks([]), []);
});

test('chunks never exceed the limit and keep every node once, in order', () => {
	const nodes = Array.from({ length: 100_000 }, (_, i) => `cn${String(i).padStart(6, '0')}`);
	const chunks = noderangeChunks(nodes);
	assert.ok(chunks.every((c) => c.length <= MAX_NODERANGE_CHARS));
	const perChunk = Math.floor((MAX_NODERANGE_CHARS + 1) / 9); // 8 characters and a comma per node
	assert.is(chunks.length, Math.ceil(nodes.length / perChunk));
	assert.equal(chunks.join(',').split(','), nodes);
});

test('exact fit at the boundary', () => {
	assert.equal(noderangeChunks(['aa', 'bb', 'cc'], 5), ['aa,bb', 'cc']);
	assert.equal(noderangeChunks(['aa', 'bb'], 4), ['aa', 'bb']);
});

test('a name longer than the limit is refused', () => {
	assert.throws(() => noderangeChunks(['x'.repeat(11)], 10), /longer than 10/);
});

test.run();
