// Every command the double provides. viaXcatd: real xCAT sends it to xcatd (so it fails when the
// daemon is down, unless XCATBYPASS is set, and errors carry "[host]: ").
import type { Command } from './common.js';
import { chdef, mkdef } from './chdef.js';
import { chtab } from './chtab.js';
import { gettab } from './gettab.js';
import { lsdef } from './lsdef.js';
import { lsxcatd } from './lsxcatd.js';
import { nodels } from './nodels.js';
import { rmdef } from './rmdef.js';
import { tabdump } from './tabdump.js';

export interface Entry {
	run: Command;
	viaXcatd: boolean;
	/** installed in /opt/xcat/sbin instead of /opt/xcat/bin */
	sbin?: boolean;
}

export const COMMANDS: Record<string, Entry> = {
	tabdump: { run: tabdump, viaXcatd: true, sbin: true },
	chtab: { run: chtab, viaXcatd: false, sbin: true },
	gettab: { run: gettab, viaXcatd: true },
	nodels: { run: nodels, viaXcatd: true },
	lsdef: { run: lsdef, viaXcatd: true },
	chdef: { run: chdef, viaXcatd: true },
	mkdef: { run: mkdef, viaXcatd: true },
	rmdef: { run: rmdef, viaXcatd: true },
	lsxcatd: { run: lsxcatd, viaXcatd: true },
};
