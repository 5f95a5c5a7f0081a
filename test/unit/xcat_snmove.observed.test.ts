// The observed snmove run of real xCAT 2.19 (docs/xcat-behaviour.md#snmove-observed) as a literal fixture: the
// before tabdump goes through our parser and state builder, the plan's writes are applied to the
// tables, and the result must equal the observed after, byte for byte.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NODE_ATTRIBUTE_COLUMNS } from '../../modules/xcat/attributes';
import { columnIndex, formatTabdump, parseTabdump, type Tabdump } from '../../modules/xcat/tabdump';
import { plan } from '../../modules/xcat_snmove/plan';
import { nodeStatesFromTables } from '../../modules/xcat_snmove/state';
import type { ClusterState, MoveRequest, Plan } from '../../modules/xcat_snmove/types';

const NODERES_HEADER =
	'#node,servicenode,netboot,tftpserver,tftpdir,nfsserver,monserver,nfsdir,installnic,primarynic,discoverynics,cmdinterface,xcatmaster,current_osimage,next_osimage,nimserver,routenames,nameservers,proxydhcp,syslog,comments,disable';
const NODEHM_HEADER =
	'#node,power,mgt,cons,termserver,termport,conserver,serialport,serialspeed,serialflow,getmac,cmdmapping,consoleondemand,consoleenabled,comments,disable';

const NODERES_BEFORE = `${NODERES_HEADER}
"cn1","sn1,sn2",,"sn1",,"sn1","sn1,sn1",,,,,,"sn1",,,,,,,,,
"cn2","sn1,sn2",,"198.51.100.41",,"198.51.100.31","sn1,198.51.100.41",,,,,,"198.51.100.41",,,,,,,,,
"cn3","sn1,sn2",,"sn2",,"sn1","sn1",,,,,,"sn1",,,,,,,,,
"cn4","sn2,sn1",,"sn2",,"sn2","sn2,sn2",,,,,,"sn2",,,,,,,,,
`;
const NODEHM_BEFORE = `${NODEHM_HEADER}
"cn1",,"ipmi","ipmi",,,"sn1",,,,,,,,,
"cn2",,"ipmi","ipmi",,,"sn1",,,,,,,,,
"cn3",,"ipmi","ipmi",,,"xcatmn",,,,,,,,,
"cn4",,"ipmi","ipmi",,,"sn2",,,,,,,,,
`;
// After `snmove -s sn1 -D 198.51.100.42`
const NODERES_AFTER_MOVE = `${NODERES_HEADER}
"cn1","sn2,sn1",,"198.51.100.42",,"198.51.100.42","sn2,198.51.100.42",,,,,,"198.51.100.42",,,,,,,,,
"cn2","sn2,sn1",,"198.51.100.42",,"198.51.100.31","sn2,198.51.100.42",,,,,,"198.51.100.42",,,,,,,,,
"cn3","sn2,sn1",,"sn2",,"198.51.100.42","sn1",,,,,,"198.51.100.42",,,,,,,,,
"cn4","sn2,sn1",,"sn2",,"sn2","sn2,sn2",,,,,,"sn2",,,,,,,,,
`;
// "in nodehm, cn1 and cn2 have conserver sn2, cn3 keeps xcatmn, cn4 keeps sn2"
const NODEHM_AFTER_MOVE = NODEHM_BEFORE.replace('"cn1",,"ipmi","ipmi",,,"sn1"', '"cn1",,"ipmi","ipmi",,,"sn2"').replace(
	'"cn2",,"ipmi","ipmi",,,"sn1"',
	'"cn2",,"ipmi","ipmi",,,"sn2"',
);
// Then `snmove cn1 -d sn1 -D 198.51.100.41`: only cn1 changes
const CN1_AFTER_MOVE_BACK = '"cn1","sn1,sn2",,"198.51.100.41",,"198.51.100.41","sn1,198.51.100.41",,,,,,"198.51.100.41",,,,,,,,,';

const NODELIST = `#node,groups,status,statustime,appstatus,appstatustime,primarysn,hidden,updatestatus,updatestatustime,zonename,comments,disable
"sn1","service,all",,,,,,,,,,,
"sn2","service,all",,,,,,,,,,,
"cn1","compute,all",,,,,,,,,,,
"cn2","compute,all",,,,,,,,,,,
"cn3","compute,all",,,,,,,,,,,
"cn4","compute,all",,,,,,,,,,,
`;

function parsed(text: string): Tabdump {
	const result = parseTabdump(text);
	if (!result.ok) throw new Error(result.error);
	return result.table;
}

