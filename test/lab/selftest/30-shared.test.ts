// /HA: one live filesystem on every management node, a real mount point, with ACLs and xattrs.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HOSTS, MNS, SHARED, inHost, inHostOk } from './lab';

const S = suite('shared /HA');
const [first = 'mn1', second = 'mn2'] = MNS;

S('is a mount point on every MN and pool member, and absent elsewhere', async () => {
	assert.ok(MNS.length >= 2, 'hosts.conf has two MNs');
	for (const host of SHARED) assert.match(await inHostOk(host, 'findmnt -n -o FSTYPE /HA'), /^ext4/, host);
	for (const h of HOSTS.filter((x) => !SHARED.includes(x.name))) {
		assert.is.not((await inHost(h.name, 'findmnt /HA')).exitCode, 0, `${h.name} has no /HA`);
	}
});

S('what one MN writes, the other reads at once, ACLs and xattrs included', async () => {
	const token = `written on ${first} at ${Date.now()}`;
	await inHostOk(
		first,
		`mkdir -p /HA/selftest && echo '${token}' > /HA/selftest/file && setfacl -m u:nobody:r /HA/selftest/file && setfattr -n user.lab -v yes /HA/selftest/file`,
	);
	assert.is((await inHostOk(second, 'cat /HA/selftest/file')).trim(), token);
	assert.match(await inHostOk(second, 'getfacl -p /HA/selftest/file'), /^user:nobody:r--$/m);
	assert.is(await inHostOk(second, 'getfattr --only-values -n user.lab /HA/selftest/file'), 'yes');
	await inHostOk(second, 'rm -rf /HA/selftest');
	assert.is((await inHost(first, 'test -e /HA/selftest')).exitCode, 1, 'removal seen on the other MN');
});

S('a directory of the host itself can become a link into /HA (the shared-data layout)', async () => {
	await inHostOk(first, 'mkdir -p /HA/labtest /srv/labtest && rm -rf /srv/labtest && ln -s /HA/labtest /srv/labtest && echo x > /srv/labtest/f');
	assert.is((await inHostOk(second, 'cat /HA/labtest/f')).trim(), 'x');
	await inHostOk(first, 'rm -f /srv/labtest && rm -rf /HA/labtest');
});

S.run();
