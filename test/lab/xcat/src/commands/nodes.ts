// nodeset, updatenode and xdsh.
// nodeset writes each node's xnba boot files under /tftpboot naming its xcatmaster and
// tftpserver. updatenode picks the node's first service node whose xcatd answers (as xCAT
// dispatches through it), then reaches the node over ssh: -s writes /opt/xcat/xcatinfo
// (XCATSERVER=<xcatmaster>), -P records each postscript it ran in /var/log/xcat/xcat.log there.
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostPath } from '../env.js';
import { getopt, flag, str } from '../getopt.js';
import { splitList } from '../inherit.js';
import { fanOut, shq, ssh, xcatdAnswers } from '../remote.js';
import type { WriteOp } from '../db/sql.js';
import { load, write, type Ctx } from './common.js';
import { siteValue } from './dns.js';
import { splitNoderangeArgs } from './noderangeargs.js';

const NO_PLUGIN = 'Unable to identify plugin for this command, check relevant tables: noderes.netboot=(grub2[-]?.*);nodehm.mgt;nodehm.mgt=switch';
const STATES = ['install', 'netboot', 'statelite', 'boot', 'shell', 'offline', 'runcmd', 'iscsiboot'];

export function nodeset(ctx: Ctx): void {
	const { out } = ctx;
	const { range, args } = splitNoderangeArgs(ctx.args);
	const state = args.find((a) => !a.startsWith('-'));
	if (!range || !state) {
		out.data('Usage: nodeset <noderange> [boot|install|netboot|statelite|shell|offline|runimage=<url>|osimage[=<imagename>]]');
		out.code(1);
		return;
	}
	const snap = load(ctx, ['noderes', 'nodetype', 'site']);
	if (!snap) return;
	const exp = snap.expand(range);
	if (exp.missing.length) {
		out.invalidNoderange(exp.missing);
		return;
	}
	// xcatd picks nodeset's plugin by noderes.netboot before the plugin sees the request (observed for
	// install, boot, shell, stat and osimage=…, whatever the state asked)
	const served = exp.nodes.filter((node) => {
		if (snap.nodeValue('noderes', 'netboot', node)) return true;
		out.nodeError(node, NO_PLUGIN);
		return false;
	});
	if (!served.length) return;
	const master = siteValue(snap.rows('site'), 'master') ?? '';
	const tftpdir = siteValue(snap.rows('site'), 'tftpdir') ?? '/tftpboot';
	const image = state.startsWith('osimage=') ? state.slice(8) : state === 'osimage' ? undefined : undefined;
	if (!state.startsWith('osimage') && !STATES.includes(state) && !state.startsWith('runimage=')) {
		out.error(`Unsupported nodeset state: ${state}`);
		return;
	}
	const ops: WriteOp[] = [];
	const provRows: { node: string; provmethod: string }[] = [];
	for (const node of served) {
		const xcatmaster = snap.nodeValue('noderes', 'xcatmaster', node) ?? master;
		const tftpserver = snap.nodeValue('noderes', 'tftpserver', node) ?? xcatmaster;
		let img = image ?? (state === 'osimage' ? snap.nodeValue('nodetype', 'provmethod', node) : undefined);
		let action = state;
		if (state.startsWith('osimage')) {
			if (!img) {
				out.error(`${node}: the osimage name is not set (nodetype.provmethod)`);
				continue;
			}
			action = /-(install|netboot|statelite)-/.exec(img)?.[1] ?? 'netboot';
			provRows.push({ node, provmethod: img });
		} else if (['install', 'netboot', 'statelite'].includes(state)) {
			const os = snap.nodeValue('nodetype', 'os', node);
			const arch = snap.nodeValue('nodetype', 'arch', node);
			const profile = snap.nodeValue('nodetype', 'profile', node);
			if (!os || !arch || !profile) {
				out.error(`${node}: nodetype.os, arch and profile must be set for ${state}`);
				continue;
			}
			img = `${os}-${arch}-${state}-${profile}`;
		}
		const dir = hostPath(`${tftpdir}/xcat/xnba/nodes`);
		mkdirSync(dir, { recursive: true });
		const body = img
			? [
					`#!gpxe`,
					`#${action} ${img}`,
					`# written by nodeset (lab double): xcatmaster=${xcatmaster} tftpserver=${tftpserver}`,
					`imgfetch -n kernel http://${xcatmaster}:80/tftpboot/xcat/osimage/${img}/kernel`,
					`imgload kernel`,
					`imgargs kernel XCAT=${xcatmaster}:3001 NODE=${node} FC=0`,
					`imgfetch http://${xcatmaster}:80/tftpboot/xcat/osimage/${img}/initrd-stateless.gz`,
					`imgexec kernel`,
					'',
				]
			: [
					`#!gpxe`,
					`#${action}`,
					`# written by nodeset (lab double): xcatmaster=${xcatmaster} tftpserver=${tftpserver}`,
					action === 'boot' ? 'exit' : `chain http://${xcatmaster}:80/tftpboot/xcat/xnba/nodes/${node}.${action}`,
					'',
				];
		writeFileSync(`${dir}/${node}`, body.join('\n'));
		writeFileSync(
			`${dir}/${node}.uefi`,
			[`#!gpxe`, `#${action}${img ? ` ${img}` : ''}`, `chain tftp://${tftpserver}/xcat/xnba/nodes/${node}`, ''].join('\n'),
		);
		out.data(`${node}: ${action}${img ? ` ${img}` : ''}`);
	}
	if (provRows.length) ops.push({ kind: 'upsert', table: 'nodetype', rows: provRows });
	write(ctx, ops);
}

