// Reads the CIB: the live cluster's (cibadmin --query), or a file's through CIB_file, as Pacemaker's own tools do.
import { existsSync } from 'node:fs';
import { commandFailed, ModuleError, type Read } from '../runtime';
import { parseCib, type Live } from './cib';

export const cibEnv = (cibFile: string | undefined): Record<string, string> => (cibFile ? { CIB_file: cibFile } : {});

export async function probe(read: Read, cibFile: string | undefined): Promise<Live> {
	if (cibFile && !existsSync(cibFile))
		throw new ModuleError(`cib_file ${cibFile} does not exist: create it first (cibadmin --empty > FILE, or pcs cluster cib FILE on a cluster node)`);
	const argv = ['cibadmin', '--query'];
	const r = await read(argv, { env: cibEnv(cibFile) });
	if (r.rc !== 0) {
		const where = cibFile ? `the CIB file ${cibFile}` : 'the live CIB (is Pacemaker running on this node?)';
		throw commandFailed({ ...r, argv: cibFile ? [`CIB_file=${cibFile}`, ...argv] : argv }, ` reading ${where}`);
	}
	try {
		return parseCib(r.stdout);
	} catch (e) {
		throw new ModuleError(`cibadmin --query printed no CIB: ${(e as Error).message}`);
	}
}
