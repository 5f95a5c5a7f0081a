// Whether a role's stored password verifier (pg_authid.rolpassword) is PASSWORD's (pure): SCRAM-SHA-256
// (RFC 5802/7677, PostgreSQL's default since 14) or md5. So update_password=always changes the password
// only when it differs, and a rerun reports changed=false. Letters and digits need no SASLprep.
import { createHash, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';

const SCRAM = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/;

/** The StoredKey of PASSWORD with SALT and ITERATIONS: what a SCRAM verifier keeps after its second '$'. */
export function scramStoredKey(password: string, salt: Buffer, iterations: number): Buffer {
	const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
	const clientKey = createHmac('sha256', salted).update('Client Key').digest();
	return createHash('sha256').update(clientKey).digest();
}

export function verifierMatches(verifier: string | null | undefined, user: string, password: string): boolean {
	if (!verifier) return false;
	const m = SCRAM.exec(verifier);
	if (m) {
		const iterations = Number(m[1]);
		if (!(iterations > 0 && iterations <= 10_000_000)) return false;
		const want = Buffer.from(m[3]!, 'base64');
		const got = scramStoredKey(password, Buffer.from(m[2]!, 'base64'), iterations);
		return want.length === got.length && timingSafeEqual(want, got);
	}
	if (/^md5[0-9a-f]{32}$/.test(verifier))
		return (
			verifier ===
			`md5${createHash('md5')
				.update(password + user)
				.digest('hex')}`
		);
	return false;
}
