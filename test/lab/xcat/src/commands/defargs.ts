// processArgs of DBobjectdefs.pm, shared by lsdef, chdef, mkdef and rmdef.
import { VERSION_LINE } from '../env.js';
import { getopt, flag, str, type Parsed } from '../getopt.js';
import { isObjType, OBJ_TYPES, type ObjType } from '../objects.js';
import type { Ctx } from './common.js';

export interface DefArgs {
	p: Parsed;
	types: ObjType[];
	/** names from -o, the operand, or (node) the operand as a noderange still to expand */
	names: string[];
	/** the operand or -o that needs noderange expansion (type node) */
	range?: { text: string; verify: boolean };
	from: 'o' | 'nr' | 'args' | 't' | 'a' | 'none';
	attrs: Map<string, string>;
	/** attribute order as given */
	attrOrder: string[];
}

const SPECS = [
	{ names: ['all', 'a'], key: 'a' },
	{ names: ['compress', 'c'], key: 'c' },
	{ names: ['dynamic', 'd'], key: 'd' },
	{ names: ['f', 'force'], key: 'f' },
	{ names: ['i'], value: true, key: 'i' },
	{ names: ['help', 'h', '?'], key: 'h' },
	{ names: ['long', 'l'], key: 'l' },
	{ names: ['short', 's'], key: 's' },
	{ names: ['m', 'minus'], key: 'm' },
	{ names: ['n'], value: true, key: 'n' },
	{ names: ['o'], value: true, key: 'o' },
	{ names: ['p', 'plus'], key: 'p' },
	{ names: ['t'], value: true, key: 't' },
	{ names: ['verbose', 'V'], key: 'V' },
	{ names: ['version', 'v'], key: 'v' },
	{ names: ['w'], value: true, multi: true, key: 'w' },
	{ names: ['x', 'xml'], key: 'x' },
	{ names: ['z', 'stanza'], key: 'z' },
	{ names: ['nocache'], key: 'nocache' },
	{ names: ['S'], key: 'S' },
	{ names: ['osimage'], key: 'osimage' },
	{ names: ['nics'], key: 'nics' },
	{ names: ['u'], key: 'u' },
];

/** Returns the parsed arguments, or 'usage' (print usage) / 'error' / 'done' (already answered). */
export function processArgs(ctx: Ctx): DefArgs | 'usage' | 'error' | 'done' {
	const { out, name: command } = ctx;
	let argv = [...ctx.args];
	if (!argv.length || (argv.length === 1 && argv[0] === '-S')) {
		if (command !== 'lsdef') return 'usage';
		argv = [...argv, '-t', 'node', '-s'];
	}
	if (command === 'lsdef' && argv.length === 1 && argv[0] === '-l') argv.push('-t', 'node');
	const p = getopt(argv, SPECS);
	if (p.bad) {
		out.error('Invalid option..');
		return 'usage';
	}
	if (command === 'lsdef' && !flag(p, 't') && !flag(p, 'a') && !flag(p, 'h')) p.opts.set('t', 'node');
	const bothErr = (a: string, b: string) => {
		out.error(`The flags '-${a}' and '-${b}' cannot be used together.`);
		return 'usage' as const;
	};
	if (flag(p, 'x')) {
		out.error("The '-x' (XML format) option is not yet implemented.");
		return 'usage';
	}
	if (flag(p, 'a') && flag(p, 't')) return bothErr('a', 't');
	if (flag(p, 'l') && flag(p, 's')) return bothErr('l', 's');
	if (flag(p, 'i') && flag(p, 's')) return bothErr('i', 's');
	if (flag(p, 'c') && !flag(p, 'i')) {
		out.error("The flags '-c' and '-i' must be used together.");
		return 'usage';
	}

	const attrs = new Map<string, string>();
	const attrOrder: string[] = [];
	let operand: string | undefined;
	for (const a of p.operands) {
		if (!a.includes('=')) {
			if (operand !== undefined) {
				out.error('noderange can not contain spaces.');
				return 'usage';
			}
			operand = a;
			continue;
		}
		const m = /^\s*(\S+?)\s*=\s*(\S*.*)$/s.exec(a);
		if (!m) {
			out.error(`Incorrect 'attr=val' pair - ${a}.`);
			return 'error';
		}
		if (!attrs.has(m[1]!)) attrOrder.push(m[1]!);
		attrs.set(m[1]!, m[2]!);
	}
	if (command === 'rmdef' && ['d', 'i', 'l', 'm', 'p', 'w', 'x', 'z', 's'].some((k) => flag(p, k))) {
		out.error('Invalid flag specified, see rmdef manpage for details.');
		return 'usage';
	}
	if (flag(p, 'h') && !flag(p, 't')) return 'usage';
	if (flag(p, 'v')) {
		out.data(`${command} - ${VERSION_LINE}`);
		return 'done';
	}

	const types: ObjType[] = [];
	const t = str(p, 't');
	if (t !== undefined) {
		const names = t.split(',');
		if (names.length > 1 && attrs.size) {
			out.error("Cannot combine multiple types with 'att=val' pairs on the command line.");
			return 'error';
		}
		for (const n of names) {
			if (!isObjType(n)) {
				out.error(`\nType '${n}' is not a valid xCAT object type.`);
				return 'error';
			}
			types.push(n);
		}
	} else if (!flag(p, 'a')) {
		types.push('node');
	}
	if (flag(p, 'h')) {
		out.data(`The valid attribute names for object type '${types[0]}' are listed in the xCAT documentation; the lab's xCAT double does not print them.`);
		return 'done';
	}

	const type = types[0];
	let names: string[] = [];
	let range: DefArgs['range'];
	let from: DefArgs['from'] = 'none';
	const o = str(p, 'o');
	if (operand !== undefined && type !== 'node') {
		names = operand.split(',');
		from = 'args';
	} else if (operand !== undefined) {
		range = { text: operand, verify: command !== 'mkdef' && operand.startsWith('/') };
		from = 'nr';
	}
	if (o !== undefined) {
		from = 'o';
		if (type === 'site') names = ['clustersite'];
		else if (type === 'node') range = { text: o, verify: command !== 'mkdef' && o.startsWith('/') };
		else names = o.split(',');
	}
	if (type === 'site' && from === 'none') {
		names = ['clustersite'];
		from = 'o';
	}
	if (type === 'site') names = names.map(() => 'clustersite').slice(0, 1);
	if (t !== undefined && from === 'none' && !flag(p, 'a')) {
		if (command === 'rmdef' || command === 'chdef') {
			out.error('No object names were provided.');
			return 'usage';
		}
		if (command !== 'mkdef') from = 't';
	}
	if (flag(p, 'a')) {
		if (o !== undefined || operand !== undefined) {
			out.error("Cannot use '-a' with '-o', a noderange or file input.");
			return 'error';
		}
		from = 'a';
		if (!types.length) types.push(...OBJ_TYPES);
	}
	if (from === 'none') {
		out.error('No object names were provided.');
		return 'error';
	}
	if (flag(p, 'i') && command !== 'lsdef') {
		out.error("The '-i' option is only valid for the lsdef command.");
		return 'error';
	}
	return range ? { p, types, names, range, from, attrs, attrOrder } : { p, types, names, from, attrs, attrOrder };
}

