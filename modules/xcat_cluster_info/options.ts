import { list, str } from '../runtime';
import { QUORUM_DEVICE_MODELS } from '../xcat_cluster/options';

/** a Pacemaker id or a cluster node name: what pcs and crm_mon accept, nothing a shell would read */
const ID = { regex: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$', hint: "1-64 letters, digits and '_.-', not starting with '.' or '-'" };

export const options = {
	group: str({ required: true, pattern: ID }),
	mns: list({ required: true, pattern: ID }),
	vip_resource: str({ pattern: ID }),
	quorum_device: str({ choices: QUORUM_DEVICE_MODELS }),
};
