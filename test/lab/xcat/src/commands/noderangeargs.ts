// xcatclient's argument handling: leading options stay options, the first operand is the
// noderange, everything after it is passed to the command.
export function splitNoderangeArgs(argv: readonly string[]): { range?: string; args: string[] } {
	const args: string[] = [];
	let i = 0;
	while (i < argv.length && argv[i]!.startsWith('-') && argv[i] !== '-') args.push(argv[i++]!);
	if (i >= argv.length) return { args };
	return { range: argv[i]!, args: [...args, ...argv.slice(i + 1)] };
}
