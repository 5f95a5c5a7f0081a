// The CIB's configuration read into the terms the plan compares (pure): properties, resource
// defaults, every primitive wherever it sits, and each group's members in order.
import { at, kids, parseXml, type XmlElement } from './xml';

export interface Primitive {
	id: string;
	/** class:provider:type for OCF, class:type otherwise (stonith:fence_ipmilan, systemd:xcatd) */
	agent: string;
	params: Record<string, string>;
	meta: Record<string, string>;
	/** by action; the first op of each action (we set one per action) */
	ops: Record<string, Record<string, string>>;
	/** the group or clone it sits in */
	parent?: { kind: 'group' | 'clone' | 'bundle'; id: string };
}

export interface Live {
	properties: Record<string, string>;
	rscDefaults: Record<string, string>;
	primitives: Map<string, Primitive>;
	groups: Map<string, string[]>;
}

const nvpairs = (sets: XmlElement[]): Record<string, string> =>
	Object.fromEntries(sets.flatMap((s) => kids(s, 'nvpair').map((n) => [n.attrs.name ?? '', n.attrs.value ?? ''] as [string, string])));

export const agentOf = (p: XmlElement): string =>
	p.attrs.class === 'ocf' ? `ocf:${p.attrs.provider ?? ''}:${p.attrs.type ?? ''}` : `${p.attrs.class ?? ''}:${p.attrs.type ?? ''}`;

function primitive(p: XmlElement, parent?: Primitive['parent']): Primitive {
	const ops: Primitive['ops'] = {};
	for (const op of kids(at(p, 'operations'), 'op')) {
		const { id: _id, name = '', ...attrs } = op.attrs;
		ops[name] ??= attrs;
	}
	return {
		id: p.attrs.id ?? '',
		agent: agentOf(p),
		params: nvpairs(kids(p, 'instance_attributes')),
		meta: nvpairs(kids(p, 'meta_attributes')),
		ops,
		...(parent ? { parent } : {}),
	};
}

/** Reads `cibadmin --query`'s output; throws when it is not a CIB. */
export function parseCib(xml: string): Live {
	const cib = parseXml(xml);
	if (cib.name !== 'cib') throw new Error(`not a CIB: the root element is <${cib.name}>`);
	const conf = at(cib, 'configuration');
	if (!conf) throw new Error('not a CIB: no <configuration>');
	// cib-bootstrap-options (where pcs writes) wins over other property sets
	const sets = kids(at(conf, 'crm_config'), 'cluster_property_set');
	const properties = nvpairs([...sets.filter((s) => s.attrs.id !== 'cib-bootstrap-options'), ...sets.filter((s) => s.attrs.id === 'cib-bootstrap-options')]);
	const rscDefaults = nvpairs(kids(at(conf, 'rsc_defaults'), 'meta_attributes'));
	const primitives = new Map<string, Primitive>();
	const groups = new Map<string, string[]>();
	const add = (p: Primitive) => primitives.set(p.id, p);
	const walk = (el: XmlElement, parent?: Primitive['parent']) => {
		for (const c of el.children) {
			if (c.name === 'primitive') add(primitive(c, parent));
			else if (c.name === 'group') {
				const id = c.attrs.id ?? '';
				groups.set(
					id,
					kids(c, 'primitive').map((p) => p.attrs.id ?? ''),
				);
				walk(c, parent ?? { kind: 'group', id });
			} else if (c.name === 'clone' || c.name === 'master' || c.name === 'bundle') {
				walk(c, { kind: c.name === 'bundle' ? 'bundle' : 'clone', id: c.attrs.id ?? '' });
			}
		}
	};
	walk(at(conf, 'resources') ?? { name: 'resources', attrs: {}, children: [], text: '' });
	return { properties, rscDefaults, primitives, groups };
}
