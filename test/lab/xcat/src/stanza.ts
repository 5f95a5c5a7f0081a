// lsdef output (docs/xcat-behaviour.md#lsdef-and-chdef and DBobjectdefs.pm defls): stanzas sorted by object and by
// attribute, 4-space indent; -i prints requested attributes even when unset; -c compresses to
// "obj: attr=val"; -z writes the stanza-file format; without details only "name  (type)".

export interface ListedObject {
	name: string;
	type: string;
	attrs: ReadonlyMap<string, string>;
}

export interface LsdefFormat {
	long: boolean;
	/** attributes given with -i (already filtered to valid ones), in command-line order */
	requested?: readonly string[];
	compress?: boolean;
	stanza?: boolean;
	/** more than one -t type: the name line carries the type */
	multiType?: boolean;
	/** site-like types: show only what is set, even with -i */
	freeForm?: boolean;
}

export function formatLsdef(objects: readonly ListedObject[], f: LsdefFormat): string[] {
	const out: string[] = [];
	if (f.stanza) out.push('# <xCAT data object stanza file>');
	const sorted = [...objects].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
	for (const obj of sorted) {
		if (!f.long) {
			out.push(f.stanza ? `\n${obj.name}:` : `${obj.name}  (${obj.type})`);
			continue;
		}
		if (f.stanza) out.push(`\n${obj.name}:`, `    objtype=${obj.type}`);
		else if (f.multiType) out.push(`Object name: ${obj.name}  (${obj.type})`);
		else if (!f.compress) out.push(`Object name: ${obj.name}`);
		const names = f.requested && !f.freeForm ? [...new Set(f.requested)] : [...obj.attrs.keys()];
		for (const attr of names.sort()) {
			const value = obj.attrs.get(attr);
			if (f.requested) {
				if (!f.requested.includes(attr)) continue;
				if (f.freeForm && (value === undefined || value === '')) continue;
				// defls prints a group's members in stanza form even with -c
				const compressed = f.compress && !(obj.type === 'group' && attr === 'members');
				out.push(compressed ? `${obj.name}: ${attr}=${value ?? ''}` : `    ${attr}=${value ?? ''}`);
			} else if (value !== undefined && value !== '') {
				out.push(`    ${attr}=${value}`);
			}
		}
	}
	return out;
}
