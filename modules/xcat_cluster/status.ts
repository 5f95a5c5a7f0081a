// `crm_mon --output-as=xml` read into what the status report needs (pure): quorum, nodes, the fence
// devices and where they run, where each member of the group runs, failed actions; then the readiness
// verdict in the shape of roles/xcat_ha/templates/status.json.j2 (active, vip_on, failover_safe,
// reasons, ready_standbys, mns), so the report reads the same whichever engine runs the pair.
// crm_mon does not show the quorum device: its state comes from corosync-qdevice-tool, not here.
import { fenceId } from './desired';
import { at, kid, kids, parseXml, type XmlElement } from './xml';

export interface NodeState {
	name: string;
	online: boolean;
	standby: boolean;
	unclean: boolean;
	maintenance: boolean;
	pending: boolean;
	resources_running: number;
}
export interface ResourceState {
	id: string;
	agent: string;
	role: string;
	active: boolean;
	failed: boolean;
	managed: boolean;
	/** the nodes it runs on (more than one: it runs twice) */
	nodes: string[];
}
export interface FailedAction {
	resource: string;
	op: string;
	node: string;
	exitstatus: string;
	exitreason: string;
	exitcode: number;
	last: string;
}
export interface ClusterStatus {
	/** null when no DC is elected (nobody can say) */
	quorum: boolean | null;
	dc: string | null;
	stonith_enabled: boolean | null;
	maintenance_mode: boolean;
	nodes: NodeState[];
	/** every primitive, top-level or in a group, clone or bundle, by id */
	resources: ResourceState[];
	/** group id → its members in order */
	groups: Record<string, string[]>;
	failed_actions: FailedAction[];
}

const yes = (v: string | undefined) => v === 'true';

function resourceState(r: XmlElement): ResourceState {
	return {
		id: r.attrs.id ?? '',
		agent: r.attrs.resource_agent ?? '',
		role: r.attrs.role ?? '',
		active: yes(r.attrs.active),
		failed: yes(r.attrs.failed),
		managed: r.attrs.managed !== 'false',
		nodes: kids(r, 'node').map((n) => n.attrs.name ?? ''),
	};
}

/** op_key is RESOURCE_TASK_INTERVAL, and a resource id may hold underscores: the known suffix is cut */
function resourceOfOpKey(f: XmlElement): string {
	const key = f.attrs.op_key ?? '';
	const suffix = `_${f.attrs.task ?? ''}_${f.attrs.interval ?? '0'}`;
	return key.endsWith(suffix) ? key.slice(0, -suffix.length) : key.replace(/_[a-z-]+_\d+$/, '');
}

/** Reads crm_mon's XML; throws when it is not crm_mon's. */
export function parseCrmMon(xml: string): ClusterStatus {
	const doc = parseXml(xml);
	if (doc.name !== 'pacemaker-result' && doc.name !== 'crm_mon') throw new Error(`not crm_mon XML: the root element is <${doc.name}>`);
	const summary = kid(doc, 'summary');
	// crm_mon that cannot reach the CIB may still exit 0, with only its errors in the document
	if (!summary) {
		const errors = kids(at(doc, 'status', 'errors'), 'error').map((e) => e.text.trim());
		throw new Error(`crm_mon shows no cluster: ${errors.join('; ') || 'its XML has no <summary>'}`);
	}
	const dc = kid(summary, 'current_dc');
	const options = kid(summary, 'cluster_options');
	const resources: ResourceState[] = [];
	const groups: Record<string, string[]> = {};
	const walk = (el: XmlElement | undefined) => {
		for (const c of el?.children ?? []) {
			if (c.name === 'resource') resources.push(resourceState(c));
			else if (c.name === 'group') {
				groups[c.attrs.id ?? ''] = kids(c, 'resource').map((r) => r.attrs.id ?? '');
				walk(c);
			} else if (c.name === 'clone' || c.name === 'bundle' || c.name === 'replica') walk(c);
		}
	};
	walk(kid(doc, 'resources'));
	return {
		quorum: yes(dc?.attrs.present) ? yes(dc?.attrs.with_quorum) : null,
		dc: yes(dc?.attrs.present) ? (dc?.attrs.name ?? null) : null,
		stonith_enabled: options?.attrs['stonith-enabled'] === undefined ? null : yes(options.attrs['stonith-enabled']),
		maintenance_mode: yes(options?.attrs['maintenance-mode']),
		nodes: kids(kid(doc, 'nodes'), 'node').map((n) => ({
			name: n.attrs.name ?? '',
			online: yes(n.attrs.online),
			standby: yes(n.attrs.standby),
			unclean: yes(n.attrs.unclean),
			maintenance: yes(n.attrs.maintenance),
			pending: yes(n.attrs.pending),
			resources_running: Number(n.attrs.resources_running ?? 0),
		})),
		resources,
		groups,
		failed_actions: kids(at(doc, 'failures'), 'failure').map((f) => ({
			resource: resourceOfOpKey(f),
			op: f.attrs.task ?? '',
			node: f.attrs.node ?? '',
			exitstatus: f.attrs.exitstatus ?? '',
			exitreason: f.attrs.exitreason ?? '',
			exitcode: Number(f.attrs.exitcode ?? -1),
			last: f.attrs['last-rc-change'] ?? '',
		})),
	};
}

