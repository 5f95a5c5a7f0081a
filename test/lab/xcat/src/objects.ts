// xCAT object types for lsdef/chdef/mkdef/rmdef and where each attribute is stored
// (Schema.pm defspec, restricted to the tables the double has; see schema.ts).

export type ObjType = 'node' | 'group' | 'site' | 'network' | 'policy';
export const OBJ_TYPES: readonly ObjType[] = ['group', 'network', 'node', 'policy', 'site'];

export interface AttrDef {
	attr: string;
	table: string;
	col: string;
}

const a = (attr: string, table: string, col = attr): AttrDef => ({ attr, table, col });

/** Attributes a node and a group share; for a group they live in rows keyed by the group name. */
const COMMON: AttrDef[] = [
	a('groups', 'nodelist'),
	a('servicenode', 'noderes'),
	a('netboot', 'noderes'),
	a('tftpserver', 'noderes'),
	a('tftpdir', 'noderes'),
	a('nfsserver', 'noderes'),
	a('monserver', 'noderes'),
	a('nfsdir', 'noderes'),
	a('installnic', 'noderes'),
	a('primarynic', 'noderes'),
	a('discoverynics', 'noderes'),
	a('cmdinterface', 'noderes'),
	a('xcatmaster', 'noderes'),
	a('nimserver', 'noderes'),
	a('routenames', 'noderes'),
	a('nameservers', 'noderes'),
	a('supportproxydhcp', 'noderes', 'proxydhcp'),
	a('syslog', 'noderes'),
	a('power', 'nodehm'),
	a('mgt', 'nodehm'),
	a('cons', 'nodehm'),
	a('termserver', 'nodehm'),
	a('termport', 'nodehm'),
	a('conserver', 'nodehm'),
	a('serialport', 'nodehm'),
	a('serialspeed', 'nodehm'),
	a('serialflow', 'nodehm'),
	a('getmac', 'nodehm'),
	a('cmdmapping', 'nodehm'),
	a('consoleondemand', 'nodehm'),
	a('setupnameserver', 'servicenode', 'nameserver'),
	a('setupdhcp', 'servicenode', 'dhcpserver'),
	a('setuptftp', 'servicenode', 'tftpserver'),
	a('setupnfs', 'servicenode', 'nfsserver'),
	a('setupconserver', 'servicenode', 'conserver'),
	a('setupldap', 'servicenode', 'ldapserver'),
	a('setupntp', 'servicenode', 'ntpserver'),
	a('setupftp', 'servicenode', 'ftpserver'),
	a('setupnim', 'servicenode', 'nimserver'),
	a('setupipforward', 'servicenode', 'ipforward'),
	a('dhcpinterfaces', 'servicenode'),
	a('setupproxydhcp', 'servicenode', 'proxydhcp'),
	a('os', 'nodetype'),
	a('arch', 'nodetype'),
	a('profile', 'nodetype'),
	a('provmethod', 'nodetype'),
	a('supportedarchs', 'nodetype'),
	a('nodetype', 'nodetype'),
	a('postscripts', 'postscripts'),
	a('postbootscripts', 'postscripts'),
	a('ip', 'hosts'),
	a('hostnames', 'hosts'),
	a('otherinterfaces', 'hosts'),
	a('mac', 'mac'),
	a('interface', 'mac'),
];

const NODE_ONLY: AttrDef[] = [
	a('status', 'nodelist'),
	a('statustime', 'nodelist'),
	a('appstatus', 'nodelist'),
	a('appstatustime', 'nodelist'),
	a('updatestatus', 'nodelist'),
	a('updatestatustime', 'nodelist'),
	a('zonename', 'nodelist'),
	a('usercomment', 'nodelist', 'comments'),
];

const GROUP_ONLY: AttrDef[] = [
	a('grouptype', 'nodegroup'),
	a('members', 'nodegroup'),
	a('membergroups', 'nodegroup'),
	a('wherevals', 'nodegroup'),
	a('usercomment', 'nodegroup', 'comments'),
];

const NETWORK: AttrDef[] = [
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
]
	.map((c) => a(c, 'networks'))
	.concat([a('usercomment', 'networks', 'comments')]);

const POLICY: AttrDef[] = ['name', 'host', 'commands', 'noderange', 'parameters', 'time', 'rule']
	.map((c) => a(c, 'policy'))
	.concat([a('usercomment', 'policy', 'comments')]);

const ATTRS: Record<Exclude<ObjType, 'site'>, AttrDef[]> = {
	node: [...COMMON, ...NODE_ONLY],
	group: [...COMMON.filter((d) => d.attr !== 'groups'), ...GROUP_ONLY],
	network: NETWORK,
	policy: POLICY,
};

/** The attributes of a type; site has free-form keys and returns undefined. */
export function attrsOf(type: ObjType): readonly AttrDef[] | undefined {
	return type === 'site' ? undefined : ATTRS[type];
}

export function attrDef(type: ObjType, attr: string): AttrDef | undefined {
	return attrsOf(type)?.find((d) => d.attr === attr);
}

export function isObjType(t: string): t is ObjType {
	return (OBJ_TYPES as readonly string[]).includes(t);
}
