// Node lists handed to xCAT commands as one noderange argument (chdef -o, nodeset, makeconservercf,
// updatenode). Linux refuses any single argument over 128 KiB (MAX_ARG_STRLEN) with E2BIG, so a list
// of 100,000 names is split into a few comma-joined chunks, each a separate command.

/** Comfortably below MAX_ARG_STRLEN (131072 bytes, terminating NUL included). */
export const MAX_NODERANGE_CHARS = 100_000;

export function noderangeChunks(nodes: readonly string[], maxChars = MAX_NODERANGE_CHARS): string[] {
	const chunks: string[] = [];
	let current: string[] = [];
	let length = 0;
	for (const node of nodes) {
		if (node.length > maxChars) throw new RangeError(`node name longer than ${maxChars} characters`);
		const added = current.length === 0 ? node.length : node.length + 1;
		if (length + added > maxChars) {
			chunks.push(current.join(','));
			current = [];
			length = 0;
		}
		length += current.length === 0 ? node.length : node.length + 1;
		current.push(node);
	}
	if (current.length > 0) chunks.push(current.join(','));
	return chunks;
}
