// Keeps ansible, ansible-doc and ansible-lint from writing outside the project.
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname ?? '.', '../..');
export const ansibleEnv = {
	ANSIBLE_CONFIG: `${ROOT}/ansible.cfg`,
	ANSIBLE_HOME: `${ROOT}/.ansible`,
	ANSIBLE_LOCAL_TEMP: `${ROOT}/.ansible/tmp`,
	ANSIBLE_SSH_CONTROL_PATH_DIR: `${ROOT}/.ansible/cp`,
	XDG_CACHE_HOME: `${ROOT}/.cache`,
	ANSIBLE_NOCOLOR: '1',
	ANSIBLE_FORCE_COLOR: '0',
};
