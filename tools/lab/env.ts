// Keeps ansible, ansible-doc and ansible-lint from writing outside the project.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const ansibleEnv = {
	ANSIBLE_CONFIG: `${ROOT}/ansible.cfg`,
	ANSIBLE_HOME: `${ROOT}/.ansible`,
	ANSIBLE_LOCAL_TEMP: `${ROOT}/.ansible/tmp`,
	ANSIBLE_SSH_CONTROL_PATH_DIR: `${ROOT}/.ansible/cp`,
	XDG_CACHE_HOME: `${ROOT}/.cache`,
	ANSIBLE_NOCOLOR: '1',
	ANSIBLE_FORCE_COLOR: '0',
};