export function usage(ctx: Ctx): void {
	const verb = {
		lsdef: ['List', '  lsdef [-h | --help ] [-t object-types]\n'],
		chdef: ['Change', '  chdef [-h | --help ] [-t object-types]\n'],
		mkdef: ['Create', '  mkdef [-h | --help ] [-t object-types]\n'],
		rmdef: ['Remove', '  rmdef [-h | --help ] [-t object-types]\n'],
	}[ctx.name as 'lsdef'] ?? ['List', ''];
	ctx.out.data(
		`\nUsage: ${ctx.name} - ${verb[0]} xCAT data object definitions.\n`,
		verb[1]!,
		...(ctx.name === 'lsdef'
			? [
					'  lsdef [-V | --verbose] [-t object-types] [-o object-names]',
					'    [ -l | --long] [-s | --short] [-a | --all] [-z | --stanza ] [-S]',
					'    [-i attr-list] [-w attr==val [-w attr=~val] ...] [noderange]\n',
				]
			: ctx.name === 'chdef'
				? [
						'  chdef [-t object-types] [-o object-names] [-n new-name] [node]\n',
						'  chdef [-V | --verbose] [-t object-types] [-o object-names] [-d | --dynamic]',
						'    [-z | --stanza] [-m | --minus] [-p | --plus]',
						'    [-w attr==val [-w attr=~val] ... ] [noderange] [attr=val [attr=val...]]\n',
						'    [-u [provmethod=<install|netboot|statelite>]|[profile=<xxx>]|[attr=value]]',
					]
				: ctx.name === 'mkdef'
					? [
							'  mkdef [-V | --verbose] [-t object-types] [-o object-names] [-z|--stanza ]',
							'      [-d | --dynamic] [-w attr==val [-w attr=~val] ...]',
							'      [-f | --force] [noderange] [attr=val [attr=val...]]',
							'      [-u provmethod=<install|netboot|statelite> profile=<xxx> [attr=value]]\n',
						]
					: [
							'  rmdef [-V | --verbose] [-t object-types] [-a | --all] [-f | --force]',
							'    [-o object-names] [-w attr=val,[attr=val...] [noderange]\n',
						]),
		'\nThe following data object types are supported by xCAT.\n',
		...OBJ_TYPES,
		"\nUse the '-h' option together with the '-t' option to",
		'get a list of valid attribute names for each object type.\n',
	);
}