interface Tables {
	noderes: Tabdump;
	nodehm: Tabdump;
}

function clusterOf(tables: Tables): ClusterState {
	const states = nodeStatesFromTables({ nodelist: parsed(NODELIST), ...tables });
	if (!states.ok) throw new Error(states.error);
	return {
		nodes: states.nodes,
		siteMaster: '198.51.100.31',
		hostAddresses: new Map([
			['sn1', '198.51.100.41'],
			['sn2', '198.51.100.42'],
			['xcatmn', '198.51.100.31'],
		]),
	};
}

/** What chdef would do with the plan's writes, on the tabdump tables themselves. */
function applyToTables(tables: Tables, result: Plan): Tables {
	const copy = (t: Tabdump): Tabdump => ({ columns: t.columns, rows: t.rows.map((r) => [...r]) });
	const out = { noderes: copy(tables.noderes), nodehm: copy(tables.nodehm) };
	for (const write of result.actions.writes) {
		for (const [attribute, value] of Object.entries(write.attributes)) {
			const { table, column } = NODE_ATTRIBUTE_COLUMNS[attribute as keyof typeof NODE_ATTRIBUTE_COLUMNS];
			const target = out[table as keyof Tables];
			const at = columnIndex(target, column);
			for (const node of write.nodes) target.rows.find((row) => row[0] === node)![at] = value;
		}
	}
	return out;
}

function run(tables: Tables, request: MoveRequest): { result: Plan; after: Tables } {
	const result = plan({ request, cluster: clusterOf(tables) });
	return { result, after: applyToTables(tables, result) };
}

const BEFORE: Tables = { noderes: parsed(NODERES_BEFORE), nodehm: parsed(NODEHM_BEFORE) };

test('snmove -s sn1 -D 198.51.100.42: noderes and nodehm equal the observed after', () => {
	const { result, after } = run(BEFORE, { source: 'sn1', destNodeFacing: '198.51.100.42' });
	assert.is(result.ok, true);
	assert.is(formatTabdump(after.noderes), NODERES_AFTER_MOVE);
	assert.is(formatTabdump(after.nodehm), NODEHM_AFTER_MOVE);
});

test('snmove -s sn1: cn4 (sn2 first) is not selected; the consoles of cn1,cn2 are regenerated', () => {
	const { result } = run(BEFORE, { source: 'sn1', destNodeFacing: '198.51.100.42' });
	assert.equal(result.selected, ['cn1', 'cn2', 'cn3']);
	assert.equal(result.actions.consoles, ['cn1', 'cn2']); // "Running makeconservercf cn1,cn2"
	assert.equal(result.destinations, ['sn2']);
});

test("snmove -s sn1: cn3's one-field monserver gives xCAT's warning and stays", () => {
	const { result } = run(BEFORE, { source: 'sn1', destNodeFacing: '198.51.100.42' });
	const monserver = result.warnings.find((w) => w.kind === 'monserver-one-field')!;
	assert.is(monserver.message, 'The current value of the monserver attribute is not valid.  It will not be reset.');
	assert.equal(monserver.nodes, ['cn3']);
});

test('then snmove cn1 -d sn1 -D 198.51.100.41: only cn1 changes, back as observed', () => {
	const moved = run(BEFORE, { source: 'sn1', destNodeFacing: '198.51.100.42' }).after;
	const { result, after } = run(moved, { nodes: ['cn1'], dest: 'sn1', destNodeFacing: '198.51.100.41' });
	assert.equal(
		result.moves.map((m) => m.node),
		['cn1'],
	);
	const expected = NODERES_AFTER_MOVE.replace(/^"cn1".*$/m, CN1_AFTER_MOVE_BACK);
	assert.is(formatTabdump(after.noderes), expected);
	assert.is(formatTabdump(after.nodehm), NODEHM_AFTER_MOVE.replace('"cn1",,"ipmi","ipmi",,,"sn2"', '"cn1",,"ipmi","ipmi",,,"sn1"'));
});

test('a second snmove -s sn1 on the observed after selects nothing and changes nothing', () => {
	const moved = run(BEFORE, { source: 'sn1', destNodeFacing: '198.51.100.42' }).after;
	const { result, after } = run(moved, { source: 'sn1', destNodeFacing: '198.51.100.42' });
	assert.is(result.ok, true);
	assert.equal(result.selected, []);
	assert.equal(result.actions.writes, []);
	assert.is(formatTabdump(after.noderes), NODERES_AFTER_MOVE);
});

test.run();
