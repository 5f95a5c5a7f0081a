// conserver exits at once ("no consoles found") when its configuration defines none, which is
// what makeconservercf writes for a cluster without nodes yet (a freshly installed MN).
import { readFile } from 'node:fs/promises';

export const NO_CONSOLES = 'the conserver configuration defines no console yet (no nodes), so conserver would exit; it starts once makeconservercf writes one';

/** EL's path first; Debian's package reads /etc/conserver/conserver.cf */
export const CONSERVER_CONFIGS: readonly string[] = ['/etc/conserver.cf', '/etc/conserver/conserver.cf'];

/** true when a conserver configuration exists and defines no console; false when unknown */
export async function conserverHasNoConsoles(configs = CONSERVER_CONFIGS): Promise<boolean> {
	for (const path of configs) {
		const text = await readFile(path, 'utf8').catch(() => undefined);
		if (text !== undefined) return !definesConsole(text);
	}
	return false;
}

/** a `console NAME {` block that is not commented out (pure) */
export function definesConsole(text: string): boolean {
	return text.split('\n').some((line) => /^\s*console\s+\S+/.test(line.replace(/#.*/, '')));
}
