// Reads the policy table (tabdump shows disabled rows too, which still hold their priority).
import { ModuleError, showCommand, type Ctx } from '../runtime';
import { readPolicy, type PolicyRow } from './rows';

export async function probe(read: Ctx<unknown>['read']): Promise<PolicyRow[]> {
	const argv = ['tabdump', 'policy'];
	const r = await read(argv);
	if (r.rc !== 0) throw new ModuleError(`${showCommand(argv)} failed (rc ${r.rc}): ${(r.stderr || r.stdout).trim()}`, { rc: r.rc, stdout: r.stdout, stderr: r.stderr });
	const reading = readPolicy(r.stdout);
	if (!reading.ok) throw new ModuleError(reading.msg, { stdout: r.stdout });
	return reading.rows;
}
