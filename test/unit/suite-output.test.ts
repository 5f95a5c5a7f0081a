import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { countUvu, failuresOf } from '../suite-output';

// what uvu 0.5 prints, colours included
const failed = [
	'\u001b[1m\u001b[4m10-up.test.ts\u001b[24m\u001b[22m',
	'\u001b[47m lab up \u001b[49m \u001b[31m✘ \u001b[39m\u001b[90m• \u001b[39m  (1 / 2)',
	'',
	'  \u001b[1m\u001b[41m FAIL \u001b[49m\u001b[22m\u001b[31m\u001b[4m lab up \u001b[24m\u001b[39m "\u001b[31mrefuses the bridge\u001b[39m"',
	'    lab up: exit 1',
	'    at file:///x/10-up.test.ts:40:10',
	'',
	'  Total:     2',
	'  Passed:    1',
	'  Skipped:   0',
].join('\n');

test('counts passes and failures, a skip counts as failed, a crash as one failure', () => {
	assert.equal(countUvu(failed, 1), { passed: 1, failed: 1 });
	assert.equal(countUvu('  Total:     3\n  Passed:    2\n  Skipped:   1\n', 0), { passed: 2, failed: 1 });
	assert.equal(countUvu('  Total:     3\n  Passed:    3\n', 1), { passed: 3, failed: 1 });
	assert.equal(countUvu('SyntaxError: Unexpected token', 1), { passed: 0, failed: 1 });
});

test('each uvu failure is kept with its test name and message, without colours', () => {
	const [one, ...rest] = failuresOf(failed, 1, true);
	assert.equal(rest, []);
	assert.match(one!, /^\s*FAIL\s+lab up\s+"refuses the bridge"\n\s+lab up: exit 1\n/);
	assert.not.match(one!, /\u001b/);
});

test('a crash with no FAIL line, or a failed command, gives its last lines', () => {
	const out = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
	assert.match(failuresOf(out, 1, true)[0]!, /^line 15\n[\s\S]*line 29$/);
	assert.match(failuresOf(out, 2, false)[0]!, /line 29$/);
	assert.equal(failuresOf(out, 0, false), []);
	assert.equal(failuresOf('  Total: 1\n  Passed: 1\n', 0, true), []);
});

test.run();
