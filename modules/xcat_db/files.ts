// Writes a configuration file the safe way (runtime/files.ts), through a link to its target, keeping its mode
// and owner; the first original kept as <file>.xcat-ha.orig.
import { copyFile, realpath, stat, chmod, chown } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { writeFileAtomic } from '../runtime/files';

export const ORIGINAL_SUFFIX = '.xcat-ha.orig';

async function target(path: string): Promise<string> {
	return realpath(path).catch(async () => `${await realpath(dirname(path))}/${basename(path)}`);
}

/** Writes TEXT to PATH atomically; returns the backup's path when this write made it. */
export async function atomicWrite(path: string, text: string, newMode = 0o644, keepOriginal = true): Promise<string | undefined> {
	const real = await target(path);
	const old = await stat(real).catch(() => undefined);
	let backup: string | undefined;
	if (old && keepOriginal) {
		const orig = `${real}${ORIGINAL_SUFFIX}`;
		if (
			!(await stat(orig).then(
				() => true,
				() => false,
			))
		) {
			await copyFile(real, orig);
			await chmod(orig, old.mode & 0o7777);
			await chown(orig, old.uid, old.gid);
			backup = orig;
		}
	}
	writeFileAtomic(real, text, old ? { mode: old.mode & 0o7777, owner: { uid: old.uid, gid: old.gid } } : { mode: newMode });
	return backup;
}
