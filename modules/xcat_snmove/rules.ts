// snmove's per-node attribute rules (docs/xcat-behaviour.md#what-snmove-changes-per-node, checked against snmove.pm and
// the observed run, docs/xcat-behaviour.md#snmove-observed). Each rule is a small pure function.

import { splitXcatList } from '../xcat/lists';

/** A servicenode list that cannot be moved safely: an empty entry, or the same SN twice. */
export function servicenodeListProblem(entries: readonly string[]): string | undefined {
	if (entries.some((entry) => entry === '')) return 'servicenode has an empty entry';
	if (new Set(entries).size !== entries.length) return 'servicenode lists the same service node twice';
	return undefined;
}

/** The backup SN: the second servicenode entry (snmove: split(',')[1]). */
export function backupServiceNode(entries: readonly string[]): string | undefined {
	return entries[1] || undefined;
}

/** The destination moves to the front; the others keep their order (sn1,sn2,sn3 -d sn3 → sn3,sn1,sn2). */
export function reorderServicenode(entries: readonly string[], destination: string): string {
	return [destination, ...entries.filter((entry) => entry !== destination)].join(',');
}

/** The old master as the nodes knew it: by name and, when it resolves, by address. */
export interface OldMaster {
	name?: string;
	address?: string;
}

/**
 * tftpserver and nfsserver follow the master only where they named the old master, by name or by
 * address; a blank value stays blank (it defaults to xcatmaster / networks.tftpserver anyway).
 */
export function rewriteServer(current: string, oldMaster: OldMaster, newMaster: string): string {
	if (current === '') return current;
	if (current === oldMaster.name || current === oldMaster.address) return newMaster;
	return current;
}

export interface MonserverOutcome {
	value: string;
	/** a one-field value: xCAT reports it as not valid and leaves it */
	oneField: boolean;
}

/** monserver is "<sn as MN knows it>,<sn as nodes know it>": rewritten when field 0 is the old SN. */
export function rewriteMonserver(current: string, oldServiceNode: string | undefined, newServiceNode: string, newMaster: string): MonserverOutcome {
	if (current === '') return { value: current, oneField: false };
	const fields = splitXcatList(current);
	if (fields.length < 2) return { value: current, oneField: true };
	const namesOld = oldServiceNode !== undefined && fields[0] === oldServiceNode;
	return { value: namesOld ? `${newServiceNode},${newMaster}` : current, oneField: false };
}

export interface ConserverOutcome {
	value: string;
	/** `<old sn>:<nodehost>`: names the old SN but is not an exact match, so xCAT leaves it */
	hostForm: boolean;
}

/** conserver changes only on an exact match with the old SN. */
export function rewriteConserver(current: string, oldServiceNode: string | undefined, newServiceNode: string): ConserverOutcome {
	if (oldServiceNode === undefined || current === '') return { value: current, hostForm: false };
	if (current === oldServiceNode) return { value: newServiceNode, hostForm: false };
	return { value: current, hostForm: current.split(':')[0] === oldServiceNode };
}

/** The scripts xCAT re-runs after a move, in this fixed order, when the node's lists contain them. */
export const RETARGET_SCRIPTS = ['syslog', 'setupntp', 'mkresolvconf'] as const;

export interface PostscriptLists {
	defaultPostscripts?: string | undefined;
	postscripts?: string | undefined;
	defaultPostbootscripts?: string | undefined;
	postbootscripts?: string | undefined;
}

/**
 * The postscripts to run on a moved node: the candidates are xcatdefaults' and the node's postscripts
 * and postbootscripts; keep syslog/setupntp/mkresolvconf that are among them, then the extras.
 * With 'all', every candidate in order. Empty fields and repeats are dropped.
 */
export function postscriptsToRun(lists: PostscriptLists, extra: readonly string[] | 'all' | undefined): string[] {
	const candidates = [lists.defaultPostscripts, lists.postscripts, lists.defaultPostbootscripts, lists.postbootscripts]
		.flatMap((list) => (list ? list.split(',') : []))
		.filter((script) => script !== '');
	if (extra === 'all') return unique(candidates);
	const retarget = RETARGET_SCRIPTS.filter((script) => candidates.includes(script));
	return unique([...retarget, ...(extra ?? [])]);
}

/** nodeset's argument for a provmethod: the state itself for install/netboot/statelite, else an osimage. */
export function nodesetArgument(provmethod: string): string {
	return ['install', 'netboot', 'statelite'].includes(provmethod) ? provmethod : `osimage=${provmethod}`;
}

function unique(values: readonly string[]): string[] {
	return [...new Set(values)];
}
