// How xCAT commands are run: with xCAT's directories on PATH and XCATROOT set, as its /etc/profile.d/xCAT.sh
// sets them for a login shell (Ansible's ssh sessions are not login shells and do not read it).
export const XCAT_PATH_DIRS = ['/opt/xcat/bin', '/opt/xcat/sbin', '/opt/xcat/share/xcat/tools'];

/** The environment for an xCAT command: PATH as it is, then xCAT's directories it lacks; `extra` on top. */
export function xcatEnv(extra: Record<string, string> = {}): Record<string, string> {
	// an empty element would mean the current directory
	const path = (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').filter(Boolean);
	const missing = XCAT_PATH_DIRS.filter((d) => !path.includes(d));
	return { PATH: [...path, ...missing].join(':'), XCATROOT: process.env.XCATROOT ?? '/opt/xcat', ...extra };
}
