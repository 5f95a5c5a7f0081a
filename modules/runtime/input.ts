// Reads the arguments Ansible pasted into the module source and splits off its own `_ansible_*` keys.
declare const __ANSIBLE_JSON_ARGS__: Record<string, unknown>; // replaced by the args marker after bundling

export interface Meta { check: boolean; diff: boolean; verbosity: number; noLog: boolean }
export interface Input { params: Record<string, unknown>; meta: Meta }

export function splitInput(all: Record<string, unknown>): Input {
	const params: Record<string, unknown> = {}, ansible: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(all)) (k.startsWith('_ansible_') ? ansible : params)[k] = v;
	return {
		params,
		meta: {
			check: ansible._ansible_check_mode === true,
			diff: ansible._ansible_diff === true,
			verbosity: Number(ansible._ansible_verbosity ?? 0) || 0,
			noLog: ansible._ansible_no_log === true,
		},
	};
}

export function readInput(): Input {
	return splitInput(__ANSIBLE_JSON_ARGS__);
}
