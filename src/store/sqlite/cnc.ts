/**
 * C&C candidates, their decisions and feed entries in SQLite (migration 017), and the known
 * bots the detector starts from (infected findings, darknet scanners).
 */
import type { CncFeedEntry } from '../../cnc/feed-entry.ts';
import { type CncCandidateRow, type CncCandidateStore, indicatorOf, noFeedPort } from '../roles/cnc-candidates.ts';
import { type KnownBotSource, type KnownBotStore, mergeKnownBots } from '../roles/known-bots.ts';
import { inTransaction, type SqliteContext } from './database.ts';
import { type SqlRow, toRecord } from './rows.ts';

/** Column list shared with the PostgreSQL store (which quotes the aliases). */
export const candidateColumns = (quote: (name: string) => string) =>
  `id, endpoint_kind AS ${quote('endpointKind')}, endpoint, port, protocol, bots_contacting AS ${quote('botsContacting')},
  benign_contacting AS ${quote('benignContacting')}, fan_in AS ${quote('fanIn')}, beaconing, first_seen AS ${quote('firstSeen')},
  last_seen AS ${quote('lastSeen')}, feeds_matched AS ${quote('feedsMatched')}, confidence, evidence, status,
  detected_at AS ${quote('detectedAt')}, decided_at AS ${quote('decidedAt')}, decided_by AS ${quote('decidedBy')}`;

const columns = candidateColumns((name) => name);
const toRow = (row: SqlRow): CncCandidateRow => toRecord<CncCandidateRow>(row, ['beaconing', 'feedsMatched']);

/** A stored feed entry back into the record (-1 is "no port"). */
export function feedEntryOf(row: { feed: string; kind: string; value: string; port: number; label?: string | null; firstSeen?: string | null }): CncFeedEntry {
  return {
    feed: row.feed as CncFeedEntry['feed'],
    kind: row.kind as CncFeedEntry['kind'],
    value: row.value,
    ...(row.port === noFeedPort ? {} : { port: row.port }),
    ...(row.label ? { label: row.label } : {}),
    ...(row.firstSeen ? { firstSeen: row.firstSeen } : {}),
  };
}

/** @example await sqliteCncStore(context).listApprovedIndicators() */
export function sqliteCncStore({ db, use }: SqliteContext): CncCandidateStore & KnownBotStore {
  const get = (id: number): CncCandidateRow | undefined => {
    const row = db.prepare(`SELECT ${columns} FROM cnc_candidates WHERE id = ?`).get(id) as SqlRow | undefined;
    return row ? toRow(row) : undefined;
  };
  return {
    saveCncCandidates: (candidates, detectedAt) =>
      use('saveCncCandidates', () => {
        const upsert = db.prepare(`INSERT INTO cnc_candidates (endpoint_kind, endpoint, port, protocol, bots_contacting, benign_contacting, fan_in,
            beaconing, first_seen, last_seen, feeds_matched, confidence, evidence, detected_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (endpoint, port, protocol) DO UPDATE SET endpoint_kind = excluded.endpoint_kind, bots_contacting = excluded.bots_contacting,
            benign_contacting = excluded.benign_contacting, fan_in = excluded.fan_in, beaconing = excluded.beaconing,
            first_seen = MIN(first_seen, excluded.first_seen), last_seen = MAX(last_seen, excluded.last_seen),
            feeds_matched = excluded.feeds_matched, confidence = excluded.confidence, evidence = excluded.evidence, detected_at = excluded.detected_at`);
        inTransaction(db, () => {
          for (const candidate of candidates)
            upsert.run(
              candidate.endpointKind,
              candidate.endpoint,
              candidate.port,
              candidate.protocol,
              candidate.botsContacting,
              candidate.benignContacting,
              candidate.fanIn,
              candidate.beaconing ? JSON.stringify(candidate.beaconing) : null,
              candidate.firstSeen,
              candidate.lastSeen,
              JSON.stringify(candidate.feedsMatched),
              candidate.confidence,
              candidate.evidence,
              detectedAt,
            );
        });
      }),

    listCncCandidates: (filter = {}) =>
      use('listCncCandidates', () => {
        const rows = (
          filter.status
            ? db.prepare(`SELECT ${columns} FROM cnc_candidates WHERE status = ? ORDER BY confidence DESC, id`).all(filter.status)
            : db.prepare(`SELECT ${columns} FROM cnc_candidates ORDER BY confidence DESC, id`).all()
        ) as SqlRow[];
        return rows.map(toRow);
      }),

    getCncCandidate: (id) => use('getCncCandidate', () => get(id)),

    decideCncCandidate: (id, decision) =>
      use('decideCncCandidate', () => {
        db.prepare(`UPDATE cnc_candidates SET status = ?, decided_at = ?, decided_by = ? WHERE id = ? AND status = 'pending'`).run(
          decision.status,
          decision.at,
          decision.by,
          id,
        );
        return get(id);
      }),

    listApprovedIndicators: () =>
      use('listApprovedIndicators', () =>
        (db.prepare(`SELECT ${columns} FROM cnc_candidates WHERE status = 'approved' ORDER BY decided_at, id`).all() as SqlRow[]).map((row) =>
          indicatorOf(toRow(row)),
        ),
      ),

    recordCncFeedEntries: (entries, importedAt) =>
      use('recordCncFeedEntries', () => {
        const upsert = db.prepare(`INSERT INTO cnc_feed_entries (feed, kind, value, port, label, first_seen, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (feed, value, port) DO UPDATE SET kind = excluded.kind, label = excluded.label,
            first_seen = COALESCE(excluded.first_seen, first_seen), imported_at = excluded.imported_at`);
        inTransaction(db, () => {
          for (const entry of entries)
            upsert.run(entry.feed, entry.kind, entry.value, entry.port ?? noFeedPort, entry.label ?? null, entry.firstSeen ?? null, importedAt);
        });
        return entries.length;
      }),

    listCncFeedEntries: () =>
      use('listCncFeedEntries', () =>
        (db.prepare('SELECT feed, kind, value, port, label, first_seen AS firstSeen FROM cnc_feed_entries ORDER BY feed, value, port').all() as SqlRow[]).map(
          (row) => feedEntryOf(row as unknown as Parameters<typeof feedEntryOf>[0]),
        ),
      ),

    listKnownBotAddresses: (since) =>
      use('listKnownBotAddresses', () => {
        const findings = db
          .prepare(`SELECT ip, protocol, MAX(last_seen) AS lastSeen FROM findings WHERE kind = 'infected' AND last_seen >= ? GROUP BY ip, protocol`)
          .all(since) as Array<{ ip: string; protocol: string; lastSeen: string }>;
        const scanners = db
          .prepare(`SELECT ip, MAX(last_seen) AS lastSeen FROM darknet_sources WHERE verdict = 'scanner' AND last_seen >= ? GROUP BY ip`)
          .all(since) as Array<{ ip: string; lastSeen: string }>;
        return mergeKnownBots([
          ...findings.map((row) => ({ ip: row.ip, source: (row.protocol === 'honeypot' ? 'honeypot' : 'infected') as KnownBotSource, lastSeen: row.lastSeen })),
          ...scanners.map((row) => ({ ip: row.ip, source: 'darknet-scanner' as const, lastSeen: row.lastSeen })),
        ]);
      }),
  };
}
