// The plan's actions as the xCAT commands apply runs, in order (pure): a few bulk chdef calls (or one psql), the
// consoles and nodeset per provmethod (run at once: apply.ts runSteps), default routes, then updatenode -s and -P per script list.
// Node lists are split so no argument passes Linux's 128 KiB limit.
import { noderangeChunks } from '../xcat/noderange';
import { psqlArgv, type SqlTarget } from './sql';
import { MOVED_ATTRIBUTES, type AttributeWrite, type PlanActions } from './types';

export type StepName = 'database' | 'consoles' | 'nodeset' | 'routes' | 'postscripts';

export interface Step {
	name: StepName;
	commands: string[][];
}

/** SQL: the database step is one psql transaction on xCAT's database (write_with=sql) instead of chdef calls. */
export function commandsFor(actions: PlanActions, consoleService: string, sql?: Pick<SqlTarget, 'conninfo'>): Step[] {
	const steps: Step[] = [
		{ name: 'database', commands: sql && actions.writes.length ? [psqlArgv(sql)] : chdefCommands(actions.writes) },
		{
			name: 'consoles',
			commands: noderangeChunks(actions.consoles).map((chunk) => [consoleService === 'goconserver' ? 'makegocons' : 'makeconservercf', chunk]),
		},
		{ name: 'nodeset', commands: actions.nodeset.flatMap((group) => noderangeChunks(group.nodes).map((chunk) => ['nodeset', chunk, group.argument])) },
		{
			name: 'routes',
			commands: actions.routes.flatMap((group) =>
				noderangeChunks(group.nodes).map((chunk) => ['xdsh', chunk, '-v', `route add default gw ${group.gateway}`]),
			),
		},
		{
			name: 'postscripts',
			commands: actions.postscripts.flatMap((group) =>
				noderangeChunks(group.nodes).flatMap((chunk) => [
					['updatenode', chunk, '-s'],
					['updatenode', chunk, '-P', group.scripts.join(',')],
				]),
			),
		},
	];
	return steps.filter((step) => step.commands.length > 0);
}

/** The bulk writes as chdef calls: one per write, split where its noderange would pass one argv string's limit. */
export function chdefCommands(writes: readonly AttributeWrite[]): string[][] {
	return writes.flatMap((write) => {
		const values = MOVED_ATTRIBUTES.filter((a) => write.attributes[a] !== undefined).map((a) => `${a}=${write.attributes[a]}`);
		return noderangeChunks(write.nodes).map((chunk) => ['chdef', '-t', 'node', '-o', chunk, ...values]);
	});
}
