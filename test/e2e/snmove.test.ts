// Service-node takeover on the lab, through playbooks/snmove.yml as an admin runs it: preview, bad
// input, a dead destination, sn1 losing power and its nodes moving to sn2, the second run, and the
// way back. The lab's cluster keeps one compute node, cn1 (the real host): the made-up cn2…cn8 have
// no host to run postscripts on. Run: flock .lab.lock npx tsx node_modules/uvu/bin.js test/e2e 'snmove\.test\.ts$'
import { execa } from 'execa';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../../tools/lab/env';
import { ensureLab, ok, playbook, recap, resetLab, type PlaybookRun } from '../../tools/lab/lab';

const Snmove = suite('snmove.yml on the lab');

const move = (...extra: string[]) =>
	playbook(
		'playbooks/snmove.yml',
		extra.flatMap((e) => ['-e', e]),
	);
const preview = (...extra: string[]) => playbook('playbooks/snmove.yml', [...extra.flatMap((e) => ['-e', e]), '--check', '--diff']);

async function fault(name: 'power-off' | 'power-on', host: string): Promise<void> {
	await execa('bash', [join(ROOT, 'test/lab/faults', name), host], { cwd: ROOT, env: { ...process.env, XCAT_HA_LAB_DIR: join(ROOT, '.lab') } });
	// power-on rewrites the host's authorized_keys with the lab key alone (test/lab/lib/host-disk.sh),
	// dropping the MNs' keys a real repaired SN would still have: the provision hook puts them back
	if (name === 'power-on') ensureLab();
}

/** What a move changes anywhere: the node tables, consoles on mn1 and sn2, boot files, cn1's xcatinfo and xCAT log. */
async function world(withSn2 = true): Promise<Record<string, string>> {
	const mn1 = await ok(
		'mn1',
		`for t in noderes nodehm nodetype; do tabdump $t; done; echo ---; cat /etc/conserver.cf 2>/dev/null || true; echo ---
		for f in /tftpboot/xcat/xnba/nodes/*; do [ -e "$f" ] && { echo "== $f"; cat "$f"; }; done; true`,
	);
	const cn1 = await ok('cn1', 'cat /opt/xcat/xcatinfo /var/log/xcat/xcat.log 2>/dev/null || true');
	const sn2 = withSn2 ? await ok('sn2', 'cat /etc/conserver.cf 2>/dev/null || true') : '(sn2 is off)';
	return { mn1, cn1, sn2 };
}

const tables = () => ok('mn1', 'tabdump noderes; tabdump nodehm');
const output = (run: PlaybookRun) => `${run.stdout}\n${run.stderr}`;

let original = '';

Snmove.before(async () => {
	resetLab();
	await ok('mn1', 'rmdef -t node -o cn2,cn3,cn4,cn5,cn6,cn7,cn8 >/dev/null');
	original = await tables();
	assert.match(original, /"cn1","sn1,sn2",,"sn1",,"sn1","sn1,sn1"/);
});

Snmove("check mode previews the move of sn1's nodes, with the per-node diff, and touches nothing", async () => {
	const before = await world();
	const run = await preview('xcat_snmove_source=sn1');
	assert.is(run.status, 0, output(run));
	assert.is(recap(run.stdout, 'mn1').changed, 1, run.stdout);
	assert.is(recap(run.stdout, 'mn2').changed, 0, 'the standby MN runs nothing');
	assert.match(run.stdout, /"servicenode": "sn2,sn1"/);
	assert.match(run.stdout, /moved 1 node\(s\) to sn2/);
	assert.equal(await world(), before);
});

Snmove('bad input fails clearly and leaves the database as it was', async () => {
	const before = await world();
	const cases: [string[], RegExp][] = [
		[
			['xcat_snmove_nodes=cn1;reboot', 'xcat_snmove_dest=sn2'],
			/value of nodes must be an xCAT noderange .*it contains characters a noderange cannot have: \\?";\\?"/,
		],
		[['xcat_snmove_nodes=cn1,nosuch', 'xcat_snmove_dest=sn2'], /Invalid nodes and\/or groups in noderange: nosuch/],
		[['xcat_snmove_nodes=cn[1-', 'xcat_snmove_dest=sn2'], /a \\?"\[\\?" is not closed/],
		[['xcat_snmove_nodes=cn1'], /nodes needs dest/],
		[['xcat_snmove_source=sn1', 'xcat_snmove_dest=$(reboot)'], /value of dest must be a host name/],
		[['xcat_snmove_source=sn1', 'xcat_snmove_dest=mn2'], /mn2 is not a defined service node/],
		[['xcat_snmove_nodes=cn1', 'xcat_snmove_dest=cn1'], /the destination service node is the node itself/],
		[['xcat_snmove_source=sn1', 'xcat_snmove_mn=sn1'], /exactly one active xCAT management node, found 0/],
	];
	for (const [vars, message] of cases) {
		const run = await move(...vars);
		assert.is.not(run.status, 0, vars.join(' '));
		assert.match(output(run), message, vars.join(' '));
	}
	assert.equal(await world(), before);
});

Snmove('a destination that is down is refused, with or without dest_node_facing, and nothing changes', async () => {
	const before = await world();
	await fault('power-off', 'sn2');
	try {
		const asked = await move('xcat_snmove_source=sn1');
		assert.is.not(asked.status, 0);
		assert.match(output(asked), /could not get the IP addresses of service node sn2/);
		const given = await move('xcat_snmove_source=sn1', 'xcat_snmove_dest_node_facing=sn2');
		assert.is.not(given.status, 0);
		assert.match(output(given), /the destination service node does not answer, so nothing was changed/);
		assert.equal(await world(false), { ...before, sn2: '(sn2 is off)' });
	} finally {
		await fault('power-on', 'sn2');
	}
});

