// What the Pacemaker engine's tests and benchmark share: the cluster as crm_mon shows it, where each
// member of the xCAT group is started, and a wait until the whole group is started on one MN.
import { parseCrmMon, type ClusterStatus } from '../../modules/xcat_cluster/status';
import { ok } from './lab';

/** the lab's group (xcat_ha_cluster_group xcat) in start order, as the role builds it for the lab's services */
export const GROUP = [
	'xcat-storage',
	'xcat-vip',
	'xcat-postgresql-15-main',
	'xcat-xcatd',
	'xcat-regenerate',
	'xcat-named',
	'xcat-isc-dhcp-server',
	'xcat-conserver-server',
];
/** what -e makes setup_ha and the other playbooks use the engine (the lab's inventory has the rest) */
export const ENGINE = ['-e', 'xcat_ha_engine=pacemaker'];

export const cluster = async (host: string): Promise<ClusterStatus> => parseCrmMon(await ok(host, 'crm_mon --one-shot --output-as=xml'));

/** the nodes each member of the group is started on (role Started, active) */
export const placement = (s: ClusterStatus): Record<string, string[]> =>
	Object.fromEntries(
		(s.groups.xcat ?? []).map((id) => [id, s.resources.filter((r) => r.id === id && r.role === 'Started' && r.active).flatMap((r) => r.nodes)]),
	);

/** the placement of the whole group started on NODE */
export const allOn = (node: string): Record<string, string[]> => Object.fromEntries(GROUP.map((id) => [id, [node]]));

/** polls HOST's crm_mon until the whole group is started on NODE; the last status either way */
export async function waitForGroup(host: string, node: string, timeoutMs: number): Promise<ClusterStatus> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const s = await cluster(host).catch(() => null);
		if (s && JSON.stringify(placement(s)) === JSON.stringify(allOn(node))) return s;
		if (Date.now() > until) {
			if (s) return s;
			throw new Error(`crm_mon on ${host} could not be read`);
		}
		await new Promise((r) => setTimeout(r, 500));
	}
}

/** polls HOST's crm_mon until NODE is online in the cluster; whether it is */
export async function waitOnline(host: string, node: string, timeoutMs: number): Promise<boolean> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const s = await cluster(host).catch(() => null);
		if (s?.nodes.find((n) => n.name === node)?.online) return true;
		if (Date.now() > until) return false;
		await new Promise((r) => setTimeout(r, 1000));
	}
}
