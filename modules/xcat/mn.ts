// Where the modules that write the xCAT database run: on the active management node, which `lsxcatd -t`
// names (its answer also proves xcatd answers there). One check for every such module.
import { commandFailed, ModuleError, type Read } from '../runtime';

/** Refuses unless `lsxcatd -t` says this host is a management node; MODULE names the module in the message. */
export async function requireManagementNode(read: Read, module: string): Promise<void> {
	const r = await read(['lsxcatd', '-t']);
	if (r.rc === 127) throw new ModuleError(`lsxcatd was not found: run ${module} on the active xCAT management node`);
	if (r.rc !== 0) throw commandFailed(r, `: xcatd does not answer on this host, so it is not the active management node; run ${module} there`);
	if (!r.stdout.includes('This is a Management Node')) {
		throw new ModuleError(
			`this host is not an xCAT management node (lsxcatd -t says: ${r.stdout.trim() || '(nothing)'}); run ${module} on the active management node`,
		);
	}
}
