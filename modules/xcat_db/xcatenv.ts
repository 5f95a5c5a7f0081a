// xCAT's commands live in /opt/xcat/{bin,sbin}, which only login shells have on PATH (profile.d);
// Ansible's ssh sessions are not login shells, so the module adds them.
const XCAT_PATH = ['/opt/xcat/bin', '/opt/xcat/sbin', '/opt/xcat/share/xcat/tools'];

export function xcatEnv(extra: Record<string, string> = {}): Record<string, string> {
	const path = (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':');
	return { PATH: [...path, ...XCAT_PATH.filter((d) => !path.includes(d))].join(':'), ...extra };
}
