import { readFileSync } from 'node:fs';
import { OpenNoticeError } from '../core/errors.ts';
import { parseAnyCidr } from './address-space.ts';

export interface CidrListEntry {
  cidr: string;
  comment: string;
  line: number;
}

/**
 * Parse a CIDR list: one IPv4 or IPv6 CIDR (or address) per line, "#" comments, blank lines
 * ignored; each entry in its canonical text. Used for allow-lists, exclude/opt-out lists and the
 * default blocklist.
 * @example parseCidrList('10.0.0.0/8  # RFC 1918\n', 'blocklist.conf')
 */
export function parseCidrList(text: string, file: string): CidrListEntry[] {
  const entries: CidrListEntry[] = [];
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const hash = rawLine.indexOf('#');
    const content = (hash >= 0 ? rawLine.slice(0, hash) : rawLine).trim();
    const comment = hash >= 0 ? rawLine.slice(hash + 1).trim() : '';
    if (!content) return;
    try {
      entries.push({ cidr: parseAnyCidr(content).text, comment, line: index + 1 });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new OpenNoticeError('SCOPE_INVALID', message, { file, line: index + 1 });
    }
  });
  return entries;
}

export function readCidrList(file: string): CidrListEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new OpenNoticeError('SCOPE_INVALID', `cannot read CIDR list: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file });
  }
  return parseCidrList(text, file);
}

/** The blocklist shipped with opennotice (src/scope/default-blocklist.conf). */
export function readDefaultBlocklist(): CidrListEntry[] {
  const url = new URL('./default-blocklist.conf', import.meta.url);
  return parseCidrList(readFileSync(url, 'utf8'), url.pathname);
}
