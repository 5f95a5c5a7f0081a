// rmdef (DBobjectdefs.pm defrm)
import { flag } from '../getopt.js';
import { objectsOfType, removalOps, tablesFor } from '../defmodel.js';
import { load, write, type Ctx } from './common.js';
import { processArgs, usage } from './defargs.js';

export function rmdef(ctx: Ctx): void {
	const { out } = ctx;
	const a = processArgs(ctx);
	if (a === 'usage') {
		usage(ctx);
		return;
	}
	if (a === 'error' || a === 'done') return;
	if (flag(a.p, 'a') && !flag(a.p, 'f')) {
		out.error("You must use the '-f' option when using the '-a' option.");
		usage(ctx);
		return;
	}
	const type = a.types[0]!;
	const snap = load(ctx, tablesFor(type));
	if (!snap) return;
	const known = new Set(objectsOfType(snap, type));
	const names = a.range ? snap.expand(a.range.text, a.range.verify).nodes : a.from === 't' || a.from === 'a' ? [...known] : a.names;
	const found: string[] = [];
	for (const n of names) {
		if (!known.has(n)) out.error(`Could not find an object named '${n}' of type '${type}'.`);
		else found.push(n);
	}
	if (!write(ctx, removalOps(snap, type, found))) {
		out.error('One or more errors occured when attempting to remove xCAT object definitions.');
		return;
	}
	// defrm counts the objects it found (the missing ones were taken out of its hash)
	if (found.length) out.data(`${new Set(found).size} object definitions have been removed.`);
	else out.data('No objects have been removed from the xCAT database.');
}
