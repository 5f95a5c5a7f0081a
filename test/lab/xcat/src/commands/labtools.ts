// The lab's own tooling (not xCAT commands): `xcat-double install` puts the commands on PATH,
// `xcat-double sn-init` makes a service node, `xcat-double cluster-data` defines the cluster.
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, realpathSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostPath } from '../env.js';
import { getopt, flag, str } from '../getopt.js';
import { systemctl } from '../sys.js';
import type { Ctx } from './common.js';
import { write } from './common.js';
import { COMMANDS } from './index.js';
import { installXcatdUnit } from './units.js';

const LAB_TOOLS = new Set(['install', 'sn-init', 'cluster-data', 'conserver-apply', 'pg-unit']);
const PATH_LINE = 'PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/xcat/bin:/opt/xcat/sbin:/opt/xcat/share/xcat/tools"';
const PROFILE = `# xCAT (the lab's double, test/lab/xcat)
XCATROOT=/opt/xcat
PATH=$XCATROOT/bin:$XCATROOT/sbin:$XCATROOT/share/xcat/tools:$PATH
export XCATROOT PATH
`;

const CONSOLE_SCRIPT = `#!/bin/sh
# console of a lab node (the xCAT double has no BMCs): shows which host serves it
echo "console of $1 served by $(hostname) (lab double)"
exec sleep infinity
`;

/** Links every command to the bundle and puts /opt/xcat/{bin,sbin} on PATH for all shells. */
export function install(ctx: Ctx): void {
	const self = realpathSync(process.argv[1] ?? '');
	let changed = 0;
	for (const [name, entry] of Object.entries(COMMANDS)) {
		if (LAB_TOOLS.has(name)) continue;
		changed += link(`/opt/xcat/${entry.sbin ? 'sbin' : 'bin'}/${name}`, self);
	}
	changed += link('/opt/xcat/sbin/xcat-double', self);
	changed += ensureFile('/etc/profile.d/xcat.sh', PROFILE);
	changed += ensureFile('/opt/xcat/share/xcat/cons/ipmi', CONSOLE_SCRIPT, 0o755);
	// Debian's conserver reads /etc/conserver/conserver.cf; xCAT writes /etc/conserver.cf, and real xCAT
	// links nothing (the xcat_ha role does it on the MNs). --console-link does it as the admin of a lab
	// host would; the lab's provisioning asks for it.
	if (ctx.args.includes('--console-link') && existsSync(hostPath('/etc/conserver'))) {
		const cf = '/etc/conserver/conserver.cf';
		if (existsSync(hostPath(cf)) && !lstatSync(hostPath(cf)).isSymbolicLink() && !existsSync(hostPath(`${cf}.dist`))) {
			writeFileSync(hostPath(`${cf}.dist`), readFileSync(hostPath(cf)));
		}
		changed += link(cf, '/etc/conserver.cf');
	}
	const envPath = hostPath('/etc/environment');
	const env = existsSync(envPath) ? readFileSync(envPath, 'utf8') : '';
	if (!env.split('\n').includes(PATH_LINE)) {
		const kept = env.split('\n').filter((l) => l !== '' && !/^PATH=/.test(l) && !/^XCATROOT=/.test(l));
		writeFileSync(envPath, `${[...kept, PATH_LINE, 'XCATROOT=/opt/xcat'].join('\n')}\n`);
		changed++;
	}
	ctx.out.data(`xcat-double install: ${changed} change(s)`);
}

function link(path: string, target: string): number {
	const p = hostPath(path);
	mkdirSync(hostPath(path.slice(0, path.lastIndexOf('/'))), { recursive: true });
	try {
		if (lstatSync(p).isSymbolicLink() && readlinkSync(p) === target) return 0;
		unlinkSync(p);
	} catch {
		// absent
	}
	symlinkSync(target, p);
	return 1;
}

export function ensureFile(path: string, content: string, mode = 0o644): number {
	const p = hostPath(path);
	if (existsSync(p) && readFileSync(p, 'utf8') === content) return 0;
	mkdirSync(hostPath(path.slice(0, path.lastIndexOf('/'))), { recursive: true });
	writeFileSync(p, content, { mode });
	return 1;
}

/** A service node: /etc/xCATSN, a local SQLite site table naming the MN, xcatd running. */
export function snInit(ctx: Ctx): void {
	const p = getopt(ctx.args, [
		{ names: ['master'], value: true, key: 'master' },
		{ names: ['no-start'], key: 'nostart' },
	]);
	const master = str(p, 'master');
	if (!master) {
		ctx.out.error('xcat-double sn-init: --master <MN address> is required');
		return;
	}
	let changed = ensureFile('/etc/xCATSN', '');
	mkdirSync(hostPath('/etc/xcat'), { recursive: true });
	const ok = write(ctx, [
		{ kind: 'set', table: 'site', where: { key: 'master' }, set: { value: master } },
		{ kind: 'set', table: 'site', where: { key: 'xcatdport' }, set: { value: '3001' } },
		{ kind: 'set', table: 'site', where: { key: 'xcatiport' }, set: { value: '3002' } },
	]);
	if (!ok) return;
	if (installXcatdUnit()) {
		changed++;
		systemctl('daemon-reload');
	}
	if (!flag(p, 'nostart')) {
		systemctl('enable', '--quiet', 'xcatd');
		if (systemctl('is-active', '--quiet', 'xcatd').status !== 0) {
			const r = systemctl('start', 'xcatd');
			if (r.status !== 0) {
				ctx.out.error(`xcatd did not start: ${r.stderr.trim()}`);
				return;
			}
			changed++;
		}
	}
	ctx.out.data(`xcat-double sn-init: ${changed} change(s)`);
}
