// The calls where the double of b1244d3 differed from real xCAT 2.19.0 (docs/xcat-behaviour.md#empty-results, "Empty
// results and daemon latency" and "Where the double of b1244d3 differed"), run on this machine against
// a temporary root with SQLite: stdout, stderr and exit code pinned per case.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { BUNDLE, Root, type Result } from './harness';

const viaXcatd = { XCATBYPASS: '', XCAT_DOUBLE_NOXCATD: '1' }; // errors carry "[xcatmn]: " as through xcatd

let r: Root;
const run = (cmd: string, ...args: string[]): Result => r.run(cmd, args, viaXcatd);
const pin = (x: Result, stdout: string, stderr: string, status: number, what = '') => {
	assert.is(x.stdout, stdout, `stdout ${what}`);
	assert.is(x.stderr, stderr, `stderr ${what}`);
	assert.is(x.status, status, `status ${what}`);
};
const row = (table: string, key: string) =>
	r
		.ok('tabdump', table)
		.split('\n')
		.find((l) => l.startsWith(`"${key}",`));

const csv = (name: string, text: string) => {
	mkdirSync(r.file('tmp'), { recursive: true });
	writeFileSync(r.file(`tmp/${name}`), text);
	return `/tmp/${name}`;
};

const Empty = suite('empty results');
Empty.before(() => {
	r = new Root('shapes');
	r.ok('xcatconfig', '-d');
	r.ok('mkdef', '-t', 'node', '-o', 'cn1,cn2', 'groups=compute,all', 'servicenode=sn1,sn2');
	r.ok('mkdef', '-t', 'network', '-o', 'net1', 'net=10.1.0.0', 'mask=255.255.0.0');
});
Empty.after(() => r.remove());

Empty('lsdef of nodes, groups and networks that are all missing: the stdout line, one error each, rc 1', () => {
	pin(
		run('lsdef', '-t', 'node', '-o', 'cn9'),
		'No object definitions have been found\n',
		"Error: [xcatmn]: Could not find an object named 'cn9' of type 'node'.\n",
		1,
	);
	pin(
		run('lsdef', '-t', 'node', '-o', 'cn8,cn9', '-i', 'xcatmaster', '-c'),
		'No object definitions have been found\n',
		"Error: [xcatmn]: Could not find an object named 'cn8' of type 'node'.\nError: [xcatmn]: Could not find an object named 'cn9' of type 'node'.\n",
		1,
	);
	pin(
		run('lsdef', '-t', 'group', '-o', 'nosuchgrp'),
		'No object definitions have been found\n',
		"Error: [xcatmn]: Could not find an object named 'nosuchgrp' of type 'group'.\n",
		1,
	);
	pin(
		run('lsdef', '-t', 'network', '-o', 'nosuchnet', '-l'),
		'No object definitions have been found\n',
		"Error: [xcatmn]: Could not find an object named 'nosuchnet' of type 'network'.\n",
		1,
	);
});

Empty('lsdef with one of the named objects present: no stdout line, an error for the missing one only', () => {
	pin(
		run('lsdef', '-t', 'node', '-o', 'cn1,cn9', '-i', 'servicenode', '-c'),
		'cn1: servicenode=sn1,sn2\n',
		"Error: [xcatmn]: Could not find an object named 'cn9' of type 'node'.\n",
		1,
	);
});

Empty('lsdef -t site -i of keys none of which is set: the stdout line and rc 0; one set: only its line', () => {
	pin(run('lsdef', '-t', 'site', '-o', 'clustersite', '-i', 'nosuchkey1,nosuchkey2', '-c'), 'No object definitions have been found\n', '', 0);
	pin(run('lsdef', '-t', 'site', '-o', 'clustersite', '-i', 'master,nosuchkey1', '-c'), 'clustersite: master=198.51.100.11\n', '', 0);
});

Empty('lsdef -w that matches nothing: the stdout line, rc 0; no nodes at all: the other line', () => {
	pin(run('lsdef', '-t', 'node', '-w', 'servicenode==nosuch'), 'No object definitions have been found\n', '', 0);
	const bare = new Root('shapes-bare');
	try {
		pin(bare.run('lsdef', ['-t', 'node'], viaXcatd), 'Could not find any object definitions to display.\n', '', 0);
	} finally {
		bare.remove();
	}
});

const Clear = suite('the three kinds of clearing');
Clear.before(() => {
	r = new Root('clearing');
	r.ok('xcatconfig', '-d');
	r.ok('mkdef', '-t', 'node', '-o', 'cn1', 'groups=compute,all', 'nfsserver=sn1', 'xcatmaster=sn1');
});
Clear.after(() => r.remove());

