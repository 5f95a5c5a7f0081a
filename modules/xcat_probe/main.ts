import { readFileSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { defineModule, ModuleError } from '../runtime';
import { isIPv4 } from '../runtime/ipv4';
import { nameLengthProblem } from '../runtime/names';
import { quoteValue } from '../runtime/show';
import { analyse, parseSamples, type Analysis } from './analyse';
import { FIRST_PROBE_WAIT_MS, removeFiles, start, stop } from './apply';
import { options, rules } from './options';
import { planStart, planStop } from './plan';
import { probe, readSamples } from './probe';
import { MARKER } from './prober';

defineModule({
	name: 'xcat_probe',
	options,
	rules,
	check: (a) => {
		if (a.address === undefined) return [];
		if (/^[\d.]+$/.test(a.address) && !isIPv4(a.address))
			return [`value of address must be an IPv4 address in dotted-quad form or a host name, got: ${quoteValue(a.address)}`];
		const long = nameLengthProblem('address', a.address);
		return long ? [long] : [];
	},
	async run(ctx) {
		const { id, dir, state } = ctx.args;
		const current = probe(dir, id);
		const files = Object.values(current.files);
		if (state === 'started') {
			const address = ctx.args.address!;
			const want = {
				address,
				port: ctx.args.port,
				...(ctx.args.also_port ? { also_port: ctx.args.also_port } : {}),
				interval_ms: ctx.args.interval_ms,
				timeout_ms: ctx.args.timeout_ms ?? ctx.args.interval_ms,
				max_seconds: ctx.args.max_seconds,
			};
			const p = planStart(id, current, want);
			if (p.kind === 'refuse') throw new ModuleError(p.msg, { id, pid: current.state?.pid });
			const echo = { id, state, dir, files, ...want };
			if (p.kind === 'keep') return { changed: false, ...echo, pid: p.state.pid, probed_address: p.state.probed_address, started_ms: p.state.started_ms };
			if (p.kind !== 'start') throw new Error(`unexpected plan ${p.kind}`);
			// resolved once, here: during a failover the MN's DNS server may be the thing that is down
			const probed = isIPv4(address) ? address : await resolve(address);
			if (p.note) ctx.warn(p.note);
			if (ctx.check)
				return {
					changed: true,
					...echo,
					probed_address: probed,
					msg: `would start a prober of ${probed}:${want.port}${want.also_port ? ` and :${want.also_port}` : ''} every ${want.interval_ms} ms`,
				};
			const { run, first } = await start(
				dir,
				current.files,
				p.remove,
				{
					marker: MARKER,
					id,
					address: probed,
					port: want.port,
					...(want.also_port ? { also_port: want.also_port } : {}),
					interval_ms: want.interval_ms,
					timeout_ms: want.timeout_ms,
					max_seconds: want.max_seconds,
					stop_file: current.files.stop,
				},
				{ ...want, probed_address: probed },
			);
			const firstProbe = parseSamples(first).samples[0];
			if (!firstProbe) ctx.warn(`the prober (pid ${run.pid}) had made no probe ${FIRST_PROBE_WAIT_MS} ms after it started: is this host overloaded?`);
			else if (!firstProbe.ok)
				ctx.warn(
					`the first probe of ${probed}:${want.port}${want.also_port ? ` and :${want.also_port}` : ''} was not answered (${firstProbe.code}): an outage will be counted from the first probe`,
				);
			return {
				changed: true,
				...echo,
				first_probe_answered: firstProbe?.ok ?? null,
				pid: run.pid,
				probed_address: probed,
				started_ms: run.started_ms,
				msg: `probing ${probed}:${want.port}${want.also_port ? ` and :${want.also_port}` : ''} every ${want.interval_ms} ms for at most ${want.max_seconds} s (pid ${run.pid})`,
			};
		}

		const p = planStop(current);
		const echo = { id, state, dir };
		if (p.kind === 'none') return { changed: false, ...echo, was_running: false, msg: `no prober with id ${id} in ${dir}` };
		if (p.kind !== 'stop') throw new Error(`unexpected plan ${p.kind}`);
		const interval = current.state?.interval_ms ?? ctx.args.interval_ms;
		const pid = current.state ? { pid: current.state.pid } : {};
		if (ctx.check) {
			// reading harms nothing: what it has seen so far
			return {
				changed: true,
				...echo,
				...pid,
				was_running: p.signal,
				...report(readSamples(current.files), interval),
				msg: `would stop the prober ${id}`,
			};
		}
		const stopped = await stop(current.files, current.state, p.signal);
		if (stopped.killed) ctx.warn(`the prober (pid ${current.state?.pid}) did not end within ${stopped.waited_ms} ms of SIGTERM and was killed`);
		const text = readSamples(current.files);
		const log = current.present.includes(current.files.log) ? readLog(current.files.log) : '';
		if (log) ctx.warn(`the prober wrote: ${log}`);
		removeFiles(files);
		const r = report(text, interval);
		return {
			changed: true,
			...echo,
			...pid,
			...(current.state ? { address: current.state.address, probed_address: current.state.probed_address, port: current.state.port } : {}),
			was_running: p.signal,
			...r,
			msg: summary(r),
		};
	},
});

async function resolve(name: string): Promise<string> {
	try {
		return (await lookup(name, { family: 4 })).address;
	} catch (e) {
		throw new ModuleError(
			`address ${name} does not resolve to an IPv4 address on this host (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
			{
				address: name,
			},
		);
	}
}

/** what the prober wrote on its stderr (an uncaught error), cut to a readable length */
function readLog(path: string): string {
	try {
		return readFileSync(path, 'utf8').trim().slice(0, 2000);
	} catch {
		return '';
	}
}

function report(text: string, intervalMs: number): Analysis & { bad_lines: number } {
	const { samples, bad } = parseSamples(text);
	return { ...analyse(samples, intervalMs), bad_lines: bad };
}

function summary(a: Analysis): string {
	if (a.probes === 0) return 'no probe was made';
	if (a.never_answered) return `${a.probes} probes, none answered (for ${a.outage_ms} ms)`;
	const o = a.outage;
	const codes = o
		? Object.entries(o.codes)
				.map(([c, n]) => `${c} x${n}`)
				.join(', ')
		: '';
	return `${a.probes} probes, ${a.answered} answered; longest outage ${a.outage_ms} ms${o ? ` (${o.unanswered} unanswered: ${codes}${o.open_start ? '; from the first probe' : ''}${o.open_end ? '; still going at the last probe' : ''})` : ''}${a.macs.length > 1 ? `; answered by ${a.macs.join(' -> ')}` : ''}`;
}
