// xcat_snmove's bundle on the lab hosts, as Ansible runs it: refused on a service node and on the
// standby MN; on mn1 check → apply → apply again → check, with nothing changed by the checks. Then
// xcat_pool's bundle on the same cluster (the lab's xcatd, its SQLite tables): the pool balanced over
// sn1 and sn2, refused off the MN and for a member xCAT does not know as a service node.
// Run: flock /work/main/.lab.lock npx tsx node_modules/uvu/bin.js test/mn 'xcat_snmove\.test\.ts$'
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTabdump } from '../../modules/xcat/tabdump';
import { ok, resetLab, runModuleOn } from '../../tools/lab/lab';

const Module = suite('xcat_snmove on the lab');
const tables = () => ok('mn1', 'tabdump noderes; tabdump nodehm; tabdump nodetype');
const ARGS = { nodes: 'cn3,cn5', dest: 'sn2', ignore_nodes: true }; // made-up nodes: nothing runs on them

Module.before(() => resetLab());

Module('refused on a service node and on the standby MN, in check mode too', async () => {
	for (const check of [true, false]) {
		const sn = await runModuleOn('sn1', 'xcat_snmove', ARGS, { check });
		assert.is(sn.result.failed, true);
		assert.is(
			sn.result.msg,
			'this host is not an xCAT management node (lsxcatd -t says: This is a Service Node); run xcat_snmove on the active management node',
		);
		const standby = await runModuleOn('mn2', 'xcat_snmove', ARGS, { check });
		assert.is(standby.result.failed, true);
		assert.match(standby.result.msg, /^lsxcatd -t failed \(rc 111\): xcatd does not answer on this host, so it is not the active management node/);
	}
});

Module('check → apply → apply again → check: the checks change nothing, the second apply moves nothing', async () => {
	const before = await tables();
	const preview = await runModuleOn('mn1', 'xcat_snmove', ARGS, { check: true, diff: true });
	assert.is(preview.result.changed, true, JSON.stringify(preview.result));
	assert.equal(preview.result.moved, ['cn3', 'cn5']);
	// without dest_node_facing the new xcatmaster is sn2's address in the node's network, as snmove
	// stores it (snmove.pm 420, 500), and the servers that followed the old one follow it
	assert.equal(preview.result.diff.after.cn3, {
		servicenode: 'sn2,sn1',
		xcatmaster: '198.51.100.22',
		tftpserver: '198.51.100.22',
		nfsserver: '198.51.100.22',
		monserver: 'sn2,198.51.100.22',
		conserver: 'sn2',
	});
	assert.equal(
		preview.result.commands.map((c: string[]) => c[0]),
		['chdef', 'makeconservercf', 'nodeset'],
	);
	assert.is(await tables(), before);

	const applied = await runModuleOn('mn1', 'xcat_snmove', ARGS);
	assert.is(applied.result.changed, true, JSON.stringify(applied.result));
	assert.equal(applied.result.commands, preview.result.commands, 'apply ran what check mode promised');
	assert.equal(
		applied.result.steps.map((s: { step: string }) => s.step),
		['probe', 'plan', 'check_destinations', 'database', 'consoles', 'nodeset'],
	);
	const after = await tables();
	assert.match(after, /"cn3","sn2,sn1",,"198\.51\.100\.22",,"198\.51\.100\.22","sn2,198\.51\.100\.22",,,,,,"198\.51\.100\.22",/);
	assert.match(after, /"cn5",,,,,,"sn2",/);
	assert.match(after, /"cn1","sn1,sn2",,"sn1",/, 'cn1 was not in the noderange');

	const again = await runModuleOn('mn1', 'xcat_snmove', ARGS);
	assert.is(again.result.changed, false, JSON.stringify(again.result));
	assert.equal(again.result.commands, []);
	assert.is(again.result.counts.unchanged, 2);
	const recheck = await runModuleOn('mn1', 'xcat_snmove', ARGS, { check: true });
	assert.is(recheck.result.changed, false);
	assert.is(await tables(), after);
});

