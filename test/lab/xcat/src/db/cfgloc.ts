// /etc/xcat/cfgloc (docs/xcat-behaviour.md#cfgloc-where-the-database-is): "Pg:dbname=xcatdb;host=10.0.0.1|xcatadm|secret",
// "mysql:…", or an SQLite directory; no file means SQLite in /etc/xcat.

export type DbConfig =
	| { engine: 'SQLite'; dir: string; raw: string }
	| { engine: 'Pg' | 'mysql' | 'DB2'; raw: string; dsn: string; dbname: string; host: string; user: string; password: string };

export function parseCfgloc(text: string | undefined): DbConfig {
	const line = (text ?? '').split('\n')[0]?.trim() ?? '';
	if (line === '') return { engine: 'SQLite', dir: '/etc/xcat', raw: 'SQLite:/etc/xcat' };
	const withEngine = line.includes(':') ? line : `SQLite:${line}`;
	if (withEngine.startsWith('SQLite:')) return { engine: 'SQLite', dir: withEngine.slice(7), raw: withEngine };
	const [dsnPart = '', user = '', password = ''] = withEngine.split('|');
	const engine = dsnPart.slice(0, dsnPart.indexOf(':'));
	const dsn = dsnPart.slice(dsnPart.indexOf(':') + 1);
	const fields = new Map(
		dsn.split(';').map((kv) => {
			const i = kv.indexOf('=');
			return [kv.slice(0, i), kv.slice(i + 1)] as [string, string];
		}),
	);
	const e = engine === 'Pg' || engine === 'mysql' || engine === 'DB2' ? engine : 'Pg';
	return { engine: e, raw: withEngine, dsn, dbname: fields.get('dbname') ?? '', host: fields.get('host') ?? '', user, password };
}

/** `lsxcatd -d` lines (tabutils.pm lsxcatd): the password is never shown. */
export function lsxcatdDatabaseLines(cfg: DbConfig): string[] {
	if (cfg.engine === 'SQLite') return ['dbengine=SQLite'];
	const parts = cfg.raw.split('|');
	const cfgloc = `${parts[0]}|${parts[1] ?? ''}`;
	const [hostPart = '', addr = ''] = (parts[0] ?? '').split('host=');
	const [engine = '', dbnamestr = ''] = hostPart.split(':');
	const dbname = (dbnamestr.split('=')[1] ?? '').slice(0, -1); // Perl chop of the trailing ';'
	return [`cfgloc=${cfgloc}`, `dbengine=${engine}`, `dbname=${dbname}`, `dbhost=${addr}`, `dbadmin=${parts[1] ?? ''}`];
}
