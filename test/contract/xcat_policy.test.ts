// xcat_policy's bundle, run as Ansible runs it, with recording stand-ins for the xCAT commands.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runModule, type RunOpts } from '../../tools/lab/run-module';
import { makeXcatStubs, type XcatStubs } from '../helpers/xcat-stubs';

let stubs: XcatStubs;
const policy = (args: Record<string, unknown>, o: RunOpts = {}) => runModule('xcat_policy', args, o);
const HINT = 'a host name or certificate CN (letters, digits, _ . -, starting with a letter or digit; not * and no spaces or shell metacharacters)';

const Bad = suite('xcat_policy bad input: fails before running any xCAT command');
Bad.before(async () => {
	stubs = await makeXcatStubs();
	stubs.install();
});
Bad.after(async () => {
	await stubs.remove();
});

const BAD: Array<[Record<string, unknown>, string]> = [
	[{ names: ['mn1'], priority: '1.3' }, 'Unsupported parameters for (xcat_policy) module: priority. Supported parameters include: names, rule, state.'],
	[{}, 'missing required arguments: names'],
	[{ names: [] }, 'names must have at least 1 item(s), got: []'],
	[{ names: '' }, 'names must have at least 1 item(s), got: []'],
	[{ names: { mn1: 'x' } }, `argument 'names' is of type dict and we were unable to convert to list: a dict is not a list`],
	[{ names: [['mn1']] }, 'elements of names must be strings, got a list'],
	[{ names: ['mn1', '*'] }, `value of names[1] must be ${HINT}, got: "*"`],
	[{ names: ['mn1;reboot'] }, `value of names[0] must be ${HINT}, got: "mn1;reboot"`],
	[{ names: ['$(id)'] }, `value of names[0] must be ${HINT}, got: "$(id)"`],
	[{ names: ['mn1\nmn2'] }, `value of names[0] must be ${HINT}, got: "mn1\\nmn2"`],
	[{ names: ['mn 1'] }, `value of names[0] must be ${HINT}, got: "mn 1"`],
	[{ names: ['-mn1'] }, `value of names[0] must be ${HINT}, got: "-mn1"`],
	[{ names: [''] }, `value of names[0] must be ${HINT}, got: ""`],
	[{ names: ['mn1'], state: 'gone' }, 'value of state must be one of: present, absent, got: gone'],
	[{ names: ['mn1'], rule: 'trust' }, 'value of rule must be one of: trusted, allow, accept, deny, got: trust'],
	[{ names: ['mn1'], rule: 5 }, 'value of rule must be one of: trusted, allow, accept, deny, got: 5'],
	[{ names: [`a${'b'.repeat(255)}`] }, `value of names must be at most 255 characters, got 256: "a${'b'.repeat(39)}"…`],
];

Bad('every bad value is named, with what is allowed, and no xCAT command runs', async () => {
	for (const [args, msg] of BAD) {
		const { result, exitCode } = await policy(args);
		assert.is(result.failed, true, JSON.stringify(args));
		assert.is(exitCode, 1);
		assert.is(result.msg, msg, JSON.stringify(args));
	}
	assert.equal(await stubs.calls(), []);
});

Bad.run();

const Flow = suite('xcat_policy with stand-in commands');
Flow.before(async () => {
	stubs = await makeXcatStubs();
	stubs.install();
});
Flow.after(async () => {
	await stubs.remove();
});

const DUMP =
	'#priority,name,host,commands,noderange,parameters,time,rule,comments,disable\n"1","root",,,,,,"allow",,\n"1.2","mn1",,,,,,"trusted",,\n"1.3","someone",,,,,,"trusted",,\n';

Flow('check mode runs only tabdump and reports the rows to add at free priorities', async () => {
	await stubs.answer('tabdump', DUMP);
	const { result } = await policy({ names: ['mn1', 'mn2', 'xcatmn-vip'] }, { check: true, diff: true });
	assert.is(result.changed, true, result.msg);
	assert.equal(result.commands, [
		['chdef', '-t', 'policy', '-o', '1.4', 'name=mn2', 'rule=trusted'],
		['chdef', '-t', 'policy', '-o', '1.5', 'name=xcatmn-vip', 'rule=trusted'],
	]);
	assert.equal(
		result.rows.map((r: any) => r.action),
		['kept', 'added', 'added'],
	);
	assert.is(result.diff.before, 'priority=1.2 name=mn1 rule=trusted\n');
	assert.equal(await stubs.calls(), [['tabdump', 'policy']]);
});

Flow('a chdef that xCAT accepts but that leaves the table unchanged is a failure, not a success', async () => {
	await stubs.answer('tabdump', DUMP);
	const { result } = await policy({ names: ['mn2'] });
	assert.is(result.failed, true);
	assert.match(result.msg, /^the policy commands ran, but tabdump policy does not show the rows asked for/);
	assert.equal(result.commands, [['chdef', '-t', 'policy', '-o', '1.4', 'name=mn2', 'rule=trusted']]);
});

Flow("xcatd down: tabdump's failure is reported", async () => {
	await stubs.answer(
		'tabdump',
		'',
		111,
		'Connection failure: IO::Socket::INET: connect: Connection refused at /opt/xcat/lib/perl/xCAT/Client.pm line 248.\n',
	);
	const { result } = await policy({ names: ['mn2'] });
	assert.match(result.msg, /^tabdump policy failed \(rc 111\): Connection failure/);
});

Flow.run();
