// xcat_object on the lab's active MN (mn1), through its xCAT double: check → apply → apply → check
// for site, network, node and group objects, and refused inputs that change nothing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ok, runModuleOn, VIP } from '../../tools/lab/lab';
import { backupDb, dumpTables, freshMn, restoreDb } from '../helpers/mn-tables';

const MN = 'mn1';
const BACKUP = '/root/xcat-ha-test-xcat_object';
const NET = '198_51_100_0-255_255_255_0';
const run = (args: Record<string, unknown>, check = false) => runModuleOn(MN, 'xcat_object', args, { check, diff: true });
const tab = (table: string) => ok(MN, `tabdump ${table}`);

/** check → apply → apply → check; returns the first (check) and second (apply) results */
async function converge(args: Record<string, unknown>) {
	const before = await dumpTables(MN);
	const check = (await run(args, true)).result;
	assert.is(check.changed, true, check.msg);
	assert.is(await dumpTables(MN), before, 'check mode changed nothing');
	const apply = (await run(args)).result;
	assert.is(apply.changed, true, apply.msg);
	assert.equal(apply.commands, check.commands, 'apply ran what check mode announced');
	assert.equal(apply.objects, check.objects);
	const again = (await run(args)).result;
	assert.is(again.changed, false, JSON.stringify(again.commands ?? again.msg));
	assert.equal(again.commands, []);
	const recheck = (await run(args, true)).result;
	assert.is(recheck.changed, false);
	return { check, apply };
}

const Obj = suite('xcat_object on mn1');
Obj.before(async () => {
	await freshMn(MN);
	await backupDb(MN, BACKUP);
});
Obj.after(async () => {
	await restoreDb(MN, BACKUP);
});

Obj('site master and nameservers to the VIP: one chdef, diff per attribute', async () => {
	const { check } = await converge({ type: 'site', attributes: { master: VIP, nameservers: VIP } });
	assert.equal(check.commands, [['chdef', '-t', 'site', '-o', 'clustersite', `master=${VIP}`, `nameservers=${VIP}`]]);
	assert.equal(check.objects, { clustersite: { master: { before: '198.51.100.11', after: VIP }, nameservers: { before: '198.51.100.11', after: VIP } } });
	assert.is(check.diff.before, 'clustersite: master=198.51.100.11\nclustersite: nameservers=198.51.100.11\n');
	assert.is(check.diff.after, `clustersite: master=${VIP}\nclustersite: nameservers=${VIP}\n`);
	const site = await tab('site');
	assert.match(site, `"master","${VIP}",,`);
	assert.match(site, `"nameservers","${VIP}",,`);
});

Obj('a site key not set yet is added (lsdef: "No object definitions have been found", rc 0), then cleared: its row deleted', async () => {
	assert.is(await ok(MN, 'lsdef -t site -o clustersite -i xcathatest,dhcpinterfaces -c'), 'No object definitions have been found\n');
	const { check: add } = await converge({ type: 'site', attributes: { xcathatest: 'on', dhcpinterfaces: 'host0' } });
	assert.equal(add.commands, [['chdef', '-t', 'site', '-o', 'clustersite', 'xcathatest=on', 'dhcpinterfaces=host0']]);
	assert.equal(add.objects, { clustersite: { xcathatest: { before: '', after: 'on' }, dhcpinterfaces: { before: '', after: 'host0' } } });
	assert.match(await tab('site'), '"xcathatest","on",,');
	const { check } = await converge({ type: 'site', name: 'clustersite', attributes: { xcathatest: '', dhcpinterfaces: '' } });
	assert.equal(check.objects, { clustersite: { xcathatest: { before: 'on', after: '' }, dhcpinterfaces: { before: 'host0', after: '' } } });
	assert.is(check.diff.after, 'clustersite: xcathatest=\nclustersite: dhcpinterfaces=\n');
	const site = await tab('site');
	assert.not.match(site, '"xcathatest"', 'the row is deleted, as real chdef does');
	assert.not.match(site, '"dhcpinterfaces"');
});

Obj('networks.tftpserver to the VIP', async () => {
	const { check } = await converge({ type: 'network', name: NET, attributes: { tftpserver: VIP } });
	assert.equal(check.commands, [['chdef', '-t', 'network', '-o', NET, `tftpserver=${VIP}`]]);
	assert.match(await tab('networks'), `"${NET}","198.51.100.0","255.255.255.0","host0",,,"${VIP}",`);
});