Clear('chdef node attr= makes the column NULL', () => {
	pin(run('chdef', '-t', 'node', '-o', 'cn1', 'nfsserver='), '1 object definitions have been created or modified.\n', '', 0);
	assert.is(row('noderes', 'cn1'), '"cn1",,,,,,,,,,,,"sn1",,,,,,,,,');
});

Clear('chdef site key= deletes the site row', () => {
	r.ok('chdef', '-t', 'site', 'dhcpinterfaces=host0');
	assert.is(row('site', 'dhcpinterfaces'), '"dhcpinterfaces","host0",,');
	pin(run('chdef', '-t', 'site', '-o', 'clustersite', 'dhcpinterfaces='), '1 object definitions have been created or modified.\n', '', 0);
	assert.is(row('site', 'dhcpinterfaces'), undefined);
	pin(run('lsdef', '-t', 'site', '-o', 'clustersite', '-i', 'dhcpinterfaces', '-c'), 'No object definitions have been found\n', '', 0);
});

Clear('chtab col=NULL: SQL NULL on an existing row, the string "NULL" when it inserts one', () => {
	r.ok('chtab', 'key=k1', 'site.value=v', 'site.comments=c');
	assert.is(r.ok('chtab', 'key=k1', 'site.comments=NULL'), '');
	assert.is(row('site', 'k1'), '"k1","v",,');
	r.ok('chtab', 'key=k2', 'site.value=NULL');
	assert.is(row('site', 'k2'), '"k2","NULL",,');
	assert.is(r.ok('gettab', 'key=k2', 'site.value'), 'NULL\n');
	r.ok('chtab', 'node=cn1', 'noderes.xcatmaster=NULL');
	assert.is(row('noderes', 'cn1'), '"cn1",,,,,,,,,,,,,,,,,,,,,');
});

Clear('chdef of a node attribute that has no row yet inserts nothing (Table.pm skips blank inserts)', () => {
	const before = r.ok('tabdump', 'nodehm');
	pin(run('chdef', 'cn1', 'conserver='), '1 object definitions have been created or modified.\n', '', 0);
	assert.is(r.ok('tabdump', 'nodehm'), before);
});

const Define = suite('chdef, mkdef and rmdef shapes');
Define.before(() => {
	r = new Root('define');
	r.ok('xcatconfig', '-d');
	r.ok('mkdef', '-t', 'node', '-o', 'cn1', 'groups=compute,all');
	r.ok('mkdef', '-t', 'node', '-o', 'cn2', 'groups=compute,all');
	r.ok('mkdef', '-t', 'node', '-o', 'cn3', 'groups=compute,all');
});
Define.after(() => r.remove());

Define('chdef of an unknown node without groups: rc 1, two errors, nothing created', () => {
	const nodelist = r.ok('tabdump', 'nodelist');
	const noderes = r.ok('tabdump', 'noderes');
	pin(
		run('chdef', '-t', 'node', '-o', 'nosuch', 'xcatmaster=x'),
		'',
		"Error: [xcatmn]: Attribute 'groups' is not specified for node 'nosuch', skipping to the next node.\nError: [xcatmn]: One or more errors occured when attempting to create or modify xCAT object definitions.\n",
		1,
	);
	assert.is(r.ok('tabdump', 'nodelist'), nodelist);
	assert.is(r.ok('tabdump', 'noderes'), noderes);
	pin(
		run('chdef', '-t', 'node', '-o', 'nosuch', 'groups=', 'xcatmaster=x'),
		'',
		"Error: [xcatmn]: Attribute 'groups' is not specified for node 'nosuch', skipping to the next node.\nError: [xcatmn]: One or more errors occured when attempting to create or modify xCAT object definitions.\n",
		1,
		'an empty groups is none',
	);
});

Define('chdef of an unknown node with groups creates it', () => {
	pin(
		run('chdef', '-t', 'node', '-o', 'cn4', 'groups=compute,all', 'xcatmaster=sn1'),
		"1 object definitions have been created or modified.\nNew object definitions 'cn4' have been created.\n",
		'',
		0,
	);
	assert.is(r.ok('nodels', 'cn4', 'noderes.xcatmaster'), 'cn4: sn1\n');
});

Define('chdef/mkdef of a new network without net and mask: the error, nothing created', () => {
	pin(
		run('chdef', '-t', 'network', '-o', 'newnet', 'gateway=10.0.0.1'),
		'',
		"Error: [xcatmn]: Net or mask value should not be empty for xCAT network object 'newnet'.\nError: [xcatmn]: One or more errors occured when attempting to create or modify xCAT object definitions.\n",
		1,
	);
	assert.not.match(r.ok('tabdump', 'networks'), 'newnet');
});

