// What a prober saw (pure): its sample lines parsed, and the client-visible outage worked out from them.
// The same function can read any list of timed answers (the lab's watcher on cn1 writes the same facts).

/** One attempt to connect: when it started (epoch ms), whether it was accepted, and what the client saw. */
export interface Sample {
	t: number;
	ok: boolean;
	/** why it failed: the socket's error code (ECONNREFUSED, EHOSTUNREACH, ...) or 'timeout'; '' when it was accepted */
	code: string;
	/** the MAC the probe host's neighbour table had for the address right after the attempt; '' when none */
	mac: string;
	/** how long the attempt took */
	ms?: number;
}

/** A stretch without answers: from the last answer before it to the first answer after it. */
export interface Silence {
	from_ms: number;
	to_ms: number;
	ms: number;
	/** probes that were not answered in it (0: the prober itself did not run, e.g. its host stalled) */
	unanswered: number;
	/** how the unanswered probes failed, and how often */
	codes: Record<string, number>;
	/** no answer before it: it starts at the first probe, and the real outage may have begun earlier */
	open_start?: true;
	/** no answer after it: it ends at the last probe, and was still going when the prober stopped */
	open_end?: true;
}

export interface Analysis {
	interval_ms: number;
	probes: number;
	answered: number;
	first_probe_ms: number | null;
	last_probe_ms: number | null;
	/** the longest silence with unanswered probes, in ms; 0 when every probe was answered; null without probes */
	outage_ms: number | null;
	outage: Silence | null;
	never_answered: boolean;
	/** every silence longer than twice the interval, plus any at the start or the end, in time order (at most GAPS_MAX) */
	gaps: Silence[];
	gaps_total: number;
	/** the MACs that answered, in order: a new entry at each change */
	macs: string[];
	mac_switches: Array<{ t_ms: number; from: string; to: string }>;
	/** the last answer from the first MAC before the first answer from the last MAC; null unless two MACs answered */
	switch: { from_ms: number; to_ms: number; ms: number; old_mac: string; new_mac: string } | null;
	/** the first MAC answered again after the last one had: two hosts answered for the address. Null when no MAC is known. */
	old_answered_after_new: boolean | null;
}

export const GAPS_MAX = 100;

const LINE = /^(\d{10,16}) ([01]) (\S+) (\S+)(?: (\d{1,9}))?$/;

/** The prober's lines `<epoch ms> <1|0> <code|-> <mac|-> <ms>`; a line that is not one (cut by a kill) is counted, not read. */
export function parseSamples(text: string): { samples: Sample[]; bad: number } {
	const samples: Sample[] = [];
	let bad = 0;
	for (const line of text.split('\n')) {
		if (line === '') continue;
		const m = LINE.exec(line);
		if (!m) {
			bad++;
			continue;
		}
		samples.push({
			t: Number(m[1]),
			ok: m[2] === '1',
			code: m[3] === '-' ? '' : m[3]!,
			mac: m[4] === '-' ? '' : m[4]!,
			...(m[5] !== undefined ? { ms: Number(m[5]) } : {}),
		});
	}
	return { samples, bad };
}

/** One sample as the prober writes it. */
export function formatSample(s: Sample): string {
	return `${s.t} ${s.ok ? 1 : 0} ${s.code || '-'} ${s.mac || '-'}${s.ms !== undefined ? ` ${s.ms}` : ''}\n`;
}

/**
 * The outage the probe host saw. Probes are sorted by time first (an attempt that timed out is written
 * after later ones, and the lab's watcher writes in the background). The outage is measured from the
 * last answer before the longest run of unanswered probes to the first answer after it, so it is
 * exact to one interval: the service went away at most one interval after its start, and came back
 * at most one interval before its end.
 */
export function analyse(input: readonly Sample[], intervalMs: number): Analysis {
	const samples = [...input].sort((a, b) => a.t - b.t);
	const answered = samples.filter((s) => s.ok);
	const silences: Silence[] = [];
	let run: { from: number; open: boolean; unanswered: number; codes: Record<string, number> } | undefined;
	let lastAnswer: Sample | undefined;
	for (const s of samples) {
		if (!s.ok) {
			run ??= { from: lastAnswer?.t ?? s.t, open: !lastAnswer, unanswered: 0, codes: {} };
			run.unanswered++;
			const code = s.code || 'unknown';
			run.codes[code] = (run.codes[code] ?? 0) + 1;
			continue;
		}
		if (run) silences.push(silence(run.from, s.t, run.unanswered, run.codes, run.open, false));
		else if (lastAnswer && s.t - lastAnswer.t > 2 * intervalMs) silences.push(silence(lastAnswer.t, s.t, 0, {}, false, false));
		run = undefined;
		lastAnswer = s;
	}
	if (run) silences.push(silence(run.from, samples.at(-1)!.t, run.unanswered, run.codes, run.open, true));

	const outages = silences.filter((g) => g.unanswered > 0);
	const outage = outages.reduce<Silence | null>((a, b) => (a === null || b.ms > a.ms ? b : a), null);
	const gaps = silences.filter((g) => g.ms > 2 * intervalMs || g.open_start || g.open_end);
	return {
		interval_ms: intervalMs,
		probes: samples.length,
		answered: answered.length,
		first_probe_ms: samples[0]?.t ?? null,
		last_probe_ms: samples.at(-1)?.t ?? null,
		outage_ms: samples.length === 0 ? null : (outage?.ms ?? 0),
		outage,
		never_answered: samples.length > 0 && answered.length === 0,
		gaps: gaps.slice(0, GAPS_MAX),
		gaps_total: gaps.length,
		...macs(answered),
	};
}

function silence(from: number, to: number, unanswered: number, codes: Record<string, number>, openStart: boolean, openEnd: boolean): Silence {
	return {
		from_ms: from,
		to_ms: to,
		ms: to - from,
		unanswered,
		codes,
		...(openStart ? { open_start: true as const } : {}),
		...(openEnd ? { open_end: true as const } : {}),
	};
}

/** Which MACs answered, when the answering MAC changed, and whether the first one came back. */
function macs(answered: readonly Sample[]): Pick<Analysis, 'macs' | 'mac_switches' | 'switch' | 'old_answered_after_new'> {
	const known = answered.filter((s) => s.mac !== '');
	const seq: string[] = [];
	const switches: Analysis['mac_switches'] = [];
	for (const s of known) {
		const prev = seq.at(-1);
		if (prev === s.mac) continue;
		if (prev !== undefined) switches.push({ t_ms: s.t, from: prev, to: s.mac });
		seq.push(s.mac);
	}
	if (seq.length === 0) return { macs: [], mac_switches: [], switch: null, old_answered_after_new: null };
	const oldMac = seq[0]!,
		newMac = seq.at(-1)!;
	if (oldMac === newMac && seq.length === 1) return { macs: seq, mac_switches: switches, switch: null, old_answered_after_new: false };
	// the lab's measure (tools/lab/mn-ha.ts): the old MAC's last answer before the new one's first
	const other = oldMac === newMac ? seq.find((m) => m !== oldMac)! : newMac;
	const firstNew = known.find((s) => s.mac === other)!.t;
	const lastOld = Math.max(...known.filter((s) => s.mac === oldMac && s.t <= firstNew).map((s) => s.t));
	return {
		macs: seq,
		mac_switches: switches,
		switch: { from_ms: lastOld, to_ms: firstNew, ms: firstNew - lastOld, old_mac: oldMac, new_mac: other },
		old_answered_after_new: known.some((s) => s.mac === oldMac && s.t > firstNew),
	};
}
