/**
 * How a grab of ours would show a Recog example. Recog writes its examples as the raw text
 * its own probes saw (a title with `&nbsp;` in it, a telnet login screen with its CR LF and
 * the prompt, an SSH line without "SSH-2.0-"); our grabbers decode that text before rules
 * read it (titles entity-decoded and collapsed, telnet split into banner and prompt, FTP
 * codes stripped). Each Recog database we can read is mapped here to the protocol and
 * field its text lands in, with the grab result our grabber would record for an example,
 * built with the protocol's own codec. The importer checks translated patterns against
 * these results, so an imported rule matches what a survey really sees; the coverage
 * script (scripts/fingerprint-coverage.ts) identifies the same results.
 */
import type { GrabResult } from '../../core/records.ts';
import { parseGreeting } from '../../protocols/ftp/codec.ts';
import { parseAuthChallenges, parseResponseHead } from '../../protocols/http/codec.ts';
import { extractTitle } from '../../protocols/http/html.ts';
import { parseRtspResponse } from '../../protocols/rtsp/codec.ts';
import { parseIdentification } from '../../protocols/ssh/codec.ts';
import { createTelnetDecoder, deviceText, splitPrompt } from '../../protocols/telnet/codec.ts';

/** Where the text of one Recog database (its `matches` attribute) lands in our grab results. */
export interface RecogFieldMapping {
  protocol: string;
  /**
   * Fields that may hold what a pattern reads, first choice first. Telnet has two: Recog
   * matches a whole login screen, ours keeps the banner and the prompt apart, so a pattern
   * is mapped to whichever of them its examples land in.
   */
  fields: readonly string[];
  /** Recog matches SSH text after "SSH-x.y-"; our `version` field keeps that prefix: an anchored pattern gets it after its anchor. */
  anchorPattern?: string;
  /** Whether entity references in patterns are decoded, as our grabber decodes the text (titles). */
  decodesEntities?: boolean;
  /** The grab result our grabber would record for one example (raw text as Recog wrote it). */
  grabOf(example: string): GrabResult;
}

const headerResult = (name: string, status: number) => (example: string) => httpHead(status, `${name}: ${example}`);

/** Recog's `matches` values our grabbers see, and how. */
export const recogFieldMappings: Readonly<Record<string, RecogFieldMapping>> = {
  'http_header.server': { protocol: 'http', fields: ['headers.server'], grabOf: headerResult('Server', 200) },
  'http_header.wwwauth': { protocol: 'http', fields: ['headers.www-authenticate'], grabOf: headerResult('WWW-Authenticate', 401) },
  'http_header.x-powered-by': { protocol: 'http', fields: ['headers.x-powered-by'], grabOf: headerResult('X-Powered-By', 200) },
  'http_header.cookie': { protocol: 'http', fields: ['headers.set-cookie'], grabOf: headerResult('Set-Cookie', 200) },
  html_title: {
    protocol: 'http',
    fields: ['title'],
    decodesEntities: true,
    grabOf: (example) => {
      const title = extractTitle(`<title>${example}</title>`);
      return { status: 200, headers: {}, ...(title === undefined ? {} : { title }) };
    },
  },
  'ftp.banner': { protocol: 'ftp', fields: ['banner'], grabOf: ftpGreeting },
  'ssh.banner': {
    protocol: 'ssh',
    fields: ['version'],
    anchorPattern: 'SSH-\\d+\\.\\d+-',
    grabOf: (example) => ({ ...parseIdentification(`SSH-2.0-${example.replace(/\r?\n$/, '')}`) }),
  },
  'telnet.banner': { protocol: 'telnet', fields: ['banner', 'prompt'], grabOf: telnetScreen },
  'rtsp_header.server': { protocol: 'rtsp', fields: ['server'], grabOf: rtspServer },
};

/**
 * The mapping of a Recog database: by its `matches` attribute (telnet's has none, only `protocol="telnet"`).
 * @example recogMappingOf({ matches: 'html_title' })?.fields // ['title']
 */
export function recogMappingOf(attributes: Readonly<Record<string, string>>): { matches: string; mapping?: RecogFieldMapping } {
  const matches = attributes.matches ?? (attributes.protocol === 'telnet' ? 'telnet.banner' : '');
  return { matches, mapping: Object.hasOwn(recogFieldMappings, matches) ? recogFieldMappings[matches] : undefined };
}

/** An HTTP response head carrying one header, read by the HTTP codec (values trimmed, names lower-cased, as a grab has them). */
function httpHead(status: number, headerLine: string): GrabResult {
  const parsed = parseResponseHead(Buffer.from(`HTTP/1.1 ${status} X\r\n${headerLine.replace(/[\r\n]+/g, ' ')}\r\n\r\n`, 'latin1'));
  const headers = parsed.state === 'complete' ? parsed.head.headers : {};
  const result: GrabResult = { status, headers };
  const challengeText = headers['www-authenticate'];
  if (challengeText !== undefined) {
    // As the HTTP grabber records a challenge: Basic when offered (what the checker tries first), else the first.
    const challenges = parseAuthChallenges(challengeText);
    const chosen = challenges.find((challenge) => challenge.scheme === 'basic') ?? challenges[0];
    const realm = chosen?.params.realm;
    result.auth = chosen ? { scheme: chosen.scheme, ...(realm === undefined ? {} : { realm }) } : { scheme: 'unknown' };
    result.authPath = '/';
  }
  return result;
}

/** An RTSP answer carrying the Server header, read by the RTSP codec (the grabber keeps the first one, trimmed). */
function rtspServer(example: string): GrabResult {
  const parsed = parseRtspResponse(Buffer.from(`RTSP/1.0 200 OK\r\nCSeq: 1\r\nServer: ${example.replace(/[\r\n]+/g, ' ')}\r\n\r\n`, 'latin1'));
  const server = parsed.state === 'complete' ? parsed.message.headers.server?.trim() : undefined;
  return { status: 200, ...(server ? { server } : {}) };
}

/** A 220 greeting whose text is the example (its lines as a multi-line reply), read by the FTP codec. */
function ftpGreeting(example: string): GrabResult {
  // Some examples keep the reply code ("220 ECOSYS P2135dn FTP server"): then they are the reply already.
  const lines = example.replace(/\r?\n$/, '').split(/\r?\n/);
  const reply = /^\d{3}[ -]/.test(lines[0])
    ? lines.join('\r\n')
    : lines.map((line, index) => `220${index === lines.length - 1 ? ' ' : '-'}${line}`).join('\r\n');
  const greeting = parseGreeting(Buffer.from(`${reply}\r\n`, 'latin1'));
  return greeting.state === 'complete' ? { banner: greeting.text, code: greeting.code } : {};
}

/**
 * A login screen as the telnet grabber records it: commands removed, text decoded, split
 * into banner and prompt. Trailing line breaks are dropped first: a device waiting at its
 * prompt sends none after it (Recog's stored screens often end with one).
 */
function telnetScreen(example: string): GrabResult {
  const bytes = /^[\x00-\xff]*$/.test(example) ? Buffer.from(example, 'latin1') : Buffer.from(example, 'utf8');
  const decoded = createTelnetDecoder().push(bytes).data;
  const text = deviceText(decoded).replace(/\n+$/, '');
  return { ...splitPrompt(text) };
}