Define('mkdef of an existing node: a warning, then "0 object definitions" as an error, rc 1', () => {
	pin(
		run('mkdef', '-t', 'node', '-o', 'cn1', 'groups=all'),
		'',
		"Warning: [xcatmn]: A definition for 'cn1' already exists. No changes will be made.  Run again with '-f' option to force replace.\nError: [xcatmn]: 0 object definitions have been created or modified.\n",
		1,
	);
});

Define('mkdef of a static group without members: rc 0 and a warning', () => {
	pin(
		run('mkdef', '-t', 'group', '-o', 'newgrp', 'xcatmaster=sn1'),
		'1 object definitions have been created or modified.\n',
		"Warning: [xcatmn]: Cannot determine a member list for group 'newgrp'.\n",
		0,
	);
});

Define('lsdef of a group: members in table order, no grouptype line; -i members -c in stanza form', () => {
	pin(run('lsdef', '-t', 'group', '-o', 'compute'), 'Object name: compute\n    members=cn1,cn2,cn3,cn4\n', '', 0);
	pin(run('lsdef', '-t', 'group', '-o', 'compute', '-i', 'members', '-c'), '    members=cn1,cn2,cn3,cn4\n', '', 0);
});

Define('rmdef: found objects counted, missing ones an error each, "No objects" when none was found', () => {
	pin(
		run('rmdef', '-t', 'node', '-o', 'cn3,cn9'),
		'1 object definitions have been removed.\n',
		"Error: [xcatmn]: Could not find an object named 'cn9' of type 'node'.\n",
		1,
	);
	pin(
		run('rmdef', '-t', 'node', '-o', 'cn3'),
		'No objects have been removed from the xCAT database.\n',
		"Error: [xcatmn]: Could not find an object named 'cn3' of type 'node'.\n",
		1,
	);
	pin(run('rmdef', '-t', 'group', '-o', 'newgrp'), '1 object definitions have been removed.\n', '', 0);
	pin(
		run('rmdef', '-t', 'network', '-o', 'nosuchnet'),
		'No objects have been removed from the xCAT database.\n',
		"Error: [xcatmn]: Could not find an object named 'nosuchnet' of type 'network'.\n",
		1,
	);
});

const Misc = suite('other calls that differed');
Misc.before(() => {
	r = new Root('misc');
	r.ok('xcatconfig', '-d');
	r.ok('mkdef', '-t', 'node', '-o', 'cn1', 'groups=compute,all');
});
Misc.after(() => r.remove());

Misc("an invalid noderange: xcatd's own error, without the [host] tag", () => {
	pin(run('nodels', 'nosuch2'), '', 'Error: Invalid nodes and/or groups in noderange: nosuch2\n', 1);
	pin(run('nodels', 'cn1,nosuch2'), '', 'Error: Invalid nodes and/or groups in noderange: nosuch2\n', 1);
	pin(run('xdsh', 'nosuch2', 'true'), '', 'Error: Invalid nodes and/or groups in noderange: nosuch2\n', 1);
});

Misc('nodeset of a node without noderes.netboot: xcatd finds no plugin, whatever the state, rc 1', () => {
	const err =
		'cn1: [xcatmn]: Error: Unable to identify plugin for this command, check relevant tables: noderes.netboot=(grub2[-]?.*);nodehm.mgt;nodehm.mgt=switch\n';
	for (const state of ['install', 'osimage=nosuch', 'boot', 'shell', 'stat']) pin(run('nodeset', 'cn1', state), '', err, 1, state);
	r.ok('chdef', 'cn1', 'netboot=xnba');
	pin(run('nodeset', 'cn1', 'boot'), 'cn1: boot\n', '', 0, 'with netboot');
});

Misc('dumpxCATdb -p into a new directory says it creates it', () => {
	const x = run('dumpxCATdb', '-p', '/new/dir');
	assert.is(x.stdout, ' Creating /new/dir for database dump\nBackup Complete.\n');
	assert.is(x.status, 0);
	assert.is(run('dumpxCATdb', '-p', '/new/dir').stdout, 'Backup Complete.\n', 'an existing directory');
});

Misc('tabdump into a reader that closes early: nothing on stderr', () => {
	const rows = Array.from({ length: 2000 }, (_, i) => `"filler${i}","${'x'.repeat(200)}",,`).join('\n');
	pin(run('tabrestore', csv('site.csv', `#key,value,comments,disable\n${rows}\n`)), '', '', 0);
	const x = spawnSync('sh', ['-c', `node ${BUNDLE} tabdump site | head -1`], { env: { ...r.env, ...viaXcatd }, encoding: 'utf8' });
	assert.is(x.stdout, '#key,value,comments,disable\n');
	assert.is(x.stderr, '');
});

