import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decideStart } from '../../modules/xcat_pool/pg-guard-decide';

const G = suite("xcat_pool's PostgreSQL start guard");
const lease = (holder: string | null) => ({ holder, generation: 4, since: '2026-12-07T00:00:00.000Z' });

G('a standby always starts: it only follows a primary', () => {
	assert.is(decideStart({ standby: true }).start, true);
});

G('a primary starts on the member the record names', () => {
	assert.equal(decideStart({ standby: false, me: 'sn1', lease: lease('sn1') }), {
		start: true,
		why: "sn1 is the pool's MN (record generation 4)",
	});
});

G('a former MN back after a promotion is refused, naming the MN and what makes it a replica', () => {
	const v = decideStart({ standby: false, me: 'mn1', lease: lease('sn1') });
	assert.is(v.start, false);
	assert.match(v.why, /the pool's MN is sn1 \(record generation 4, since 2026-12-07T00:00:00\.000Z\), not mn1/);
	assert.match(v.why, /pool_setup\.yml makes it a replica/);
});

G('a released record names nobody: no primary starts', () => {
	assert.is(decideStart({ standby: false, me: 'mn1', lease: lease(null) }).start, false);
});

G('an unreadable record refuses a primary (the shared storage is gone): nothing says who the MN is', () => {
	const v = decideStart({ standby: false, me: 'mn1', unreadable: 'EIO' });
	assert.is(v.start, false);
	assert.match(v.why, /cannot be read \(EIO\)/);
});

G('no record yet (the first MN before pool_setup) starts', () => {
	assert.is(decideStart({ standby: false, me: 'mn1', lease: null }).start, true);
});

G.run();
