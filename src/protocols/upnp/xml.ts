/**
 * A small, safe XML reader for documents devices hand out (UPnP device descriptions). It reads
 * elements, attributes, text and CDATA, and refuses, with a named reason, everything that
 * makes XML dangerous to a client: entity declarations (the billion-laughs bomb), external
 * entities and external DTDs (XXE), entity references other than the five predefined and the
 * numeric ones, and documents too large, too deep or with too many elements. It never fetches
 * anything, never expands a declared entity and never throws: garbage is a refusal too.
 */

/** One element: its qualified name as written, attributes, children and direct text. */
export interface XmlElement {
  /** As written, prefix included: "root", "dlna:X_DLNADOC". */
  name: string;
  attributes: Readonly<Record<string, string>>;
  children: XmlElement[];
  /** The element's own text and CDATA, entities decoded (children's text not included). */
  text: string;
}

/** Why a document was refused. */
export type XmlRefusal =
  /** Larger than the byte cap. */
  | 'too-large'
  /** A DOCTYPE declares an entity (internal): how XML bombs are built. */
  | 'entity-declaration'
  /** A DOCTYPE names an external DTD, or declares an external entity: how XXE reads files and URLs. */
  | 'external-entity'
  /** A reference to an entity that is neither predefined nor numeric. */
  | 'undeclared-entity'
  | 'too-deep'
  | 'too-many-elements'
  /** Not well-formed enough to read: unclosed or mismatched tags, no root, bad syntax. */
  | 'malformed';

export type XmlRead = { ok: true; root: XmlElement } | { ok: false; refusal: XmlRefusal; message: string };

export interface XmlLimits {
  maxBytes: number;
  maxDepth: number;
  maxElements: number;
  /** Attributes of one element beyond this make the document malformed. */
  maxAttributes: number;
}

/** A device description is a few KiB, a few hundred elements, rarely ten levels deep. */
export const defaultXmlLimits: XmlLimits = { maxBytes: 64 * 1024, maxDepth: 32, maxElements: 4000, maxAttributes: 32 };

const predefinedEntities: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Thrown inside the reader only, turned into a refusal at its boundary. */
class Refused extends Error {
  readonly refusal: XmlRefusal;
  constructor(refusal: XmlRefusal, message: string) {
    super(message);
    this.refusal = refusal;
  }
}

/**
 * Read a document, or say why not.
 * @example readXml(Buffer.from('<root><a>x &amp; y</a></root>')) // { ok: true, root: { name: 'root', children: [{ name: 'a', text: 'x & y', … }], … } }
 * @example readXml(Buffer.from('<!DOCTYPE r [<!ENTITY a "aaaa">]><r>&a;</r>')) // { ok: false, refusal: 'entity-declaration', … }
 */
