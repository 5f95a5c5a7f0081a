// The bundled double, run on this machine against a temporary root with SQLite, fed the
// outputs of real xCAT 2.19 (docs/xcat-behaviour.md) and compared byte for byte.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Root } from './harness';

const viaXcatd = { XCATBYPASS: '', XCAT_DOUBLE_NOXCATD: '1' }; // errors carry "[xcatmn]: " as through xcatd

const Observed = suite('observed outputs');
let r: Root;
Observed.before(() => {
	r = new Root('observed');
});
Observed.after(() => r.remove());

Observed('lsxcatd -a on SQLite', () => {
	const x = r.run('lsxcatd', ['-a'], viaXcatd);
	assert.is(x.stdout, 'Version 2.19.0 (git commit 7733d16f)\nThis is a Management Node\ndbengine=SQLite\n');
	assert.is(x.status, 0);
});

Observed('lsdef -t node with no nodes', () => {
	const x = r.run('lsdef', ['-t', 'node'], viaXcatd);
	assert.is(x.stdout, 'Could not find any object definitions to display.\n');
	assert.is(x.stderr, '');
	assert.is(x.status, 0);
});

Observed('site after initialisation: header, the observed rows, in the observed order', () => {
	r.ok('xcatconfig', '-d');
	const lines = r.ok('tabdump', 'site').split('\n');
	assert.is(lines[0], '#key,value,comments,disable');
	const want = [
		'"blademaxp","64",,',
		'"installdir","/install",,',
		'"master","198.51.100.11",,',
		'"nameservers","198.51.100.11",,',
		'"xcatdport","3001",,',
		'"xcatiport","3002",,',
		'"dnshandler","ddns",,',
		'"xcattlspolicy","modern",,',
	];
	const at = want.map((w) => lines.indexOf(w));
	assert.ok(
		at.every((i) => i > 0),
		`missing: ${want.filter((_, k) => at[k]! < 0).join(' ')}`,
	);
	assert.equal(
		[...at].sort((a, b) => a - b),
		at,
		'order',
	);
	assert.is(lines[1], '"blademaxp","64",,');
});

Observed('chtab / gettab / chtab -d round trips', () => {
	assert.is(r.ok('chtab', 'key=testkey', 'site.value=v1', 'site.comments=round trip'), '');
	assert.ok(r.ok('tabdump', 'site').split('\n').includes('"testkey","v1","round trip",'));
	r.ok('chtab', 'key=testkey', 'site.value=v2');
	assert.is(r.ok('gettab', 'key=testkey', 'site.value'), 'v2\n');
	r.ok('chtab', '-d', 'key=testkey', 'site');
	assert.not.ok(r.ok('tabdump', 'site').includes('testkey'));
});

Observed('chdef / lsdef / nodels round trips', () => {
	r.ok('mkdef', '-t', 'node', '-o', 'cn1-cn3', 'groups=compute,all', 'servicenode=sn1,sn2');
	const site = r.run('chdef', ['-t', 'site', 'clustersite', 'domain=xcat.lab'], viaXcatd);
	assert.is(site.stdout, '1 object definitions have been created or modified.\n');
	assert.is(site.status, 0);
	r.ok('chdef', '-t', 'node', '-o', 'cn3', '-m', 'groups=compute');
	assert.is(r.ok('lsdef', 'cn3', '-i', 'groups'), 'Object name: cn3\n    groups=all\n');
	r.ok('chdef', '-t', 'node', '-o', 'cn3', '-p', 'groups=rack1');
	assert.is(r.ok('lsdef', 'cn3', '-i', 'groups'), 'Object name: cn3\n    groups=all,rack1\n');
	assert.is(r.ok('nodels', 'rack1'), 'cn3\n');
	assert.is(r.ok('nodels', 'compute', 'noderes.servicenode'), 'cn1: sn1,sn2\ncn2: sn1,sn2\n');
	assert.is(r.ok('lsdef', '-t', 'node'), 'cn1  (node)\ncn2  (node)\ncn3  (node)\n');
	assert.is(r.ok('nodels', 'noderes.servicenode=~^sn1,-cn2'), 'cn1\ncn3\n', 'a selection in a noderange');
});

