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

/**
 * The quorum device corosync runs with (quorum.device.model in its runtime configuration), which
 * quorum_device claims: with it, equal fence delays are safe, so the claim is proved, not trusted.
 */
export async function requireQuorumDevice(read: Read, model: string): Promise<void> {
	const r = await read(['corosync-cmapctl', '-g', 'quorum.device.model']);
	// "quorum.device.model (str) = net"; a missing key exits non-zero
	const seen = r.rc === 0 ? /=\s*(\S+)$/.exec(r.stdout.trim())?.[1] : undefined;
	if (seen === model) return;
	const found = seen
		? `a quorum device of model ${seen}`
		: `no quorum device (corosync-cmapctl -g quorum.device.model: ${(r.stderr || r.stdout).trim() || `exit ${r.rc}`})`;
	throw new ModuleError(
		`quorum_device=${model} was given, but corosync on this node has ${found}: without one, equal fence delays let both MNs fence each other when their link breaks. Add it (pcs quorum device add model ${model} host=QNETD_HOST) or give one fence device a different delay_base`,
		{ cib: 'live' },
	);
}
