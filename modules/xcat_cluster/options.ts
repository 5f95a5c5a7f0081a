import { bool, dict, int, str } from '../runtime';

const PATH = { regex: '^/(?!.*(^|/)\\.\\.(/|$))[A-Za-z0-9_./+-]+$', hint: "an absolute path of letters, digits and '_./+-', without '..'" };

/** Pacemaker's no-quorum-policy values that keep a partition without quorum from running the group (never "ignore"). */
export const NO_QUORUM_POLICIES = ['stop', 'freeze', 'demote', 'suicide'] as const;

/** corosync's quorum device models; with one, only the partition the device votes for can fence. */
export const QUORUM_DEVICE_MODELS = ['net'] as const;

export const options = {
	cib_file: str({ pattern: PATH }),
	stonith_enabled: bool({ default: true }),
	no_quorum_policy: str({ choices: NO_QUORUM_POLICIES, default: 'stop' }),
	properties: dict({ default: {} }),
	resource_stickiness: int({ min: 0, max: 1_000_000, default: 100 }),
	fence_devices: dict({ values: 'any', default: {} }),
	fence_password: str({ secret: true, pattern: { regex: '^[^\\n\\r\\u0000]{1,255}$', hint: 'one line of 1-255 characters without NUL' } }),
	fence_passwords: dict({ secret: true }),
	group: dict({ values: 'any' }),
	force_agents: bool({ default: false }),
	quorum_device: str({ choices: QUORUM_DEVICE_MODELS }),
};