Observed('an attribute that is not valid for nodes: three errors, exit 1, the valid ones applied', () => {
	const x = r.run('chdef', ['cn3', 'comments=x', 'monserver=sn1,sn1'], viaXcatd);
	assert.is(
		x.stderr,
		"Error: [xcatmn]: 'comments' is not a valid attribute name for an object type of 'node'.\nError: [xcatmn]: Skipping to the next attribute.\nError: [xcatmn]: One or more errors occured when attempting to create or modify xCAT object definitions.\n",
	);
	assert.is(x.stdout, '');
	assert.is(x.status, 1);
	const l = r.run('lsdef', ['cn3', '-i', 'monserver,comments'], viaXcatd);
	assert.is(l.stderr, "Error: [xcatmn]: 'comments' is not a valid attribute name for an object type of 'node'.\n");
	assert.is(l.stdout, 'Object name: cn3\n    monserver=sn1,sn1\n');
});

Observed('the snmove "before" tables, byte for byte', () => {
	const set = (node: string, ...kv: string[]) => r.ok('chtab', `node=${node}`, ...kv);
	for (const n of ['cn1', 'cn2', 'cn3']) r.ok('rmdef', n);
	set('cn1', 'noderes.servicenode=sn1,sn2', 'noderes.tftpserver=sn1', 'noderes.nfsserver=sn1', 'noderes.monserver=sn1,sn1', 'noderes.xcatmaster=sn1');
	set(
		'cn2',
		'noderes.servicenode=sn1,sn2',
		'noderes.tftpserver=198.51.100.41',
		'noderes.nfsserver=198.51.100.31',
		'noderes.monserver=sn1,198.51.100.41',
		'noderes.xcatmaster=198.51.100.41',
	);
	set('cn3', 'noderes.servicenode=sn1,sn2', 'noderes.tftpserver=sn2', 'noderes.nfsserver=sn1', 'noderes.monserver=sn1', 'noderes.xcatmaster=sn1');
	set('cn4', 'noderes.servicenode=sn2,sn1', 'noderes.tftpserver=sn2', 'noderes.nfsserver=sn2', 'noderes.monserver=sn2,sn2', 'noderes.xcatmaster=sn2');
	for (const [n, c] of [
		['cn1', 'sn1'],
		['cn2', 'sn1'],
		['cn3', 'xcatmn'],
		['cn4', 'sn2'],
	])
		set(n!, 'nodehm.mgt=ipmi', 'nodehm.cons=ipmi', `nodehm.conserver=${c}`);
	assert.is(
		r.ok('tabdump', 'noderes'),
		`#node,servicenode,netboot,tftpserver,tftpdir,nfsserver,monserver,nfsdir,installnic,primarynic,discoverynics,cmdinterface,xcatmaster,current_osimage,next_osimage,nimserver,routenames,nameservers,proxydhcp,syslog,comments,disable
"cn1","sn1,sn2",,"sn1",,"sn1","sn1,sn1",,,,,,"sn1",,,,,,,,,
"cn2","sn1,sn2",,"198.51.100.41",,"198.51.100.31","sn1,198.51.100.41",,,,,,"198.51.100.41",,,,,,,,,
"cn3","sn1,sn2",,"sn2",,"sn1","sn1",,,,,,"sn1",,,,,,,,,
"cn4","sn2,sn1",,"sn2",,"sn2","sn2,sn2",,,,,,"sn2",,,,,,,,,
`,
	);
	assert.is(
		r.ok('tabdump', 'nodehm'),
		`#node,power,mgt,cons,termserver,termport,conserver,serialport,serialspeed,serialflow,getmac,cmdmapping,consoleondemand,consoleenabled,comments,disable
"cn1",,"ipmi","ipmi",,,"sn1",,,,,,,,,
"cn2",,"ipmi","ipmi",,,"sn1",,,,,,,,,
"cn3",,"ipmi","ipmi",,,"xcatmn",,,,,,,,,
"cn4",,"ipmi","ipmi",,,"sn2",,,,,,,,,
`,
	);
});

Observed("xcatd down: Client.pm's lines and the connect errno as exit status", () => {
	const x = r.run('tabdump', ['site'], { XCATBYPASS: '', XCATHOST: 'localhost:1' });
	assert.is(
		x.stdout,
		'Unable to open socket connection to xcatd daemon on localhost:1.\nVerify that the xcatd daemon is running and that your SSL setup is correct.\n',
	);
	assert.is(x.stderr, 'Connection failure: IO::Socket::INET: connect: Connection refused at /opt/xcat/lib/perl/xCAT/Client.pm line 248.\n');
	assert.is(x.status, 111);
	assert.is(r.run('chtab', ['key=a', 'site.value=b'], { XCATBYPASS: '', XCATHOST: 'localhost:1' }).status, 0, 'chtab does not need xcatd');
});

