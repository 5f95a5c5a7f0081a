import { defineModule, ModuleError, textDiff } from '../runtime';
import { apply } from './apply';
import { checkArgs, toDesired } from './desired';
import { options, rules } from './options';
import { plan } from './plan';
import { probe, probeHolder } from './probe';

defineModule({
	name: 'xcat_vip',
	options,
	rules,
	check: checkArgs,
	async run(ctx) {
		const d = toDesired(ctx.args);
		const current = await probe(ctx.read, d);
		let p = plan(current, d);
		if (p.kind === 'probe-arp') p = plan({ ...current, holderMac: await probeHolder(ctx.read, d) }, d);
		if (p.kind === 'probe-arp') throw new Error('the ARP probe did not settle the plan');
		const echo = { address: d.address, prefix: d.prefix, interface: d.interface, label: d.label, state: d.state };
		if (p.kind === 'refuse') throw new ModuleError(p.msg, { ...echo, ...(p.holderMac ? { holder_mac: p.holderMac } : {}) });
		const changed = p.steps.length > 0;
		if (changed && !ctx.check) await apply(ctx, p.steps);
		return {
			changed,
			...echo,
			commands: p.steps.map((s) => s.argv),
			garp_sent: ctx.check ? 0 : p.garpSent,
			diff: textDiff(`${d.interface} addresses`, p.before, p.after),
		};
	},
});
