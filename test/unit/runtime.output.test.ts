import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { maskSecrets, MASK } from '../../modules/runtime/mask';
import { asciiJson } from '../../modules/runtime/output';
import { showCommand } from '../../modules/runtime/exec';
import { isIPv4, netmaskToPrefix, unicastProblem } from '../../modules/runtime/ipv4';

const Out = suite('output');

Out('asciiJson escapes every non-ASCII character, so Python splitlines() cannot break it', () => {
	const text = asciiJson({ s: 'a\u2028b\u2029c\u0085d é €' });
	assert.is(text, '{"s":"a\\u2028b\\u2029c\\u0085d \\u00e9 \\u20ac"}');
	assert.ok(/^[\x20-\x7e]*$/.test(text));
	assert.equal(JSON.parse(text), { s: 'a\u2028b\u2029c\u0085d é €' });
});

Out('maskSecrets replaces every occurrence, nested, longest first', () => {
	const masked = maskSecrets({ msg: 'pw hunter2 and hunter', list: ['xhunter2x'], n: 3 }, ['hunter', 'hunter2']);
	assert.equal(masked, { msg: `pw ${MASK} and ${MASK}`, list: [`x${MASK}x`], n: 3 });
	assert.equal(maskSecrets({ a: 'b' }, ['']), { a: 'b' });
});

Out("maskSecrets keeps the result's own keys: a one-letter secret does not hide that it failed", () => {
	const masked = maskSecrets({ failed: true, msg: 'bad', diff: { a: 'a' } }, ['a']);
	assert.equal(masked, { failed: true, msg: `b${MASK}d`, diff: { [MASK]: MASK } });
});

Out('showCommand quotes only what needs it', () => {
	assert.is(showCommand(['ip', 'addr', 'add', '198.51.100.10/24', 'label', 'eth0:0']), 'ip addr add 198.51.100.10/24 label eth0:0');
	assert.is(showCommand(['echo', "it's", 'a b']), `echo 'it'\\''s' 'a b'`);
});

Out.run();

const Ip = suite('ipv4');

Ip('dotted quads are strict', () => {
	for (const ok of ['198.51.100.10', '0.0.0.0', '255.255.255.255']) assert.ok(isIPv4(ok), ok);
	for (const bad of ['198.51.100', '198.51.100.256', '01.2.3.4', '010.0.0.1', '1.2.3.04', '1.2.3.4 ', 'a.b.c.d', '1.2.3.4.5'])
		assert.not.ok(isIPv4(bad), bad);
});

Ip('netmasks must be contiguous', () => {
	assert.is(netmaskToPrefix('255.255.255.0'), 24);
	assert.is(netmaskToPrefix('255.255.255.255'), 32);
	assert.is(netmaskToPrefix('255.128.0.0'), 9);
	assert.is(netmaskToPrefix('255.0.255.0'), undefined);
	assert.is(netmaskToPrefix('255.255.255'), undefined);
});

Ip('unicast problems are named', () => {
	assert.is(unicastProblem('198.51.100.10', 24), undefined);
	assert.is(unicastProblem('198.51.100.0', 24), 'it is the network address of its /24');
	assert.is(unicastProblem('198.51.100.255', 24), 'it is the broadcast address of its /24');
	assert.is(unicastProblem('198.51.100.255', 31), undefined);
	assert.is(unicastProblem('127.0.0.5', 8), 'it is a loopback address');
	assert.is(unicastProblem('224.0.0.1', 24), 'it is a multicast address');
});

Ip.run();
