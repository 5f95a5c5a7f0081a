// Cross-option rules, reported in Ansible's own words.
export type Rule =
	| { kind: 'mutually_exclusive'; options: string[] }
	| { kind: 'required_one_of'; options: string[] }
	| { kind: 'required_together'; options: string[] }
	| { kind: 'required_if'; option: string; value: unknown; requires: string[]; any?: boolean };

export const mutuallyExclusive = (...options: string[]): Rule => ({ kind: 'mutually_exclusive', options });
export const requiredOneOf = (...options: string[]): Rule => ({ kind: 'required_one_of', options });
export const requiredTogether = (...options: string[]): Rule => ({ kind: 'required_together', options });
export const requiredIf = (option: string, value: unknown, requires: string[], any = false): Rule => ({ kind: 'required_if', option, value, requires, any });

/** `given` holds only the options the user set (defaults do not count, as in Ansible). */
export function checkRules(rules: readonly Rule[], given: Record<string, unknown>, all: Record<string, unknown>): string[] {
	const has = (k: string) => given[k] !== undefined && given[k] !== null;
	const errors: string[] = [];
	for (const r of rules) {
		if (r.kind === 'mutually_exclusive' && r.options.filter(has).length > 1) {
			errors.push(`parameters are mutually exclusive: ${r.options.join('|')}`);
		} else if (r.kind === 'required_one_of' && !r.options.some(has)) {
			errors.push(`one of the following is required: ${r.options.join(', ')}`);
		} else if (r.kind === 'required_together') {
			const n = r.options.filter(has).length;
			if (n > 0 && n < r.options.length) errors.push(`parameters are required together: ${r.options.join(', ')}`);
		} else if (r.kind === 'required_if' && all[r.option] === r.value) {
			const missing = r.requires.filter((k) => !has(k));
			const unmet = r.any ? missing.length === r.requires.length : missing.length > 0;
			if (unmet) errors.push(`${r.option} is ${String(r.value)} but ${r.any ? 'any' : 'all'} of the following are missing: ${missing.join(', ')}`);
		}
	}
	return errors;
}
