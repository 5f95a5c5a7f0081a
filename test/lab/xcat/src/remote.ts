// Reaching other hosts: is a server's xcatd answering, and ssh with a bounded fan-out.
import { spawn } from 'node:child_process';
import { askXcatd } from './client.js';
import { resolveIPv4 } from './hosts.js';

export async function xcatdAnswers(host: string, port = 3001, timeoutMs = 3000): Promise<{ ok: true } | { ok: false; error: string }> {
	const ip = resolveIPv4(host) ?? host;
	try {
		await askXcatd(ip, port, { command: 'dispatch', args: [], user: 'root' }, timeoutMs);
		return { ok: true };
	} catch (e) {
		const err = e as NodeJS.ErrnoException;
		const text =
			err.code === 'ECONNREFUSED'
				? 'Connection refused'
				: err.code === 'EHOSTUNREACH'
					? 'No route to host'
					: err.code === 'ETIMEDOUT'
						? 'Connection timed out'
						: err.message;
		return { ok: false, error: text };
	}
}

export interface SshResult {
	host: string;
	status: number;
	stdout: string;
	stderr: string;
}

export const SSH_OPTIONS = [
	'-o',
	'BatchMode=yes',
	'-o',
	'StrictHostKeyChecking=no',
	'-o',
	'UserKnownHostsFile=/dev/null',
	'-o',
	'ConnectTimeout=5',
	'-o',
	'LogLevel=ERROR',
];

/** ssh root@host <remote command words>, stdin from `input`. */
export function ssh(host: string, remote: readonly string[], input = ''): Promise<SshResult> {
	return new Promise((resolve) => {
		const child = spawn('ssh', [...SSH_OPTIONS, `root@${host}`, ...remote], { stdio: ['pipe', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (d: string) => {
			stdout += d;
		});
		child.stderr.setEncoding('utf8').on('data', (d: string) => {
			stderr += d;
		});
		child.on('error', (e) => resolve({ host, status: 255, stdout, stderr: `${stderr}${e.message}\n` }));
		child.on('close', (code) => resolve({ host, status: code ?? 255, stdout, stderr }));
		child.stdin.on('error', () => {
			/* the remote side may not read its input */
		});
		child.stdin.end(input);
	});
}

/** Runs `job` for every item, at most `fanout` at a time, results in item order. */
export async function fanOut<T, R>(items: readonly T[], fanout: number, job: (item: T) => Promise<R>): Promise<R[]> {
	const results: R[] = new Array(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const i = next++;
			results[i] = await job(items[i]!);
		}
	};
	await Promise.all(Array.from({ length: Math.min(fanout, items.length) }, worker));
	return results;
}

/** Single-quotes a word for a POSIX shell. */
export function shq(s: string): string {
	return `'${s.replace(/'/g, `'\\''`)}'`;
}
