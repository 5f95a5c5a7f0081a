// Noderange expansion (NodeRange.pm semantics, docs/xcat-behaviour.md#noderanges) and group inheritance.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KeyedTable } from '../src/inherit';
import { expandNoderange, perlRange, type NodeUniverse } from '../src/noderange';
import { TABLES } from '../src/schema';

const nodes = ['node01', 'node02', 'node03', 'node04', 'node05', 'node06', 'node07', 'node08', 'node09', 'node10', 'cn1', 'cn2', 'cn3', 'cn10', 'sn1', 'sn2'];
const u: NodeUniverse = {
	nodes,
	groups: new Map([
		['compute', ['cn1', 'cn2', 'cn3', 'cn10']],
		['rack1', ['cn1', 'cn2', 'node01']],
		['service', ['sn1', 'sn2']],
		['all', nodes],
	]),
	definedGroups: new Set(['emptygroup']),
	criteria: (atom, list) => (atom === 'noderes.servicenode==sn1' ? list.filter((n) => n === 'cn1' || n === 'cn3') : null),
	readFile: () => ['cn2', '# comment', 'sn1: with a note'],
};
const x = (r: string, verify = true) => expandNoderange(r, u, verify);

const NR = suite('noderange');

NR('lists, sorted as strings and without duplicates', () => {
	assert.equal(x('cn2,cn1,cn2'), { nodes: ['cn1', 'cn2'], missing: [] });
	assert.equal(x('compute').nodes, ['cn1', 'cn10', 'cn2', 'cn3']);
});

NR('ranges: node[01-10], node01-node10, node01:node10, padding kept', () => {
	const ten = nodes.slice(0, 10);
	assert.equal(x('node[01-10]').nodes, ten);
	assert.equal(x('node01-node10').nodes, ten);
	assert.equal(x('node01:node10').nodes, ten);
	assert.equal(x('cn[1-3]').nodes, ['cn1', 'cn2', 'cn3']);
	assert.equal(x('node[01,03]').nodes, ['node01', 'node03']);
});

NR('increments and a bare number use the node prefix', () => {
	assert.equal(x('node08+2').nodes, ['node08', 'node09', 'node10']);
	assert.equal(x('cn1+2').nodes, ['cn1', 'cn2', 'cn3']);
});

NR('exclusion, intersection, parentheses, regex, file', () => {
	assert.equal(x('compute,-cn10').nodes, ['cn1', 'cn2', 'cn3']);
	assert.equal(x('all,-node01-node10,-compute').nodes, ['sn1', 'sn2']);
	assert.equal(x('compute@rack1').nodes, ['cn1', 'cn2']);
	assert.equal(x('(compute@rack1),sn1').nodes, ['cn1', 'cn2', 'sn1']);
	assert.equal(x('/cn[13].*').nodes, ['cn1', 'cn10', 'cn3']);
	assert.equal(x('^/tmp/list').nodes, ['cn2', 'sn1']);
});

NR('selections and defined empty groups', () => {
	assert.equal(x('noderes.servicenode==sn1').nodes, ['cn1', 'cn3']);
	assert.equal(x('emptygroup'), { nodes: [], missing: [] });
});

NR('unknown names are missing when verifying, kept as names otherwise', () => {
	assert.equal(x('cn1,cn9,foo'), { nodes: ['cn1'], missing: ['cn9', 'foo'] });
	assert.equal(x('cn[1-4]').missing, ['cn4']);
	assert.equal(x('cn9,cn[4-5]', false).nodes, ['cn4', 'cn5', 'cn9']);
	assert.equal(x('/cn.*', false).nodes, ['/cn.*']);
});

NR("Perl's range operator: numeric, or magic string increment with a leading zero", () => {
	assert.equal(perlRange('1', '3'), ['1', '2', '3']);
	assert.equal(perlRange('08', '11'), ['08', '09', '10', '11']);
	assert.equal(perlRange('098', '101'), ['098', '099', '100', '101']);
	assert.equal(perlRange('5', '3'), []);
});

const Inh = suite('group inheritance');

Inh('own non-empty value, else the first group in nodelist.groups order; disabled rows do not count', () => {
	const t = new KeyedTable(TABLES.noderes!, [
		['cn1', null, null, '', ...Array(18).fill(null)],
		['rack1', 'sn9,sn8', null, 'rackt', ...Array(18).fill(null)],
		['compute', 'sn1,sn2', 'xnba', 'compt', ...Array(18).fill(null)],
		['disabled', 'bad', null, null, ...Array(17).fill(null), '1'],
	]);
	assert.is(t.effective('cn1', 'servicenode', ['compute', 'rack1']), 'sn1,sn2');
	assert.is(t.effective('cn1', 'servicenode', ['rack1', 'compute']), 'sn9,sn8');
	assert.is(t.effective('cn1', 'tftpserver', ['compute']), 'compt', 'an empty own value falls back');
	assert.is(t.effective('cn1', 'netboot', ['rack1', 'compute']), 'xnba', 'each attribute is inherited on its own');
	assert.is(t.effective('cn1', 'servicenode', ['disabled']), undefined);
});

NR.run();
Inh.run();
