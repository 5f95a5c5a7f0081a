// What lsdef said about the objects, read into the module's terms (pure).
import { parseLsdef } from '../xcat/lsdef';
import type { ObjectType } from './desired';
import { SITE_OBJECT } from './desired';

export interface Current {
	/** existing objects in lsdef's order → attribute → value ('' when unset) */
	objects: Map<string, Record<string, string>>;
	/** expanded names lsdef could not find */
	missing: string[];
}

export interface LsdefRun {
	rc: number;
	stdout: string;
	stderr: string;
}

export type Reading = { ok: true; current: Current } | { ok: false; msg: string };

/**
 * `requested` are the attributes asked with -i: each object gets all of them, '' when lsdef printed
 * none (site omits unset keys). lsdef exits 1 when some objects are missing; that alone is fine.
 * The empty results of real xCAT (parseLsdef's `empty`) are answers too: every named object missing
 * (exit 1, each named in an error), no asked site key set (exit 0), or no object of the type at all
 * (exit 0, nothing named: then `names`, the plain names asked, are the missing ones).
 */
export function readLsdef(type: ObjectType, requested: readonly string[], run: LsdefRun, names?: readonly string[]): Reading {
	const parsed = parseLsdef(`${run.stdout}\n${run.stderr}`);
	if (parsed.invalidAttributes.length) {
		const first = parsed.errors.find((e) => e.kind === 'invalid-attribute')!;
		return {
			ok: false,
			msg: `attributes ${parsed.invalidAttributes.join(', ')}: xCAT has no such attribute for an object of type ${type} (lsdef: ${first.text})`,
		};
	}
	const missing = new Set(parsed.missing);
	if (parsed.empty && type !== 'site' && parsed.objects.size === 0 && missing.size === 0 && run.rc === 0) {
		if (!names)
			return {
				ok: false,
				msg: `lsdef found no ${type} at all (${(run.stdout || run.stderr).trim()}); name the objects one by one (no noderange) to create them`,
			};
		for (const n of names) missing.add(n);
	}
	const other = parsed.errors.filter((e) => e.kind === undefined);
	if (other.length || parsed.unrecognised.length || (run.rc !== 0 && missing.size === 0)) {
		const said = [...other.map((e) => `Error: ${e.text}`), ...parsed.unrecognised].join('\n') || `${run.stdout}${run.stderr}`.trim();
		return { ok: false, msg: `lsdef failed (rc ${run.rc}): ${said}` };
	}
	const objects = new Map<string, Record<string, string>>();
	for (const [name, attrs] of parsed.objects) {
		if (missing.has(name)) continue;
		objects.set(name, requested.length ? Object.fromEntries(requested.map((a) => [a, attrs[a] ?? ''])) : { ...attrs });
	}
	if (type === 'site' && !objects.has(SITE_OBJECT)) {
		objects.set(SITE_OBJECT, Object.fromEntries(requested.map((a) => [a, ''])));
	}
	return { ok: true, current: { objects, missing: [...missing] } };
}
