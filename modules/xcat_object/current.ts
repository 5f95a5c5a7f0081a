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

export interface LsdefRun { rc: number; stdout: string; stderr: string }

export type Reading = { ok: true; current: Current } | { ok: false; msg: string };

const INVALID_ATTRIBUTE = /^'(.+)' is not a valid attribute name for an object type of '(.+)'\.$/;

/**
 * `requested` are the attributes asked with -i: each object gets all of them, '' when lsdef printed
 * none (site omits unset keys). lsdef exits 1 when some objects are missing; that alone is fine.
 */
export function readLsdef(type: ObjectType, requested: readonly string[], run: LsdefRun): Reading {
	const parsed = parseLsdef(`${run.stdout}\n${run.stderr}`);
	const invalid = parsed.errors.map((e) => INVALID_ATTRIBUTE.exec(e.text)).filter((m): m is RegExpExecArray => m !== null);
	if (invalid.length) {
		const names = invalid.map((m) => m[1]!);
		return { ok: false, msg: `attributes ${names.join(', ')}: xCAT has no such attribute for an object of type ${type} (lsdef: ${invalid[0]![0]})` };
	}
	const missing = new Set(parsed.missing);
	const other = parsed.errors.filter((e) => !/^Could not find an object named /.test(e.text));
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
