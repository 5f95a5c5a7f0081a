/** A failure the module explains: becomes `failed: true` with this message and the extra fields. */
export class ModuleError extends Error {
	constructor(
		message: string,
		readonly extra: Record<string, unknown> = {},
	) {
		super(message);
		this.name = 'ModuleError';
	}
}