const Texts = suite('error texts and exit codes');
let t: Root;
Texts.before(() => {
	t = new Root('texts');
	t.ok('mkdef', 'cn[1-2]', 'groups=compute,all');
});
Texts.after(() => t.remove());

const check = (args: [string, string[]], stderr: string, status: number, stdout = '') => {
	const x = t.run(args[0], args[1], viaXcatd);
	assert.is(x.stderr, stderr);
	assert.is(x.stdout, stdout);
	assert.is(x.status, status);
};

Texts('tabdump', () => {
	check(['tabdump', ['foo']], 'Error: [xcatmn]: No such table: foo\n', 1);
	check(['tabdump', ['mac']], '', 0, '#node,interface,mac,comments,disable\n');
});

Texts('nodels', () => {
	check(['nodels', ['cn1,foo']], 'Error: Invalid nodes and/or groups in noderange: foo\n', 1);
	check(['nodels', ['cn1', 'foo.bar']], 'Error: [xcatmn]: foo.bar not a valid table.column description\n', 1);
	check(
		['nodels', ['cn[1-2]', 'noderes.servicenode', 'groups']],
		'',
		0,
		'cn1: noderes.servicenode: \ncn1: groups: compute,all\ncn2: noderes.servicenode: \ncn2: groups: compute,all\n',
	);
	check(['nodels', ['-H', 'cn1', 'groups']], '', 0, 'cn1: groups: compute,all\n');
	check(['nodels', ['all', 'groups==compute,all']], '', 0, 'cn1\ncn2\n');
});

Texts('lsdef, chdef, mkdef, rmdef', () => {
	check(['lsdef', ['cn9']], "Error: [xcatmn]: Could not find an object named 'cn9' of type 'node'.\n", 1, 'No object definitions have been found\n');
	check(
		['mkdef', ['cn1', 'groups=all']],
		"Warning: [xcatmn]: A definition for 'cn1' already exists. No changes will be made.  Run again with '-f' option to force replace.\nError: [xcatmn]: 0 object definitions have been created or modified.\n",
		1,
	);
	check(
		['chdef', ['cn5', 'xcatmaster=sn1', 'groups=all']],
		'',
		0,
		"1 object definitions have been created or modified.\nNew object definitions 'cn5' have been created.\n",
	);
	check(['chdef', ['-t', 'foo', 'x']], "Error: [xcatmn]: \nType 'foo' is not a valid xCAT object type.\n", 1);
	check(['rmdef', ['cn5']], '', 0, '1 object definitions have been removed.\n');
	check(
		['rmdef', ['cn5']],
		"Error: [xcatmn]: Could not find an object named 'cn5' of type 'node'.\n",
		1,
		'No objects have been removed from the xCAT database.\n',
	);
});

Texts('chtab: NULL versus empty, += without duplicates, blank inserts skipped', () => {
	t.ok('chtab', 'key=k1', 'site.value=');
	assert.not.ok(t.ok('tabdump', 'site').includes('"k1"'), 'an insert of only blanks is skipped');
	t.ok('chtab', 'key=k1', 'site.value=x', 'site.comments=');
	assert.ok(t.ok('tabdump', 'site').includes('"k1","x","",\n'));
	t.ok('chtab', 'key=k1', 'site.comments=NULL');
	assert.ok(t.ok('tabdump', 'site').includes('"k1","x",,\n'));
	t.ok('chtab', 'node=cn1', 'noderes.servicenode=sn1,sn2');
	t.ok('chtab', 'node=cn1', 'noderes.servicenode+=sn2,sn3');
	assert.is(t.ok('gettab', 'node=cn1', 'noderes.servicenode'), 'sn1,sn2,sn3\n');
	const x = t.run('chtab', ['key=a', 'nosuch.value=b']);
	assert.is(x.stdout, 'Table nosuch does not exist.\n');
	assert.is(x.status, 1);
});

Texts('tabdump -w filters', () => {
	assert.is(t.ok('tabdump', '-w', 'node==cn1', 'noderes'), `${t.ok('tabdump', 'noderes').split('\n')[0]}\n"cn1","sn1,sn2,sn3",,,,,,,,,,,,,,,,,,,,\n`);
	assert.is(t.ok('tabdump', '-w', 'key=~xcat%port', 'site').split('\n').length, 2, 'no row matches before initialisation');
});

Observed.run();
Texts.run();
