// libpq connection strings and postgresql.auto.conf, as text (pure): read a key, set a key, and the
// standby's settings after a base backup. A conninfo may hold a password: nothing here returns one
// to be shown (shownConninfo drops it).

/** The key=value pairs of a libpq keyword/value connection string, in order ('…' quoting, \\ escapes). */
export function parseConninfo(conninfo: string): Array<[string, string]> {
	const out: Array<[string, string]> = [];
	let i = 0;
	const s = conninfo;
	while (i < s.length) {
		while (i < s.length && /\s/.test(s[i]!)) i++;
		if (i >= s.length) break;
		let key = '';
		while (i < s.length && s[i] !== '=' && !/\s/.test(s[i]!)) key += s[i++];
		while (i < s.length && /\s/.test(s[i]!)) i++;
		if (s[i] !== '=') break;
		i++;
		while (i < s.length && /\s/.test(s[i]!)) i++;
		let value = '';
		if (s[i] === "'") {
			i++;
			while (i < s.length && s[i] !== "'") {
				if (s[i] === '\\' && i + 1 < s.length) i++;
				value += s[i++];
			}
			i++;
		} else {
			while (i < s.length && !/\s/.test(s[i]!)) {
				if (s[i] === '\\' && i + 1 < s.length) i++;
				value += s[i++];
			}
		}
		out.push([key, value]);
	}
	return out;
}

const quoteConninfo = (v: string): string => (v !== '' && /^[^\s'\\]+$/.test(v) ? v : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);

export function formatConninfo(pairs: ReadonlyArray<[string, string]>): string {
	return pairs.map(([k, v]) => `${k}=${quoteConninfo(v)}`).join(' ');
}

export function conninfoValue(conninfo: string, key: string): string | undefined {
	let value: string | undefined;
	for (const [k, v] of parseConninfo(conninfo)) if (k === key) value = v;
	return value;
}

/** CONNINFO with KEY set to VALUE once (where it first was, else at the end). */
export function setConninfo(conninfo: string, key: string, value: string): string {
	const out: Array<[string, string]> = [];
	let set = false;
	for (const [k, v] of parseConninfo(conninfo)) {
		if (k !== key) out.push([k, v]);
		else if (!set) {
			out.push([key, value]);
			set = true;
		}
	}
	if (!set) out.push([key, value]);
	return formatConninfo(out);
}

/** The conninfo without its password, for messages and facts. */
export const shownConninfo = (conninfo: string): string => formatConninfo(parseConninfo(conninfo).filter(([k]) => k !== 'password'));

const SETTING = /^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*=?\s*'((?:[^']|'')*)'\s*(#.*)?$/;

/** The value postgresql.auto.conf gives KEY (its last line for it), or undefined. */
export function autoConfValue(text: string, key: string): string | undefined {
	let value: string | undefined;
	for (const line of text.split('\n')) {
		const m = SETTING.exec(line);
		if (m && m[1] === key) value = m[2]!.replace(/''/g, "'");
	}
	return value;
}

/** TEXT with KEY set to VALUE once, at the end (every earlier line for it removed); undefined VALUE: removed. */
export function setAutoConf(text: string, key: string, value: string | undefined): string {
	const kept = text.split('\n').filter((line) => SETTING.exec(line)?.[1] !== key);
	while (kept.length && kept[kept.length - 1] === '') kept.pop();
	if (value !== undefined) kept.push(`${key} = '${value.replace(/'/g, "''")}'`);
	return `${kept.join('\n')}\n`;
}

/**
 * A new standby's postgresql.auto.conf after pg_basebackup -R: one primary_conninfo (a former standby's
 * older one, copied with the data, goes) that names APPLICATION (the name the primary's
 * synchronous_standby_names and pg_stat_replication know it by) and holds PASSWORD instead of the
 * passfile pg_basebackup was given (a temporary one: the WAL receiver must still log in after it is gone);
 * primary_slot_name SLOT; and none of the primary's synchronous_standby_names (copied with its data
 * directory): left in place, a promoted standby would wait at every commit for a standby of that name.
 * The file is PostgreSQL's own, mode 0600, owned by postgres.
 */
export function standbyAutoConf(text: string, application: string, slot: string, password: string): string {
	let conninfo = autoConfValue(text, 'primary_conninfo') ?? '';
	conninfo = formatConninfo(parseConninfo(conninfo).filter(([k]) => k !== 'passfile'));
	conninfo = setConninfo(setConninfo(conninfo, 'password', password), 'application_name', application);
	const out = setAutoConf(setAutoConf(text, 'primary_conninfo', conninfo), 'primary_slot_name', slot);
	return setAutoConf(out, 'synchronous_standby_names', undefined);
}