Snmove('sn1 loses power: its node moves to sn2, console and boot files follow, cn1 learns its new server', async () => {
	await fault('power-off', 'sn1');
	const run = await move('xcat_snmove_source=sn1');
	assert.is(run.status, 0, output(run));
	assert.is(recap(run.stdout, 'mn1').changed, 1);
	// the new xcatmaster is sn2's address in cn1's network, as snmove stores it (snmove.pm 420, 500)
	assert.match(await tables(), /"cn1","sn2,sn1",,"198\.51\.100\.22",,"198\.51\.100\.22","sn2,198\.51\.100\.22",,,,,,"198\.51\.100\.22",/);
	assert.match(await tables(), /"cn1",,,,,,"sn2",/);
	assert.match(await ok('cn1', 'cat /opt/xcat/xcatinfo'), /^XCATSERVER=198\.51\.100\.22$/m);
	const log = await ok('cn1', 'cat /var/log/xcat/xcat.log');
	assert.match(log, /updatenode -s via sn2: XCATSERVER=198\.51\.100\.22/);
	assert.match(log, /updatenode -P syslog via sn2 MASTER=198\.51\.100\.22/);
	assert.match(log, /updatenode -P setupntp via sn2 MASTER=198\.51\.100\.22/);
	assert.match(await ok('mn1', 'cat /etc/conserver.cf'), /console cn1 \{ type exec; master sn2; \}/);
	assert.match(await ok('sn2', 'cat /etc/conserver.cf'), /console cn1 \{ exec \/opt\/xcat\/share\/xcat\/cons\/ipmi cn1; \}/);
	assert.match(await ok('mn1', 'cat /tftpboot/xcat/xnba/nodes/cn1'), /xcatmaster=198\.51\.100\.22 tftpserver=198\.51\.100\.22/);
});

Snmove('a second run moves nothing and says so', async () => {
	const before = await world();
	const run = await move('xcat_snmove_source=sn1');
	assert.is(run.status, 0, output(run));
	assert.is(recap(run.stdout, 'mn1').changed, 0, run.stdout);
	assert.equal(await world(), before);
});

Snmove("when sn1 is back, the node moves back: the tables as they were, with sn1's address where snmove computes one", async () => {
	await fault('power-on', 'sn1');
	const checked = await preview('xcat_snmove_nodes=cn1', 'xcat_snmove_dest=sn1');
	assert.is(checked.status, 0, output(checked));
	assert.is(recap(checked.stdout, 'mn1').changed, 1);
	const run = await move('xcat_snmove_nodes=cn1', 'xcat_snmove_dest=sn1');
	assert.is(run.status, 0, output(run));
	assert.is(recap(run.stdout, 'mn1').changed, 1);
	// the setup wrote sn1's name; snmove writes the address it computed (198.51.100.21) in its place
	const cn1Back = '"cn1","sn1,sn2",,"198.51.100.21",,"198.51.100.21","sn1,198.51.100.21",,,,,,"198.51.100.21",';
	assert.is(await tables(), original.replace(/^"cn1","sn1,sn2",,"sn1",,"sn1","sn1,sn1",,,,,,"sn1",/m, cn1Back));
	assert.match(await ok('cn1', 'cat /opt/xcat/xcatinfo'), /^XCATSERVER=198\.51\.100\.21$/m);
	assert.match(await ok('cn1', 'tail -n 3 /var/log/xcat/xcat.log'), /via sn1/);
	assert.match(await ok('mn1', 'cat /tftpboot/xcat/xnba/nodes/cn1'), /xcatmaster=198\.51\.100\.21 tftpserver=198\.51\.100\.21/);
	const again = await move('xcat_snmove_nodes=cn1', 'xcat_snmove_dest=sn1');
	assert.is(again.status, 0, output(again));
	assert.is(recap(again.stdout, 'mn1').changed, 0);
});

Snmove('a compute node that is down fails the run, after the others got their new server, and the list says what to redo', async () => {
	await ok(
		'mn1',
		'mkdef -t node -o cn3 groups=compute,all servicenode=sn1,sn2 xcatmaster=sn1 tftpserver=sn1 nfsserver=sn1 monserver=sn1,sn1 conserver=sn1 >/dev/null',
	);
	const run = await move('xcat_snmove_source=sn1');
	assert.is.not(run.status, 0);
	const text = output(run);
	assert.match(text, /The nodes are moved in the xCAT database, but 2 command\(s\) failed/);
	assert.match(text, /"failed_commands": \["updatenode cn1,cn3 -s", "updatenode cn1,cn3 -P syslog,setupntp"\]/);
	assert.match(text, /cn3: ssh: connect to host cn3 port 22/);
	assert.match(await tables(), /"cn3","sn2,sn1",,"198\.51\.100\.22",,"198\.51\.100\.22","sn2,198\.51\.100\.22",,,,,,"198\.51\.100\.22",/);
	assert.match(await ok('cn1', 'cat /opt/xcat/xcatinfo'), /^XCATSERVER=198\.51\.100\.22$/m, 'cn1 is up: it got its new server');
	assert.match(await ok('cn1', 'tail -n 2 /var/log/xcat/xcat.log'), /updatenode -P setupntp via sn2/);
	const again = await move('xcat_snmove_source=sn1');
	assert.is(again.status, 0, output(again));
	assert.is(recap(again.stdout, 'mn1').changed, 0);
});

Snmove.run();
