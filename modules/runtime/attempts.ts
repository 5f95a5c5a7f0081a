// Undo steps run one after the other, as a rollback does them: each failure noted, the rest still done.
export interface Attempts {
	done: string[];
	problems: string[];
	/** runs FN; WHAT goes to done when it worked, with the error to problems when not */
	attempt(what: string, fn: () => Promise<unknown>): Promise<void>;
}

export function attempts(): Attempts {
	const done: string[] = [],
		problems: string[] = [];
	return {
		done,
		problems,
		async attempt(what, fn) {
			try {
				await fn();
				done.push(what);
			} catch (e) {
				problems.push(`${what}: ${(e as Error).message}`);
			}
		},
	};
}
