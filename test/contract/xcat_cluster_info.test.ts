// xcat_cluster_info's bundle, run as Ansible runs it, reading the real crm_mon: a CIB made with pcs -f
// (the shape xcat_cluster makes), brought up by crm_simulate, and read through CIB_file as on a live
// node. No cluster runs here, so corosync-qdevice-tool cannot answer: the error path of the quorum device.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runModule, type RunOpts } from '../../tools/lab/run-module';

let dir = '';
/** the module's result, as Ansible reads it */
const info = async (args: Record<string, unknown>, o: RunOpts = {}) => (await runModule('xcat_cluster_info', args, o)).result as Record<string, any>;
const ARGS = { group: 'xcat', mns: ['mn1', 'mn2'], vip_resource: 'xcat-vip' };

function withCib<T>(file: string, f: () => Promise<T>): Promise<T> {
	process.env.CIB_file = file;
	return f().finally(() => delete process.env.CIB_file);
}

const I = suite('xcat_cluster_info against crm_mon (CIB_file, crm_simulate)');
I.before(() => {
	dir = mkdtempSync(join(tmpdir(), 'xcat-cluster-info-'));
	const base = join(dir, 'base.xml');
	writeFileSync(base, execFileSync('cibadmin', ['--empty'], { encoding: 'utf8' }));
	const p = (...a: string[]) => execFileSync('pcs', ['-f', base, ...a], { stdio: 'ignore' });
	p('property', 'set', 'stonith-enabled=true', 'no-quorum-policy=stop');
	for (const n of ['mn1', 'mn2'])
		p('stonith', 'create', `fence-${n}`, 'fence_ipmilan', 'ip=192.0.2.1', 'username=admin', 'password=x', `pcmk_host_list=${n}`);
	p('resource', 'create', 'xcat-vip', 'ocf:heartbeat:IPaddr2', 'ip=192.0.2.10', 'cidr_netmask=24', '--group', 'xcat', '--no-default-ops');
	p('resource', 'create', 'xcat-xcatd', 'ocf:pacemaker:Dummy', '--group', 'xcat', '--no-default-ops');
	// both nodes up with quorum, the controller's DC recorded (crm_mon reads quorum through it)
	execFileSync('crm_simulate', ['--quiet', '-x', base, '-u', 'mn1', '-u', 'mn2', '-q', '1', '-S', '-O', join(dir, 'up.xml')], { stdio: 'ignore' });
	execFileSync('cibadmin', ['--modify', '--xml-text', '<cib dc-uuid="mn1"/>'], { env: { ...process.env, CIB_file: join(dir, 'up.xml') } });
});
I.after(() => rmSync(dir, { recursive: true, force: true }));

I('the group on mn1: the verdict of the status report, changed false, the same in check mode', async () => {
	for (const check of [false, true]) {
		const r = await withCib(join(dir, 'up.xml'), () => info(ARGS, { check }));
		assert.is(r.failed, undefined, JSON.stringify(r));
		assert.equal([r.changed, r.active, r.vip_on, r.failover_safe, r.ready_standbys], [false, 'mn1', ['mn1'], true, ['mn2']]);
		assert.equal(r.reasons, []);
		assert.equal(r.notices, []);
		assert.is(r.warnings, undefined, "the verdict's warnings are notices: Ansible would take a warnings key as its own");
		assert.equal(r.cluster.groups, { xcat: ['xcat-vip', 'xcat-xcatd'] });
	}
});

I('quorum_device net where no qdevice runs: a notice that it cannot be asked, not a failure', async () => {
	const r = await withCib(join(dir, 'up.xml'), () => info({ ...ARGS, quorum_device: 'net' }));
	assert.is(r.failed, undefined, JSON.stringify(r));
	assert.ok(r.quorum_device.error, JSON.stringify(r.quorum_device));
	assert.match(r.notices.join('\n'), /^the quorum device cannot be asked \(corosync-qdevice-tool -s: /m);
	assert.is(r.failover_safe, true, 'a quorum device that does not vote is no reason to refuse a failover');
});

I('crm_mon fails (no CIB): the module fails with the command and what to check', async () => {
	const r = await withCib(join(dir, 'missing.xml'), () => info(ARGS));
	assert.is(r.failed, true);
	// crm_mon exits 0 here, with only its error in the XML; a stopped Pacemaker exits non-zero
	assert.match(
		r.msg,
		/^crm_mon (printed no cluster status: crm_mon shows no cluster: Could not connect to the CIB|--one-shot --output-as=xml failed \(rc \d+\))/,
	);
});

I('bad input fails before anything runs, naming the option, the value and what is allowed', async () => {
	const empty = await info({ ...ARGS, mns: [] });
	assert.is(empty.failed, true);
	assert.match(empty.msg, /value of mns must name the MNs \(cluster node names\), got: \[\]/);
	const bad = await info({ ...ARGS, group: 'x;rm' });
	assert.is(bad.failed, true);
	assert.match(bad.msg, /group/);
	assert.match(bad.msg, /x;rm/);
	const model = await info({ ...ARGS, quorum_device: 'disk' });
	assert.is(model.failed, true);
	assert.match(model.msg, /value of quorum_device must be one of: net, got: disk/);
});

I.run();
