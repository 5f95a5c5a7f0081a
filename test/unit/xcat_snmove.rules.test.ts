// snmove's per-node rules (docs/xcat-behaviour.md#what-snmove-changes-per-node and
// docs/xcat-behaviour.md#postscripts), one table per rule.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
	backupServiceNode,
	nodesetArgument,
	postscriptsToRun,
	reorderServicenode,
	rewriteConserver,
	rewriteMonserver,
	rewriteServer,
	servicenodeListProblem,
	type PostscriptLists,
} from '../../modules/xcat_snmove/rules';

test('servicenode: the destination to the front, the others in their order', () => {
	const cases: [string[], string, string][] = [
		[['sn1', 'sn2'], 'sn2', 'sn2,sn1'],
		[['sn1', 'sn2', 'sn3'], 'sn2', 'sn2,sn1,sn3'],
		[['sn1', 'sn2'], 'sn3', 'sn3,sn1,sn2'], // -d sn3, not in the list
		[['sn1', 'sn2', 'sn3'], 'sn3', 'sn3,sn1,sn2'],
		[['sn2', 'sn1'], 'sn2', 'sn2,sn1'], // already there
		[[], 'sn3', 'sn3'], // no servicenode, -d sn3
	];
	for (const [entries, destination, expected] of cases) assert.is(reorderServicenode(entries, destination), expected, `${entries} -d ${destination}`);
});

test('backup: the second entry, if any', () => {
	assert.is(backupServiceNode(['sn1', 'sn2', 'sn3']), 'sn2');
	assert.is(backupServiceNode(['sn1']), undefined);
	assert.is(backupServiceNode([]), undefined);
});

test('servicenode lists that cannot be moved', () => {
	assert.is(servicenodeListProblem(['sn1', 'sn2']), undefined);
	assert.ok(servicenodeListProblem(['sn1', 'sn1'])?.includes('twice'));
	assert.ok(servicenodeListProblem(['sn1', 'sn2', 'sn1'])?.includes('twice'));
	assert.ok(servicenodeListProblem(['sn1', '', 'sn2'])?.includes('empty'));
	assert.ok(servicenodeListProblem(['', 'sn2'])?.includes('empty'));
});

test('tftpserver/nfsserver: follow only where they named the old master, by name or address', () => {
	const old = { name: 'sn1-eth1', address: '10.1.0.1' };
	const cases: [string, typeof old | Record<string, never>, string][] = [
		['sn1-eth1', old, 'NEW'], // by name
		['10.1.0.1', old, 'NEW'], // by address
		['', old, ''], // blank stays blank
		['sn1', old, 'sn1'], // the MN-facing name is not the old master
		['10.1.0.9', old, '10.1.0.9'],
		['sn1-eth1', {}, 'sn1-eth1'], // no old master (blank xcatmaster, no -S): nothing matches
	];
	for (const [current, oldMaster, expected] of cases) assert.is(rewriteServer(current, oldMaster, 'NEW'), expected, current);
});

test('monserver: two fields naming the old SN become "<newsn>,<newmaster>"; one field is reported and kept', () => {
	const cases: [string, string | undefined, { value: string; oneField: boolean }][] = [
		['sn1,sn1-eth1', 'sn1', { value: 'sn2,10.1.0.2', oneField: false }],
		['sn1,a,b', 'sn1', { value: 'sn2,10.1.0.2', oneField: false }],
		['sn3,sn3-eth1', 'sn1', { value: 'sn3,sn3-eth1', oneField: false }],
		['sn1', 'sn1', { value: 'sn1', oneField: true }],
		['sn1,', 'sn1', { value: 'sn1,', oneField: true }], // Perl split drops the trailing empty field
		['', 'sn1', { value: '', oneField: false }],
		['sn1,x', undefined, { value: 'sn1,x', oneField: false }],
	];
	for (const [current, oldSn, expected] of cases) assert.equal(rewriteMonserver(current, oldSn, 'sn2', '10.1.0.2'), expected, current);
});

test('conserver: only an exact match with the old SN; host:nodehost is left (and flagged)', () => {
	const cases: [string, { value: string; hostForm: boolean }][] = [
		['sn1', { value: 'sn2', hostForm: false }],
		['sn1:sn1-eth1', { value: 'sn1:sn1-eth1', hostForm: true }],
		['xcatmn', { value: 'xcatmn', hostForm: false }],
		['xcatmn:sn1', { value: 'xcatmn:sn1', hostForm: false }],
		['', { value: '', hostForm: false }],
	];
	for (const [current, expected] of cases) assert.equal(rewriteConserver(current, 'sn1', 'sn2'), expected, current);
	assert.equal(rewriteConserver('sn1', undefined, 'sn2'), { value: 'sn1', hostForm: false });
});

test('postscripts: syslog, setupntp, mkresolvconf in that order when listed, then the extras', () => {
	const lists = (p: Partial<PostscriptLists>): PostscriptLists => ({
		defaultPostscripts: 'syslog,remoteshell,syncfiles',
		defaultPostbootscripts: 'otherpkgs',
		...p,
	});
	const cases: [PostscriptLists, readonly string[] | 'all' | undefined, string[]][] = [
		[lists({}), undefined, ['syslog']], // xcatconfig's defaults: only syslog
		[lists({ postscripts: 'mkresolvconf,setupntp' }), undefined, ['syslog', 'setupntp', 'mkresolvconf']],
		[lists({ postbootscripts: 'setupntp' }), undefined, ['syslog', 'setupntp']],
		[lists({}), ['confignetwork', 'syslog'], ['syslog', 'confignetwork']],
		[{ postscripts: 'remoteshell' }, undefined, []],
		[{ postscripts: 'remoteshell' }, ['myscript'], ['myscript']],
		[lists({ postscripts: 'setupntp,,x' }), 'all', ['syslog', 'remoteshell', 'syncfiles', 'setupntp', 'x', 'otherpkgs']],
		[{}, 'all', []],
	];
	for (const [input, extra, expected] of cases) assert.equal(postscriptsToRun(input, extra), expected, JSON.stringify([input, extra]));
});

test('nodeset argument per provmethod', () => {
	assert.is(nodesetArgument('install'), 'install');
	assert.is(nodesetArgument('netboot'), 'netboot');
	assert.is(nodesetArgument('statelite'), 'statelite');
	assert.is(nodesetArgument('rhels9.4-x86_64-install-compute'), 'osimage=rhels9.4-x86_64-install-compute');
});

test.run();
