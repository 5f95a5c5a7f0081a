// Writes a file the safe way: a temporary file in the same directory, fsync, rename over the old
// one (keeping its mode and owner), fsync of the directory; the first original kept as <file>.xcat-ha.orig.
import { copyFile, open, realpath, rename, stat, chmod, chown, unlink } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

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
		if (!await stat(orig).then(() => true, () => false)) {
			await copyFile(real, orig);
			await chmod(orig, old.mode & 0o7777);
			await chown(orig, old.uid, old.gid);
			backup = orig;
		}
	}
	const tmp = `${dirname(real)}/.${basename(real)}.xcat-ha-${process.pid}`;
	const fh = await open(tmp, 'wx', 0o600);
	try {
		await fh.writeFile(text);
		if (old) await fh.chown(old.uid, old.gid);
		await fh.chmod(old ? old.mode & 0o7777 : newMode);
		await fh.sync();
	} catch (e) {
		await fh.close();
		await unlink(tmp).catch(() => undefined);
		throw e;
	}
	await fh.close();
	await rename(tmp, real);
	const dir = await open(dirname(real), 'r');
	await dir.sync().finally(() => dir.close());
	return backup;
}
