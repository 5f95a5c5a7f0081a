// Perl Getopt::Long in the configuration xCAT commands use: bundling (-abc, -ivalue), long options
// with --, options anywhere among the operands (permute), "--" ends options, case-sensitive.

export interface OptSpec {
	/** names; one-letter names are short options, others long (--name) */
	names: string[];
	/** takes a value */
	value?: boolean;
	/** may repeat; values accumulate */
	multi?: boolean;
	key: string;
}

export interface Parsed {
	opts: Map<string, string | true | string[]>;
	operands: string[];
	/** the first unknown option, when parsing failed */
	bad?: string;
}

export function getopt(argv: readonly string[], specs: readonly OptSpec[]): Parsed {
	const opts = new Map<string, string | true | string[]>();
	const operands: string[] = [];
	const find = (name: string) => specs.find((s) => s.names.includes(name));
	const set = (spec: OptSpec, value: string | true) => {
		if (spec.multi) {
			const list = (opts.get(spec.key) as string[] | undefined) ?? [];
			list.push(String(value));
			opts.set(spec.key, list);
		} else opts.set(spec.key, value);
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		if (arg === '--') {
			operands.push(...argv.slice(i + 1));
			break;
		}
		if (arg.startsWith('--') && arg.length > 2) {
			const eq = arg.indexOf('=');
			const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
			const spec = find(name);
			if (!spec || name.length === 1) return { opts, operands, bad: arg };
			if (spec.value) {
				const v = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
				if (v === undefined) return { opts, operands, bad: arg };
				set(spec, v);
			} else set(spec, true);
			continue;
		}
		if (arg.startsWith('-') && arg.length > 1) {
			for (let j = 1; j < arg.length; j++) {
				const spec = find(arg[j]!);
				if (!spec) return { opts, operands, bad: `-${arg[j]}` };
				if (spec.value) {
					const rest = arg.slice(j + 1);
					const v = rest !== '' ? rest : argv[++i];
					if (v === undefined) return { opts, operands, bad: arg };
					set(spec, v);
					break;
				}
				set(spec, true);
			}
			continue;
		}
		operands.push(arg);
	}
	return { opts, operands };
}

export const flag = (p: Parsed, key: string) => p.opts.has(key);
export const str = (p: Parsed, key: string): string | undefined => {
	const v = p.opts.get(key);
	return typeof v === 'string' ? v : undefined;
};
export const list = (p: Parsed, key: string): string[] => {
	const v = p.opts.get(key);
	return Array.isArray(v) ? v : [];
};
