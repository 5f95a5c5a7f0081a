// Runs one module: arguments → checks → run() → one JSON result, with check mode, diff and secrets handled once, here.
import { parseArgs } from './args';
import { ModuleError } from './errors';
import { commandFailed, runCommand, showCommand, startDetached, type CommandResult, type Read, type RunOptions } from './exec';
import { InputError, readInput, type Input } from './input';
import { maskSecrets, NO_LOG_VALUE, secretForms } from './mask';
import { cut } from './show';
import type { ArgsOf, Options } from './options';
import { emit } from './output';
import type { Rule } from './rules';
import { compileValidator } from './validator';
import { toJsonSchema } from './options';

export interface Ctx<A> {
	args: A;
	check: boolean;
	diff: boolean;
	verbosity: number;
	warn(message: string): void;
	/** a command that only reads the host; the caller judges its exit code */
	read: Read;
	/** a command that changes the host: recorded in `commands`; a non-zero exit fails the module */
	change(argv: readonly string[], opts?: RunOptions): Promise<CommandResult>;
	/** like change(), for a command that goes on after the module exits; only an immediate failure is seen */
	changeInBackground(argv: readonly string[]): Promise<CommandResult>;
}

export interface ModuleDef<S extends Options, R extends Record<string, unknown>> {
	name: string;
	options: S;
	rules?: readonly Rule[];
	/** checks on the validated arguments that a schema cannot say; each string is one error */
	check?(args: ArgsOf<S>): string[];
	run(ctx: Ctx<ArgsOf<S>>): Promise<R & { changed: boolean }>;
}

export type Result = Record<string, unknown>;

/** string arguments longer than this are cut in `invocation` */
const INVOCATION_MAX = 4096;

export async function execute<S extends Options, R extends Record<string, unknown>>(def: ModuleDef<S, R>, input: Input): Promise<Result> {
	const { meta } = input;
	const secretNames = Object.entries(def.options)
		.filter(([, o]) => o.secret)
		.map(([n]) => n);
	const warnings: string[] = [];
	const ran: string[][] = [];
	// from the raw values, whatever their type: a conversion warning or error quotes them before any parse succeeds
	let secrets = secretForms(secretNames.map((n) => input.params[n]));
	let invocationArgs: Record<string, unknown> = input.params;

	const finish = (result: Result): Result => {
		// a huge argument (a 1 MB name) is shown cut: the result is read by people, and Ansible keeps it in memory
		const moduleArgs = Object.fromEntries(
			Object.entries(invocationArgs).map(([k, v]) => [
				k,
				secretNames.includes(k) && v !== undefined ? NO_LOG_VALUE : typeof v === 'string' ? cut(v, INVOCATION_MAX) : v,
			]),
		);
		const out: Result = { changed: false, ...result, invocation: { module_args: moduleArgs } };
		if (!meta.diff) delete out.diff;
		if (warnings.length) out.warnings = [...warnings, ...((out.warnings as string[] | undefined) ?? [])];
		return maskSecrets(out, secrets);
	};

	const changing = async (argv: readonly string[], start: () => Promise<CommandResult>) => {
		if (meta.check) throw new Error(`refusing to run a changing command in check mode: ${showCommand(argv)}`);
		ran.push([...argv]);
		const r = await start();
		if (r.rc !== 0) throw commandFailed({ ...r, argv: [...argv] });
		return r;
	};

	try {
		const parsed = parseArgs(def.name, def.options, compileValidator(toJsonSchema(def.options)), def.rules ?? [], input.params);
		warnings.push(...parsed.warnings);
		if (parsed.errors.length) return finish({ failed: true, msg: parsed.errors.join('. ') });
		const args = parsed.args as ArgsOf<S>;
		invocationArgs = parsed.args;
		secrets = secretForms(secretNames.flatMap((n) => [input.params[n], parsed.args[n]]));
		const problems = def.check?.(args) ?? [];
		if (problems.length) return finish({ failed: true, msg: problems.join('. ') });

		const ctx: Ctx<ArgsOf<S>> = {
			args,
			check: meta.check,
			diff: meta.diff,
			verbosity: meta.verbosity,
			warn: (m) => warnings.push(m),
			read: (argv, opts) => runCommand(argv, opts),
			change: (argv, opts) => changing(argv, () => runCommand(argv, opts)),
			changeInBackground: (argv) => changing(argv, () => startDetached(argv)),
		};
		return finish(await def.run(ctx));
	} catch (err) {
		if (err instanceof ModuleError) return finish({ failed: true, msg: err.message, commands: ran, ...err.extra });
		const e = err instanceof Error ? err : new Error(String(err));
		return finish({ failed: true, msg: `Unexpected error: ${e.message}`, commands: ran, ...(meta.verbosity >= 3 ? { exception: e.stack } : {}) });
	}
}

/** The entry point of every module's main.ts. */
export function defineModule<S extends Options, R extends Record<string, unknown>>(def: ModuleDef<S, R>): void {
	let input: Input;
	try {
		input = readInput();
	} catch (err) {
		// arguments that are not a JSON object: nothing can be masked or run, only said
		emit({ failed: true, changed: false, msg: err instanceof InputError ? err.message : `Unexpected error reading the arguments: ${String(err)}` });
		return;
	}
	void execute(def, input).then(emit);
}
