// Where the double is running. Test-only variables (documented in README.md):
//   XCAT_DOUBLE_ROOT      prefix for every file the double reads or writes (/etc/xcat -> $ROOT/etc/xcat)
//   XCAT_DOUBLE_HOSTNAME  the host name to use instead of the kernel's
//   XCAT_DOUBLE_SYSTEMCTL a command used instead of systemctl (tests record service actions with it)
//   XCAT_DOUBLE_NOXCATD=1 treat xcatd as reachable without connecting (unit tests of client commands)
import { hostname } from 'node:os';
import { join } from 'node:path';

export function hostPath(path: string): string {
	const root = process.env.XCAT_DOUBLE_ROOT;
	return root ? join(root, path) : path;
}

export function fqdn(): string {
	return process.env.XCAT_DOUBLE_HOSTNAME || hostname();
}

export function shortHostname(): string {
	return fqdn().split('.')[0] ?? '';
}

export function systemctlCommand(): string {
	return process.env.XCAT_DOUBLE_SYSTEMCTL || 'systemctl';
}

export const VERSION_LINE = 'Version 2.19.0 (git commit 7733d16f)';