export function readXml(bytes: Uint8Array, limits: XmlLimits = defaultXmlLimits): XmlRead {
  if (bytes.length > limits.maxBytes) return { ok: false, refusal: 'too-large', message: `document of ${bytes.length} bytes exceeds ${limits.maxBytes}` };
  try {
    return { ok: true, root: parseDocument(decodeDocument(bytes), limits) };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, refusal: error.refusal, message: error.message };
    // Defensive: the parser has no other throw, but garbage must never escape as an exception.
    return { ok: false, refusal: 'malformed', message: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The text of a document in its declared or signalled encoding: UTF-8 unless a byte-order
 * mark says UTF-16 or the declaration names ISO-8859-1/ASCII. Undecodable bytes become U+FFFD.
 */
function decodeDocument(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
  const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase();
  if (declared && ['iso-8859-1', 'latin1', 'us-ascii', 'ascii', 'iso8859-1'].includes(declared)) return Buffer.from(bytes).toString('latin1');
  return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
}

/** Characters XML allows in names, loosely (devices are not strict): anything but markup and space. */
const nameAt = /[^\s<>/=!?"'&;[\]]+/y;

function parseDocument(text: string, limits: XmlLimits): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  let position = 0;

  const fail = (refusal: XmlRefusal, message: string): never => {
    throw new Refused(refusal, `${message} (at character ${position})`);
  };
  /** Index of `marker` from the current position, or a refusal naming what was left open. */
  const endOf = (marker: string, what: string): number => {
    const index = text.indexOf(marker, position);
    if (index < 0) fail('malformed', `unterminated ${what}`);
    return index;
  };
  const readName = (what: string): string => {
    nameAt.lastIndex = position;
    const match = nameAt.exec(text);
    if (!match) return fail('malformed', `expected ${what} name`);
    position += match[0].length;
    return match[0];
  };
  const skipSpace = () => {
    while (position < text.length && /\s/.test(text[position])) position++;
  };
  const appendText = (value: string) => {
    const current = stack.at(-1);
    if (current) current.text += value;
    else if (value.trim() !== '') fail('malformed', root ? 'text after the root element' : 'text before the root element');
  };

  while (position < text.length) {
    if (text[position] !== '<') {
      const next = text.indexOf('<', position);
      const end = next < 0 ? text.length : next;
      appendText(decodeReferences(text.slice(position, end), fail));
      position = end;
      continue;
    }
    if (text.startsWith('<?', position)) {
      position = endOf('?>', 'processing instruction') + 2;
      continue;
    }
    if (text.startsWith('<!--', position)) {
      position = endOf('-->', 'comment') + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', position)) {
      if (stack.length === 0) fail('malformed', 'CDATA outside the root element');
      const end = endOf(']]>', 'CDATA section');
      appendText(text.slice(position + 9, end));
      position = end + 3;
      continue;
    }
    if (/^<!DOCTYPE/i.test(text.slice(position, position + 9))) {
      if (root || stack.length > 0) fail('malformed', 'DOCTYPE inside the document');
      position = skipDoctype(text, position + 9, fail);
      continue;
    }
    if (text.startsWith('</', position)) {
      position += 2;
      const name = readName('end tag');
      skipSpace();
      if (text[position] !== '>') fail('malformed', `end tag </${name}> not closed`);
      position++;
      const open = stack.pop();
      if (!open) fail('malformed', `end tag </${name}> without a start tag`);
      else if (open.name !== name) fail('malformed', `end tag </${name}> closes <${open.name}>`);
      continue;
    }
    if (text[position + 1] === '!') fail('malformed', 'unknown markup declaration');
    // A start tag.
    position++;
    const element: XmlElement = { name: readName('element'), attributes: {}, children: [], text: '' };
    const attributes: Record<string, string> = Object.create(null);
    let count = 0;
    let selfClosing = false;
    for (;;) {
      skipSpace();
      if (position >= text.length) fail('malformed', `start tag <${element.name}> not closed`);
      if (text.startsWith('/>', position)) {
        selfClosing = true;
        position += 2;
        break;
      }
      if (text[position] === '>') {
        position++;
        break;
      }
      const name = readName('attribute');
      skipSpace();
      if (text[position] !== '=') fail('malformed', `attribute ${name} has no value`);
      position++;
      skipSpace();
      const quote = text[position];
      if (quote !== '"' && quote !== "'") fail('malformed', `attribute ${name} is not quoted`);
      position++;
      const end = endOf(quote, 'attribute value');
      if (++count > limits.maxAttributes) fail('malformed', `more than ${limits.maxAttributes} attributes on <${element.name}>`);
      attributes[name] = decodeReferences(text.slice(position, end), fail);
      position = end + 1;
    }
    element.attributes = { ...attributes };
    if (++elements > limits.maxElements) fail('too-many-elements', `more than ${limits.maxElements} elements`);
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else if (root) fail('malformed', 'a second root element');
    else root = element;
    if (!selfClosing) {
      if (stack.length >= limits.maxDepth) fail('too-deep', `elements nested deeper than ${limits.maxDepth}`);
      stack.push(element);
    }
  }
  if (stack.length > 0) fail('malformed', `document ends inside <${stack.at(-1)!.name}>`);
  if (!root) fail('malformed', 'no root element');
  return root!;
}

/**
 * Step over a DOCTYPE (after "<!DOCTYPE"), refusing what would make the reader fetch or expand
 * anything. A bare `<!DOCTYPE root>` and an internal subset of element and attribute-list
 * declarations and comments are harmless and skipped. Returns the index after its closing ">".
 */
function skipDoctype(text: string, start: number, fail: (refusal: XmlRefusal, message: string) => never): number {
  let position = start;
  for (; position < text.length; position++) {
    const char = text[position];
    if (char === '>') return position + 1;
    if (char === '[') break;
    if (char === '"' || char === "'") {
      const end = text.indexOf(char, position + 1);
      if (end < 0) break;
      position = end;
      continue;
    }
    if (/^(SYSTEM|PUBLIC)\b/.test(text.slice(position, position + 7)) && /\s/.test(text[position - 1] ?? '')) {
      fail('external-entity', 'DOCTYPE names an external DTD');
    }
  }
  if (text[position] !== '[') fail('malformed', 'unterminated DOCTYPE');
  // The internal subset: declarations until "]", then ">".
  position++;
  for (; position < text.length; position++) {
    const char = text[position];
    if (char === ']') {
      const close = text.indexOf('>', position);
      if (close < 0) break;
      return close + 1;
    }
    if (char === '%') fail('entity-declaration', 'DOCTYPE uses a parameter entity');
    if (text.startsWith('<!--', position)) {
      const end = text.indexOf('-->', position + 4);
      if (end < 0) break;
      position = end + 2;
      continue;
    }
    if (text.startsWith('<!ENTITY', position)) {
      const declaration = text.slice(position, declarationEnd(text, position));
      if (/\s(SYSTEM|PUBLIC)\s/.test(declaration)) fail('external-entity', 'DOCTYPE declares an external entity');
      fail('entity-declaration', 'DOCTYPE declares an entity');
    }
    if (text.startsWith('<!', position) || text.startsWith('<?', position)) {
      position = declarationEnd(text, position) - 1;
    }
  }
  return fail('malformed', 'unterminated DOCTYPE');
}

/** Index after the ">" closing a declaration at `start`, quotes respected (or the text's end). */
function declarationEnd(text: string, start: number): number {
  for (let position = start + 2; position < text.length; position++) {
    const char = text[position];
    if (char === '>') return position + 1;
    if (char === '"' || char === "'") {
      const end = text.indexOf(char, position + 1);
      if (end < 0) return text.length;
      position = end;
    }
  }
  return text.length;
}

/**
 * Replace the five predefined and numeric character references. A named reference to any other
 * entity is refused; a bare "&" that starts no reference ("AT&T", common in friendly names) is
 * kept as text, as browsers do.
 */
function decodeReferences(raw: string, fail: (refusal: XmlRefusal, message: string) => never): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&(#[0-9]{1,8}|#x[0-9a-fA-F]{1,8}|[A-Za-z_][\w.-]{0,63});/g, (reference, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      const allowed =
        code === 0x9 ||
        code === 0xa ||
        code === 0xd ||
        (code >= 0x20 && code <= 0xd7ff) ||
        (code >= 0xe000 && code <= 0x10ffff && code !== 0xfffe && code !== 0xffff);
      if (!allowed) fail('malformed', `character reference ${reference} is not an XML character`);
      return String.fromCodePoint(code);
    }
    const value = predefinedEntities[body];
    if (value === undefined) fail('undeclared-entity', `reference to the entity ${reference}`);
    return value!;
  });
}

/**
 * The name without its namespace prefix.
 * @example localName('dlna:X_DLNADOC') // 'X_DLNADOC'
 */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/**
 * The first child whose local name matches (case-sensitive, as UPnP names are).
 * @example childNamed(root, 'device')?.children.length
 */
export function childNamed(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => localName(child.name) === name);
}
