// What every command gets: its argv, the output channels, and the database.
import { bypassed } from '../client.js';
import { DbError, DbUnavailable, type Backend } from '../db/backend.js';
import { openBackend } from '../db/open.js';
import type { WriteOp } from '../db/sql.js';
import { Output } from '../output.js';
import { tableSpec } from '../schema.js';
import { Snapshot } from '../store.js';

export interface Ctx {
	name: string;
	args: string[];
	out: Output;
	db(): Backend;
}

export type Command = (ctx: Ctx) => void | Promise<void>;

export function makeCtx(name: string, args: string[], viaXcatd: boolean): Ctx {
	let backend: Backend | undefined;
	return {
		name,
		args,
		out: new Output(viaXcatd && !bypassed()),
		db: () => (backend ??= openBackend()),
	};
}

/** Reports a database failure the way DBI and Client.pm would; returns false then. */
export function reportDbFailure(ctx: Ctx, e: unknown): false {
	if (e instanceof DbUnavailable) {
		if (bypassed()) ctx.out.data('ERROR: Unable to open basic site table for configuration');
		ctx.out.raw(e.dbiMessage);
		return false;
	}
	if (e instanceof DbError) {
		ctx.out.raw(e.message);
		return false;
	}
	throw e;
}

/** Tables named by `table.column==value` selections anywhere in the arguments (noderanges use them). */
export function selectionTables(args: readonly string[]): string[] {
	const out = new Set<string>();
	for (const a of args) {
		for (const m of a.matchAll(/([A-Za-z_]+)\.[A-Za-z_]+(?:==|!=|=~|!~)/g)) if (tableSpec(m[1]!)) out.add(m[1]!);
	}
	return [...out];
}

export function load(ctx: Ctx, tables: readonly string[]): Snapshot | undefined {
	try {
		return Snapshot.load(ctx.db(), [...tables, ...selectionTables(ctx.args)]);
	} catch (e) {
		return reportDbFailure(ctx, e) || undefined;
	}
}

export function write(ctx: Ctx, ops: readonly WriteOp[]): boolean {
	try {
		ctx.db().write(ops);
		return true;
	} catch (e) {
		return reportDbFailure(ctx, e);
	}
}

/** Runs another command of the double in this process, as XCATBYPASS=1 would, output discarded. */
export async function inProcess(name: string, args: string[], fn: (c: Ctx) => void | Promise<void>, env: Record<string, string> = {}): Promise<number> {
	const saved: Record<string, string | undefined> = { XCATBYPASS: process.env.XCATBYPASS };
	for (const k of Object.keys(env)) saved[k] = process.env[k];
	process.env.XCATBYPASS = '1';
	Object.assign(process.env, env);
	try {
		const sub = makeCtx(name, args, false);
		await fn(sub);
		return sub.out.exitCode;
	} finally {
		for (const [k, v] of Object.entries(saved)) {
			if (v === undefined) delete process.env[k];
			else process.env[k] = v;
		}
	}
}