interface Target {
	node: string;
	server: string;
	xcatmaster: string;
}

/** The service node each node's command goes through: the first in its list whose xcatd answers. */
async function dispatchTargets(ctx: Ctx, nodes: string[], snap: import('../store.js').Snapshot, master: string): Promise<Target[]> {
	const cache = new Map<string, boolean>();
	const answers = async (sn: string) => {
		if (!cache.has(sn)) cache.set(sn, (await xcatdAnswers(sn)).ok);
		return cache.get(sn)!;
	};
	const targets: Target[] = [];
	for (const node of nodes) {
		const sns = splitList(snap.nodeValue('noderes', 'servicenode', node));
		const xcatmaster = snap.nodeValue('noderes', 'xcatmaster', node) ?? master;
		if (!sns.length) {
			targets.push({ node, server: master, xcatmaster });
			continue;
		}
		let chosen: string | undefined;
		for (const sn of sns)
			if (await answers(sn)) {
				chosen = sn;
				break;
			}
		if (!chosen) {
			ctx.out.error(`Failed to dispatch command to any of the following service nodes: ${sns.join(',')}`);
			continue;
		}
		targets.push({ node, server: chosen, xcatmaster });
	}
	return targets;
}

export async function updatenode(ctx: Ctx): Promise<void> {
	const { out } = ctx;
	const { range, args } = splitNoderangeArgs(ctx.args);
	const p = getopt(args, [
		{ names: ['s', 'sn'], key: 's' },
		{ names: ['P', 'scripts'], value: true, key: 'P' },
		{ names: ['S', 'sw'], key: 'S' },
		{ names: ['F', 'sync'], key: 'F' },
		{ names: ['f', 'snsync'], key: 'f' },
		{ names: ['V', 'verbose'], key: 'V' },
		{ names: ['h', 'help'], key: 'h' },
	]);
	if (p.bad || flag(p, 'h') || !range) {
		out.data('Usage: updatenode <noderange> [-V|--verbose] [-F|--sync] [-f|--snsync] [-S|--sw] [-s|--sn] [-P|--scripts [script1,script2...]]');
		if (!flag(p, 'h')) out.code(1);
		return;
	}
	const snap = load(ctx, ['noderes', 'postscripts', 'site']);
	if (!snap) return;
	const exp = snap.expand(range);
	if (exp.missing.length) {
		out.invalidNoderange(exp.missing);
		return;
	}
	const master = siteValue(snap.rows('site'), 'master') ?? '';
	const scripts = str(p, 'P');
	const doScripts = scripts !== undefined || (!flag(p, 's') && !flag(p, 'F') && !flag(p, 'S'));
	const targets = await dispatchTargets(ctx, exp.nodes, snap, master);
	const results = await fanOut(targets, 64, async (t) => {
		let list: string[] = [];
		if (doScripts) {
			const defaults = splitList(snap.keyedTable('postscripts').own('xcatdefaults', 'postscripts'));
			list = scripts ? scripts.split(',') : [...defaults, ...splitList(snap.nodeValue('postscripts', 'postscripts', t.node))];
		}
		const lines = ['set -e', 'mkdir -p /opt/xcat /var/log/xcat', `now=$(date -u +%FT%TZ)`];
		if (flag(p, 's')) {
			lines.push(
				`if [ -f /opt/xcat/xcatinfo ]; then grep -v '^XCATSERVER=' /opt/xcat/xcatinfo > /opt/xcat/xcatinfo.new || true; else : > /opt/xcat/xcatinfo.new; fi`,
			);
			lines.push(`echo ${shq(`XCATSERVER=${t.xcatmaster}`)} >> /opt/xcat/xcatinfo.new`, 'mv /opt/xcat/xcatinfo.new /opt/xcat/xcatinfo');
			lines.push(`echo "$now updatenode -s via ${t.server}: XCATSERVER=${t.xcatmaster}" >> /var/log/xcat/xcat.log`);
		}
		for (const s of list) {
			lines.push(`echo "$now updatenode -P ${s} via ${t.server} MASTER=${t.xcatmaster}" >> /var/log/xcat/xcat.log`);
			lines.push(`echo ${shq(`Running postscript: ${s}`)}`, `echo ${shq(`postscript: ${s} exited with code 0`)}`);
		}
		if (list.length) lines.push(`echo 'Running of postscripts has completed.'`);
		return { t, r: await ssh(t.node, ['sh', '-s'], `${lines.join('\n')}\n`) };
	});
	for (const { t, r } of results) {
		for (const l of r.stdout.split('\n').filter(Boolean)) out.data(`${t.node}: ${l}`);
		if (r.status !== 0) {
			for (const l of r.stderr.split('\n').filter(Boolean)) out.raw(`${t.node}: ${l}`);
			out.error(`${t.node}: updatenode failed (ssh exit ${r.status})`);
		}
	}
}

