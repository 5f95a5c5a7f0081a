// tabdump's CSV (docs/xcat-behaviour.md#tabdump): a defined value is "value" with " doubled, NULL is nothing,
// fields joined by commas, no trailing comma. The parser reads it back for restorexCATdb.
import type { Row } from './schema.js';

export function headerLine(cols: readonly string[]): string {
	return `#${cols.join(',')}`;
}

export function rowLine(row: Row): string {
	return row.map((v) => (v === null ? '' : `"${v.replace(/"/g, '""')}"`)).join(',');
}

export class CsvError extends Error {}

/** Parses one record (which may span lines when a quoted value holds a newline). */
export function parseRecord(text: string, width: number): Row {
	const out: Row = [];
	let i = 0;
	for (;;) {
		if (text[i] === '"') {
			let value = '';
			i++;
			for (;;) {
				const q = text.indexOf('"', i);
				if (q < 0) throw new CsvError('unmatched "');
				value += text.slice(i, q);
				if (text[q + 1] === '"') {
					value += '"';
					i = q + 2;
					continue;
				}
				i = q + 1;
				break;
			}
			out.push(value);
		} else {
			const c = text.indexOf(',', i);
			const raw = c < 0 ? text.slice(i) : text.slice(i, c);
			if (raw.includes('"')) throw new CsvError('unescaped "');
			out.push(raw === '' ? null : raw);
			i = c < 0 ? text.length : c;
		}
		if (i >= text.length) break;
		if (text[i] !== ',') throw new CsvError(`unexpected character ${JSON.stringify(text[i])}`);
		i++;
		if (i === text.length) {
			out.push(null);
			break;
		}
	}
	if (out.length > width) throw new CsvError('too many fields');
	while (out.length < width) out.push(null);
	return out;
}

/** Splits a dump file into its header columns and record texts (a quoted newline continues a record). */
export function splitDump(content: string): { cols: string[]; records: string[] } {
	const lines = content.split('\n');
	if (lines.length && lines[lines.length - 1] === '') lines.pop();
	const header = lines.shift();
	if (header === undefined || !header.startsWith('#')) throw new CsvError('Data missing header line starting with #');
	const cols = header.replace(/"/g, '').slice(1).trimEnd().split(',');
	const records: string[] = [];
	let pending: string | null = null;
	for (const line of lines) {
		const text: string = pending === null ? line : `${pending}\n${line}`;
		if (quotesOpen(text)) {
			pending = text;
			continue;
		}
		pending = null;
		if (text.trim() !== '') records.push(text);
	}
	if (pending !== null) throw new CsvError('unmatched "');
	return { cols, records };
}

function quotesOpen(text: string): boolean {
	let open = false;
	for (const ch of text) if (ch === '"') open = !open;
	return open;
}
