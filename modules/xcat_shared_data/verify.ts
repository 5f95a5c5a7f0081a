// Proves a copy faithful without trusting the copier: both trees walked and hashed here, extended
// attributes and ACLs compared through getfattr when it is installed.
import { readOk, type Read } from '../runtime';
import { compareTrees, compareXattrs, parseGetfattr, sparseLosses, summarise, type Difference } from './compare';
import { hashTree, walkTree } from './tree';

export interface Verdict {
	differences: Difference[];
	xattrsChecked: boolean /** sparse source files whose copy is not */;
	sparseLost: Difference[];
}

async function xattrs(read: Read, root: string): Promise<Map<string, string[]>> {
	const r = await readOk(read, ['getfattr', '-R', '-P', '-h', '-d', '-m', '-', '-e', 'hex', '--absolute-names', '--', root]);
	return parseGetfattr(r.stdout, root);
}

export async function verifyCopy(read: Read, from: string, to: string, withXattrs: boolean): Promise<Verdict> {
	const a = walkTree(from),
		b = walkTree(to);
	await hashTree(a);
	await hashTree(b);
	const differences = compareTrees(a, b, 'exact');
	if (withXattrs) differences.push(...compareXattrs(await xattrs(read, from), await xattrs(read, to)));
	differences.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
	return { differences, xattrsChecked: withXattrs, sparseLost: sparseLosses(a, b) };
}

export const describeDifferences = (from: string, to: string, d: Difference[]) =>
	`the copy ${to} does not match ${from} (${d.length} difference${d.length === 1 ? '' : 's'}: ${summarise(d)})`;
