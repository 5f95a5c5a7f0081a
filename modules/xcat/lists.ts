// xCAT keeps lists as comma-joined strings and splits them with Perl's split(','), which keeps empty
// fields in the middle but drops trailing ones ("a,,b," → ["a", "", "b"]; "" → []).

export function splitXcatList(value: string): string[] {
	if (value === '') return [];
	const fields = value.split(',');
	while (fields.length > 0 && fields[fields.length - 1] === '') fields.pop();
	return fields;
}
