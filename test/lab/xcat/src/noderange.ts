// xCAT noderange expansion, after perl-xCAT/xCAT/NodeRange.pm: `,` union, `-x` exclusion (applied at
// the end), `@` intersection, `( )` grouping, node[01-10], node01-node10, node01:node10, node10+3,
// a bare number (prefix "node"), /regex, ^/file, groups, and table.column==value selections.
// Pure: the caller supplies the node list, group membership and a criteria evaluator.

export interface NodeUniverse {
	/** every nodelist.node */
	nodes: readonly string[];
	/** static group -> member nodes (from nodelist.groups) */
	groups: ReadonlyMap<string, readonly string[]>;
	/** names of rows in the nodegroup table (a defined group with no member expands to nothing) */
	definedGroups?: ReadonlySet<string>;
	/** nodes matching `table.col==v` (and != =~ !~); null when the column is not valid */
	criteria?: (atom: string, nodes: readonly string[]) => string[] | null;
	/** lines of a ^file noderange */
	readFile?: (path: string) => string[];
}

export interface Expansion {
	nodes: string[];
	missing: string[];
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function expandNoderange(range: string, universe: NodeUniverse, verify = true): Expansion {
	const ctx = new Context(universe, verify);
	const nodes = ctx.noderange(range);
	return { nodes, missing: ctx.missing };
}

class Context {
	readonly missing: string[] = [];
	private readonly nodeSet: Set<string>;
	constructor(
		private readonly u: NodeUniverse,
		private readonly verify: boolean,
	) {
		this.nodeSet = new Set(u.nodes);
	}

