// xcat_pool's bundle run as Ansible runs it, against the lab's xCAT double on this machine (a temporary
// root with SQLite tables): 18 compute nodes all on sn1 (backup sn2, xcatmaster sn1) as a classic SN
// setup leaves them, four members sn1-sn4 with servicenode rows, sn5 a node without one.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { splitXcatList } from '../../modules/xcat/lists';
import { parseTabdump } from '../../modules/xcat/tabdump';
import { makeLocalXcat, type LocalXcat } from '../helpers/local-xcat';

const MEMBERS = ['sn1', 'sn2', 'sn3', 'sn4'];
const BALANCE = { members: MEMBERS, noderange: 'compute' };
let x: LocalXcat;

/** node → [servicenode, xcatmaster], from the noderes table itself */
function noderes(): Map<string, [string, string]> {
	const t = parseTabdump(x.ok('tabdump', 'noderes'));
	if (!t.ok) throw new Error(t.error);
	const [node, sn, master] = ['node', 'servicenode', 'xcatmaster'].map((c) => t.table.columns.indexOf(c)) as [number, number, number];
	return new Map(t.table.rows.map((r) => [r[node]!, [r[sn] ?? '', r[master] ?? '']]));
}
const computes = () => new Map([...noderes()].filter(([n]) => n.startsWith('cn')));
const chdefs = () => x.calls().filter((c) => c[0] === 'chdef');

const Pool = suite('xcat_pool on the xCAT double: 18 nodes on sn1, balanced over sn1-sn4');
Pool.before(() => {
	x = makeLocalXcat('pool');
	for (const sn of MEMBERS) x.ok('chtab', `node=${sn}`, 'servicenode.tftpserver=1');
	x.ok('mkdef', '-t', 'node', '-o', 'sn[1-5]', 'groups=service,all');
	x.ok('mkdef', '-t', 'node', '-o', 'cn[01-18]', 'groups=compute,all', 'servicenode=sn1,sn2', 'xcatmaster=sn1');
});
Pool.after(() => x.remove());

Pool('check mode: the whole plan, the note and the diff, and nothing written', async () => {
	const before = x.ok('tabdump', 'noderes');
	x.forget();
	const { result, exitCode } = await x.run('xcat_pool', BALANCE, { check: true, diff: true });
	assert.is(exitCode, 0, result.msg);
	assert.is(result.changed, true);
	assert.equal(result.members, MEMBERS);
	assert.is(result.state, 'balanced');
	assert.is(result.selected, 18);
	assert.is(result.moves, 18, 'every node loses its xcatmaster');
	assert.is(result.first_moves, 13, 'sn1 keeps 5 of its 18');
	assert.is(result.unchanged, 0);
	assert.equal(
		result.load.map((l: { first: number }) => l.first),
		[5, 5, 4, 4],
	);
	assert.match(result.note, /^13 node\(s\) get another first service node in the xCAT database only/);
	assert.match(result.note, /next nodeset and boot/);
	assert.match(result.note, /xcat\.ha\.xcat_snmove/);
	assert.ok(result.commands.length > 0);
	for (const argv of result.commands) assert.equal(argv.slice(0, 4), ['chdef', '-t', 'node', '-o']);
	assert.equal(result.diff.before.cn18, { servicenode: 'sn1,sn2', xcatmaster: 'sn1' });
	assert.is(result.diff.after.cn01.xcatmaster, '');
	assert.equal(chdefs(), [], 'no chdef ran');
	assert.is(x.ok('tabdump', 'noderes'), before, 'the table is as it was');
});

Pool('apply: every node on two distinct members, first entries 5/5/4/4, backups spread, xcatmaster blank, as reported', async () => {
	x.forget();
	const { result } = await x.run('xcat_pool', BALANCE);
	assert.is(result.changed, true, result.msg);
	assert.equal(chdefs(), result.commands, 'the chdef calls reported are the ones that ran');
	assert.not.ok('diff' in result, 'no diff outside diff mode');
	const rows = computes();
	assert.is(rows.size, 18);
	const first = new Map(MEMBERS.map((m) => [m, 0]));
	const backup = new Map(MEMBERS.map((m) => [m, 0]));
	for (const [node, [servicenode, xcatmaster]] of rows) {
		const [a, b, ...rest] = splitXcatList(servicenode);
		assert.ok(a && b && a !== b && rest.length === 0, `${node}: ${servicenode}`);
		assert.ok(MEMBERS.includes(a!) && MEMBERS.includes(b!), `${node}: ${servicenode}`);
		assert.is(xcatmaster, '', `${node}: xcatmaster`);
		first.set(a!, first.get(a!)! + 1);
		backup.set(b!, backup.get(b!)! + 1);
	}
	assert.equal(
		result.load,
		MEMBERS.map((member) => ({ member, first: first.get(member), backup: backup.get(member) })),
	);
	assert.equal([...first.values()], [5, 5, 4, 4]);
	assert.ok(Math.max(...backup.values()) - Math.min(...backup.values()) <= 1, JSON.stringify([...backup]));
});

