import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execute, str } from '../../modules/runtime';

const Check = suite('runtime: check mode');
let dir = '';
Check.before(async () => {
	dir = await mkdtemp(join(tmpdir(), 'xcat-ha-runtime-'));
});
Check.after(async () => {
	await rm(dir, { recursive: true, force: true });
});

const meta = (check: boolean) => ({ check, diff: false, verbosity: 0, noLog: false });

// a module whose plan forgot ctx.check: the runtime is the last line that keeps --check from touching the host
for (const via of ['change', 'changeInBackground'] as const) {
	Check(`${via}() in check mode is refused before the command runs`, async () => {
		const file = join(dir, `${via}-check`);
		const r = await execute(
			{
				name: 'careless',
				options: { path: str({ required: true }) },
				async run(ctx) {
					await ctx[via](['touch', ctx.args.path]);
					return { changed: true };
				},
			},
			{ params: { path: file }, meta: meta(true) },
		);
		assert.is(r.failed, true);
		assert.match(String(r.msg), `refusing to run a changing command in check mode: touch ${file}`);
		assert.equal(r.commands, []);
		assert.not.ok(existsSync(file), 'the command ran in check mode');
	});
}

Check('outside check mode the same command runs and is recorded', async () => {
	const file = join(dir, 'real');
	const r = await execute(
		{
			name: 'careless',
			options: { path: str({ required: true }) },
			async run(ctx) {
				await ctx.change(['touch', ctx.args.path]);
				return { changed: true };
			},
		},
		{ params: { path: file }, meta: meta(false) },
	);
	assert.is(r.failed, undefined);
	assert.equal(r.commands, undefined);
	assert.ok(existsSync(file));
});

Check.run();
