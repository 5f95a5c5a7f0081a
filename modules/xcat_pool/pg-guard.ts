// The PostgreSQL start guard of the pool's database members, run by systemd before the server starts
// (ExecStartPre in a drop-in of its unit): node xcat-pool-pg-guard.cjs <pg_data> <lease path> <member>.
// Exit 0 lets it start; exit 1 stops the start, with the reason in the journal.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readLease } from '../xcat_lease/store';
import { decideStart, type GuardInput } from './pg-guard-decide';

const [pgData, leasePath, me] = process.argv.slice(2);
if (!pgData || !leasePath || !me) {
	process.stderr.write('usage: xcat-pool-pg-guard <pg_data> <lease path> <member>\n');
	process.exit(2);
}
let input: GuardInput;
if (existsSync(join(pgData, 'standby.signal'))) input = { standby: true };
else {
	try {
		input = { standby: false, me, lease: readLease(leasePath) };
	} catch (e) {
		input = { standby: false, me, unreadable: (e as Error).message };
	}
}
const verdict = decideStart(input);
process.stdout.write(`xcat-pool-pg-guard: ${verdict.start ? 'starts' : 'REFUSED'}: ${verdict.why}\n`);
process.exit(verdict.start ? 0 : 1);