export interface ReadinessInput {
	/** the MNs, in the inventory's order (cluster node names) */
	mns: string[];
	/** the group xcat_cluster manages */
	group: string;
	/** the group's VIP member (IPaddr2), for vip_on */
	vip_resource?: string;
	/** the group's lease member, reported as each MN's guard */
	lease_resource?: string;
}

export interface MnRow {
	mn: string;
	role: 'active' | 'standby';
	vip: boolean;
	guard: string;
	problems: string[];
}
export interface Verdict {
	active: string | null;
	vip_on: string[];
	failover_safe: boolean;
	reasons: string[];
	ready_standbys: string[];
	mns: MnRow[];
	/** worth a look, not a reason to refuse a failover (a failure that was recovered in place) */
	warnings: string[];
	cluster: ClusterStatus;
}

/** Whether the pair could fail over now, and why not: the same verdict as the playbook-driven status. */
export function readiness(s: ClusterStatus, want: ReadinessInput): Verdict {
	const reasons: string[] = [];
	const warnings: string[] = [];
	const byId = new Map(s.resources.map((r) => [r.id, r]));
	const members = s.groups[want.group];
	if (s.quorum === null) reasons.push('no DC is elected: whether the cluster has quorum is unknown (is Pacemaker running?)');
	else if (!s.quorum) reasons.push('the cluster has no quorum: this partition stops the group (no-quorum-policy)');
	if (s.stonith_enabled === false) reasons.push('stonith-enabled is false: a failover could run the group on both MNs');
	if (s.maintenance_mode) reasons.push('the cluster is in maintenance mode: Pacemaker starts, stops and moves nothing');
	if (!members) reasons.push(`the group ${want.group} is not configured`);

	const groupRes = (members ?? []).map((id) => byId.get(id)).filter((r): r is ResourceState => r !== undefined);
	const where = new Set(groupRes.flatMap((r) => r.nodes));
	// the active MN runs the whole group; with members on several nodes there is none
	const active = where.size === 1 && groupRes.every((r) => r.active && r.nodes.length === 1) ? [...where][0]! : null;
	if (members && where.size === 0) reasons.push(`the group ${want.group} runs nowhere: there is no active MN`);
	else if (where.size > 1) reasons.push(`the group ${want.group} is split over ${[...where].sort().join(' and ')}`);
	const vip = want.vip_resource ? byId.get(want.vip_resource) : undefined;
	const vipOn = vip?.nodes ?? [];
	if (vipOn.length > 1) reasons.push(`split brain: the VIP (${want.vip_resource}) runs on ${vipOn.join(' and ')}`);
	for (const r of groupRes) {
		if (r.nodes.length > 1) reasons.push(`${r.id} runs on ${r.nodes.join(' and ')} at once`);
		if (!r.managed) warnings.push(`${r.id} is not managed: Pacemaker will not move it`);
	}

	const rows: MnRow[] = [];
	const ready: string[] = [];
	for (const mn of want.mns) {
		const n = s.nodes.find((x) => x.name === mn);
		const problems: string[] = [];
		if (!n) problems.push('not a node of the cluster');
		else {
			if (n.unclean) problems.push('unclean: it failed and has not been fenced yet');
			else if (!n.online) problems.push('offline');
			if (n.pending) problems.push('joining the cluster');
			if (n.standby) problems.push('in standby (pcs node unstandby)');
			if (n.maintenance) problems.push('in maintenance');
		}
		const fence = byId.get(fenceId(mn));
		if (!fence) problems.push(`cannot be fenced: no fence device ${fenceId(mn)}`);
		else if (!fence.active || fence.failed) problems.push(`cannot be fenced: ${fence.id} is ${fence.failed ? 'failed' : fence.role}`);
		for (const f of s.failed_actions.filter((x) => x.node === mn)) {
			const inGroup = members?.includes(f.resource) ?? false;
			const text = `${f.resource} ${f.op} failed on ${mn} (${f.exitstatus}${f.exitreason ? `: ${f.exitreason}` : ''}, ${f.last})`;
			// the member that failed here and does not run here now cannot come back here until cleaned up
			const r = byId.get(f.resource);
			const running = r?.nodes.includes(mn) ?? false;
			if (inGroup && !running && mn !== active)
				problems.push(`${f.resource} failed here (${f.op}: ${f.exitstatus}); pcs resource cleanup ${f.resource} once the cause is fixed`);
			else warnings.push(running && !r!.failed ? `${text}; recovered in place` : text);
		}
		if (mn === active) for (const r of groupRes) if (r.failed) problems.push(`${r.id} is failed`);
		const lease = want.lease_resource ? byId.get(want.lease_resource) : undefined;
		const guard = !want.lease_resource ? 'pacemaker' : lease?.nodes.includes(mn) ? 'active' : 'inactive';
		if (mn === active) for (const p of problems) reasons.push(`active ${mn}: ${p}`);
		else if (problems.length === 0) ready.push(mn);
		rows.push({ mn, role: mn === active ? 'active' : 'standby', vip: vipOn.includes(mn), guard, problems });
	}
	if (ready.length === 0) reasons.push('no standby MN is ready to take over');
	return { active, vip_on: vipOn, failover_safe: reasons.length === 0, reasons, ready_standbys: ready, mns: rows, warnings, cluster: s };
}

