// Compiles a JSON schema with ajv. The build replaces this file, per module, with the validator
// ajv generated ahead of time (standalone), so a module run never pays for schema compilation.
import Ajv from 'ajv';

export interface ValidationError {
	instancePath: string;
	keyword: string;
	params: Record<string, unknown>;
	message?: string;
}
export type Validate = ((data: unknown) => boolean) & { errors?: ValidationError[] | null };

export const AJV_OPTIONS = { allErrors: true, useDefaults: true, coerceTypes: false, strict: true } as const;

export function compileValidator(schema: Record<string, unknown>): Validate {
	return new Ajv(AJV_OPTIONS).compile(schema) as Validate;
}
