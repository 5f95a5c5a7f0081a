// The module's words (pure): the `replication` facts every state returns, and the --diff summary.
// Nothing here shows a password: the role's verifier and primary_conninfo are never copied out, the
// WAL receiver's conninfo is PostgreSQL's obfuscated one, shown without its password key all the same.
import { shownConninfo } from './conninfo';
import type { Desired } from './options';
import { synchronousNames } from './plan';
import { isUp, type Current } from './probe';

export function replicationFacts(cur: Pick<Current, 'server' | 'unit'>) {
	const s = cur.server;
	if (!isUp(s)) return { running: false, why: s.down, in_recovery: null, timeline: null };
	const w = s.receiver;
	return {
		running: true,
		in_recovery: s.in_recovery,
		timeline: s.timeline,
		synchronous_standby_names: s.settings.synchronous_standby_names ?? '',
		// a primary's standbys and slots; a standby's own cascading ones, if any
		standbys: s.senders,
		slots: s.slots.map(({ name, type, active, restart_lsn }) => ({ name, type, active, restart_lsn })),
		wal_receiver: w
			? {
					status: w.status,
					sender_host: w.sender_host,
					sender_port: w.sender_port,
					slot_name: w.slot_name,
					conninfo: shownConninfo(w.conninfo ?? ''),
					received_lsn: w.flushed_lsn ?? null,
					replayed_lsn: s.replayed_lsn,
					replay_delay_seconds: s.replay_age,
				}
			: null,
	};
}

/** A few lines saying what this server is, for --diff before and after. */
export function roleText(cur: Current): string {
	const s = cur.server;
	if (!isUp(s)) return `server: ${cur.data.standbySignal ? 'a stopped standby' : cur.data.cluster ? 'stopped' : 'no cluster'}\n`;
	if (!s.in_recovery)
		return `server: primary (timeline ${s.timeline})\nslots: ${s.slots.map((x) => x.name).join(', ') || '-'}\nsynchronous_standby_names: '${s.settings.synchronous_standby_names ?? ''}'\n`;
	const w = s.receiver;
	return `server: standby (timeline ${s.timeline})\nstreaming from: ${w?.status === 'streaming' ? `${w.sender_host}:${w.sender_port}` : '-'}\nslot: ${w?.slot_name ?? '-'}\n`;
}

/** What the server will be once the plan is done. */
export function wantedText(d: Desired, kind: string, cur: Current): string {
	if (kind === 'promote') return `server: primary (a new timeline)\n`;
	if (kind === 'rebase' || kind === 'start') return `server: standby\nstreaming from: ${d.primary}:${d.port}\nslot: ${d.slot}\n`;
	const s = cur.server;
	const slots = isUp(s) ? [...new Set([...s.slots.map((x) => x.name), ...d.replicas.map((r) => r.slot)])].sort() : [];
	return `server: primary${isUp(s) ? ` (timeline ${s.timeline})` : ''}\nslots: ${slots.join(', ') || '-'}\nsynchronous_standby_names: '${synchronousNames(d)}'\n`;
}
