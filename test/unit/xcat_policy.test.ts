import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { plan, type Desired } from '../../modules/xcat_policy/plan';
import { comparePriority, freePriority, occupies, priorityCandidates } from '../../modules/xcat_policy/priority';
import { readPolicy, type PolicyRow } from '../../modules/xcat_policy/rows';

// `tabdump policy` on the lab's mn1 after xcatconfig -i, plus rows the tests need
const HEADER = '#priority,name,host,commands,noderange,parameters,time,rule,comments,disable\n';
const XCATCONFIG = `${HEADER}"1","root",,,,,,"allow",,
"1.2","mn1",,,,,,"trusted",,
"2",,,"getbmcconfig",,,,"allow",,
"2.1",,,"remoteimmsetup",,,,"allow",,
"2.3",,,"lsxcatd",,,,"allow",,
"3",,,"nextdestiny",,,,"allow",,
"4",,,"getdestiny",,,,"allow",,
"4.4",,,"getpostscript",,,,"allow",,
`;
const table = (extra = ''): PolicyRow[] => {
	const r = readPolicy(XCATCONFIG + extra);
	if (!r.ok) throw new Error(r.msg);
	return r.rows;
};
const want = (d: Partial<Desired>): Desired => ({ names: ['mn1'], rule: 'trusted', state: 'present', ...d });
const act = (p: ReturnType<typeof plan>) => {
	if (p.kind !== 'act') throw new Error(`refused: ${p.msg}`);
	return p;
};

const Rows = suite('xcat_policy reading tabdump policy');

Rows('rows with their rule, disabled flag and whether they say more than a name', () => {
	const rows = table('"1.5","mn3",,,,,,"trusted",,"1"\n"1.6","mn4",,"rpower",,,,"allow",,\n');
	assert.equal(rows[1], { priority: '1.2', name: 'mn1', rule: 'trusted', disabled: false, restricted: false });
	assert.equal(rows[2], { priority: '2', name: '', rule: 'allow', disabled: false, restricted: true });
	assert.equal(rows.at(-2), { priority: '1.5', name: 'mn3', rule: 'trusted', disabled: true, restricted: false });
	assert.equal(rows.at(-1)!.restricted, true);
});

Rows('output that is not a policy dump is refused', () => {
	assert.not.ok(readPolicy('Error: [mn1]: No such table: policy\n').ok);
	assert.not.ok(readPolicy('#key,value,comments,disable\n"a","b",,\n').ok);
});

Rows('the header alone (a database that does not answer, or an emptied table) is refused, not planned into', () => {
	const r = readPolicy('#priority,name,host,commands,noderange,parameters,time,rule,comments,disable\n');
	assert.not.ok(r.ok);
	if (!r.ok) assert.match(r.msg, /^tabdump policy printed only its header: the xCAT database did not answer/);
});

Rows('the three clearing shapes: NULL and "" restrict nothing; the text "NULL" (chtab inserting a row) is a value', () => {
	const head = '#priority,name,host,commands,noderange,parameters,time,rule,comments,disable\n';
	const r = readPolicy(`${head}"1","root",,,,,,"allow",,\n"1.2","mn2",,"",,,,"trusted",,\n"1.3","mn3","NULL",,,,,"trusted",,\n`);
	assert.ok(r.ok);
	if (r.ok)
		assert.equal(
			r.rows.map((x) => x.restricted),
			[false, false, true],
		);
});

Rows.run();

const Priority = suite('xcat_policy priorities');

Priority('candidates: 1.2 … 1.9, then 1.91 … 1.99, 1.991 …, all increasing and below 2', () => {
	const all = [...priorityCandidates()];
	assert.equal(all.slice(0, 10), ['1.2', '1.3', '1.4', '1.5', '1.6', '1.7', '1.8', '1.9', '1.91', '1.92']);
	for (let i = 1; i < all.length; i++) assert.ok(Number(all[i]) > Number(all[i - 1]!) && Number(all[i]) < 2, all[i]);
});

Priority('occupied means the same text or the same number', () => {
	assert.ok(occupies('1.3', '1.3'));
	assert.ok(occupies('1.30', '1.3'));
	assert.ok(occupies(' 1.3', '1.3'));
	assert.ok(occupies('1.10', '1.1'));
	assert.not.ok(occupies('1.31', '1.3'));
	assert.not.ok(occupies('abc', '1.3'));
	assert.is(freePriority(['1', '1.2', '1.30', '1.4', '2']), '1.5');
	assert.is(freePriority(['1.2', '1.3', '1.4', '1.5', '1.6', '1.7', '1.8', '1.9']), '1.91');
	assert.is(freePriority([...priorityCandidates()]), undefined);
});

Priority('sorted as numbers, as xCAT sorts policy rows', () => {
	assert.equal(['2', '1.2', '1.10', '1', 'x', '1.9'].sort(comparePriority), ['1', '1.10', '1.2', '1.9', '2', 'x']);
});

Priority.run();

const Plan = suite('xcat_policy plan');

Plan('a name that has its row is kept; nothing runs', () => {
	const p = act(plan(table(), want({})));
	assert.equal(p.steps, []);
	assert.equal(p.rows, [{ name: 'mn1', priority: '1.2', rule: 'trusted', action: 'kept' }]);
	assert.is(p.before, 'priority=1.2 name=mn1 rule=trusted\n');
	assert.is(p.after, p.before);
});

