// A VIP on mn1 reached from cn1, moved to mn2 with a gratuitous ARP: cn1 follows at once.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HOSTS, MNS, VIP, inHost, inHostOk, macOf, ssh, waitFor } from './lab';

const V = suite('VIP moves between MNs');
const [first = 'mn1', second = 'mn2'] = MNS;
const client = HOSTS.find((h) => h.groups.includes('compute'))?.name ?? 'cn1';
const neighbour = async () => (await inHostOk(client, `ip neigh show ${VIP} dev host0`)).match(/lladdr (\S+)/)?.[1];

V.before(async () => {
	for (const mn of MNS) await inHost(mn, `ip addr del ${VIP}/24 dev host0 2>/dev/null; true`);
});

V('the VIP is free before the test (nobody answers ARP for it)', async () => {
	assert.is((await inHost(client, `arping -D -c1 -w1 -I host0 ${VIP}`)).exitCode, 0);
});

V(`added on ${first} with label host0:0, ${client} reaches it and learns ${first}'s MAC`, async () => {
	await inHostOk(first, `ip addr add ${VIP}/24 dev host0 label host0:0`);
	assert.match(await inHostOk(first, 'ip -4 -o addr show dev host0'), new RegExp(`inet ${VIP.replace(/\./g, '\\.')}/24 .*host0:0`));
	await inHostOk(client, `ping -c1 -W2 ${VIP} >/dev/null`);
	assert.is(await neighbour(), await macOf(first));
});

V(`moved to ${second} with arping -U, ${client}'s neighbour entry shows ${second}'s MAC without asking`, async () => {
	await inHostOk(first, `ip addr del ${VIP}/24 dev host0`);
	await inHostOk(second, `ip addr add ${VIP}/24 dev host0 label host0:0`);
	await inHostOk(second, `arping -U -c1 -w1 -I host0 -s ${VIP} ${VIP} >/dev/null`);
	const mac = await macOf(second);
	const ms = await waitFor(`${client} neighbour entry for ${VIP} = ${mac}`, async () => (await neighbour()) === mac, 3_000);
	console.log(`${client} followed the VIP ${ms} ms after the gratuitous ARP`);
	await inHostOk(client, `ping -c1 -W2 ${VIP} >/dev/null`);
	const viaVip = await ssh(VIP, 'hostname');
	assert.is(viaVip.stdout.trim(), second);
});

V.after(async () => {
	for (const mn of MNS) await inHost(mn, `ip addr del ${VIP}/24 dev host0 2>/dev/null; true`);
});

V.run();
