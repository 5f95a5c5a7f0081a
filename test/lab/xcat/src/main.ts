// The lab's xCAT double: one program, installed as many commands (/opt/xcat/bin/<cmd> links),
// dispatching on the name it was started as.
import { basename } from 'node:path';
import { requireXcatd } from './client.js';
import { makeCtx, type Command } from './commands/common.js';
import { COMMANDS } from './commands/index.js';
import { charge, chargeAfter } from './cost.js';
import { writeAll } from './output.js';

async function main(): Promise<number> {
	const invoked = basename(process.argv[1] ?? '');
	let name = invoked;
	let args = process.argv.slice(2);
	if (!COMMANDS[name]) {
		// `node xcat-double.js <command> …` for tests and the installer
		name = args[0] ?? '';
		args = args.slice(1);
	}
	const entry = COMMANDS[name];
	if (!entry) {
		writeAll(2, `xcat-double: unknown command ${JSON.stringify(invoked)}; known: ${Object.keys(COMMANDS).sort().join(' ')}\n`);
		return 127;
	}
	if (entry.viaXcatd) {
		const status = await requireXcatd(name, args);
		if (status) return status;
		charge('call');
		// real xCAT serves these inside xcatd, whose files get systemd's umask 022 whoever called: the
		// double runs them in the caller, whose umask may be tighter (Pacemaker's executor has 027,
		// and conserver, running as conservr, could then not read the conserver.cf it writes)
		process.umask(0o022);
	}
	const ctx = makeCtx(name, args, entry.viaXcatd);
	try {
		await (entry.run as Command)(ctx);
		chargeAfter(name, args);
	} finally {
		ctx.out.flush();
	}
	return ctx.out.exitCode;
}

main().then(
	(code) => {
		process.exitCode = code;
	},
	(e: unknown) => {
		writeAll(2, `${e instanceof Error ? e.message : String(e)}\n`);
		process.exitCode = 1;
	},
);