Module('a selection with a node that has no backup changes nothing and names it', async () => {
	await ok('mn1', 'mkdef -t node -o cn9 groups=compute,all servicenode=sn1 xcatmaster=sn1 >/dev/null');
	const before = await tables();
	const r = await runModuleOn('mn1', 'xcat_snmove', { source: 'sn1', ignore_nodes: true });
	assert.is(r.result.failed, true);
	assert.equal(r.result.no_backup, ['cn9']);
	assert.match(r.result.msg, /^nothing was changed: Could not determine a backup service node/);
	assert.is(await tables(), before);
});

Module.run();

const Pool = suite('xcat_pool on the lab');
const POOL = { members: ['sn1', 'sn2'], noderange: 'compute' };
/** compute node → [servicenode, xcatmaster], from mn1's noderes table */
async function computes(): Promise<Map<string, [string, string]>> {
	const t = parseTabdump(await ok('mn1', 'tabdump noderes'));
	if (!t.ok) throw new Error(t.error);
	const [node, sn, master] = ['node', 'servicenode', 'xcatmaster'].map((c) => t.table.columns.indexOf(c)) as [number, number, number];
	return new Map(t.table.rows.filter((r) => /^cn\d+$/.test(r[node] ?? '')).map((r) => [r[node]!, [r[sn] ?? '', r[master] ?? '']]));
}

Pool('refused on a service node, and for a member without a servicenode row; nothing written', async () => {
	const before = await tables();
	const sn = await runModuleOn('sn1', 'xcat_pool', POOL);
	assert.is(sn.result.failed, true);
	assert.is(sn.result.msg, 'this host is not an xCAT management node (lsxcatd -t says: This is a Service Node); run xcat_pool on the active management node');
	const stranger = await runModuleOn('mn1', 'xcat_pool', { ...POOL, members: ['sn1', 'sn2', 'cn1'] });
	assert.is(stranger.result.failed, true);
	assert.match(stranger.result.msg, /member cn1 has no enabled row in the servicenode table/);
	assert.is(await tables(), before);
});

Pool('check → apply → apply again: first entries even over sn1 and sn2, each node backed by the other, xcatmaster blank', async () => {
	const before = await tables();
	const preview = await runModuleOn('mn1', 'xcat_pool', POOL, { check: true, diff: true });
	assert.is(preview.result.changed, true, JSON.stringify(preview.result));
	assert.is(await tables(), before, 'check mode wrote nothing');

	const applied = await runModuleOn('mn1', 'xcat_pool', POOL);
	assert.is(applied.result.changed, true, JSON.stringify(applied.result));
	assert.equal(applied.result.commands, preview.result.commands, 'apply ran what check mode promised');
	const nodes = await computes();
	assert.ok(nodes.size >= 3, `the lab defines compute nodes: ${[...nodes.keys()]}`);
	const first = { sn1: 0, sn2: 0 } as Record<string, number>;
	for (const [node, [servicenode, xcatmaster]] of nodes) {
		const entries = servicenode.split(',');
		assert.equal([...entries].sort(), ['sn1', 'sn2'], `${node}: ${servicenode}`);
		assert.is(xcatmaster, '', `${node}: xcatmaster blank, as the pool needs`);
		first[entries[0]!]! += 1;
	}
	assert.ok(Math.abs(first.sn1! - first.sn2!) <= 1, JSON.stringify(first));
	assert.equal(
		applied.result.load.map((l: { member: string; first: number }) => [l.member, l.first]),
		[
			['sn1', first.sn1],
			['sn2', first.sn2],
		],
	);

	const after = await tables();
	const again = await runModuleOn('mn1', 'xcat_pool', POOL);
	assert.is(again.result.changed, false, JSON.stringify(again.result));
	assert.equal(again.result.commands, []);
	assert.is(await tables(), after);
});

Pool.run();