Pool('a second run changes nothing and writes nothing', async () => {
	const before = x.ok('tabdump', 'noderes');
	x.forget();
	const { result } = await x.run('xcat_pool', BALANCE, { diff: true });
	assert.is(result.changed, false, result.msg);
	assert.is(result.moves, 0);
	assert.is(result.unchanged, 18);
	assert.equal(result.commands, []);
	assert.not.ok('note' in result);
	assert.equal(result.diff.before, {});
	assert.equal(chdefs(), []);
	assert.is(x.ok('tabdump', 'noderes'), before);
});

Pool('pinned: the node gets its member first, in check mode nothing is written', async () => {
	const first = splitXcatList(computes().get('cn18')![0])[0]!;
	const other = MEMBERS.find((m) => m !== first)!;
	x.forget();
	const { result } = await x.run('xcat_pool', { ...BALANCE, pinned: { cn18: other } }, { check: true, diff: true });
	assert.is(result.changed, true, result.msg);
	assert.is(splitXcatList(result.diff.after.cn18.servicenode)[0], other);
	assert.ok(result.first_moves >= 1 && result.note);
	assert.equal(chdefs(), []);
});

Pool('a few nodes are read from the tables whole too (a group value under a node value counts), and planned alike', async () => {
	x.forget();
	const { result } = await x.run('xcat_pool', { members: MEMBERS, noderange: 'cn[01-04]' }, { check: true });
	assert.is(result.selected, 4, result.msg);
	assert.equal(
		result.load.map((l: { first: number }) => l.first),
		[1, 1, 1, 1],
	);
	assert.not.ok(x.calls().some((c) => c[0] === 'nodels' && c.includes('-b')));
	assert.ok(x.calls().some((c) => c[0] === 'tabdump' && c[1] === 'noderes'));
});

Pool('a bad member is refused before any command runs', async () => {
	x.forget();
	const { result, exitCode } = await x.run('xcat_pool', { members: ['sn1', 'sn2;reboot'], noderange: 'compute' });
	assert.is(exitCode, 1);
	assert.is(result.msg, `value of members[1] must be a host name or IPv4 address (letters, digits, '.', '_', '-'), got: "sn2;reboot"`);
	assert.equal(x.calls(), []);
});

Pool('a member without a servicenode row fails, named, and nothing is written', async () => {
	const before = x.ok('tabdump', 'noderes');
	x.forget();
	const { result } = await x.run('xcat_pool', { members: ['sn1', 'sn5'], noderange: 'compute' });
	assert.is(result.failed, true);
	assert.match(result.msg, /^nothing was changed: member sn5 has no enabled row in the servicenode table/);
	assert.not.match(result.msg, /member sn1/);
	assert.equal(chdefs(), []);
	assert.is(x.ok('tabdump', 'noderes'), before);
});

Pool('a member among the nodes is refused by the plan, naming it', async () => {
	x.forget();
	const { result } = await x.run('xcat_pool', { members: MEMBERS, noderange: 'all' });
	assert.is(result.failed, true);
	assert.match(result.msg, /a pool member cannot be balanced over the pool \(it is one of the members\) \(4 nodes: sn1, sn2, sn3, sn4\)/);
	assert.equal(chdefs(), []);
});

Pool('a member added: only the nodes it must take move, and the diff shows them', async () => {
	x.ok('chtab', 'node=sn5', 'servicenode.tftpserver=1');
	const members = [...MEMBERS, 'sn5'];
	const { result } = await x.run('xcat_pool', { members, noderange: 'compute' }, { diff: true });
	assert.is(result.changed, true, result.msg);
	assert.is(result.load.find((l: { member: string }) => l.member === 'sn5').first, 3, JSON.stringify(result.load));
	assert.ok(result.first_moves <= 4, `${result.first_moves} first moves`);
	assert.is(Object.keys(result.diff.after).length, result.moves);
	const again = await x.run('xcat_pool', { members, noderange: 'compute' });
	assert.is(again.result.changed, false);
});

Pool.run();
