// Reads the policy table (tabdump shows disabled rows too, which still hold their priority).
import { ModuleError, readOk, type Read } from '../runtime';
import { readPolicy, type PolicyRow } from './rows';

export async function probe(read: Read): Promise<PolicyRow[]> {
	const r = await readOk(read, ['tabdump', 'policy']);
	const reading = readPolicy(r.stdout);
	if (!reading.ok) throw new ModuleError(reading.msg, { stdout: r.stdout });
	return reading.rows;
}
