// xcat_snmove's bundle run as Ansible runs it, on this machine (no xCAT here): every bad input fails
// with its own message before anything is probed, and good input is refused because this is not an MN.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runModule } from '../../tools/lab/run-module';

const Bad = suite('xcat_snmove bad input: named, with what is allowed, before anything is probed');

const HOST_HINT = "a host name or IPv4 address (letters, digits, '.', '_', '-')";
const BAD: Array<[Record<string, unknown>, string]> = [
	[{}, 'one of the following is required: nodes, source'],
	[
		{ colour: 'red', source: 'sn1' },
		'Unsupported parameters for (xcat_snmove) module: colour. Supported parameters include: dest, dest_node_facing, ignore_nodes, nodes, postscripts, reconfigure_boot, source, source_node_facing, write_with.',
	],
	[{ source: 'sn1;reboot' }, `value of source must be ${HOST_HINT}, got: "sn1;reboot"`],
	[{ source: 'sn1', dest: '$(rm -rf /)' }, `value of dest must be ${HOST_HINT}, got: "$(rm -rf /)"`],
	[{ source: 'sn1', dest: 'sn2,sn3' }, `value of dest must be ${HOST_HINT}, got: "sn2,sn3"`],
	[{ source: 'sn1', dest_node_facing: 'sn2\nsn3' }, `value of dest_node_facing must be ${HOST_HINT}, got: "sn2\\nsn3"`],
	[{ source: 'sn1', source_node_facing: 'sn1 `id`' }, `value of source_node_facing must be ${HOST_HINT}, got: "sn1 \`id\`"`],
	[{ source: '-sn1' }, `value of source must be ${HOST_HINT}, got: "-sn1"`],
	[
		{ nodes: 'cn1;reboot', dest: 'sn2' },
		'value of nodes must be an xCAT noderange (e.g. cn1,cn[3-7],rack2), got: "cn1;reboot": it contains characters a noderange cannot have: ";"',
	],
	[
		{ nodes: 'cn1 cn2|x', dest: 'sn2' },
		'value of nodes must be an xCAT noderange (e.g. cn1,cn[3-7],rack2), got: "cn1 cn2|x": it contains characters a noderange cannot have: " " "|"',
	],
	[{ nodes: 'cn[1-', dest: 'sn2' }, 'value of nodes must be an xCAT noderange (e.g. cn1,cn[3-7],rack2), got: "cn[1-": a "[" is not closed'],
	[
		{ nodes: 'cn1,,cn2', dest: 'sn2' },
		'value of nodes must be an xCAT noderange (e.g. cn1,cn[3-7],rack2), got: "cn1,,cn2": it has an empty element (",," or a leading or trailing ",")',
	],
	[
		{ nodes: 'cn1,', dest: 'sn2' },
		'value of nodes must be an xCAT noderange (e.g. cn1,cn[3-7],rack2), got: "cn1,": it has an empty element (",," or a leading or trailing ",")',
	],
	[{ nodes: 'cn1)', dest: 'sn2' }, 'value of nodes must be an xCAT noderange (e.g. cn1,cn[3-7],rack2), got: "cn1)": a ")" has no "("'],
	[{ nodes: '', dest: 'sn2' }, 'value of nodes must be an xCAT noderange (e.g. cn1,cn[3-7],rack2), got: "": it is empty'],
	[{ nodes: 'cn1' }, 'nodes needs dest (or source): without a destination every node would go to its backup, and running it again would move it back'],
	[{ nodes: 'cn1', dest: 'sn1', source_node_facing: 'sn1-eth1' }, 'source_node_facing needs source (snmove -S goes with -s)'],
	[{ source: 'sn1', dest: 'sn1' }, 'dest must differ from source, both are sn1'],
	[
		{ source: 'sn1', ignore_nodes: true, postscripts: ['syslog'] },
		'postscripts cannot be combined with ignore_nodes: ignore_nodes runs nothing on the nodes',
	],
	[{ source: 'sn1', postscripts: ['all', 'syslog'] }, "postscripts: all stands alone (it runs every script in the nodes' lists), got: all,syslog"],
	[
		{ source: 'sn1', postscripts: ['../../bin/sh'] },
		`value of postscripts[0] must be a postscript name from /install/postscripts (letters, digits, '.', '_', '+', '-'), or all, got: "../../bin/sh"`,
	],
	[{ source: 'sn1', postscripts: [] }, 'postscripts must have at least 1 item(s), got: []'],
	[
		{ source: 'sn1', ignore_nodes: 'maybe' },
		`argument 'ignore_nodes' is of type str and we were unable to convert to bool: the value "maybe" is not a valid boolean; valid booleans are yes/no, on/off, true/false, 1/0`,
	],
];

Bad('every bad value fails with its message and runs no command', async () => {
	for (const [args, msg] of BAD) {
		const { result, exitCode } = await runModule('xcat_snmove', args);
		assert.is(result.failed, true, JSON.stringify(args));
		assert.is(result.msg, msg, JSON.stringify(args));
		assert.is(exitCode, 1, JSON.stringify(args));
		assert.not.ok(result.commands?.length, `${JSON.stringify(args)} ran ${JSON.stringify(result.commands)}`);
	}
});

Bad('several problems are reported together', async () => {
	const { result } = await runModule('xcat_snmove', { nodes: 'cn1;x', source_node_facing: 'a' });
	assert.match(result.msg, /value of nodes must be an xCAT noderange/);
	assert.match(result.msg, /nodes needs dest/);
	assert.match(result.msg, /source_node_facing needs source/);
});

Bad.run();

const Elsewhere = suite('xcat_snmove refuses to run anywhere but on an xCAT management node');

Elsewhere('good input on a host without xCAT is refused, in check mode too, and nothing runs', async () => {
	for (const check of [false, true]) {
		const { result } = await runModule('xcat_snmove', { source: 'sn1' }, { check });
		assert.is(result.failed, true);
		assert.is(result.msg, 'lsxcatd was not found: run xcat_snmove on the active xCAT management node');
		assert.equal(result.commands, []);
	}
});

Elsewhere.run();
