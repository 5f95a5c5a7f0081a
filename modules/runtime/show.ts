// Values echoed back in messages, cut to a readable length: a 1 MB argument must not make a 3 MB message.
export const SHOWN_MAX = 120;

/** TEXT itself when short, else its first MAX characters and how long it was. */
export function cut(text: string, max = SHOWN_MAX): string {
	if (text.length <= max) return text;
	// never split a surrogate pair: half a character would print as garbage
	const end = /[\ud800-\udbff]/.test(text[max - 1] ?? '') ? max - 1 : max;
	return `${text.slice(0, end)}…(${text.length} characters)`;
}

/** A value as a message shows it: strings as they are, anything else as JSON; cut to a readable length. */
export function showValue(v: unknown, max = SHOWN_MAX): string {
	return cut(typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)), max);
}

/** A value in JSON quotes, cut to a readable length (for strings whose spaces or newlines matter). */
export function quoteValue(v: unknown, max = SHOWN_MAX): string {
	return typeof v === 'string' ? JSON.stringify(cut(v, max)) : cut(JSON.stringify(v) ?? String(v), max);
}
