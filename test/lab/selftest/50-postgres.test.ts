// PostgreSQL with its data under /HA: started on mn1, a row written, stopped, started on mn2
// with the same data, the row read back. A fresh cluster in /HA/pgtest; the base cluster stays.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MNS, inHost, inHostOk, waitFor } from './lab';

const P = suite('PostgreSQL on shared storage');
const [first = 'mn1', second = 'mn2'] = MNS;
const bin = '/usr/lib/postgresql/15/bin';
const port = 5499;
const psql = (sql: string) => `runuser -u postgres -- psql -h /run/postgresql -p ${port} -d postgres -Atc "${sql}"`;

// A transient unit, so the server belongs to the host's systemd and stops cleanly (SIGINT: fast shutdown).
const start = (host: string) =>
	inHostOk(
		host,
		`systemd-run --quiet --unit=lab-pgtest -p User=postgres -p KillSignal=SIGINT -p CollectMode=inactive-or-failed ${bin}/postgres -D /HA/pgtest/data -p ${port} -k /run/postgresql -c listen_addresses=''`,
	);
const ready = (host: string) =>
	waitFor(`PostgreSQL on ${host}`, async () => (await inHost(host, `${bin}/pg_isready -q -h /run/postgresql -p ${port}`)).exitCode === 0, 30_000);
const stop = async (host: string) => {
	await inHostOk(host, 'systemctl stop lab-pgtest');
	assert.is((await inHost(host, 'test -e /HA/pgtest/data/postmaster.pid')).exitCode, 1, `clean shutdown on ${host}`);
};

P.before(async () => {
	for (const mn of MNS) await inHost(mn, 'systemctl stop lab-pgtest 2>/dev/null; true');
	await inHostOk(first, 'rm -rf /HA/pgtest && install -d -o postgres -g postgres /HA/pgtest');
});

P(`initdb under /HA on ${first}, start, write a row, stop`, async () => {
	await inHostOk(first, `runuser -u postgres -- ${bin}/initdb -D /HA/pgtest/data -A trust >/dev/null`);
	await start(first);
	await ready(first);
	await inHostOk(first, psql(`create table lab(v text); insert into lab values ('written on ${first}')`));
	await stop(first);
});

P(`the same data directory starts on ${second} and has the row`, async () => {
	await start(second);
	await ready(second);
	assert.is((await inHostOk(second, psql('select v from lab'))).trim(), `written on ${first}`);
	await stop(second);
});

P('the base cluster was not touched', async () => {
	for (const mn of MNS) assert.match(await inHostOk(mn, 'pg_lsclusters -h'), /^15 main 5432 \S+ postgres \/var\/lib\/postgresql\/15\/main/m, mn);
});

P.after(async () => {
	for (const mn of MNS) await inHost(mn, 'systemctl stop lab-pgtest 2>/dev/null; true');
	await inHost(first, 'rm -rf /HA/pgtest');
});

P.run();
