// The `diff` Ansible prints for `--diff`: text before and after, with headers naming what changed.
export interface Diff {
	before: string;
	after: string;
	before_header: string;
	after_header: string;
}

export function textDiff(what: string, before: string, after: string): Diff {
	return { before, after, before_header: `${what} (before)`, after_header: `${what} (after)` };
}
