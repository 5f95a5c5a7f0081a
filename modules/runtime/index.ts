export { defineModule, execute, type Ctx, type ModuleDef, type Result } from './module';
export { ModuleError } from './errors';
export { str, int, bool, list, dictList, dict, type ArgsOf, type Options } from './options';
export { mutuallyExclusive, requiredIf, requiredOneOf, requiredTogether } from './rules';
export { commandFailed, readOk, showCommand, type CommandResult, type Read, type RunOptions } from './exec';
export { textDiff, type Diff } from './diff';
