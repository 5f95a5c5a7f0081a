// xcat_install_lock's pure parts: the checks of its options, the takeover decision for holder_down,
// and what it says (the refusal, check mode's verdict, the cut output).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LockOwner } from '../../modules/runtime/lock';
import { describeOwner, formatAge, outputTail, ownerOnDownHost, refusalMessage, wouldDo } from '../../modules/xcat_install_lock/decide';
import { checkArgs, DEFAULT_PATH, sameHost, type Args } from '../../modules/xcat_install_lock/options';

const args = (a: Partial<Args> = {}): Args => ({ command: ['copycds', '/iso/rhel.iso'], path: DEFAULT_PATH, wait: 0, timeout: 3600, ...a });
const sn1: LockOwner = { name: 'sn1', host: 'sn1', pid: 4242, machine: 'm-sn1', boot: 'b', since: '2026-12-07T01:02:03.000Z' };

const O = suite('xcat_install_lock: checks of the options');

O('valid arguments have no problem', () => {
	assert.equal(checkArgs(args(), 'sn2'), []);
	assert.equal(checkArgs(args({ holder_down: 'sn1' }), 'sn2'), []);
});

O('the command starts with a program and holds no NUL', () => {
	assert.match(checkArgs(args({ command: [''] }), 'sn2').join(), /^command must start with the program to run/);
	assert.match(checkArgs(args({ command: ['echo', 'a\u0000b'] }), 'sn2').join(), /^command\[1\] holds a NUL character/);
});

O('path names the lock directory itself', () => {
	assert.match(checkArgs(args({ path: '/install/' }), 'sn2').join(), /^path must name the lock directory itself/);
});

O('holder_down never names the host the module runs on, in any spelling', () => {
	for (const [down, me] of <Array<[string, string]>>[
		['sn2', 'sn2'],
		['SN2', 'sn2'],
		['sn2.cluster', 'sn2'],
		['sn2', 'sn2.cluster'],
	])
		assert.match(
			checkArgs(args({ holder_down: down }), me).join(),
			/^holder_down \(.*\) names this host, which is running this module: it is not down$/,
			`${down} on ${me}`,
		);
	assert.match(checkArgs(args({ holder_down: `sn1.${'b'.repeat(64)}` }), 'sn2').join(), /^value of holder_down must be a name of at most 253/);
});

O('sameHost: the same name in any case, or the same short name when one side is short; two full names must be equal', () => {
	assert.ok(sameHost('sn1', 'SN1'));
	assert.ok(sameHost('sn1', 'sn1.cluster.example'));
	assert.not.ok(sameHost('sn1.a', 'sn1.b'));
	assert.not.ok(sameHost('sn1', 'sn10'));
});

O.run();

// ---
const T = suite('xcat_install_lock: an owner on another host is taken over only from the host holder_down names');

T('the named host, and no other', () => {
	assert.match(ownerOnDownHost('sn1')(sn1) ?? '', /^its owner \(sn1, pid 4242\) ran on sn1, which the caller proved down \(holder_down=sn1\)$/);
	assert.ok(ownerOnDownHost('SN1.cluster')({ ...sn1, host: 'sn1' }));
	assert.is(ownerOnDownHost('sn2')(sn1), null);
	assert.is(ownerOnDownHost('sn1')({ ...sn1, host: 'sn10' }), null);
	// the holder name is for people: only the host counts
	assert.is(ownerOnDownHost('sn1')({ ...sn1, name: 'sn1', host: 'sn2' }), null);
});

T.run();

// ---
const M = suite('xcat_install_lock: what it says');

const refusal = (r: Partial<Parameters<typeof refusalMessage>[0]> = {}) =>
	refusalMessage({
		lock: DEFAULT_PATH,
		owner: sn1,
		ageS: 75,
		waitedS: 0,
		command: ['copycds', '/iso/rhel 9.iso'],
		holderDown: undefined,
		thisHost: 'sn2',
		working: null,
		...r,
	});

M('formatAge: seconds, minutes, hours', () => {
	assert.equal([formatAge(0), formatAge(59.4), formatAge(75), formatAge(7322)], ['0 s', '59 s', '1 min 15 s', '2 h 2 min']);
});

M('a refusal names the holder, its host, pid, since when and for how long, what did not run, and what to do', () => {
	assert.is(
		refusal(),
		`/install is being written: the lock ${DEFAULT_PATH} is held by sn1 on sn1 (pid 4242) since 2026-12-07T01:02:03.000Z, for 1 min 15 s; ` +
			"copycds '/iso/rhel 9.iso' was not run. Wait for it to finish (wait=<seconds>), or, only once sn1 is proven down " +
			'(a verified fence, or a person saw it powered off), run again with holder_down=sn1; never because it does not answer',
	);
});

M('after a wait it says how long; with holder_down naming another host it says so', () => {
	assert.match(refusal({ waitedS: 5 }), /, for 1 min 15 s \(waited 5 s\); copycds/);
	assert.match(refusal({ holderDown: 'sn3' }), /was not run\. holder_down names sn3, not sn1\. Wait/);
});

M("a holder on this host: wait or stop it (holder_down is no answer), with what still works under a killed run's lock", () => {
	const here = refusal({ thisHost: 'sn1', working: 'its command still runs (pid 99)' });
	assert.match(here, /It is a run on this host \(pid 4242; its command still runs \(pid 99\)\): wait for it to finish \(wait=<seconds>\), or stop it/);
	assert.not.match(here, /holder_down/);
});

M('an owner file that cannot be read', () => {
	assert.match(refusal({ owner: undefined }), /held by an owner whose file cannot be read \(or a run that has not written it yet\), for 1 min 15 s/);
	assert.is(describeOwner(undefined, 3).endsWith('for 3 s'), true);
});

M("check mode's verdict: free, left behind, held (refused or waited for)", () => {
	const cmd = ['genimage', 'img'];
	const st = { held: true, owner: sn1, ageS: 3, leftBehind: null, waitS: 0 };
	assert.is(wouldDo('/l', { ...st, held: false, owner: undefined }, cmd), 'the lock /l is free: genimage img would run under it');
	assert.is(
		wouldDo('/l', { ...st, leftBehind: 'its owner (sn1, pid 4242) no longer runs' }, cmd),
		'the lock /l was left behind (its owner (sn1, pid 4242) no longer runs): it would be taken over and genimage img run',
	);
	assert.match(wouldDo('/l', st, cmd), /^the lock \/l is held by sn1 on sn1 \(pid 4242\) since .*, for 3 s: genimage img would be refused$/);
	assert.match(wouldDo('/l', { ...st, waitS: 600 }, cmd), /would wait up to 10 min 0 s for it$/);
});

M('a long output keeps its end and says how much was cut', () => {
	assert.is(outputTail('short'), 'short');
	const long = `${'a'.repeat(100)}THE END`;
	assert.is(outputTail(long, 7), '…(100 characters cut)THE END');
});

M.run();
