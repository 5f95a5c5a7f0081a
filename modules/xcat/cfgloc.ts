// /etc/xcat/cfgloc, where xCAT finds its database (docs/xcat-behaviour.md#cfgloc-where-the-database-is): its first line is
// `Pg:dbname=xcatdb;host=<ip>|xcatadm|<password>`, `mysql:…|xcatadmin|…`, `DB2:…`, `SQLite:<dir>`
// or a bare SQLite directory; no file means SQLite in /etc/xcat. Pure.

export type DbType = 'postgresql' | 'mysql' | 'sqlite' | 'db2';

export interface Cfgloc {
	type: DbType;
	/** the engine word before the first ':' ('Pg', 'mysql', 'DB2', 'SQLite') */
	engine: string;
	/** `dbname=…;host=…` fields in file order */
	fields: Array<[string, string]>;
	user: string;
	password: string;
}

const ENGINES: Record<string, DbType> = { Pg: 'postgresql', mysql: 'mysql', DB2: 'db2', SQLite: 'sqlite' };

export function parseCfgloc(text: string | undefined): Cfgloc {
	const line = firstLine(text);
	if (line === '' || !line.includes(':')) return { type: 'sqlite', engine: 'SQLite', fields: [], user: '', password: '' };
	const [dsn = '', user = '', ...rest] = line.split('|');
	const engine = dsn.slice(0, dsn.indexOf(':'));
	const fields = dsn
		.slice(engine.length + 1)
		.split(';')
		.filter((f) => f !== '')
		.map((f): [string, string] => {
			const eq = f.indexOf('=');
			return eq < 0 ? [f, ''] : [f.slice(0, eq), f.slice(eq + 1)];
		});
	// an engine word we do not know is taken for PostgreSQL, as xcatha.py does (docs/xcatha.md#database-type)
	const type = ENGINES[engine] ?? 'postgresql';
	return { type, engine, fields, user, password: rest.join('|') };
}

export function cfglocHost(c: Cfgloc): string | undefined {
	return c.fields.find(([k]) => k === 'host')?.[1];
}

/** The first line of a cfgloc for ENGINE with these fields: `Pg:dbname=xcatdb;host=…|user|password`. */
export function formatCfgloc(c: Pick<Cfgloc, 'engine' | 'fields' | 'user' | 'password'>): string {
	return `${c.engine}:${c.fields.map(([k, v]) => `${k}=${v}`).join(';')}|${c.user}|${c.password}`;
}

/** TEXT with the first line's `host=` set to HOST (added when missing); other lines kept. */
export function withCfglocHost(text: string, host: string): string {
	const c = parseCfgloc(text);
	if (c.type === 'sqlite') return text;
	const fields: Array<[string, string]> = c.fields.some(([k]) => k === 'host')
		? c.fields.map(([k, v]) => [k, k === 'host' ? host : v])
		: [...c.fields, ['host', host]];
	const nl = text.indexOf('\n');
	return formatCfgloc({ ...c, fields }) + (nl < 0 ? '\n' : text.slice(nl));
}

/** cfgloc text with the password field replaced, for diffs and messages. */
export function maskCfgloc(text: string, mask = '********'): string {
	const nl = text.indexOf('\n');
	const line = nl < 0 ? text : text.slice(0, nl);
	const parts = line.split('|');
	if (parts.length < 3) return text;
	return `${parts[0]}|${parts[1]}|${mask}${nl < 0 ? '' : text.slice(nl)}`;
}

/** The engine `lsxcatd -d` reports (`dbengine=Pg`), as a DbType; undefined when it names none. */
export function lsxcatdType(stdout: string): DbType | undefined {
	const engine = /^dbengine=(\S+)$/m.exec(stdout)?.[1];
	return engine === undefined ? undefined : (ENGINES[engine] ?? 'postgresql');
}

/** `dbhost=` of `lsxcatd -d`, when it names one. */
export function lsxcatdHost(stdout: string): string | undefined {
	return /^dbhost=(\S+)$/m.exec(stdout)?.[1];
}

function firstLine(text: string | undefined): string {
	return (text ?? '').split('\n')[0]?.trim() ?? '';
}
