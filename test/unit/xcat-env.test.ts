import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { xcatEnv } from '../../modules/xcat/env';

test('xcatEnv: xCAT directories (as its profile.d sets them) added to PATH once, after what is there; extras kept', () => {
	const saved = process.env.PATH;
	try {
		process.env.PATH = '/usr/bin:/bin';
		assert.equal(xcatEnv({ XCATBYPASS: '1' }), {
			PATH: '/usr/bin:/bin:/opt/xcat/bin:/opt/xcat/sbin:/opt/xcat/share/xcat/tools',
			XCATROOT: process.env.XCATROOT ?? '/opt/xcat',
			XCATBYPASS: '1',
		});
		process.env.PATH = '/opt/xcat/bin:/usr/bin:/opt/xcat/sbin';
		assert.is(xcatEnv().PATH, '/opt/xcat/bin:/usr/bin:/opt/xcat/sbin:/opt/xcat/share/xcat/tools');
		// an empty element (the current directory) is not kept
		process.env.PATH = '/usr/bin::/bin:';
		assert.is(xcatEnv().PATH, '/usr/bin:/bin:/opt/xcat/bin:/opt/xcat/sbin:/opt/xcat/share/xcat/tools');
	} finally {
		process.env.PATH = saved;
	}
});

test.run();
