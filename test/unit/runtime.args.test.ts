import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseArgs } from '../../modules/runtime/args';
import { bool, dict, int, list, str, toJsonSchema, type Options } from '../../modules/runtime/options';
import { mutuallyExclusive, requiredIf, requiredOneOf, requiredTogether, type Rule } from '../../modules/runtime/rules';
import { compileValidator } from '../../modules/runtime/validator';

const options = {
	name: str({ required: true }),
	state: str({ choices: ['present', 'absent'] as const, default: 'present' }),
	count: int({ min: 1, max: 32 }),
	force: bool({ default: false }),
	items: list({ pattern: { regex: '^[a-z]+$', hint: 'lowercase letters' } }),
	attrs: dict(),
	a: str(),
	b: str(),
} satisfies Options;
const rules: Rule[] = [mutuallyExclusive('a', 'b')];
const parse = (raw: Record<string, unknown>, r = rules) => parseArgs('demo', options, compileValidator(toJsonSchema(options)), r, raw);

const Args = suite('parseArgs');

Args('fills defaults and keeps given values', () => {
	const p = parse({ name: 'x' });
	assert.equal(p.errors, []);
	assert.equal(p.args, { name: 'x', state: 'present', force: false });
});

Args('unknown options are named with the supported list, in Ansible words', () => {
	const p = parse({ name: 'x', colour: 'red', aaa: 1 });
	assert.equal(p.errors, [
		'Unsupported parameters for (demo) module: aaa, colour. Supported parameters include: a, attrs, b, count, force, items, name, state.',
	]);
});

Args('missing required arguments are listed', () => {
	assert.equal(parse({}).errors, ['missing required arguments: name']);
});

Args('choices: value of state must be one of', () => {
	assert.equal(parse({ name: 'x', state: 'gone' }).errors, ['value of state must be one of: present, absent, got: gone']);
});

Args('ranges name the option, the bounds and the value', () => {
	assert.equal(parse({ name: 'x', count: 40 }).errors, ['value of count must be between 1 and 32, got: 40']);
	assert.equal(parse({ name: 'x', count: '0' }).errors, ['value of count must be between 1 and 32, got: 0']);
});

Args('list items are checked one by one, with the index', () => {
	assert.equal(parse({ name: 'x', items: 'ok,Bad;rm' }).errors, ['value of items[1] must be lowercase letters, got: "Bad;rm"']);
});

Args('null means not given', () => {
	assert.equal(parse({ name: 'x', count: null }).args, { name: 'x', state: 'present', force: false });
});

Args('rules see only what the user gave, not defaults', () => {
	assert.equal(parse({ name: 'x', a: '1', b: '2' }).errors, ['parameters are mutually exclusive: a|b']);
	assert.equal(parse({ name: 'x' }, [requiredOneOf('a', 'b')]).errors, ['one of the following is required: a, b']);
	assert.equal(parse({ name: 'x', a: '1' }, [requiredTogether('a', 'b')]).errors, ['parameters are required together: a, b']);
	assert.equal(parse({ name: 'x' }, [requiredIf('state', 'present', ['a', 'b'])]).errors, ['state is present but all of the following are missing: a, b']);
	assert.equal(parse({ name: 'x', b: '1' }, [requiredIf('state', 'present', ['a', 'b'], true)]).errors, []);
});

Args.run();

const Coerce = suite('coercion, as AnsibleModule converts');

Coerce('booleans from Ansible words, any case', () => {
	for (const [raw, want] of [
		['yes', true],
		['On', true],
		['1', true],
		['TRUE', true],
		[1, true],
		['no', false],
		['off', false],
		['0', false],
		['false', false],
		[0, false],
	] as const) {
		assert.is(parse({ name: 'x', force: raw }).args.force, want, String(raw));
	}
	assert.match(parse({ name: 'x', force: 'maybe' }).errors[0]!, /argument 'force' is of type str and we were unable to convert to bool/);
});

Coerce('integers from strings; junk refused with the option named', () => {
	assert.is(parse({ name: 'x', count: '5' }).args.count, 5);
	assert.is(parse({ name: 'x', count: 7.0 }).args.count, 7);
	assert.equal(parse({ name: 'x', count: 'abc' }).errors, [
		`argument 'count' is of type str and we were unable to convert to int: "abc" is not a whole number`,
	]);
	assert.equal(parse({ name: 'x', count: 2.5 }).errors, [
		`argument 'count' is of type float and we were unable to convert to int: 2.5 is not a whole number`,
	]);
});

Coerce("strings from numbers, with Ansible's warning", () => {
	const p = parse({ name: 5 });
	assert.is(p.args.name, '5');
	assert.match(p.warnings[0]!, /The value 5 \(type int\) in a string field was converted to "5"/);
	assert.match(parse({ name: ['a'] }).errors[0]!, /argument 'name' is of type list/);
});

Coerce('lists from comma strings; dicts from JSON or key=value', () => {
	assert.equal(parse({ name: 'x', items: 'a, b,c' }).args.items, ['a', 'b', 'c']);
	assert.equal(parse({ name: 'x', items: '' }).args.items, []);
	assert.equal(parse({ name: 'x', attrs: '{"k": "v", "n": 1}' }).args.attrs, { k: 'v', n: '1' });
	assert.equal(parse({ name: 'x', attrs: 'k=v, m=w=x' }).args.attrs, { k: 'v', m: 'w=x' });
	assert.match(parse({ name: 'x', attrs: 'novalue' }).errors[0]!, /unable to convert to dict/);
	assert.match(parse({ name: 'x', attrs: { k: { deep: 1 } } }).errors[0]!, /value of attrs.k must be a string/);
});

Coerce.run();
