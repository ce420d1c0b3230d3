/**
 * A small XML reader for fingerprint databases: elements, attributes, text, comments,
 * CDATA and the predefined and numeric entities. No DTDs, no namespaces — the Recog
 * files use none — and anything else malformed is an IMPORT_INVALID error with its line.
 */
import { OpenNoticeError } from '../../core/errors.ts';

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Concatenated text directly inside this element (entities decoded). */
  text: string;
  /** 1-based line of the opening tag. */
  line: number;
}

const namedEntities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Parse an XML document into its root element.
 * @example parseXml('<a x="1"><b>hi</b></a>', 'f.xml').children[0].text // 'hi'
 */
export function parseXml(text: string, file: string): XmlElement {
  let position = 0;
  let line = 1;
  const fail = (message: string, atLine = line): never => {
    // Messages quote tag and attribute names from the file: cut, so the error stays one readable line.
    throw new OpenNoticeError('IMPORT_INVALID', message.length > 300 ? `${message.slice(0, 300)}…` : message, { file, line: atLine });
  };
  const advanceTo = (next: number) => {
    for (let index = position; index < next; index++) if (text.charCodeAt(index) === 10) line++;
    position = next;
  };
  /** Decode entities in text that starts on the current line (errors name the entity's own line). */
  const decode = (raw: string): string =>
    raw.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, entity: string, offset: number) => {
      if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
      if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
      return namedEntities[entity] ?? fail(`unknown entity ${whole}`, line + raw.slice(0, offset).split('\n').length - 1);
    });

  // Sticky, and local to this call: it keeps lastIndex between uses, which must not leak.
  const tagPattern = /<([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '', line: 1 };
  const stack: XmlElement[] = [root];
  while (position < text.length) {
    const open = text.indexOf('<', position);
    const current = stack[stack.length - 1];
    if (open === -1) {
      current.text += decode(text.slice(position));
      advanceTo(text.length);
      break;
    }
    current.text += decode(text.slice(position, open));
    advanceTo(open);
    const skipUntil = (terminator: string, what: string): string => {
      const end = text.indexOf(terminator, position);
      if (end === -1) fail(`unterminated ${what}`);
      const inner = text.slice(position, end);
      advanceTo(end + terminator.length);
      return inner;
    };
    if (text.startsWith('<!--', position)) skipUntil('-->', 'comment');
    else if (text.startsWith('<?', position)) skipUntil('?>', 'processing instruction');
    else if (text.startsWith('<![CDATA[', position)) current.text += skipUntil(']]>', 'CDATA section').slice('<![CDATA['.length);
    else if (text.startsWith('<!', position)) skipUntil('>', 'declaration');
    else if (text.startsWith('</', position)) {
      const name = skipUntil('>', 'closing tag').slice(2).trim();
      if (name !== current.name || stack.length === 1) fail(`closing tag </${name}> does not match <${current.name}>`);
      stack.pop();
    } else {
      const tagLine = line;
      tagPattern.lastIndex = position;
      const tag = tagPattern.exec(text);
      if (!tag) fail('malformed tag');
      const element: XmlElement = { name: tag![1], attributes: {}, children: [], text: '', line: tagLine };
      for (const attribute of tag![2].matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        element.attributes[attribute[1]] = decode(attribute[2] ?? attribute[3]);
      }
      advanceTo(position + tag![0].length);
      current.children.push(element);
      if (tag![3] !== '/') stack.push(element);
    }
  }
  if (stack.length !== 1) fail(`<${stack[stack.length - 1].name}> is never closed`);
  const [documentElement, ...others] = root.children;
  if (!documentElement || others.length > 0) fail('expected exactly one root element');
  return documentElement;
}
