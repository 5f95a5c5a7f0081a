// What a suite's output says: its counts, and what failed (CI shows only the tail, so the runner
// repeats the failures just above the totals).

export interface Count {
	passed: number;
	failed: number;
}

const plainLines = (output: string) => output.replace(/\u001b\[[0-9;]*m/g, '').split('\n');

/** uvu ends with "Total: N / Passed: N / Skipped: N"; a crash before that counts as one failure. */
export function countUvu(output: string, code: number): Count {
	const plain = plainLines(output).join('\n');
	const num = (label: string) => Number(plain.match(new RegExp(`${label}:\\s+(\\d+)`))?.[1] ?? NaN);
	const total = num('Total'),
		passed = num('Passed');
	if (Number.isNaN(total) || Number.isNaN(passed)) return { passed: 0, failed: 1 };
	const failed = total - passed; // a skipped test is not a pass: it counts as failed
	return { passed, failed: failed === 0 && code !== 0 ? 1 : failed };
}

/** Each uvu failure ("FAIL suite \"test\"", its message and first lines), or the tail of a command that failed. */
export function failuresOf(output: string, code: number, isUvu: boolean): string[] {
	const plain = plainLines(output);
	if (!isUvu) return code === 0 ? [] : [plain.slice(-15).join('\n')];
	const found: string[] = [];
	plain.forEach((line, i) => {
		if (/^\s*FAIL\s/.test(line))
			found.push(
				plain
					.slice(i, i + 12)
					.filter((l) => l.trim() !== '')
					.join('\n'),
			);
	});
	if (found.length === 0 && code !== 0) found.push(plain.slice(-15).join('\n'));
	return found;
}