export async function xdsh(ctx: Ctx): Promise<void> {
	const { out } = ctx;
	const { range, args } = splitNoderangeArgs(ctx.args);
	const p = getopt(args, [
		{ names: ['v', 'verify'], key: 'v' },
		{ names: ['t', 'timeout'], value: true, key: 't' },
		{ names: ['f', 'fanout'], value: true, key: 'f' },
		{ names: ['V'], key: 'V' },
		{ names: ['h', 'help'], key: 'h' },
	]);
	if (p.bad || flag(p, 'h') || !range || !p.operands.length) {
		out.data('Usage: xdsh <noderange> [-v|--verify] [-t timeout] [-f fanout] <command>');
		if (!flag(p, 'h')) out.code(1);
		return;
	}
	const snap = load(ctx, []);
	if (!snap) return;
	const exp = snap.expand(range);
	if (exp.missing.length) {
		out.invalidNoderange(exp.missing);
		return;
	}
	const command = p.operands.join(' ');
	const results = await fanOut(exp.nodes, Number(str(p, 'f') ?? '64'), (n) => ssh(n, [command]));
	for (const r of results) {
		for (const l of r.stdout.split('\n').filter(Boolean)) out.data(`${r.host}: ${l}`);
		for (const l of r.stderr.split('\n').filter(Boolean)) out.raw(`${r.host}: ${l}`);
		if (r.status === 255) out.error(`${r.host} remote shell had error code: 255`);
		else if (r.status !== 0) out.error(`${r.host} remote Command had return code: ${r.status}`);
	}
}
