// The xCAT tables the double knows: columns in schema order and key columns (docs/xcat-behaviour.md#tables-and-object-attributes),
// plus `mac`, which makedhcp -a needs. Every table ends with `comments` and `disable`.

export interface TableSpec {
	cols: readonly string[];
	keys: readonly string[];
}

export const TABLES: Readonly<Record<string, TableSpec>> = {
	site: { cols: ['key', 'value', 'comments', 'disable'], keys: ['key'] },
	noderes: {
		cols: [
			'node',
			'servicenode',
			'netboot',
			'tftpserver',
			'tftpdir',
			'nfsserver',
			'monserver',
			'nfsdir',
			'installnic',
			'primarynic',
			'discoverynics',
			'cmdinterface',
			'xcatmaster',
			'current_osimage',
			'next_osimage',
			'nimserver',
			'routenames',
			'nameservers',
			'proxydhcp',
			'syslog',
			'comments',
			'disable',
		],
		keys: ['node'],
	},
	nodehm: {
		cols: [
			'node',
			'power',
			'mgt',
			'cons',
			'termserver',
			'termport',
			'conserver',
			'serialport',
			'serialspeed',
			'serialflow',
			'getmac',
			'cmdmapping',
			'consoleondemand',
			'consoleenabled',
			'comments',
			'disable',
		],
		keys: ['node'],
	},
	servicenode: {
		cols: [
			'node',
			'nameserver',
			'dhcpserver',
			'tftpserver',
			'nfsserver',
			'conserver',
			'monserver',
			'ldapserver',
			'ntpserver',
			'ftpserver',
			'nimserver',
			'ipforward',
			'dhcpinterfaces',
			'proxydhcp',
			'comments',
			'disable',
		],
		keys: ['node'],
	},
	networks: {
		cols: [
			'netname',
			'net',
			'mask',
			'mgtifname',
			'gateway',
			'dhcpserver',
			'tftpserver',
			'nameservers',
			'ntpservers',
			'logservers',
			'dynamicrange',
			'staticrange',
			'staticrangeincrement',
			'nodehostname',
			'ddnsdomain',
			'vlanid',
			'domain',
			'mtu',
			'comments',
			'disable',
		],
		keys: ['net', 'mask'],
	},
	policy: {
		cols: ['priority', 'name', 'host', 'commands', 'noderange', 'parameters', 'time', 'rule', 'comments', 'disable'],
		keys: ['priority'],
	},
	nodetype: { cols: ['node', 'os', 'arch', 'profile', 'provmethod', 'supportedarchs', 'nodetype', 'comments', 'disable'], keys: ['node'] },
	nodelist: {
		cols: [
			'node',
			'groups',
			'status',
			'statustime',
			'appstatus',
			'appstatustime',
			'primarysn',
			'hidden',
			'updatestatus',
			'updatestatustime',
			'zonename',
			'comments',
			'disable',
		],
		keys: ['node'],
	},
	notification: { cols: ['filename', 'tables', 'tableops', 'comments', 'disable'], keys: ['filename'] },
	// read by xcat_ha before a failover starts xcatd early (a non-empty one means a second monitor)
	monitoring: { cols: ['name', 'nodestatmon', 'comments', 'disable'], keys: ['name'] },
	nodegroup: { cols: ['groupname', 'grouptype', 'members', 'membergroups', 'wherevals', 'comments', 'disable'], keys: ['groupname'] },
	postscripts: { cols: ['node', 'postscripts', 'postbootscripts', 'comments', 'disable'], keys: ['node'] },
	passwd: { cols: ['key', 'username', 'password', 'cryptmethod', 'authdomain', 'comments', 'disable'], keys: ['key', 'username'] },
	hosts: { cols: ['node', 'ip', 'hostnames', 'otherinterfaces', 'comments', 'disable'], keys: ['node'] },
	mac: { cols: ['node', 'interface', 'mac', 'comments', 'disable'], keys: ['node'] },
};

export const TABLE_NAMES: readonly string[] = Object.keys(TABLES).sort();

export function tableSpec(name: string): TableSpec | undefined {
	return Object.prototype.hasOwnProperty.call(TABLES, name) ? TABLES[name] : undefined;
}

/** Tables whose rows are keyed by a node (or group) name in column `node`. */
export const NODE_TABLES: readonly string[] = Object.entries(TABLES)
	.filter(([, s]) => s.keys.length === 1 && s.keys[0] === 'node')
	.map(([n]) => n);

/** A row, one value per column in schema order; null is SQL NULL. */
export type Row = (string | null)[];

/** xCAT ignores rows whose `disable` is anything but NULL, '', 0 or no (any case). */
export function rowEnabled(spec: TableSpec, row: Row): boolean {
	const d = row[spec.cols.indexOf('disable')];
	return d === null || d === undefined || /^(|0|no)$/i.test(d);
}

export function colIndex(spec: TableSpec, col: string): number {
	return spec.cols.indexOf(col);
}
