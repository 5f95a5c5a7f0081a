// What the xcat_db plan tests share: the request (EL layout, PostgreSQL, two MNs behind the VIP,
// each file overriding what it tests) and the two outcomes of a plan.
import type { Desired } from '../../modules/xcat_db/desired';
import type { Plan } from '../../modules/xcat_db/plan';

export const VIP = '198.51.100.10';
export const MN1 = '198.51.100.11';
export const MN2 = '198.51.100.12';

export const want = (d: Partial<Desired> = {}): Desired => ({
	type: 'postgresql',
	vip: VIP,
	addresses: [MN1, MN2],
	password: 's3cret',
	pgData: '/var/lib/pgsql/data',
	pgConf: '/var/lib/pgsql/data',
	pgSetup: 'pgsqlsetup',
	pgService: 'postgresql',
	mysqlData: '/var/lib/mysql',
	mysqlService: 'mariadb',
	...d,
});

/** the plan acts; a refusal fails the test with its message */
export const act = (p: Plan) => {
	if (p.kind !== 'act') throw new Error(`refused: ${p.msg}`);
	return p;
};

/** the plan refuses; its message */
export const refused = (p: Plan) => {
	if (p.kind !== 'refuse') throw new Error(`not refused: ${p.msg}`);
	return p.msg;
};
