// Every command the double provides. viaXcatd: real xCAT sends it to xcatd (so it fails when the
// daemon is down, unless XCATBYPASS is set, and errors carry "[host]: "). sbin: installed in
// /opt/xcat/sbin rather than /opt/xcat/bin.
import type { Command } from './common.js';
import { chdef, mkdef } from './chdef.js';
import { chtab } from './chtab.js';
import { conserverApply, makeconservercf, makegocons } from './consoles.js';
import { makedhcp } from './dhcp.js';
import { makedns, makehosts } from './dns.js';
import { nodeset, updatenode, xdsh } from './nodes.js';
import { clusterData } from './clusterdata.js';
import { dumpxCATdb, restorexCATdb } from './dbdump.js';
import { gettab } from './gettab.js';
import { install, snInit } from './labtools.js';
import { lsdef } from './lsdef.js';
import { lsxcatd } from './lsxcatd.js';
import { mysqlsetup } from './mysqlsetup.js';
import { nodels } from './nodels.js';
import { pgsqlsetup, pgUnitInstall } from './pgsqlsetup.js';
import { rmdef } from './rmdef.js';
import { tabdump } from './tabdump.js';
import { tabrestore } from './tabrestore.js';
import { xcatconfig } from './xcatconfig.js';
import { xcatd } from './xcatd.js';

export interface Entry {
	run: Command;
	viaXcatd: boolean;
	sbin?: boolean;
}

export const COMMANDS: Record<string, Entry> = {
	tabdump: { run: tabdump, viaXcatd: true, sbin: true },
	chtab: { run: chtab, viaXcatd: false, sbin: true },
	tabrestore: { run: tabrestore, viaXcatd: true, sbin: true },
	gettab: { run: gettab, viaXcatd: true },
	nodels: { run: nodels, viaXcatd: true },
	lsdef: { run: lsdef, viaXcatd: true },
	chdef: { run: chdef, viaXcatd: true },
	mkdef: { run: mkdef, viaXcatd: true },
	rmdef: { run: rmdef, viaXcatd: true },
	lsxcatd: { run: lsxcatd, viaXcatd: true },
	dumpxCATdb: { run: dumpxCATdb, viaXcatd: true, sbin: true },
	restorexCATdb: { run: restorexCATdb, viaXcatd: true, sbin: true },
	pgsqlsetup: { run: pgsqlsetup, viaXcatd: false },
	mysqlsetup: { run: mysqlsetup, viaXcatd: false },
	xcatd: { run: xcatd, viaXcatd: false, sbin: true },
	xcatconfig: { run: xcatconfig, viaXcatd: false, sbin: true },
	makehosts: { run: makehosts, viaXcatd: true, sbin: true },
	makedns: { run: makedns, viaXcatd: true, sbin: true },
	makedhcp: { run: makedhcp, viaXcatd: true, sbin: true },
	makeconservercf: { run: makeconservercf, viaXcatd: true, sbin: true },
	makegocons: { run: makegocons, viaXcatd: true, sbin: true },
	nodeset: { run: nodeset, viaXcatd: true, sbin: true },
	updatenode: { run: updatenode, viaXcatd: true, sbin: true },
	xdsh: { run: xdsh, viaXcatd: true },
	install: { run: install, viaXcatd: false },
	'conserver-apply': { run: conserverApply, viaXcatd: false },
	'sn-init': { run: snInit, viaXcatd: false },
	'cluster-data': { run: clusterData, viaXcatd: false },
	'pg-unit': { run: pgUnitInstall, viaXcatd: false },
};
