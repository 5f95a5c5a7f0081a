// How xCAT commands are run: with xCAT's directories on PATH, as its /etc/profile.d/xCAT.sh would set them
// for a login shell (Ansible's non-interactive sessions do not read it).
export const XCAT_PATH_DIRS = ['/opt/xcat/bin', '/opt/xcat/sbin'];

export function xcatEnv(extra: Record<string, string> = {}): Record<string, string> {
	const path = (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').filter(Boolean);
	const missing = XCAT_PATH_DIRS.filter((d) => !path.includes(d));
	return { PATH: [...path, ...missing].join(':'), XCATROOT: process.env.XCATROOT ?? '/opt/xcat', ...extra };
}
