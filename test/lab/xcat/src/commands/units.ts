// The systemd unit of the double's xcatd (Type=notify: `systemctl start xcatd` fails when the
// daemon cannot reach its database, and returns only once it listens).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { hostPath } from '../env.js';

export const XCATD_UNIT_PATH = '/lib/systemd/system/xcatd.service';

export const XCATD_UNIT = `# xcatd of the lab's xCAT double (test/lab/xcat); not real xCAT
[Unit]
Description=xCAT management daemon (lab double)
After=network-online.target postgresql.service
Wants=network-online.target

[Service]
Type=notify
NotifyAccess=all
Environment=XCATROOT=/opt/xcat
ExecStart=/opt/xcat/sbin/xcatd -f
TimeoutStartSec=30
TimeoutStopSec=10

[Install]
WantedBy=multi-user.target
`;

/** Writes the unit when missing or different; returns true when it changed. */
export function installXcatdUnit(): boolean {
	const path = hostPath(XCATD_UNIT_PATH);
	if (existsSync(path) && readFileSync(path, 'utf8') === XCATD_UNIT) return false;
	mkdirSync(dirname(path), { recursive: true });
	writeFileSync(path, XCATD_UNIT);
	return true;
}
