// lsxcatd -v|-t|-d|-a (tabutils.pm lsxcatd, docs/xcat-behaviour.md#lsxcatd)
import { existsSync } from 'node:fs';
import { lsxcatdDatabaseLines } from '../db/cfgloc.js';
import { readDbConfig } from '../db/open.js';
import { hostPath, VERSION_LINE } from '../env.js';
import { getopt, flag } from '../getopt.js';
import type { Ctx } from './common.js';

const USAGE = [
	'       lsxcatd [-v|--version]',
	'       lsxcatd [-h|--help]',
	'       lsxcatd [-d|--database]',
	'       lsxcatd [-t|--nodetype]',
	'       lsxcatd [-a|--all]',
];

export function nodeRoleLines(): string[] {
	const lines: string[] = [];
	if (existsSync(hostPath('/etc/xCATMN'))) lines.push('This is a Management Node');
	if (existsSync(hostPath('/etc/xCATSN'))) lines.push('This is a Service Node');
	return lines;
}

export function lsxcatd(ctx: Ctx): void {
	const { out } = ctx;
	if (!ctx.args.length) {
		out.data(...USAGE);
		out.code(1);
		return;
	}
	const p = getopt(ctx.args, [
		{ names: ['h', '?', 'help'], key: 'h' },
		{ names: ['v', 'version'], key: 'v' },
		{ names: ['a', 'all'], key: 'a' },
		{ names: ['t', 'type'], key: 't' },
		{ names: ['d', 'database'], key: 'd' },
	]);
	if (p.bad) {
		out.data(...USAGE);
		out.code(1);
		return;
	}
	if (flag(p, 'h')) {
		out.data(...USAGE);
		return;
	}
	const all = flag(p, 'a');
	if (flag(p, 'v') || all) {
		out.data(VERSION_LINE);
		if (!all) return;
	}
	if (flag(p, 't') || all) {
		out.data(...nodeRoleLines());
		if (!all) return;
	}
	if (flag(p, 'd') || all) out.data(...lsxcatdDatabaseLines(readDbConfig()));
}