Misc('makedns -n names every line of /etc/hosts, localhost too, and restarts bind9 first', () => {
	r.ok('chdef', '-t', 'site', 'domain=xcat.lab', 'nameservers=198.51.100.11', 'master=198.51.100.11'); // the tabdump case above replaced site
	mkdirSync(r.file('etc/bind'), { recursive: true });
	const x = run('makedns', '-n');
	assert.is(x.status, 0, x.stderr);
	assert.is(
		x.stdout
			.split('\n')
			.filter((l) => l.startsWith('Handling '))
			.join('\n'),
		'Handling localhost in /etc/hosts.\nHandling xcatmn in /etc/hosts.\nHandling sn1 in /etc/hosts.\nHandling sn2 in /etc/hosts.\nHandling cn1 in /etc/hosts.',
	);
	assert.match(x.stdout, /\nRestarting bind9\nRestarting named complete\n/);
});

const Restore = suite('tabrestore');
Restore.before(() => {
	r = new Root('tabrestore');
	r.ok('xcatconfig', '-d');
	mkdirSync(r.file('tmp'), { recursive: true });
});
Restore.after(() => r.remove());

Restore('replaces every row of the table named by the file, silently, rc 0', () => {
	r.ok('chtab', 'node=old', 'noderes.xcatmaster=x');
	const f = csv('noderes.csv', '#node,servicenode,xcatmaster,comments\n"cn1","sn1,sn2","sn1",\n"cn2",,"",\n');
	pin(run('tabrestore', f), '', '', 0);
	assert.is(r.ok('tabdump', 'noderes').split('\n').slice(1).join('\n'), '"cn1","sn1,sn2",,,,,,,,,,,"sn1",,,,,,,,,\n"cn2",,,,,,,,,,,,"",,,,,,,,,\n');
});

Restore('-a adds the rows to what is there', () => {
	const f = csv('noderes.new.csv', '#node,xcatmaster\n"cn3","sn2"\n');
	pin(run('tabrestore', '-a', f), '', '', 0);
	assert.equal(
		r
			.ok('tabdump', 'noderes')
			.split('\n')
			.slice(1, -1)
			.map((l) => l.split(',')[0]),
		['"cn1"', '"cn2"', '"cn3"'],
	);
	const before = r.ok('tabdump', 'noderes');
	pin(
		run('tabrestore', '-a', csv('noderes.csv', '#node,xcatmaster\n"cn4","sn2"\n"cn3","sn1"\n')),
		'',
		'Error: [xcatmn]: DB error UNIQUE constraint failed: noderes.node with line 1: "cn3","sn1"\n',
		4,
		'a key that exists: the table rolled back',
	);
	assert.is(r.ok('tabdump', 'noderes'), before);
});

Restore('a bad header or column, an unreadable file, no file: nothing changes', () => {
	const before = r.ok('tabdump', 'noderes');
	pin(run('tabrestore', csv('noderes.csv', '"cn9","sn1"\n')), '', 'Error: [xcatmn]: Data missing header line starting with #\n', 1);
	pin(
		run('tabrestore', csv('noderes.csv', '#node,nosuchcol\n"cn9","x"\n')),
		'',
		"Error: [xcatmn]: The header line indicates that column 'nosuchcol' should exist, which is not defined in the schema for 'noderes'\n",
		1,
	);
	pin(run('tabrestore', '/tmp/nosuch.csv'), 'Error: Unable to open /tmp/nosuch.csv for reading.\n', '', 3);
	const usage =
		'Usage: tabrestore <tablename>.csv\n       tabrestore -a <tablename>.csv\n       tabrestore [-?|-h|--help]\n       tabrestore [-v|--version]\n';
	pin(run('tabrestore'), usage, '', 2);
	assert.is(r.ok('tabdump', 'noderes'), before);
});

Restore('a bad record rolls the whole table back (error code 4)', () => {
	const before = r.ok('tabdump', 'noderes');
	pin(
		run('tabrestore', csv('noderes.csv', '#node,xcatmaster\n"cn7","sn1"\n"cn8","sn1","extra"\n')),
		'',
		'Error: [xcatmn]: Too many fields on line 1: "cn8","sn1","extra"\n',
		4,
	);
	assert.is(r.ok('tabdump', 'noderes'), before);
});

Restore('a table xCAT does not have', () => {
	pin(run('tabrestore', csv('nosuchtable.csv', '#a,b\n')), '', 'Error: [xcatmn]: Unable to open nosuchtable\n', 4);
});

Empty.run();
Clear.run();
Define.run();
Misc.run();
Restore.run();
