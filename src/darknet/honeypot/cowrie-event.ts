/**
 * One line of a Cowrie JSON log -> one normalised event, or the reason it is corrupt.
 * Pure: no I/O, no state. Cowrie has logged three generations of event ids: "KIPP00nn"
 * (kippo heritage, 2014-2015), "COW00nn" (briefly in 2015) and "cowrie.*" (since late 2015);
 * all map onto the same small set of kinds the aggregator counts.
 */
import { canonicalAddress } from '../../scope/canonical-address.ts';

/** What an event means for the evidence we keep. */
export type CowrieEventKind =
  | 'connect'
  | 'closed'
  | 'login-success'
  | 'login-failed'
  | 'command'
  | 'download'
  | 'download-failed'
  | 'upload'
  | 'client-version'
  | 'tcp-forward'
  /** Known, carries no figure we keep, but still dates the source (first/last seen). */
  | 'other';

const modernKinds: Record<string, CowrieEventKind> = {
  'cowrie.session.connect': 'connect',
  'cowrie.session.closed': 'closed',
  'cowrie.login.success': 'login-success',
  'cowrie.login.failed': 'login-failed',
  'cowrie.command.input': 'command',
  // Cowrie logs command.input for every line and then success/failed for the same line,
  // so only input is counted.
  'cowrie.command.success': 'other',
  'cowrie.command.failed': 'other',
  'cowrie.session.file_download': 'download',
  'cowrie.session.file_download.failed': 'download-failed',
  'cowrie.session.file_upload': 'upload',
  'cowrie.client.version': 'client-version',
  'cowrie.direct-tcpip.request': 'tcp-forward',
  'cowrie.direct-tcpip.data': 'other',
  'cowrie.client.kex': 'other',
  'cowrie.client.fingerprint': 'other',
  'cowrie.client.size': 'other',
  'cowrie.client.var': 'other',
  'cowrie.session.params': 'other',
  'cowrie.session.input': 'other',
  'cowrie.log.open': 'other',
  'cowrie.log.closed': 'other',
  'cowrie.virustotal.scanfile': 'other',
  'cowrie.virustotal.scanurl': 'other',
};

// Numbering shared by KIPP00nn and COW00nn (kippo's dblog comment table). 12 and 13 meant
// different things in different releases, so they only date the source.
const legacyKinds: CowrieEventKind[] = [
  'other',
  'connect',
  'login-success',
  'login-failed',
  'other',
  'command',
  'other',
  'download',
  'other',
  'client-version',
  'other',
  'closed',
  'other',
  'other',
];

/**
 * The kind of a Cowrie event id, or undefined when the id is unknown.
 * @example cowrieEventKind('KIPP0003') // 'login-failed'
 */
export function cowrieEventKind(eventId: string): CowrieEventKind | undefined {
  const modern = Object.hasOwn(modernKinds, eventId) ? modernKinds[eventId] : undefined;
  if (modern !== undefined) return modern;
  const legacy = /^(?:KIPP|COW)00(\d\d)$/.exec(eventId);
  if (legacy === null) return undefined;
  const number = Number(legacy[1]);
  return number >= 1 && number < legacyKinds.length ? legacyKinds[number] : undefined;
}

export interface CowrieEvent {
  kind: CowrieEventKind;
  /** Milliseconds since the Unix epoch. */
  time: number;
  /** Canonical attacker address from src_ip, when present and usable. */
  ip?: string;
  /** Session id as Cowrie wrote it (string or number), as text. */
  session?: string;
  sensor?: string;
  /** Lower-case protocol ("ssh", "telnet") when the event says or implies it. */
  protocol?: string;
  username?: string;
  /** Command line (command events). */
  input?: string;
  url?: string;
  sha256?: string;
  /** SSH client identification string (client-version events). */
  version?: string;
}

export type ParsedCowrieLine =
  | { type: 'blank' }
  | { type: 'corrupt'; reason: string }
  | { type: 'unknown'; eventId?: string }
  | { type: 'event'; event: CowrieEvent };

const isoTime = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Milliseconds since the epoch from a Cowrie timestamp, or undefined when unparsable.
 * Accepts ISO-8601 with or without fraction and zone (no zone means UTC, which is what
 * Cowrie documents) and Unix seconds as a number (some log shippers rewrite the field).
 * @example parseCowrieTimestamp('2018-05-06T17:44:05.866769Z') // 1525628645866
 */
export function parseCowrieTimestamp(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 && value < 1e11 ? Math.floor(value * 1000) : undefined;
  if (typeof value !== 'string' || value.length > 40) return undefined;
  const match = isoTime.exec(value.trim());
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const milliseconds = match[7] === undefined ? 0 : Math.floor(Number(`0.${match[7]}`) * 1000);
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, milliseconds);
  const date = new Date(utc);
  // Date.UTC rolls 2018-02-30 over into March; a round trip catches impossible dates.
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute ||
    date.getUTCSeconds() !== second
  )
    return undefined;
  return utc - zoneOffsetMinutes(match[8]) * 60_000;
}

function zoneOffsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + (digits.length > 2 ? Number(digits.slice(2)) : 0);
  return zone.startsWith('-') ? -minutes : minutes;
}

/** Caps on attacker-controlled text we keep, so one hostile line cannot bloat a source. */
export const fieldLimits = { username: 64, input: 200, url: 300, version: 200, sensor: 100 } as const;

function text(value: unknown, limit: number): string | undefined {
  if (typeof value === 'string') return value.length > limit ? value.slice(0, limit) : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function protocolOf(record: Record<string, unknown>, kind: CowrieEventKind): string | undefined {
  const stated = record.protocol;
  if (typeof stated === 'string' && /^[A-Za-z][A-Za-z0-9-]{0,15}$/.test(stated)) return stated.toLowerCase();
  // Older releases have no "protocol" field; the Twisted "system" string names the transport.
  const system = typeof record.system === 'string' ? record.system : '';
  if (/telnet/i.test(system)) return 'telnet';
  if (/ssh/i.test(system) || kind === 'client-version') return 'ssh';
  return undefined;
}

/**
 * Parse one log line (without its line end).
 * @example parseCowrieLine('{"eventid":"cowrie.login.failed","src_ip":"192.0.2.7","timestamp":"2018-05-06T17:44:05Z","username":"root"}')
 * // { type: 'event', event: { kind: 'login-failed', ip: '192.0.2.7', username: 'root', time: 1525628645000, … } }
 */
export function parseCowrieLine(line: string): ParsedCowrieLine {
  if (line.trim() === '') return { type: 'blank' };
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (error) {
    return { type: 'corrupt', reason: `not JSON (${(error as Error).message})` };
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return { type: 'corrupt', reason: 'not a JSON object' };
  const fields = record as Record<string, unknown>;
  const eventId = typeof fields.eventid === 'string' ? fields.eventid : undefined;
  const kind = eventId === undefined ? undefined : cowrieEventKind(eventId);
  if (kind === undefined) return eventId === undefined ? { type: 'unknown' } : { type: 'unknown', eventId };

  const time = parseCowrieTimestamp(fields.timestamp);
  if (time === undefined) return { type: 'corrupt', reason: `${eventId}: timestamp ${describe(fields.timestamp)} is not a time` };
  const event: CowrieEvent = { kind, time };
  if (fields.src_ip !== undefined && fields.src_ip !== null) {
    const ip = typeof fields.src_ip === 'string' ? canonicalAddress(fields.src_ip) : undefined;
    if (ip !== undefined) event.ip = ip;
    // Some releases put the forwarding request's *originator* (client-chosen, often
    // "localhost") into src_ip of direct-tcpip events; the session tells us the real peer.
    else if (!mayCarryOriginator(eventId!)) return { type: 'corrupt', reason: `${eventId}: src_ip ${describe(fields.src_ip)} is not an IP address` };
  }
  const session = text(fields.session, 64);
  if (session !== undefined) event.session = session;
  const sensor = text(fields.sensor, fieldLimits.sensor);
  if (sensor !== undefined) event.sensor = sensor;
  const protocol = protocolOf(fields, kind);
  if (protocol !== undefined) event.protocol = protocol;

  if (kind === 'login-success' || kind === 'login-failed') {
    const username = text(fields.username, fieldLimits.username);
    if (username !== undefined) event.username = username;
  } else if (kind === 'command') {
    const input = text(fields.input, fieldLimits.input);
    if (input !== undefined) event.input = input;
  } else if (kind === 'download' || kind === 'download-failed' || kind === 'upload') {
    const url = text(fields.url, fieldLimits.url);
    if (url !== undefined && kind !== 'upload') event.url = url;
    const digest = fields.shasum ?? fields.sha256;
    if (typeof digest === 'string' && /^[0-9a-f]{64}$/i.test(digest)) event.sha256 = digest.toLowerCase();
  } else if (kind === 'client-version') {
    const version = text(fields.version, fieldLimits.version);
    // Some releases logged the Python repr, quotes included: "'SSH-2.0-OpenSSH_7.3'".
    if (version !== undefined) event.version = version.replace(/^'(.*)'$/s, '$1');
  }
  return { type: 'event', event };
}

/** direct-tcpip events, and legacy 0012 which was "direct-tcpip request" in some releases. */
function mayCarryOriginator(eventId: string): boolean {
  return eventId.startsWith('cowrie.direct-tcpip.') || /^(?:KIPP|COW)0012$/.test(eventId);
}

function describe(value: unknown): string {
  const shown = JSON.stringify(value) ?? String(value);
  return shown.length > 60 ? `${shown.slice(0, 57)}...` : shown;
}
