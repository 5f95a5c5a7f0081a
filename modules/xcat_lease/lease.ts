// The activation lease as it is stored on the shared storage: one JSON object per file.
import { ModuleError } from '../runtime';
export interface Lease {
	/** the MN allowed to be active; null once released */
	holder: string | null;
	/** +1 on every acquisition, so a stale writer can be told from the current one */
	generation: number;
	/** when the holder acquired it (or when it was released), ISO 8601 */
	since: string;
	/** the holder it was taken from, on a takeover */
	taken_from?: string;
}

export function parseLease(text: string, path: string): Lease {
	let value: unknown;
	try { value = JSON.parse(text); } catch { throw new ModuleError(`${path} is not a lease (not JSON): ${JSON.stringify(text.slice(0, 80))}`); }
	const v = value as Partial<Lease> | null;
	if (!v || typeof v !== 'object' || !(v.holder === null || typeof v.holder === 'string') || !Number.isInteger(v.generation) || typeof v.since !== 'string') {
		throw new ModuleError(`${path} is not a lease (needs holder, generation, since): ${text.slice(0, 200)}`);
	}
	return { holder: v.holder, generation: v.generation!, since: v.since, ...(typeof v.taken_from === 'string' ? { taken_from: v.taken_from } : {}) };
}

export function formatLease(lease: Lease): string {
	return `${JSON.stringify(lease)}\n`;
}

export function describeLease(lease: Lease | null): string {
	if (!lease) return 'no lease\n';
	return lease.holder ? `held by ${lease.holder} (generation ${lease.generation}, since ${lease.since})\n` : `free (generation ${lease.generation}, released ${lease.since})\n`;
}
