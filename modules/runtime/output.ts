// Writes the one JSON object Ansible reads, and nothing else.

/** JSON with every non-ASCII character escaped: Python's splitlines() would break on raw U+2028/U+0085. */
export function asciiJson(value: unknown): string {
	return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Writes the whole result (however large) before the process exits. */
export function emit(result: Record<string, unknown>): void {
	const code = result.failed ? 1 : 0;
	process.stdout.write(`${asciiJson(result)}\n`, () => process.exit(code));
}
