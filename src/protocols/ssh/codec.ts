/**
 * SSH identification exchange (RFC 4253 §4.2): the server may send other lines before
 * "SSH-protoversion-softwareversion SP comments CRLF". Pure functions.
 */

/** What we send back before closing, so the server logs a clean disconnect. */
export const clientIdentification = 'SSH-2.0-opennotice\r\n';

/** RFC 4253 caps the identification line at 255 characters including CR LF. */
const maxLineBytes = 255;
/** Lines tolerated before the identification (banners, "Connection throttled" …). */
const maxPrecedingLines = 32;
const maxPrecedingBytes = 8 * 1024;

export type IdentificationSearch = { state: 'incomplete' } | { state: 'found'; line: string; precedingLines: string[] } | { state: 'invalid'; reason: string };

/**
 * Look for the identification line at the start of what the server sent.
 * @example findIdentification(Buffer.from('SSH-2.0-dropbear_2014.63\r\n')) // { state: 'found', line: 'SSH-2.0-dropbear_2014.63', precedingLines: [] }
 */
export function findIdentification(bytes: Buffer): IdentificationSearch {
  const precedingLines: string[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = bytes.indexOf(0x0a, offset);
    const rest = bytes.subarray(offset, lineEnd < 0 ? bytes.length : lineEnd);
    const startsLikeSsh = rest.subarray(0, 4).toString('latin1') === 'SSH-';
    if (lineEnd < 0) {
      if (startsLikeSsh && rest.length > maxLineBytes) return { state: 'invalid', reason: 'identification line longer than 255 bytes' };
      if (offset + rest.length > maxPrecedingBytes) return { state: 'invalid', reason: 'no SSH identification in the first 8 KiB' };
      if (rest.includes(0)) return { state: 'invalid', reason: 'binary data, not SSH' };
      return { state: 'incomplete' };
    }
    const line = rest.toString('latin1').replace(/\r$/, '');
    if (startsLikeSsh) {
      if (rest.length + 1 > maxLineBytes) return { state: 'invalid', reason: 'identification line longer than 255 bytes' };
      return { state: 'found', line, precedingLines };
    }
    if (rest.includes(0)) return { state: 'invalid', reason: 'binary data, not SSH' };
    precedingLines.push(line);
    if (precedingLines.length > maxPrecedingLines) return { state: 'invalid', reason: `no SSH identification in the first ${maxPrecedingLines} lines` };
    offset = lineEnd + 1;
  }
}

export type SshIdentification = {
  /** The whole identification line without CR LF. */
  version: string;
  /** "2.0", "1.99", "1.5" … */
  protocolVersion: string;
  /** e.g. "OpenSSH_7.4p1", "dropbear_2019.78" */
  software: string;
  comment?: string;
};

/**
 * Split an identification line into its parts; tolerant of a missing software field.
 * @example parseIdentification('SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.5') // { protocolVersion: '2.0', software: 'OpenSSH_8.2p1', comment: 'Ubuntu-4ubuntu0.5', … }
 */
export function parseIdentification(line: string): SshIdentification {
  const afterPrefix = line.slice(4);
  const dash = afterPrefix.indexOf('-');
  const protocolVersion = dash < 0 ? afterPrefix.split(' ')[0] : afterPrefix.slice(0, dash);
  const remainder = dash < 0 ? '' : afterPrefix.slice(dash + 1);
  const space = remainder.indexOf(' ');
  const software = space < 0 ? remainder : remainder.slice(0, space);
  const comment = space < 0 ? undefined : remainder.slice(space + 1).trim();
  return comment ? { version: line, protocolVersion, software, comment } : { version: line, protocolVersion, software };
}