	noderange(range: string, verify = this.verify): string[] {
		const nodes = new Set<string>();
		const excluded = new Set<string>();
		let elems = splitTopLevel(range, ',');
		if (elems.length === 1) elems = splitTopLevel(range, '@', true);
		let op = ',';
		while (elems.length) {
			let atom = elems.shift()!;
			if (atom === '') break; // Perl's `while (my $atom = shift @elems)` stops at an empty atom
			if (atom === ',') continue;
			if (atom.startsWith('-')) {
				atom = atom.slice(1);
				op += '-';
			}
			if (atom.startsWith('^')) {
				for (const line of this.u.readFile?.(atom.slice(1)) ?? []) {
					if (/^[\^#]/.test(line)) continue;
					const sub = /^([^:\t ]*)/.exec(line)?.[1] ?? '';
					if (sub) for (const n of this.noderange(sub, verify)) nodes.add(n);
				}
				op = elems.shift() ?? ',';
				continue;
			}
			const newset = new Set(this.expandAtom(atom, verify));
			if (op.includes('@')) {
				for (const n of [...nodes]) if (!newset.has(n)) nodes.delete(n);
			} else if (op.includes(',-')) {
				for (const n of newset) excluded.add(n);
			} else {
				for (const n of newset) nodes.add(n);
			}
			op = elems.shift() ?? ',';
		}
		for (const n of excluded) nodes.delete(n);
		return [...nodes].sort(byCodeUnit);
	}

	expandAtom(atom: string, verify: boolean): string[] {
		if (this.nodeSet.has(atom)) return [atom];
		if (/^\(.*\)$/.test(atom)) return this.noderange(atom.slice(1, -1), verify);
		if (atom.includes('@')) return this.noderange(atom, verify);
		const members = this.u.groups.get(atom);
		if (members && members.length) return [...members];
		if (this.u.definedGroups?.has(atom)) return [];
		if (/[=~]/.test(atom)) return this.u.criteria?.(atom, this.u.nodes) ?? [];
		if (/^[0-9]+$/.test(atom)) return this.expandAtom(`node${atom}`, verify);
		if (atom.startsWith('/')) {
			if (!verify) return [atom];
			const re = new RegExp(`^${atom.slice(1)}$`);
			return this.u.nodes.filter((n) => re.test(n));
		}
		const bracket = /^(.+?)\[(.+?)\](.*)$/s.exec(atom);
		if (bracket) return this.expandBrackets(bracket[1]!, bracket[2]!, bracket[3]!, verify);
		if (atom.includes('+')) return this.expandPlus(atom, verify);
		if (/[-:]/.test(atom)) return this.expandRange(atom, verify);
		return this.miss(atom, verify);
	}

	private miss(atom: string, verify: boolean): string[] {
		if (verify) {
			this.missing.push(atom);
			return [];
		}
		return [atom];
	}

	private expandBrackets(start: string, inner: string, ending: string, verify: boolean): string[] {
		const more = /\[.+?\]/.test(ending);
		const parts = inner.split(/([,\-:])/);
		let subrange = '';
		while (parts.length) {
			const elem = parts.shift()!;
			const sep = parts.shift() ?? '';
			subrange += `${start}${elem}${more ? '' : ending}${sep}`;
		}
		const out: string[] = [];
		for (const piece of subrange.split(',')) {
			if (piece === '') continue;
			const expanded = this.expandAtom(piece, more ? false : verify);
			if (!more) out.push(...expanded);
			else for (const n of expanded) out.push(...this.expandAtom(`${n}${ending}`, verify));
		}
		return out;
	}

	private expandPlus(atom: string, verify: boolean): string[] {
		const [front = '', incText = ''] = splitOnce(atom, '+');
		const m = /^(.*?)(\d+)(\..+)?$/.exec(front);
		if (!m) return this.miss(atom, verify);
		let pref = m[1]!;
		let suf = m[3] ?? '';
		const startnum = m[2]!;
		const end = Number(startnum) + Number(incText);
		let endnum = String(end);
		if (startnum.length > endnum.length) endnum = endnum.padStart(startnum.length, '0');
		if (pref === '' && suf === '') {
			pref = 'node';
			suf = '';
		}
		const out: string[] = [];
		for (const n of perlRange(startnum, endnum)) out.push(...this.expandAtom(`${pref}${n}${suf}`, verify));
		return out;
	}

	private expandRange(atom: string, verify: boolean): string[] {
		let left: string;
		let right: string;
		if (atom.includes(':')) {
			const parts = atom.split(':');
			left = parts[0] ?? '';
			right = parts[1] ?? '';
		} else {
			const count = atom.split('-').length - 1;
			if (count % 2 === 0) return this.miss(atom, verify);
			const half = (count - 1) / 2;
			const m = new RegExp(`^([^-]+?${'-[^-]*'.repeat(half)})-(.*)$`, 's').exec(atom);
			if (!m) return this.miss(atom, verify);
			left = m[1]!;
			right = m[2]!;
		}
		if (left === right) return this.expandAtom(left, verify);
		const l = perlSplitDigits(left);
		const r = perlSplitDigits(right);
		if (l.length !== r.length) return this.miss(atom, verify);
		for (let idx = 0; idx < l.length; idx++) {
			const a = l[idx]!;
			const b = r[idx]!;
			if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
				if (a !== b) {
					const prefix = l.slice(0, idx).join('');
					const lsuffix = l.slice(idx + 1).join('');
					const rsuffix = r.slice(idx + 1).join('');
					if (lsuffix !== rsuffix) return this.miss(atom, verify);
					const out: string[] = [];
					for (const n of perlRange(a, b)) out.push(...this.expandAtom(`${prefix}${n}${lsuffix}`, verify));
					return out;
				}
			} else if (a !== b) {
				return this.miss(atom, verify);
			}
		}
		return this.miss(atom, verify);
	}
}

/** Perl's split(/(\d+)/, s): keeps the digit runs, drops trailing empty fields. */
function perlSplitDigits(s: string): string[] {
	const parts = s.split(/(\d+)/);
	while (parts.length && parts[parts.length - 1] === '') parts.pop();
	return parts;
}

/**
 * Perl's "a".."b" for digit strings: numeric unless the left side has a leading zero, in which
 * case the magic string increment keeps the padding and stops at b or when longer than b.
 */
export function perlRange(a: string, b: string): string[] {
	const out: string[] = [];
	if (a.length > 1 && a.startsWith('0')) {
		let cur = a;
		for (;;) {
			if (cur.length > b.length) break;
			out.push(cur);
			if (cur === b) break;
			cur = incrementDigits(cur);
		}
		return out;
	}
	for (let n = Number(a); n <= Number(b); n++) out.push(String(n));
	return out;
}

function incrementDigits(s: string): string {
	const digits = s.split('');
	let i = digits.length - 1;
	while (i >= 0) {
		if (digits[i] === '9') {
			digits[i] = '0';
			i--;
			continue;
		}
		digits[i] = String(Number(digits[i]) + 1);
		return digits.join('');
	}
	return `1${digits.join('')}`;
}

function splitOnce(s: string, sep: string): [string, string] {
	const i = s.indexOf(sep);
	return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + sep.length)];
}

/**
 * Splits on `sep` outside [] and () and keeps the separators as elements, like Perl's
 * split(/(,(?![^[]*?])(?![^\(]*?\)))/) in NodeRange.pm.
 */
function splitTopLevel(s: string, sep: string, parensOnly = false): string[] {
	const out: string[] = [];
	let depthSq = 0;
	let depthPar = 0;
	let cur = '';
	for (const ch of s) {
		if (ch === '[') depthSq++;
		else if (ch === ']') depthSq = Math.max(0, depthSq - 1);
		else if (ch === '(') depthPar++;
		else if (ch === ')') depthPar = Math.max(0, depthPar - 1);
		if (ch === sep && depthPar === 0 && (parensOnly || depthSq === 0)) {
			out.push(cur, sep);
			cur = '';
			continue;
		}
		cur += ch;
	}
	out.push(cur);
	return out;
}