Plan('new names get the lowest free priorities in the order given; duplicates count once', () => {
	const p = act(plan(table(), want({ names: ['mn1', 'mn2', 'xcatmn-vip', 'mn1', 'mn2'] })));
	assert.equal(p.steps, [
		['chdef', '-t', 'policy', '-o', '1.3', 'name=mn2', 'rule=trusted'],
		['chdef', '-t', 'policy', '-o', '1.4', 'name=xcatmn-vip', 'rule=trusted'],
	]);
	assert.equal(
		p.rows.map((r) => `${r.name}@${r.priority}:${r.action}`),
		['mn1@1.2:kept', 'mn2@1.3:added', 'xcatmn-vip@1.4:added'],
	);
	assert.is(p.after, 'priority=1.2 name=mn1 rule=trusted\npriority=1.3 name=mn2 rule=trusted\npriority=1.4 name=xcatmn-vip rule=trusted\n');
});

Plan('occupied priorities are skipped — another name, a disabled row, the same number written 1.30 — never reused (xcatha B10)', () => {
	const rows = table('"1.3","other",,,,,,"trusted",,\n"1.4",,,,,,,"deny",,"yes"\n"1.50","x",,"rpower",,,,"allow",,\n');
	const p = act(plan(rows, want({ names: ['mn2', 'mn3'] })));
	assert.equal(
		p.steps.map((s) => s[4]),
		['1.6', '1.7'],
	);
	assert.ok(p.steps.every((s) => !['1.3', '1.4', '1.50'].includes(s[4]!)));
	const full = table(['1.3', '1.4', '1.5', '1.6', '1.7', '1.8', '1.9'].map((q) => `"${q}","n${q}",,,,,,"trusted",,\n`).join(''));
	assert.equal(act(plan(full, want({ names: ['mn2'] }))).steps, [['chdef', '-t', 'policy', '-o', '1.91', 'name=mn2', 'rule=trusted']]);
});

Plan('a name with a row of another rule gets its own row; the other row is left, with a warning when it comes first', () => {
	const rows = table('"1.1","mn2",,,,,,"deny",,\n"1.95","mn3",,,,,,"allow",,\n');
	const p = act(plan(rows, want({ names: ['mn2', 'mn1'] })));
	assert.equal(p.steps, [['chdef', '-t', 'policy', '-o', '1.3', 'name=mn2', 'rule=trusted']]);
	assert.equal(p.warnings, ['policy row 1.1 gives mn2 the rule deny and comes before its trusted row at 1.3: xCAT applies the first row that matches']);
	assert.not.match(p.before + p.after, /deny/);
	const later = act(plan(rows, want({ names: ['mn3'] })));
	assert.equal(
		later.steps.map((s) => s[4]),
		['1.3'],
	);
	assert.equal(later.warnings, []);
});

Plan('a disabled row of the name, or one that also names commands, is not its row', () => {
	const rows = table('"1.3","mn2",,,,,,"trusted",,"1"\n"1.4","mn3",,"lsdef",,,,"trusted",,\n');
	const p = act(plan(rows, want({ names: ['mn2', 'mn3'] })));
	assert.equal(
		p.steps.map((s) => `${s[4]} ${s[5]}`),
		['1.5 name=mn2', '1.6 name=mn3'],
	);
	assert.is(p.before, 'priority=1.3 name=mn2 rule=trusted disable=1\n');
});

Plan('rule other than trusted: an existing trusted row does not count', () => {
	const p = act(plan(table(), want({ names: ['mn1'], rule: 'allow' })));
	assert.equal(p.steps, [['chdef', '-t', 'policy', '-o', '1.3', 'name=mn1', 'rule=allow']]);
});

Plan("absent removes exactly those names' rows of that rule (disabled too) in one rmdef; others stay", () => {
	const rows = table(
		'"1.3","mn2",,,,,,"trusted",,\n"1.4","mn2",,,,,,"trusted",,"1"\n"1.5","mn2",,"rpower",,,,"trusted",,\n"1.6","mn2",,,,,,"allow",,\n"1.7","mn22",,,,,,"trusted",,\n',
	);
	const p = act(plan(rows, want({ names: ['mn2', 'gone'], state: 'absent' })));
	assert.equal(p.steps, [['rmdef', '-t', 'policy', '-o', '1.3,1.4']]);
	assert.equal(p.rows, [
		{ name: 'mn2', priority: '1.3', rule: 'trusted', action: 'removed' },
		{ name: 'mn2', priority: '1.4', rule: 'trusted', action: 'removed' },
	]);
	assert.is(p.after, '');
	assert.equal(act(plan(table(), want({ names: ['mn2'], state: 'absent' }))).steps, []);
});

Plan('no free priority left: refused, nothing runs', () => {
	const rows = table([...priorityCandidates()].map((q) => `"${q}","x",,,,,,"allow",,\n`).join(''));
	const p = plan(rows, want({ names: ['mn2'] }));
	assert.is(p.kind, 'refuse');
	if (p.kind === 'refuse') assert.match(p.msg, /^no free policy priority between 1\.2 and 2 for mn2/);
});

Plan.run();
