// xcat_policy on the lab's active MN (mn1), through its xCAT double: check → apply → apply → check,
// occupied priorities, a name with a row of another rule, removal, and refused inputs that change nothing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ok, runModuleOn } from '../../tools/lab/lab';
import { backupDb, dumpTables, freshMn, restoreDb } from '../helpers/mn-tables';

const MN = 'mn1';
const BACKUP = '/root/xcat-ha-test-xcat_policy';
const run = (args: Record<string, unknown>, check = false) => runModuleOn(MN, 'xcat_policy', args, { check, diff: true });
const policyTable = () => ok(MN, 'tabdump policy');
/** the rows of the table that are not about these names, to show they were left alone */
const othersThan = (dump: string, names: string[]) =>
	dump
		.split('\n')
		.filter((l) => !names.some((n) => l.includes(`"${n}"`)))
		.join('\n');

async function converge(args: Record<string, unknown>) {
	const before = await policyTable();
	const check = (await run(args, true)).result;
	assert.is(check.changed, true, check.msg);
	assert.is(await policyTable(), before, 'check mode changed nothing');
	const apply = (await run(args)).result;
	assert.is(apply.changed, true, apply.msg);
	assert.equal(apply.commands, check.commands, 'apply ran what check mode announced');
	assert.equal(apply.rows, check.rows);
	const again = (await run(args)).result;
	assert.is(again.changed, false, JSON.stringify(again.commands ?? again.msg));
	assert.ok(again.rows.every((r: { action: string }) => r.action === 'kept'));
	const recheck = (await run(args, true)).result;
	assert.is(recheck.changed, false);
	return { check, apply, before };
}

const Policy = suite('xcat_policy on mn1');
Policy.before(async () => {
	await freshMn(MN);
	await backupDb(MN, BACKUP);
});
Policy.after(async () => {
	await restoreDb(MN, BACKUP);
});

Policy('both MNs and the VIP name: mn1 keeps its 1.2 row from xcatconfig, the others get 1.3 and 1.4', async () => {
	const { check, before } = await converge({ names: ['mn1', 'mn2', 'xcatmn-vip', 'mn1'] });
	assert.equal(check.rows, [
		{ name: 'mn1', priority: '1.2', rule: 'trusted', action: 'kept' },
		{ name: 'mn2', priority: '1.3', rule: 'trusted', action: 'added' },
		{ name: 'xcatmn-vip', priority: '1.4', rule: 'trusted', action: 'added' },
	]);
	assert.is(check.diff.after, 'priority=1.2 name=mn1 rule=trusted\npriority=1.3 name=mn2 rule=trusted\npriority=1.4 name=xcatmn-vip rule=trusted\n');
	const after = await policyTable();
	assert.match(after, '"1.3","mn2",,,,,,"trusted",,\n');
	assert.match(after, '"1.4","xcatmn-vip",,,,,,"trusted",,\n');
	assert.is(othersThan(after, ['mn2', 'xcatmn-vip']), othersThan(before, ['mn2', 'xcatmn-vip']));
});

Policy('occupied priorities (another name, a disabled row, 1.60 = 1.6) are skipped and left as they were', async () => {
	await ok(MN, 'chtab priority=1.5 policy.name=someone policy.rule=trusted; chtab priority=1.60 policy.name=old policy.rule=trusted policy.disable=1');
	const { check, before } = await converge({ names: ['mn3'] });
	assert.equal(check.commands, [['chdef', '-t', 'policy', '-o', '1.7', 'name=mn3', 'rule=trusted']]);
	const after = await policyTable();
	assert.match(after, '"1.5","someone",,,,,,"trusted",,\n');
	assert.match(after, '"1.60","old",,,,,,"trusted",,"1"\n');
	assert.is(othersThan(after, ['mn3']), othersThan(before, ['mn3']));
});

Policy('a name with a row of another rule gets its own trusted row, and a warning when the other comes first', async () => {
	await ok(MN, 'chtab priority=1.1 policy.name=mn4 policy.rule=deny');
	const { apply } = await converge({ names: ['mn4'] });
	assert.equal(apply.commands, [['chdef', '-t', 'policy', '-o', '1.8', 'name=mn4', 'rule=trusted']]);
	assert.match(apply.warnings.join('\n'), 'policy row 1.1 gives mn4 the rule deny and comes before its trusted row at 1.8');
	assert.match(await policyTable(), '"1.1","mn4",,,,,,"deny",,\n');
});

Policy("absent removes exactly those names' rows, in one rmdef", async () => {
	const { check, before } = await converge({ names: ['mn2', 'xcatmn-vip', 'mn4', 'never-there'], state: 'absent' });
	assert.equal(check.commands, [['rmdef', '-t', 'policy', '-o', '1.3,1.4,1.8']]);
	assert.equal(
		check.rows.map((r: { priority: string; action: string }) => `${r.priority}:${r.action}`),
		['1.3:removed', '1.4:removed', '1.8:removed'],
	);
	const after = await policyTable();
	assert.not.match(after, /"mn2"|"xcatmn-vip"/);
	assert.match(after, '"1.1","mn4",,,,,,"deny",,\n', 'the row of another rule stays');
	assert.is(
		after,
		before
			.split('\n')
			.filter((l) => !/^"1\.(3|4|8)",/.test(l))
			.join('\n'),
	);
});

const REFUSED: Array<[Record<string, unknown>, RegExp]> = [
	[{ names: ['*'] }, /^value of names\[0\] must be a host name or certificate CN/],
	[{ names: [] }, /^names must have at least 1 item\(s\)/],
	[{ names: ['mn1;chtab -d priority=1 policy'] }, /^value of names\[0\] must be a host name/],
	[{ names: ['mn5\nmn6'] }, /^value of names\[0\] must be a host name/],
	[{ names: ['mn5'], rule: 'everything' }, /^value of rule must be one of: trusted, allow, accept, deny, got: everything/],
	[{ names: ['mn5'], state: 'gone' }, /^value of state must be one of: present, absent/],
];

Policy('refused inputs change nothing on mn1', async () => {
	const before = await dumpTables(MN);
	for (const [args, re] of REFUSED) {
		const { result } = await run(args);
		assert.is(result.failed, true, JSON.stringify(args));
		assert.match(result.msg, re, JSON.stringify(args));
	}
	assert.is(await dumpTables(MN), before);
});

Policy.run();