export interface QuorumDeviceState {
	/** "sn1:5403" */
	host: string;
	/** corosync-qdevice-tool's word for its connection to qnetd: "Connected" when it votes */
	state: string;
}

/** Reads `corosync-qdevice-tool -s`: the qnetd host and the state of the connection to it. */
export function parseQdeviceStatus(text: string): QuorumDeviceState {
	const field = (name: string) => new RegExp(`^\\s*${name}:\\s*(.*?)\\s*$`, 'm').exec(text)?.[1] ?? '';
	return { host: field('QNetd host'), state: field('State') };
}

/**
 * What a quorum device that does not vote means for the pair: nothing yet (two votes of three keep
 * quorum), but the next MN to fail takes the cluster's quorum with it. Undefined when it votes.
 */
export function quorumDeviceWarning(q: QuorumDeviceState | { error: string }): string | undefined {
	if ('error' in q) return `the quorum device cannot be asked (corosync-qdevice-tool -s: ${q.error}): if one MN fails now, the other may have no quorum`;
	if (q.state === 'Connected') return undefined;
	return `the quorum device does not vote: ${q.host ? `qnetd on ${q.host}` : 'qnetd'} is ${q.state ? `"${q.state}"` : 'not known'}, not Connected; the MNs keep quorum with two votes of three, but if one fails now the other has no quorum and stops the group`;
}
