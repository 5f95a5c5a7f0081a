// The demo on the built-in lab (npm run demo, after the lab is up): what xcat-ha can do today, shown on real hosts.
// The VIP is held by mn1, refused to mn2 while mn1 holds it, then moved to mn2, and cn1 follows the move.
import { execa } from 'execa';
import { ansibleEnv, ROOT } from '../test/ansible/env';

const VIP = '198.51.100.10';
const lab = (host: string, ...cmd: string[]) => execa('bash', ['test/lab/lab', 'exec', host, ...cmd], { cwd: ROOT, reject: false });

async function vip(host: string, state: 'present' | 'absent', extra: string[] = []) {
	const started = Date.now();
	const r = await execa('ansible', [host, '-i', 'inventory/lab', '-m', 'xcat_vip', '-a',
		`address=${VIP} interface={{ xcat_ha_interface }} state=${state} hostname=xcatmn-vip`, ...extra],
	{ cwd: ROOT, env: ansibleEnv, reject: false, all: true });
	return { rc: r.exitCode, out: String(r.all), ms: Date.now() - started };
}

const field = (out: string, key: string) => out.match(new RegExp(`"${key}": "?([^",\\n]*)`))?.[1];
async function macOf(host: string) {
	const r = await lab(host, 'cat', '/sys/class/net/host0/address');
	return r.stdout.trim();
}
async function cn1SeesVipAt() {
	await lab('cn1', 'ping', '-c', '1', '-W', '1', VIP);
	const r = await lab('cn1', 'ip', '-j', 'neigh', 'show', VIP);
	return (JSON.parse(r.stdout || '[]')[0]?.lladdr as string | undefined) ?? 'nothing';
}
const step = (n: number, text: string) => console.log(`\n[${n}] ${text}`);

const mn1 = await macOf('mn1'), mn2 = await macOf('mn2');
console.log(`xcat-ha demo on the lab: mn1 ${mn1}, mn2 ${mn2}, VIP ${VIP}`);

step(1, 'Start clean: neither MN holds the VIP');
for (const h of ['mn1', 'mn2']) await vip(h, 'absent');

step(2, 'mn1 takes the VIP (ARP probe first, gratuitous ARP after)');
const took = await vip('mn1', 'present');
console.log(`    changed: ${field(took.out, 'changed')}, garp_sent: ${field(took.out, 'garp_sent')}, ${took.ms} ms`);
console.log(`    cn1 reaches the VIP at ${await cn1SeesVipAt()} (mn1 is ${mn1})`);

step(3, 'Taking it again on mn1 is a no-op (xcatha.py tore the VIP down here)');
const again = await vip('mn1', 'present');
console.log(`    changed: ${field(again.out, 'changed')}, ${again.ms} ms`);

step(4, 'mn2 may not take it while mn1 holds it');
const refused = await vip('mn2', 'present');
console.log(`    failed: ${refused.rc !== 0}; ${field(refused.out, 'msg')}`);

step(5, 'Planned move: mn1 releases, mn2 takes; cn1 learns mn2 at once');
const moveStarted = Date.now();
await vip('mn1', 'absent');
await vip('mn2', 'present');
console.log(`    moved in ${Date.now() - moveStarted} ms (two ansible runs); cn1 reaches the VIP at ${await cn1SeesVipAt()} (mn2 is ${mn2})`);

step(6, '--check --diff on mn1: what would taking it back change? (refused: mn2 holds it)');
const audit = await vip('mn1', 'present', ['--check', '--diff']);
console.log(`    ${field(audit.out, 'msg')}`);

step(7, 'Leave the lab clean');
await vip('mn2', 'absent');
console.log('    done: the VIP is released. `npm run lab:down` removes the lab.');
