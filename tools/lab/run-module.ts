// Runs a bundled module exactly as Ansible does: the args JSON (Python json.dumps style, ASCII-escaped)
// pasted in place of the marker, then either piped to node on stdin (pipelining) or run from a file.
import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MARKER = '<<INCLUDE_ANSIBLE_MODULE_JSON_ARGS>>';

export interface RunOpts {
	check?: boolean;
	diff?: boolean;
	verbosity?: number;
	via?: 'stdin' | 'file';
	libDir?: string;
	/** run inside this network namespace */
	netns?: string;
	/** run in a private UTS namespace, so a hostname change dies with the process */
	uts?: boolean;
	/**
	 * run in a private mount namespace with each TARGET (e.g. /etc) overlaid: reads see the host's files
	 * and UPPER's, every write lands in UPPER (WORK: overlayfs's scratch directory, on UPPER's filesystem)
	 */
	overlays?: Array<{ target: string; upper: string; work: string }>;
	/** environment variables for the module's process on the host (runModuleOn) */
	env?: Record<string, string>;
}

/** unshare --mount, then each overlay mounted, then the command (arguments only, no script built from values). */
const OVERLAY_SCRIPT =
	'while [ "$1" != -- ]; do mount -t overlay overlay -o "lowerdir=$1,upperdir=$2,workdir=$3" "$1" || exit 97; shift 3; done; shift; exec "$@"';
function overlayPrefix(overlays: NonNullable<RunOpts['overlays']>): string[] {
	return [
		'unshare',
		'--mount',
		'--propagation',
		'private',
		'--',
		'sh',
		'-c',
		OVERLAY_SCRIPT,
		'sh',
		...overlays.flatMap((o) => [o.target, o.upper, o.work]),
		'--',
	];
}
export interface ModuleRun {
	result: Record<string, any>;
	stdout: string;
	stderr: string;
	exitCode: number;
	ms: number;
}

/** What ansible-core 2.14 adds to every module's arguments. */
export function ansibleArgs(name: string, args: Record<string, unknown>, o: RunOpts = {}): Record<string, unknown> {
	return {
		...args,
		_ansible_check_mode: o.check ?? false,
		_ansible_no_log: false,
		_ansible_debug: false,
		_ansible_diff: o.diff ?? false,
		_ansible_verbosity: o.verbosity ?? 0,
		_ansible_version: '2.14.18',
		_ansible_module_name: name,
		_ansible_syslog_facility: 'LOG_USER',
		_ansible_selinux_special_fs: ['fuse', 'nfs', 'vboxsf', 'ramfs', '9p', 'vfat'],
		_ansible_string_conversion_action: 'warn',
		_ansible_socket: null,
		_ansible_shell_executable: '/bin/sh',
		_ansible_keep_remote_files: false,
		_ansible_tmpdir: null,
		_ansible_remote_tmp: '~/.ansible/tmp',
	};
}

/** Python's json.dumps: ", " and ": " separators, non-ASCII as \uXXXX. */
export function pythonJson(value: unknown): string {
	const text = JSON.stringify(value, null, 1).replace(/\n\s*/g, ' ').replace(/\[ /g, '[').replace(/ \]/g, ']').replace(/\{ /g, '{').replace(/ \}/g, '}');
	return text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export async function runModule(name: string, args: Record<string, unknown>, o: RunOpts = {}): Promise<ModuleRun> {
	const source = await readFile(join(o.libDir ?? 'plugins/modules', `${name}.js`), 'utf8');
	const program = source.replace(MARKER, () => pythonJson(ansibleArgs(name, args, o)));
	const prefix = [
		...(o.overlays?.length ? overlayPrefix(o.overlays) : []),
		...(o.uts ? ['unshare', '--uts'] : []),
		...(o.netns ? ['ip', 'netns', 'exec', o.netns] : []),
		'node',
	];
	const started = Date.now();
	let r;
	if ((o.via ?? 'stdin') === 'stdin') {
		r = await execa(prefix[0]!, prefix.slice(1), { input: program, reject: false, stripFinalNewline: false });
	} else {
		const dir = await mkdtemp(join(tmpdir(), 'ansible-tmp-'));
		const file = join(dir, `AnsiballZ_${name}.js`);
		await writeFile(file, program, { mode: 0o700 });
		r = await execa(prefix[0]!, [...prefix.slice(1), file], { reject: false, stripFinalNewline: false });
		await rm(dir, { recursive: true, force: true });
	}
	const ms = Date.now() - started;
	const stdout = String(r.stdout);
	let result: Record<string, any>;
	try {
		result = JSON.parse(stdout);
	} catch {
		throw new Error(`module ${name} printed no JSON (exit ${r.exitCode}):\n${stdout}\n${String(r.stderr)}`);
	}
	return { result, stdout, stderr: String(r.stderr), exitCode: r.exitCode ?? -1, ms };
}
