/**
 * The Niagara Fox hello (Tridium's Niagara Framework, TCP 1911, over TLS 4911): a client opens
 * with a text message "fox a <id> -1 fox hello" and a block of `name=type:value` lines, the
 * station answers with its own block and stops there until the client authenticates. The grab
 * goes no further than the hello. Pure functions.
 */

/** What a hello reply says about the station, by the names the station uses. */
export interface FoxHello {
  /** Every `name=type:value` line read, first occurrence of a name kept. */
  fields: ReadonlyMap<string, string>;
  /** The block was closed with `};;`. */
  complete: boolean;
}

/** The line every Fox message starts with: "fox a", a message number, -1, channel and command. */
const messageStart = /^fox a -?\d{1,9} -1 fox hello\s*$/;
/** Most lines read from a hello: a station sends about twenty. */
const maxLines = 128;
/** Longest value kept: a time-zone rule is the longest field a hello has. */
const maxValueLength = 512;

/**
 * Our hello: only the protocol version and a message id, no credentials and no claims about
 * ourselves beyond naming the client.
 * @example encodeHello().toString() // 'fox a 0 -1 fox hello\n{\nfox.version=s:1.0\nid=i:1\napp.name=s:opennotice\n};;\n'
 */
export function encodeHello(): Buffer {
  return Buffer.from('fox a 0 -1 fox hello\n{\nfox.version=s:1.0\nid=i:1\napp.name=s:opennotice\n};;\n', 'latin1');
}

/**
 * Whether bytes start like a Fox hello reply (the first line, or as much of it as arrived).
 * @example looksLikeFox(Buffer.from('fox a 0 -1 fox hello\n{')) // true
 */
export function looksLikeFox(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 64).toString('latin1');
  const firstLine = head.split('\n')[0]!.replace(/\r$/, '');
  return head.includes('\n') ? messageStart.test(firstLine) : firstLine.startsWith('fox a ');
}

/** Whether a reply's block has been closed, so reading can stop. */
export function helloComplete(bytes: Buffer): boolean {
  return bytes.includes('\n};;') || bytes.includes('\r\n};;');
}

/**
 * Read a hello reply: the first line must be a Fox hello, then `{`, then `name=type:value`
 * lines until `};;`. Values are kept as text without their type letter; objects (`o:`) are
 * skipped, being serialised component trees no rule reads.
 * @example parseHello(Buffer.from('fox a 0 -1 fox hello\n{\nbrandId=s:vykon\n};;\n'))?.fields.get('brandId') // 'vykon'
 */
export function parseHello(bytes: Buffer): FoxHello | undefined {
  const lines = bytes.toString('latin1').split('\n');
  if (!messageStart.test((lines[0] ?? '').replace(/\r$/, ''))) return undefined;
  if (lines.length > 1 && (lines[1] ?? '').replace(/\r$/, '') !== '{') return undefined;
  const fields = new Map<string, string>();
  let complete = false;
  for (const raw of lines.slice(2, 2 + maxLines)) {
    const line = raw.replace(/\r$/, '');
    if (line.startsWith('};;')) {
      complete = true;
      break;
    }
    const match = /^([A-Za-z][A-Za-z0-9_.]{0,63})=([a-z]):(.*)$/.exec(line);
    if (!match || match[2] === 'o' || fields.has(match[1]!)) continue;
    fields.set(match[1]!, match[3]!.replace(/[^\x20-\x7e]/g, '?').slice(0, maxValueLength));
  }
  return { fields, complete };
}
