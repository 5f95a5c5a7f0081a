import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { defineModule, ModuleError, textDiff } from '../runtime';
import { describeLease, toLease, type Lease } from './lease';
import { plan, type Observation, type Plan, type Want } from './plan';
import { options } from './options';
import { readLease, stoppedHolder, withLock, writeLease } from './store';

/** how often a takeover reads the holder's heartbeat while it waits for it to go stale */
const WATCH_POLL_MS = 100;

defineModule({
	name: 'xcat_lease',
	options,
	check: (a) => [
		...(a.takeover_from !== undefined && a.takeover_from === a.holder
			? [`takeover_from (${a.takeover_from}) names the holder itself; it names the MN whose lease is taken over`]
			: []),
		...(a.state === 'restored' && a.restore === undefined
			? ['state=restored needs restore: the lease the take found (its result "previous"; {} when there was none)']
			: []),
		...(a.state !== 'restored' && a.restore !== undefined ? [`restore is only used with state=restored, not state=${a.state}`] : []),
		...((a.guard_interval_ms === undefined) !== (a.guard_deadline_ms === undefined) ? ['guard_interval_ms and guard_deadline_ms go together'] : []),
		...(a.guard_interval_ms !== undefined && a.guard_deadline_ms !== undefined && a.guard_deadline_ms <= a.guard_interval_ms
			? [`guard_deadline_ms (${a.guard_deadline_ms}) must be longer than guard_interval_ms (${a.guard_interval_ms}), or one slow renewal fences the MN`]
			: []),
	],
	async run(ctx) {
		const { path, holder, state } = ctx.args;
		const restore =
			ctx.args.restore === undefined
				? undefined
				: Object.keys(ctx.args.restore).length === 0
					? null
					: toLease(ctx.args.restore, 'the value of restore', JSON.stringify(ctx.args.restore));
		const want: Want = {
			holder,
			state,
			takeoverFrom: ctx.args.takeover_from,
			staleWaitMs: ctx.args.stale_wait_ms,
			...(restore !== undefined ? { restore } : {}),
			...(ctx.args.guard_interval_ms !== undefined && ctx.args.guard_deadline_ms !== undefined
				? { guard: { intervalMs: ctx.args.guard_interval_ms, deadlineMs: ctx.args.guard_deadline_ms } }
				: {}),
		};
		const dir = dirname(path);
		if (!existsSync(dirname(dir)))
			throw new ModuleError(`the lease's directory ${dir} cannot be created: ${dirname(dir)} does not exist (is the shared storage mounted?)`, { path });

		// The holder's heartbeat is timed on this host's monotonic clock only: wall clocks of two hosts are never compared.
		let seen: Observation | undefined;
		let watchStart = 0;
		const decide = (): { current: Lease | null; p: Plan } => {
			const current = readLease(path);
			if (seen) seen = { ...seen, stillMs: Math.round(performance.now() - watchStart) };
			const p = plan(current, want, new Date(), seen);
			if (p.kind === 'refuse') throw new ModuleError(p.msg, { path, lease: current, ...(seen ? { waited_ms: seen.stillMs } : {}), ...p.extra });
			if (p.kind === 'watch' && !seen && current) {
				seen = { first: current, stillMs: 0 };
				watchStart = performance.now();
			}
			return { current, p };
		};
		let { current, p } = decide();
		// watching only reads, so check mode watches too: it tells whether a takeover would be allowed
		while (p.kind === 'watch') {
			await new Promise((r) => setTimeout(r, Math.min(WATCH_POLL_MS, p.kind === 'watch' ? p.waitMs : 0)));
			({ current, p } = decide());
		}
		if (!ctx.check && p.kind === 'write') {
			if (!existsSync(dir)) mkdirSync(dir, { mode: 0o755 });
			// only a takeover of the holder named in takeover_from proved that MN stopped (the playbook's
			// fence or a person's word, and the heartbeat watched still past its deadline just above)
			const takingOver = want.takeoverFrom !== undefined && current?.holder === want.takeoverFrom ? want.takeoverFrom : undefined;
			// decided again under the lock: another MN may have written in between, or the heartbeat moved
			({ current, p } = await withLock(
				path,
				holder,
				() => {
					const d = decide();
					if (d.p.kind === 'write') writeLease(path, d.p.lease);
					else if (d.p.kind === 'watch')
						throw new ModuleError(`the lease changed while it was taken over: ${describeLease(d.current).trim()}`, { path, lease: d.current });
					return d;
				},
				(why) => ctx.warn(why),
				takingOver ? stoppedHolder(takingOver) : undefined,
			));
		}
		const after = p.kind === 'write' ? p.lease : current;
		return {
			changed: p.kind === 'write',
			path,
			lease: after,
			previous: current,
			waited_ms: seen?.stillMs ?? 0,
			...(p.kind === 'keep' && p.note ? { note: p.note } : {}),
			diff: textDiff(`lease ${path}`, describeLease(current), describeLease(after)),
		};
	},
});
