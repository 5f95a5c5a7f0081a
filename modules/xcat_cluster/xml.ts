// A small XML reader for what Pacemaker prints (the CIB, crm_mon --output-as=xml): elements,
// attributes, text, comments, <?xml?> and CDATA. Enough for machine output of known shape;
// no DTDs, no namespaces. Written here rather than a dependency: the two readers need 80 lines.

export interface XmlElement {
	name: string;
	attrs: Record<string, string>;
	children: XmlElement[];
	text: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(s: string): string {
	return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
		if (e.startsWith('#x')) return String.fromCodePoint(Number.parseInt(e.slice(2), 16));
		if (e.startsWith('#')) return String.fromCodePoint(Number.parseInt(e.slice(1), 10));
		return ENTITIES[e] ?? m;
	});
}

const ATTR = /([A-Za-z_:][\w:.-]*)\s*=\s*("([^"]*)"|'([^']*)')/g;

/** The document's root element; throws on text that is not well-formed in the ways checked here. */
export function parseXml(text: string): XmlElement {
	const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
	const stack: XmlElement[] = [root];
	let i = 0;
	while (i < text.length) {
		const lt = text.indexOf('<', i);
		const top = stack[stack.length - 1]!;
		if (lt < 0) {
			top.text += decode(text.slice(i));
			break;
		}
		if (lt > i) top.text += decode(text.slice(i, lt));
		if (text.startsWith('<!--', lt)) {
			const end = text.indexOf('-->', lt + 4);
			if (end < 0) throw new Error('XML: unterminated comment');
			i = end + 3;
		} else if (text.startsWith('<![CDATA[', lt)) {
			const end = text.indexOf(']]>', lt + 9);
			if (end < 0) throw new Error('XML: unterminated CDATA');
			top.text += text.slice(lt + 9, end);
			i = end + 3;
		} else if (text.startsWith('<?', lt) || text.startsWith('<!', lt)) {
			const end = text.indexOf('>', lt);
			if (end < 0) throw new Error('XML: unterminated declaration');
			i = end + 1;
		} else if (text.startsWith('</', lt)) {
			const end = text.indexOf('>', lt);
			const name = text.slice(lt + 2, end).trim();
			if (end < 0 || stack.length < 2 || top.name !== name) throw new Error(`XML: unexpected </${name}> at offset ${lt}`);
			stack.pop();
			i = end + 1;
		} else {
			// the tag ends at the first '>' outside quotes
			let j = lt + 1;
			let quote = '';
			for (; j < text.length; j++) {
				const c = text[j];
				if (quote) {
					if (c === quote) quote = '';
				} else if (c === '"' || c === "'") quote = c;
				else if (c === '>') break;
			}
			if (j >= text.length) throw new Error(`XML: unterminated tag at offset ${lt}`);
			let body = text.slice(lt + 1, j);
			const selfClosing = body.endsWith('/');
			if (selfClosing) body = body.slice(0, -1);
			const m = /^([A-Za-z_:][\w:.-]*)/.exec(body);
			if (!m) throw new Error(`XML: bad tag at offset ${lt}`);
			const el: XmlElement = { name: m[1]!, attrs: {}, children: [], text: '' };
			for (const a of body.slice(m[1]!.length).matchAll(ATTR)) el.attrs[a[1]!] = decode(a[3] ?? a[4] ?? '');
			top.children.push(el);
			if (!selfClosing) stack.push(el);
			i = j + 1;
		}
	}
	if (stack.length !== 1) throw new Error(`XML: <${stack[stack.length - 1]!.name}> is not closed`);
	const el = root.children[0];
	if (!el || root.children.length !== 1) throw new Error('XML: expected one root element');
	return el;
}

/** The children named NAME. */
export const kids = (el: XmlElement | undefined, name: string): XmlElement[] => el?.children.filter((c) => c.name === name) ?? [];
/** The first child named NAME. */
export const kid = (el: XmlElement | undefined, name: string): XmlElement | undefined => el?.children.find((c) => c.name === name);
/** The element at PATH of child names below EL. */
export const at = (el: XmlElement | undefined, ...path: string[]): XmlElement | undefined => path.reduce((e, n) => kid(e, n), el);
