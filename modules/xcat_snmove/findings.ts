// Collects errors or warnings, one entry per kind and message with every node it concerns, so a
// problem shared by 10,000 nodes is reported once.

import type { Finding } from './types';

export class Findings<K extends string> {
	private readonly byKey = new Map<string, Finding<K>>();

	add(kind: K, message: string, node?: string): void {
		const key = `${kind}\u0000${message}`;
		let finding = this.byKey.get(key);
		if (!finding) {
			finding = { kind, message, nodes: [] };
			this.byKey.set(key, finding);
		}
		if (node !== undefined) finding.nodes.push(node);
	}

	get size(): number {
		return this.byKey.size;
	}

	list(): Finding<K>[] {
		return [...this.byKey.values()];
	}
}
