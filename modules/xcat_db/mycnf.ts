// What MariaDB/MySQL needs for xCAT's HA (pure): the server must listen beyond localhost (the VIP is
// only sometimes on a host, so nothing but "every address" works), and xcatadmin must be granted
// xcatdb from the VIP and every MN address.
//
// Real mysqlsetup comments out `bind` lines in /etc/mysql/my.cnf only; Debian's MariaDB sets
// bind-address in mariadb.conf.d/50-server.cnf, which it never touches, and a standby never runs
// mysqlsetup at all. So every server option file is checked on every MN, on every run.

/** The option files the server reads, by where distributions put them (globs end in /*.cnf). */
export const SERVER_OPTION_FILES = [
	'/etc/my.cnf',
	'/etc/my.cnf.d/*.cnf',
	'/etc/mysql/my.cnf',
	'/etc/mysql/mariadb.cnf',
	'/etc/mysql/conf.d/*.cnf',
	'/etc/mysql/mariadb.conf.d/*.cnf',
	'/etc/mysql/mysql.conf.d/*.cnf',
];

export interface OptionFile {
	path: string;
	text: string;
}

/** Groups the server reads: [mysqld], [server], [mariadb], [mariadbd] and their -VERSION forms. */
const SERVER_GROUP = /^\[\s*(mysqld|server|mariadb|mariadbd)(-[0-9.]+)?\s*\]/i;
const ANY_GROUP = /^\[.*\]/;
const LISTEN_ANYWHERE = new Set(['0.0.0.0', '::', '*']);

/** An option line that keeps the server off the network: a bind-address that is not "everywhere", or skip-networking. */
function closesNetwork(line: string): boolean {
	const m = /^\s*([A-Za-z_-]+)\s*(?:=\s*(.*?))?\s*$/.exec(line.replace(/\s#.*$/, ''));
	if (!m) return false;
	const name = m[1]!.toLowerCase().replace(/_/g, '-');
	const value = (m[2] ?? '').replace(/^(['"])(.*)\1$/, '$2');
	if (name === 'bind-address')
		return !value
			.split(',')
			.map((v) => v.trim())
			.some((v) => LISTEN_ANYWHERE.has(v));
	if (name === 'skip-networking') return !/^(0|off|false)$/i.test(value);
	return false;
}

/** The lines of TEXT that keep the server off the network, with their 0-based numbers. */
export function closingLines(text: string): Array<{ line: number; text: string }> {
	const out: Array<{ line: number; text: string }> = [];
	let server = false;
	text.split('\n').forEach((raw, i) => {
		const t = raw.trim();
		if (ANY_GROUP.test(t)) server = SERVER_GROUP.test(t);
		else if (server && !t.startsWith('#') && !t.startsWith(';') && closesNetwork(t)) out.push({ line: i, text: raw });
	});
	return out;
}

/** TEXT with those lines commented out the way mysqlsetup does it (`#` before the line). */
export function openNetwork(text: string): string {
	const lines = text.split('\n');
	for (const c of closingLines(text)) lines[c.line] = `#${c.text}`;
	return lines.join('\n');
}

/** Does a MySQL account host (`198.51.100.%`, `%`, `10.0.0.0/255.0.0.0`, an address) let IP in? */
export function hostCovers(pattern: string, ip: string): boolean {
	const slash = pattern.indexOf('/');
	if (slash >= 0) {
		const num = (s: string) => s.split('.').reduce((n, o) => n * 256 + Number(o), 0);
		const [net, mask] = [pattern.slice(0, slash), pattern.slice(slash + 1)];
		if (!/^\d+(\.\d+){3}$/.test(net) || !/^\d+(\.\d+){3}$/.test(mask)) return false;
		const m = num(mask);
		return (num(ip) & m) >>> 0 === (num(net) & m) >>> 0;
	}
	const re = pattern
		.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
		.replace(/%/g, '.*')
		.replace(/_/g, '.');
	return new RegExp(`^${re}$`, 'i').test(ip);
}

/** The IPS no grant host lets in. */
export function ungranted(hosts: readonly string[], ips: readonly string[]): string[] {
	return ips.filter((ip, i) => ips.indexOf(ip) === i && !hosts.some((h) => hostCovers(h, ip)));
}

/** The statements mysqlsetup sends for each -f host; the password only ever goes on stdin. */
export function grantSqlFor(ips: readonly string[], password: string): string {
	if (!/^[A-Za-z0-9]+$/.test(password)) throw new Error('the xcatadmin password must be letters and digits');
	return ips.map((ip) => `GRANT ALL ON xcatdb.* TO 'xcatadmin'@'${ip}' IDENTIFIED BY '${password}';\n`).join('');
}

export const GRANTS_QUERY = "SELECT Host FROM mysql.db WHERE User = 'xcatadmin' AND Db = 'xcatdb'";
