// Where xCAT keeps the node attributes that lsdef/chdef name (Schema.pm's object definitions;
// docs/xcat-behaviour.md#tables-and-object-attributes).

export const NODE_ATTRIBUTE_COLUMNS = {
	servicenode: { table: 'noderes', column: 'servicenode' },
	xcatmaster: { table: 'noderes', column: 'xcatmaster' },
	tftpserver: { table: 'noderes', column: 'tftpserver' },
	nfsserver: { table: 'noderes', column: 'nfsserver' },
	monserver: { table: 'noderes', column: 'monserver' },
	conserver: { table: 'nodehm', column: 'conserver' },
	provmethod: { table: 'nodetype', column: 'provmethod' },
	os: { table: 'nodetype', column: 'os' },
	postscripts: { table: 'postscripts', column: 'postscripts' },
	postbootscripts: { table: 'postscripts', column: 'postbootscripts' },
	groups: { table: 'nodelist', column: 'groups' },
} as const;

export type NodeAttributeName = keyof typeof NODE_ATTRIBUTE_COLUMNS;
export type XcatTableName = (typeof NODE_ATTRIBUTE_COLUMNS)[NodeAttributeName]['table'];
