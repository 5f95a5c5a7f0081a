// The client side of xcatd. Commands that real xCAT sends to xcatd first make sure the daemon
// answers (unless XCATBYPASS is set), then run here in-process; xcatd logs the request. A dead
// daemon gives Client.pm's three lines and Perl's die exit status (the connect errno).
import { connect } from 'node:net';
import { writeAll } from './output.js';

export interface XcatdReply {
	lines: string[];
	/** xcatd denied the request (its policy check could not read the database) */
	denied?: true;
}

/** What real xcatd answers when its policy check cannot read the database (stderr, exit 1). */
export const DENIED = 'Error: Permission denied for request';

const ERRNO: Record<string, [number, string]> = {
	ECONNREFUSED: [111, 'Connection refused'],
	EHOSTUNREACH: [113, 'No route to host'],
	ENETUNREACH: [101, 'Network is unreachable'],
	ETIMEDOUT: [110, 'Connection timed out'],
};

export function xcatdAddress(): { host: string; port: number; text: string } {
	const text = process.env.XCATHOST || 'localhost:3001';
	const i = text.lastIndexOf(':');
	const host = i < 0 ? text : text.slice(0, i);
	const port = i < 0 ? 3001 : Number(text.slice(i + 1));
	return { host: host === 'localhost' ? '127.0.0.1' : host, port, text };
}

/** One request to xcatd: a JSON line out, the daemon's identity lines back. */
export function askXcatd(host: string, port: number, request: object, timeoutMs = 15000): Promise<XcatdReply> {
	return new Promise((resolve, reject) => {
		const sock = connect({ host, port });
		let buf = '';
		const timer = setTimeout(() => sock.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), timeoutMs);
		sock.setEncoding('utf8');
		sock.on('connect', () => sock.write(`${JSON.stringify(request)}\n`));
		sock.on('data', (d: string) => {
			buf += d;
		});
		sock.on('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
		sock.on('close', () => {
			clearTimeout(timer);
			const lines = buf.split('\n').filter((l) => l !== '');
			if (lines[0]?.startsWith('hostname=')) resolve({ lines });
			else if (lines[0] === DENIED) resolve({ lines, denied: true });
			else reject(Object.assign(new Error('no answer from xcatd'), { code: 'ECONNRESET' }));
		});
	});
}

export function bypassed(): boolean {
	const v = process.env.XCATBYPASS;
	return !!v && v !== '0';
}

/** Returns the exit status to use when xcatd does not answer, or 0 when it does. */
export async function requireXcatd(command: string, args: readonly string[]): Promise<number> {
	if (bypassed() || process.env.XCAT_DOUBLE_NOXCATD === '1') return 0;
	const addr = xcatdAddress();
	try {
		const reply = await askXcatd(addr.host, addr.port, { command, args, user: process.env.USER || 'root', pid: process.pid });
		if (reply.denied) {
			writeAll(2, `${DENIED}\n`);
			return 1;
		}
		return 0;
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code ?? '';
		const [errno, text] = ERRNO[code] ?? [104, 'Connection reset by peer'];
		writeAll(
			1,
			`Unable to open socket connection to xcatd daemon on ${addr.text}.\nVerify that the xcatd daemon is running and that your SSL setup is correct.\n`,
		);
		writeAll(2, `Connection failure: IO::Socket::INET: connect: ${text} at /opt/xcat/lib/perl/xCAT/Client.pm line 248.\n`);
		return errno;
	}
}
