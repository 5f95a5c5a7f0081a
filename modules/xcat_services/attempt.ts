// Runs one step up to `tries` times within its time budget, pausing between attempts.

export interface Outcome {
	ok: boolean;
	output: string;
}
export interface Attempted extends Outcome {
	attempts: number;
	ms: number;
}

export const RETRY_PAUSE_MS = 2000;

/** `once` gets the milliseconds left in the step's budget, to give its commands as their timeout. */
export async function attempt(tries: number, budgetMs: number, once: (leftMs: number) => Promise<Outcome>, pauseMs = RETRY_PAUSE_MS): Promise<Attempted> {
	const started = Date.now();
	const left = () => budgetMs - (Date.now() - started);
	let last: Outcome = { ok: false, output: '' };
	let attempts = 0;
	while (attempts < tries && left() > 0) {
		attempts++;
		last = await once(left());
		if (last.ok) break;
		if (attempts < tries) {
			if (left() <= pauseMs) {
				last = {
					ok: false,
					output: `${last.output.trimEnd()}\n(no time left for another attempt within the ${Math.round(budgetMs / 1000)} s timeout)\n`,
				};
				break;
			}
			await new Promise((r) => setTimeout(r, pauseMs));
		}
	}
	return { ...last, attempts, ms: Date.now() - started };
}
