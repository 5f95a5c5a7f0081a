// The two PostgreSQL files xCAT's HA needs right (pure): pg_hba.conf must let every MN address and
// the VIP in (md5, as pgsqlsetup writes it), and postgresql.conf's listen_addresses must name them.

/** pgsqlsetup's own line, spacing included (docs/xcat-behaviour.md#pgsqlsetup). */
export const hbaLine = (ip: string): string => `host    all          all        ${ip}/32      md5`;

const PASSWORD_METHODS = new Set(['md5', 'scram-sha-256', 'password']);

/** Which connections a pg_hba.conf line is for, and how this project writes and places one. */
export interface HbaRule {
	database: string;
	user: string;
	/** the line that lets IP in */
	line(ip: string): string;
	/** the comment the lines go after, with the lines of the rule that follow it; without one, at the end */
	after?: RegExp;
}

/** xCAT's: every database and user with a password, pgsqlsetup's lines after the IPv4 comment. */
export const XCAT_HBA: HbaRule = { database: 'all', user: 'all', line: hbaLine, after: /^#.*IPv4 local connections:/ };

/** An uncommented `host <database> <user> <ip>/32` line of RULE (xCAT's: all all) with a password method lets IP in. */
export function hbaAllows(text: string, ip: string, rule: HbaRule = XCAT_HBA): boolean {
	return text.split('\n').some((raw) => {
		const f = raw.replace(/#.*/, '').trim().split(/\s+/);
		return (
			f[0] === 'host' &&
			f[1] === rule.database &&
			f[2] === rule.user &&
			(f[3] === `${ip}/32` || (f[3] === ip && f[4] === '255.255.255.255')) &&
			PASSWORD_METHODS.has(f[3] === ip ? (f[5] ?? '') : (f[4] ?? ''))
		);
	});
}

/**
 * TEXT with a line of RULE for each IP that is not let in yet. xCAT's go where pgsqlsetup puts its own:
 * after the `IPv4 local connections:` comment and the xCAT lines that follow it (else at the end).
 */
export function ensureHba(text: string, ips: readonly string[], rule: HbaRule = XCAT_HBA): string {
	const missing = ips.filter((ip, i) => ips.indexOf(ip) === i && !hbaAllows(text, ip, rule));
	if (missing.length === 0) return text;
	const lines = text.split('\n');
	const marker = rule.after ? lines.findIndex((l) => rule.after!.test(l)) : -1;
	if (marker < 0) {
		const body = text === '' || text.endsWith('\n') ? text : `${text}\n`;
		return `${body}${missing.map((ip) => rule.line(ip)).join('\n')}\n`;
	}
	let at = marker + 1;
	while (at < lines.length && /^host\s+all\s+all\s+\S+\/32\s+md5\s*$/.test(lines[at] ?? '')) at++;
	lines.splice(at, 0, ...missing.map((ip) => rule.line(ip)));
	return lines.join('\n');
}

export interface Listen {
	/** index of the line PostgreSQL uses (the last uncommented setting), or -1 */
	line: number;
	addresses: string[];
}

const LISTEN = /^\s*listen_addresses\s*=?\s*(?:'([^']*)'|([^\s#']+))/;

export function parseListen(text: string): Listen {
	const lines = text.split('\n');
	for (let i = lines.length - 1; i >= 0; i--) {
		const m = LISTEN.exec(lines[i] ?? '');
		if (m)
			return {
				line: i,
				addresses: (m[1] ?? m[2] ?? '')
					.split(',')
					.map((s) => s.trim())
					.filter(Boolean),
			};
	}
	// PostgreSQL's default when nothing sets it
	return { line: -1, addresses: ['localhost'] };
}

/** Whether PostgreSQL with these listen_addresses accepts connections to IP. */
export function listensOn(addresses: readonly string[], ip: string): boolean {
	return addresses.includes(ip) || addresses.includes('*') || addresses.includes('0.0.0.0');
}

/** TEXT with listen_addresses naming localhost and every IP (kept values first, in their order). */
export function ensureListen(text: string, ips: readonly string[]): string {
	const current = parseListen(text);
	const wanted = ['localhost', ...ips];
	const missing = wanted.filter((ip, i) => wanted.indexOf(ip) === i && !listensOn(current.addresses, ip));
	if (missing.length === 0) return text;
	const setting = `listen_addresses = '${[...current.addresses, ...missing].join(',')}'`;
	if (current.line < 0) {
		const body = text === '' || text.endsWith('\n') ? text : `${text}\n`;
		return `${body}${setting}\t# xcat-ha: the VIP and every MN address\n`;
	}
	const lines = text.split('\n');
	const old = lines[current.line] ?? '';
	const comment = /'[^']*'\s*(#.*)$/.exec(old)?.[1] ?? /^[^#]*(#.*)$/.exec(old)?.[1];
	lines[current.line] = comment ? `${setting}\t${comment}` : setting;
	return lines.join('\n');
}
