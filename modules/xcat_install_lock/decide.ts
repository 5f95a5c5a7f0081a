// What xcat_install_lock says and decides without touching anything (pure): who holds the lock, in
// words; whether an owner on another host counts as stopped (only the host holder_down names); the
// refusal; and what check mode would do.
import type { LockOwner } from '../runtime/lock';
import { showCommand } from '../runtime/exec';
import { sameHost } from './options';

/** A number of seconds for people: "42 s", "3 min 5 s", "2 h 4 min". */
export function formatAge(s: number): string {
	const t = Math.max(0, Math.round(s));
	if (t < 60) return `${t} s`;
	if (t < 3600) return `${Math.floor(t / 60)} min ${t % 60} s`;
	return `${Math.floor(t / 3600)} h ${Math.floor((t % 3600) / 60)} min`;
}

/** The lock's holder in words: its name, host, pid, since when and for how long. */
export function describeOwner(owner: LockOwner | undefined, ageS: number): string {
	if (!owner) return `an owner whose file cannot be read (or a run that has not written it yet), for ${formatAge(ageS)}`;
	return `${owner.name} on ${owner.host} (pid ${owner.pid}) since ${owner.since}, for ${formatAge(ageS)}`;
}

/**
 * lock.ts's `stopped` for holder_down: an owner on that host stopped, because the caller proved the
 * host down (a verified fence, or a person's word). Nothing else about another host counts: a lock
 * is never judged from silence.
 */
export const ownerOnDownHost =
	(holderDown: string) =>
	(o: LockOwner): string | null =>
		typeof o.host === 'string' && sameHost(o.host, holderDown)
			? `its owner (${o.name}, pid ${o.pid}) ran on ${o.host}, which the caller proved down (holder_down=${holderDown})`
			: null;

export interface Refusal {
	lock: string;
	owner: LockOwner | undefined;
	ageS: number;
	/** how long this run waited (seconds; 0: refused at once) */
	waitedS: number;
	command: readonly string[];
	holderDown: string | undefined;
	/** the host this module runs on */
	thisHost: string;
	/** an owner of this host: what still works under its lock (its command), in words, or null */
	working: string | null;
}

/** Why the command did not run while another holds the lock, and what to do about it. */
export function refusalMessage(r: Refusal): string {
	const held = `/install is being written: the lock ${r.lock} is held by ${describeOwner(r.owner, r.ageS)}`;
	const waited = r.waitedS > 0 ? ` (waited ${formatAge(r.waitedS)})` : '';
	const what = `${held}${waited}; ${showCommand(r.command)} was not run.`;
	const o = r.owner;
	if (!o) return `${what} Wait for that run to finish (wait=<seconds>); a lock that never gets an owner is taken over after a few seconds`;
	if (typeof o.host === 'string' && sameHost(o.host, r.thisHost))
		return `${what} It is a run on this host (pid ${o.pid}${r.working ? `; ${r.working}` : ''}): wait for it to finish (wait=<seconds>), or stop it; its lock is then taken over by itself`;
	const named = r.holderDown !== undefined ? ` holder_down names ${r.holderDown}, not ${o.host}.` : '';
	return (
		`${what}${named} Wait for it to finish (wait=<seconds>), or, only once ${o.host} is proven down (a verified fence, or a person saw it powered off), ` +
		`run again with holder_down=${o.host}; never because it does not answer`
	);
}

/** What a real run would do now, for check mode: from the lock as it is (absent, free to take over, or held). */
export function wouldDo(
	lock: string,
	state: { held: boolean; owner: LockOwner | undefined; ageS: number; leftBehind: string | null; waitS: number },
	command: readonly string[],
): string {
	const cmd = showCommand(command);
	if (!state.held) return `the lock ${lock} is free: ${cmd} would run under it`;
	if (state.leftBehind) return `the lock ${lock} was left behind (${state.leftBehind}): it would be taken over and ${cmd} run`;
	const by = describeOwner(state.owner, state.ageS);
	return state.waitS > 0
		? `the lock ${lock} is held by ${by}: ${cmd} would wait up to ${formatAge(state.waitS)} for it`
		: `the lock ${lock} is held by ${by}: ${cmd} would be refused`;
}

/** The end of a long output (what a failing copycds said last), with how much was cut before it. */
export function outputTail(text: string, max = 65_536): string {
	if (text.length <= max) return text;
	const start = /[\udc00-\udfff]/.test(text[text.length - max] ?? '') ? text.length - max + 1 : text.length - max;
	return `…(${start} characters cut)${text.slice(start)}`;
}
