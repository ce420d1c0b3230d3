/**
 * Cowrie log lines in, per-source evidence out. Pure (no I/O): `readCowrieLog` feeds it
 * lines from a file or stream; a live pipeline could feed it lines from anywhere.
 *
 * Attribution: Cowrie writes src_ip on nearly every event, but not on all of them in every
 * release, so a table session -> address (filled on any event that has both) lets the
 * rest be attributed. A session leaves the table on cowrie.session.closed, and the table
 * is capped (oldest entry dropped first) so sessions that never close cannot pile up.
 */
import { OpenNoticeError } from '../../core/errors.ts';
import { parseCowrieLine, type CowrieEvent } from './cowrie-event.ts';
import { addressSortKey } from './source-address.ts';
import { addEventToTally, finishTally, newSourceTally, type SourceTally } from './source-tally.ts';
import type { HoneypotReport, HoneypotStats } from './types.ts';
import { defaultBotLoginAttempts } from './verdict.ts';

export interface CowrieAggregatorOptions {
  /** File or stream name for error messages. */
  name: string;
  /** 'throw' (default): the first corrupt line raises IMPORT_INVALID; 'skip': count it and go on. */
  onCorrupt?: 'throw' | 'skip';
  /** Open sessions remembered for attribution (default 100 000, ~10 MB). */
  maxTrackedSessions?: number;
  /** Login attempts that make a source a bot on their own (default 10, see verdict.ts). */
  botLoginAttempts?: number;
}

export interface CowrieAggregator {
  /** One line of the log (without its line end); `terminated` false for a last line the file ended in. */
  addLine(text: string, terminated?: boolean): void;
  /** A line longer than the reader's limit (its text was not kept). */
  addOversizedLine(limitBytes: number): void;
  /** The byte stream broke (e.g. corrupt gzip) after the lines added so far. */
  addBrokenStream(reason: string): void;
  finish(): HoneypotReport;
}

export const defaultMaxTrackedSessions = 100_000;
const maxCorruptLinesListed = 100;

/**
 * @example
 * const aggregator = createCowrieAggregator({ name: 'cowrie.json', onCorrupt: 'skip' });
 * for (const line of text.split('\n')) aggregator.addLine(line);
 * const { sources, stats } = aggregator.finish();
 */
export function createCowrieAggregator(options: CowrieAggregatorOptions): CowrieAggregator {
  const { name } = options;
  const skipCorrupt = options.onCorrupt === 'skip';
  const maxTrackedSessions = options.maxTrackedSessions ?? defaultMaxTrackedSessions;
  const botLoginAttempts = options.botLoginAttempts ?? defaultBotLoginAttempts;
  const stats: HoneypotStats = { lines: 0, events: 0, skipped: 0, unfinishedLines: 0, corruptLines: [], unknownEvents: 0, unattributed: 0 };
  let firstSeen = Number.POSITIVE_INFINITY;
  let lastSeen = Number.NEGATIVE_INFINITY;
  const sources = new Map<string, SourceTally>();
  // Key: sensor + session id (ids are random per sensor; merged logs of several sensors
  // could in principle repeat one). Map order is insertion order, so the first key is the oldest.
  const sessionAddresses = new Map<string, string>();

  const corrupt = (line: number, reason: string): void => {
    if (!skipCorrupt) throw new OpenNoticeError('IMPORT_INVALID', `${reason}; --skip-corrupt skips and counts corrupt lines`, { file: name, line });
    stats.skipped++;
    if (stats.corruptLines.length < maxCorruptLinesListed) stats.corruptLines.push(line);
  };

  const sourceFor = (event: CowrieEvent): SourceTally | undefined => {
    const sessionKey = event.session === undefined ? undefined : `${event.sensor ?? ''}\u0000${event.session}`;
    let known = sessionKey === undefined ? undefined : sessionAddresses.get(sessionKey);
    if (event.kind === 'connect' && known !== undefined && event.ip !== undefined && known !== event.ip) {
      // A reused id on a new connection: the new peer owns it from here on.
      sessionAddresses.delete(sessionKey!);
      known = undefined;
    }
    // The address recorded for the session wins: it is the connection's peer, while some
    // events' src_ip is client-supplied (see cowrie-event.ts, direct-tcpip).
    const ip = known ?? event.ip;
    if (ip === undefined) return undefined;
    let tally = sources.get(ip);
    if (tally === undefined) {
      tally = newSourceTally(ip, event.time);
      sources.set(ip, tally);
    }
    if (sessionKey !== undefined) {
      if (known === undefined) {
        tally.sessions++;
        if (event.kind !== 'closed') remember(sessionKey, ip);
      } else if (event.kind === 'closed') sessionAddresses.delete(sessionKey);
    }
    return tally;
  };

  const remember = (sessionKey: string, ip: string): void => {
    if (sessionAddresses.size >= maxTrackedSessions) {
      const oldest = sessionAddresses.keys().next();
      if (!oldest.done) sessionAddresses.delete(oldest.value);
    }
    sessionAddresses.set(sessionKey, ip);
  };

  return {
    addLine(text: string, terminated = true): void {
      const line = ++stats.lines;
      const parsed = parseCowrieLine(text);
      if (parsed.type === 'blank') return;
      if (parsed.type === 'corrupt') {
        if (!terminated) stats.unfinishedLines++;
        else corrupt(line, parsed.reason);
        return;
      }
      stats.events++;
      if (parsed.type === 'unknown') {
        stats.unknownEvents++;
        return;
      }
      const { event } = parsed;
      if (event.time < firstSeen) firstSeen = event.time;
      if (event.time > lastSeen) lastSeen = event.time;
      const tally = sourceFor(event);
      if (tally === undefined) {
        stats.unattributed++;
        return;
      }
      addEventToTally(tally, event);
    },
    addOversizedLine(limitBytes: number): void {
      const line = ++stats.lines;
      corrupt(line, `line is longer than ${limitBytes} bytes`);
    },
    addBrokenStream(reason: string): void {
      corrupt(stats.lines + 1, reason);
    },
    finish(): HoneypotReport {
      const keyed = [...sources.values()].map((tally) => ({ key: addressSortKey(tally.ip), tally }));
      keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const report: HoneypotReport = {
        sources: keyed.map(({ tally }) => finishTally(tally, botLoginAttempts)),
        stats: { ...stats, corruptLines: [...stats.corruptLines] },
      };
      if (Number.isFinite(firstSeen)) report.stats.firstSeen = new Date(firstSeen).toISOString();
      if (Number.isFinite(lastSeen)) report.stats.lastSeen = new Date(lastSeen).toISOString();
      return report;
    },
  };
}
