// xcat-double cluster-data [--computes N]: defines the lab cluster (clusterplan.ts) on the MN,
// writing only what differs, and fills /install and /tftpboot with content that has sizes,
// owners, modes, hard and soft links, an ACL and an xattr, so data moves can be checked.
import { chownSync, existsSync, linkSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { clusterRows, changedRows, OSIMAGE } from '../clusterplan.js';
import type { Values, WriteOp } from '../db/sql.js';
import { hostPath } from '../env.js';
import { getopt, str } from '../getopt.js';
import { resolveIPv4 } from '../hosts.js';
import { tableSpec } from '../schema.js';
import { run } from '../sys.js';
import { load, write, type Ctx } from './common.js';

const DATA_VERSION = 'xcat-lab-data 1';

export function clusterData(ctx: Ctx): void {
	const p = getopt(ctx.args, [
		{ names: ['computes'], value: true, key: 'n' },
		{ names: ['no-files'], key: 'nofiles' },
	]);
	const computes = Number(str(p, 'n') ?? '8');
	if (!Number.isInteger(computes) || computes < 1) {
		ctx.out.error('--computes must be a positive integer');
		return;
	}
	const sns: [string, string][] = [];
	for (const sn of ['sn1', 'sn2']) {
		const ip = resolveIPv4(sn);
		if (!ip) {
			ctx.out.error(`cannot resolve ${sn}`);
			return;
		}
		sns.push([sn, ip]);
	}
	const base = sns[0]![1].split('.').slice(0, 3).join('.');
	const rows = clusterRows({
		computes,
		sns,
		domain: 'xcat.lab',
		addressOf: (node, k) => resolveIPv4(node) ?? (30 + k < 100 ? `${base}.${30 + k}` : undefined),
	});
	const snap = load(ctx, [...rows.keys()]);
	if (!snap) return;
	const ops: WriteOp[] = [];
	let count = 0;
	for (const [table, wanted] of rows) {
		const spec = tableSpec(table)!;
		const key = (r: Values) => spec.keys.map((k) => r[k] ?? '').join('\u0000');
		const current = new Map<string, Values>();
		for (const r of snap.rows(table)) {
			const v: Values = {};
			spec.cols.forEach((c, i) => {
				v[c] = r[i] ?? null;
			});
			current.set(key(v), v);
		}
		const changed = changedRows(wanted, current, key);
		if (changed.length) ops.push({ kind: 'upsert', table, rows: changed });
		count += changed.length;
	}
	if (!write(ctx, ops)) {
		ctx.out.error('cluster-data: could not write the database');
		return;
	}
	const files = p.opts.has('nofiles') ? 0 : writeFiles();
	ctx.out.data(`xcat-double cluster-data: ${count} row(s) written, ${files} file(s) written, ${computes} compute node(s)`);
}

/** Deterministic bytes (xorshift32 seeded by a name), so every host and run has the same content. */
function bytes(seed: string, size: number): Buffer {
	let x = 2166136261;
	for (const ch of seed) x = Math.imul(x ^ ch.charCodeAt(0), 16777619) >>> 0;
	const buf = Buffer.alloc(size);
	for (let i = 0; i < size; i += 4) {
		x ^= x << 13;
		x >>>= 0;
		x ^= x >>> 17;
		x ^= x << 5;
		x >>>= 0;
		buf.writeUInt32LE(x, Math.min(i, size - 4));
	}
	return buf;
}

const POSTSCRIPTS = ['syslog', 'setupntp', 'remoteshell', 'syncfiles', 'otherpkgs', 'servicenode', 'mkresolvconf'];

function writeFiles(): number {
	const marker = hostPath('/install/.xcat-lab-data');
	if (existsSync(marker) && readFileSync(marker, 'utf8') === `${DATA_VERSION}\n`) return 0;
	let n = 0;
	const file = (path: string, content: Buffer | string, mode: number, owner?: [number, number]) => {
		const p = hostPath(path);
		mkdirSync(dirname(p), { recursive: true });
		writeFileSync(p, content, { mode });
		if (owner && !process.env.XCAT_DOUBLE_ROOT) chownSync(p, owner[0], owner[1]);
		n++;
	};
	const symlink = (path: string, target: string) => {
		const p = hostPath(path);
		mkdirSync(dirname(p), { recursive: true });
		try {
			statSync(p);
		} catch {
			try {
				symlinkSync(target, p);
				n++;
			} catch {
				/* dangling link already there */
			}
		}
	};
	for (const s of POSTSCRIPTS) {
		file(
			`/install/postscripts/${s}`,
			`#!/bin/sh\n# xCAT postscript ${s} (lab double): records that it ran\necho "$(date -u +%FT%TZ) ${s} MASTER=\${MASTER:-}" >> /var/log/xcat/postscripts.log\n`,
			0o755,
		);
	}
	const img = `/install/netboot/rhels9.4/x86_64/compute`;
	file(`${img}/rootimg.cpio.gz`, bytes('rootimg', 4 << 20), 0o644);
	file(`${img}/kernel`, bytes('kernel', 1 << 20), 0o644);
	file(`${img}/initrd-stateless.gz`, bytes('initrd', 1 << 20), 0o644);
	for (let i = 1; i <= 20; i++)
		file(`/install/rhels9.4/x86_64/Packages/pkg-${String(i).padStart(2, '0')}.rpm`, bytes(`pkg${i}`, 64 << 10), 0o640, [1001, 1001]);
	const first = hostPath('/install/rhels9.4/x86_64/Packages/pkg-01.rpm');
	const hard = hostPath('/install/rhels9.4/x86_64/Packages/pkg-01-hardlink.rpm');
	if (!existsSync(hard)) {
		linkSync(first, hard);
		n++;
	}
	symlink('/install/rhels9.4/x86_64/latest', 'Packages');
	file('/install/custom/netboot/rhel/compute.pkglist', 'bash\nopenssh-server\nchrony\n', 0o644);
	file('/tftpboot/pxelinux.0', bytes('pxelinux', 40 << 10), 0o644);
	file('/tftpboot/xcat/xnba.kpxe', bytes('xnba', 300 << 10), 0o644);
	mkdirSync(hostPath('/tftpboot/xcat/xnba/nodes'), { recursive: true });
	symlink(`/tftpboot/xcat/osimage/${OSIMAGE}/kernel`, `${img}/kernel`);
	symlink(`/tftpboot/xcat/osimage/${OSIMAGE}/initrd-stateless.gz`, `${img}/initrd-stateless.gz`);
	if (!process.env.XCAT_DOUBLE_ROOT) {
		// an ACL and an extended attribute for the copy checks (ignored where the filesystem refuses)
		run('setfacl', ['-m', 'u:1001:rw', hostPath('/install/custom/netboot/rhel/compute.pkglist')]);
		run('setfattr', ['-n', 'user.xcat.lab', '-v', 'data', hostPath(`${img}/kernel`)]);
	}
	writeFileSync(marker, `${DATA_VERSION}\n`);
	return n;
}
