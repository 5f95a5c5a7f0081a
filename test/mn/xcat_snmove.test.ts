// xcat_snmove's bundle on the lab hosts, as Ansible runs it: refused on a service node and on the
// standby MN; on mn1 check → apply → apply again → check, with nothing changed by the checks.
// Run: flock /work/main/.lab.lock npx tsx node_modules/uvu/bin.js test/mn 'xcat_snmove\.test\.ts$'
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
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
