/**
 * Just enough HTML reading for device web interfaces: text decoding by declared
 * charset, the title, client-side redirects and login forms. Regular expressions over
 * the first 64 KiB, not a DOM: embedded pages are small and often malformed.
 */

const namedEntities: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  ndash: '–',
  mdash: '—',
  laquo: '«',
  raquo: '»',
  middot: '·',
  deg: '°',
  yen: '¥',
  euro: '€',
};

/**
 * Replace character references (named, decimal, hex). Unknown ones stay as written.
 * @example decodeHtmlEntities('AT&amp;T &#8211; &#x41;') // "AT&T – A"
 */
export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});?/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const codePoint = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return codePoint > 0 && codePoint <= 0x10ffff && !(codePoint >= 0xd800 && codePoint <= 0xdfff) ? String.fromCodePoint(codePoint) : whole;
    }
    return namedEntities[name.toLowerCase()] ?? whole;
  });
}

/** Charset label from a Content-Type value or the page's own meta declaration. */
export function declaredCharset(contentType: string | undefined, head: Buffer): string | undefined {
  const fromHeader = /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  if (fromHeader) return fromHeader.toLowerCase();
  const start = head.subarray(0, 2048).toString('latin1');
  return /<meta\b[^>]*charset\s*=\s*["']?([\w.:-]+)/i.exec(start)?.[1]?.toLowerCase();
}

/**
 * Body bytes as text: the declared charset when the platform knows it (Shift_JIS,
 * GB2312, Big5… are common on cameras and routers), else UTF-8 when valid, else
 * Latin-1, which maps every byte to one character and never fails.
 * @example decodeBodyText(Buffer.from([0x83, 0x4a]), 'shift_jis') // "カ"
 */
export function decodeBodyText(bytes: Buffer, charset: string | undefined, options: { truncated?: boolean } = {}): string {
  if (charset && !/^(utf-?8|us-ascii|iso-8859-1|latin1)$/.test(charset)) {
    try {
      return new TextDecoder(charset).decode(bytes);
    } catch {
      // Unknown label: fall through to the byte-level guess.
    }
  }
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  // A body cut at the cap may end inside a character: then (only then) drop up to 3 bytes.
  const trims = options.truncated ? [0, 1, 2, 3] : [0];
  for (const trim of trims) {
    try {
      return utf8.decode(bytes.subarray(0, Math.max(0, bytes.length - trim)));
    } catch {
      // try a shorter tail
    }
  }
  return bytes.toString('latin1');
}

/**
 * The page title, entities decoded and whitespace collapsed; undefined without a title.
 * @example extractTitle('<TITLE>\n  NETGEAR&nbsp;Router </TITLE>') // "NETGEAR Router"
 */
export function extractTitle(html: string): string | undefined {
  const match = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i.exec(html) ?? /<title\b[^>]*>([^<]*)/i.exec(html);
  if (!match) return undefined;
  return decodeHtmlEntities(match[1].slice(0, 2048)).replace(/\s+/g, ' ').trim().slice(0, 512);
}

/**
 * True when the page contains a password field (a login form).
 * @example hasPasswordInput('<input type="password" name="pwd">') // true
 */
export function hasPasswordInput(html: string): boolean {
  return /<input\b[^>]*\btype\s*=\s*["']?password\b/i.test(html);
}

/**
 * The target of a `<meta http-equiv="refresh">`, if any.
 * @example findMetaRefresh('<meta http-equiv="Refresh" content="0; URL=/login.htm">') // "/login.htm"
 */
export function findMetaRefresh(html: string): string | undefined {
  for (const tag of html.match(/<meta\b[^>]*>/gi) ?? []) {
    if (!/http-equiv\s*=\s*["']?refresh\b/i.test(tag)) continue;
    const content = /content\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(tag);
    const value = content?.[1] ?? content?.[2] ?? content?.[3] ?? '';
    const url = /url\s*=\s*['"]?([^'"\s>]+)/i.exec(value)?.[1];
    if (url) return decodeHtmlEntities(url);
  }
  return undefined;
}

/**
 * The literal target of a simple script redirect (`location.href = "/x"`,
 * `window.location = '/x'`, `location.replace("/x")`), as used by many device home pages.
 * @example findScriptRedirect('<script>window.location.href="/doc/page/login.asp";</script>') // "/doc/page/login.asp"
 */
export function findScriptRedirect(html: string): string | undefined {
  const patterns = [/\blocation(?:\.href)?\s*=\s*(["'])([^"'\n]{1,512})\1/, /\blocation\.(?:replace|assign)\s*\(\s*(["'])([^"'\n]{1,512})\1/];
  for (const script of html.match(/<script\b[^>]*>[\s\S]*?<\/script\s*>/gi) ?? []) {
    for (const pattern of patterns) {
      const match = pattern.exec(script);
      if (match) return match[2];
    }
  }
  return undefined;
}