Obj('nodes with different current values: one chdef per distinct change-set, nfsserver cleared', async () => {
	const { check } = await converge({ type: 'node', name: 'compute', attributes: { xcatmaster: VIP, tftpserver: 'sn1', nfsserver: '' } });
	// odd nodes have sn1 everywhere, even ones sn2 (the lab's cluster data)
	assert.equal(
		check.commands,
		[
			['chdef', '-t', 'node', '-o', 'cn1,cn3,cn5,cn7', `xcatmaster=${VIP}`, 'nfsserver='],
			['chdef', '-t', 'node', '-o', 'cn2,cn4,cn6,cn8', `xcatmaster=${VIP}`, 'tftpserver=sn1', 'nfsserver='],
		],
		JSON.stringify(check.objects),
	);
	assert.match(await tab('noderes'), /^"cn1","sn1,sn2",[^,\n]*,"sn1",,,"sn1,sn1",/m, 'nfsserver cleared to NULL (no "" in tabdump)');
	const shown = await ok(MN, 'lsdef compute -i xcatmaster,tftpserver,nfsserver -c');
	for (let n = 1; n <= 8; n++) {
		assert.match(shown, `cn${n}: xcatmaster=${VIP}\n`);
		assert.match(shown, `cn${n}: tftpserver=sn1\n`);
		assert.match(shown, `cn${n}: nfsserver=\n`);
	}
	assert.match(await ok(MN, 'lsdef sn1 -i xcatmaster -c'), 'sn1: xcatmaster=\n', 'nodes outside the noderange are untouched');
});

Obj('a node is created with mkdef (it needs groups) and removed with rmdef', async () => {
	const { check } = await converge({ type: 'node', name: 'cn99', attributes: { groups: 'all,compute', ip: '198.51.100.99' } });
	assert.equal(check.commands, [['mkdef', '-t', 'node', '-o', 'cn99', 'groups=all,compute', 'ip=198.51.100.99']]);
	assert.match(await ok(MN, 'nodels compute'), 'cn99');
	const gone = await converge({ type: 'node', name: 'cn99', state: 'absent' });
	assert.equal(gone.check.commands, [['rmdef', '-t', 'node', '-o', 'cn99']]);
	assert.match(gone.check.diff.before, 'cn99: groups=all,compute\n');
	assert.not.match(await ok(MN, 'nodels'), 'cn99');
});

Obj('removing what does not exist: lsdef says so (rc 1), nothing to do, changed=false, in check mode too', async () => {
	for (const args of [
		{ type: 'node', name: 'cn97', state: 'absent' },
		{ type: 'network', name: 'nonet', state: 'absent' },
		{ type: 'group', name: 'nogrp', state: 'absent' },
	]) {
		for (const check of [true, false]) {
			const { result } = await run(args, check);
			assert.is(result.failed, undefined, `${JSON.stringify(args)}: ${result.msg}`);
			assert.is(result.changed, false, JSON.stringify(args));
			assert.equal(result.commands, []);
		}
	}
});

Obj('a network and a group are created and removed', async () => {
	await converge({ type: 'network', name: 'testnet', attributes: { net: '10.9.0.0', mask: '255.255.0.0', gateway: '' } });
	assert.match(await tab('networks'), '"testnet","10.9.0.0","255.255.0.0"');
	await converge({ type: 'network', name: 'testnet', state: 'absent' });
	assert.not.match(await tab('networks'), 'testnet');
	await converge({ type: 'group', name: 'xcathagrp', attributes: { xcatmaster: VIP } });
	assert.match(await ok(MN, 'lsdef -t group -o xcathagrp -i xcatmaster -c'), `xcathagrp: xcatmaster=${VIP}`);
	await converge({ type: 'group', name: 'xcathagrp', state: 'absent' });
});

Obj('clearing a value a node inherits from its group: lsdef still shows it, and the module says why', async () => {
	const { result } = await run({ type: 'node', name: 'cn1', attributes: { os: '' } });
	assert.is(result.failed, true);
	assert.match(result.msg, /lsdef still shows cn1: os=\S+ \(wanted ""\).*change the group \(type group\) instead/);
	assert.equal(result.commands, [['chdef', '-t', 'node', '-o', 'cn1', 'os=']]);
});

const REFUSED: Array<[Record<string, unknown>, RegExp]> = [
	[{ type: 'node', name: 'cn1;reboot', attributes: { xcatmaster: VIP } }, /^value of name must be an xCAT object name or noderange/],
	[{ type: 'node', name: 'cn1', attributes: { comments: 'x' } }, /^attributes comments: xCAT has no such attribute for an object of type node/],
	[{ type: 'node', name: 'cn1,cn98', attributes: { xcatmaster: VIP } }, /^cn98 of type node does not exist; creating it needs attributes\.groups/],
	[
		{ type: 'network', name: 'newnet', attributes: { tftpserver: VIP } },
		/^newnet of type network does not exist; creating it needs attributes\.net and attributes\.mask/,
	],
	[{ type: 'site', state: 'absent' }, /^type site cannot be absent/],
	[{ type: 'site', attributes: { master: `${VIP}\nnameservers=1.2.3.4` } }, /^value of attributes\.master must be one line/],
	[{ type: 'site', attributes: { 'master nameservers': VIP } }, /not an xCAT attribute name/],
];

Obj('refused inputs change nothing on mn1', async () => {
	const before = await dumpTables(MN);
	for (const [args, re] of REFUSED) {
		const { result } = await run(args);
		assert.is(result.failed, true, JSON.stringify(args));
		assert.match(result.msg, re, JSON.stringify(args));
		assert.equal(result.commands ?? [], [], JSON.stringify(args));
	}
	assert.is(await dumpTables(MN), before);
});

Obj.run();
