// The state of the Pacemaker cluster that runs an xCAT pair, as this node sees it, with the readiness
// verdict of the status report (who is active, whether a failover would be safe now, and why not).
// Reads only: crm_mon, and corosync-qdevice-tool when the pair has a quorum device.
import { defineModule, ModuleError, readOk } from '../runtime';
import { parseCrmMon, parseQdeviceStatus, quorumDeviceWarning, readiness } from '../xcat_cluster/status';
import { options } from './options';

/** a node whose cluster stack hangs costs seconds, not the play */
const READ_TIMEOUT_MS = 15_000;

defineModule({
	name: 'xcat_cluster_info',
	options,
	check: (a) => (a.mns.length === 0 ? ['value of mns must name the MNs (cluster node names), got: []'] : []),
	async run(ctx) {
		const { group, mns, vip_resource, quorum_device } = ctx.args;
		const mon = await readOk(
			ctx.read,
			['crm_mon', '--one-shot', '--output-as=xml'],
			{ timeoutMs: READ_TIMEOUT_MS },
			' (is Pacemaker running on this node?)',
		);
		let cluster;
		try {
			cluster = parseCrmMon(mon.stdout);
		} catch (e) {
			throw new ModuleError(`crm_mon printed no cluster status: ${(e as Error).message}`);
		}
		const verdict = readiness(cluster, { mns, group, ...(vip_resource ? { vip_resource } : {}) });
		let qdevice;
		if (quorum_device) {
			const q = await ctx.read(['corosync-qdevice-tool', '-s'], { timeoutMs: READ_TIMEOUT_MS });
			qdevice = q.rc === 0 ? parseQdeviceStatus(q.stdout) : { error: (q.stderr || q.stdout).trim() || `exit ${q.rc}` };
			const w = quorumDeviceWarning(qdevice);
			if (w) verdict.warnings.push(w);
		}
		// "warnings" is Ansible's own key in a module's result (shown as warnings, then dropped)
		const { warnings: notices, ...rest } = verdict;
		return { changed: false, ...rest, notices, ...(qdevice ? { quorum_device: qdevice } : {}) };
	},
});
