/** C&C candidates, decisions, feed entries and known bots in PostgreSQL, as SQLite's (sqlite/cnc.ts). */
import { type CncCandidateRow, type CncCandidateStore, indicatorOf, noFeedPort } from '../roles/cnc-candidates.ts';
import { type KnownBotSource, type KnownBotStore, mergeKnownBots } from '../roles/known-bots.ts';
import { candidateColumns, feedEntryOf } from '../sqlite/cnc.ts';
import type { PostgresContext } from './database.ts';
import { type PgRow, toRecord } from './rows.ts';

const columns = candidateColumns((name) => `"${name}"`);
const toRow = (row: PgRow): CncCandidateRow => toRecord<CncCandidateRow>(row, ['beaconing', 'feedsMatched']);

/** @example await postgresCncStore(context).listApprovedIndicators() */
export function postgresCncStore({ use, transaction }: PostgresContext): CncCandidateStore & KnownBotStore {
  const get = (id: number) =>
    use('getCncCandidate', async (db) => {
      const { rows } = await db.query(`SELECT ${columns} FROM cnc_candidates WHERE id = $1`, [id]);
      return rows[0] ? toRow(rows[0] as PgRow) : undefined;
    });
  return {
    saveCncCandidates: (candidates, detectedAt) =>
      transaction('saveCncCandidates', async (client) => {
        for (const candidate of candidates)
          await client.query(
            `INSERT INTO cnc_candidates (endpoint_kind, endpoint, port, protocol, bots_contacting, benign_contacting, fan_in,
                beaconing, first_seen, last_seen, feeds_matched, confidence, evidence, detected_at)
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
              ON CONFLICT (endpoint, port, protocol) DO UPDATE SET endpoint_kind = excluded.endpoint_kind, bots_contacting = excluded.bots_contacting,
                benign_contacting = excluded.benign_contacting, fan_in = excluded.fan_in, beaconing = excluded.beaconing,
                first_seen = LEAST(cnc_candidates.first_seen, excluded.first_seen), last_seen = GREATEST(cnc_candidates.last_seen, excluded.last_seen),
                feeds_matched = excluded.feeds_matched, confidence = excluded.confidence, evidence = excluded.evidence, detected_at = excluded.detected_at`,
            [
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
            ],
          );
      }),

    listCncCandidates: (filter = {}) =>
      use('listCncCandidates', async (db) => {
        const { rows } = filter.status
          ? await db.query(`SELECT ${columns} FROM cnc_candidates WHERE status = $1 ORDER BY confidence DESC, id`, [filter.status])
          : await db.query(`SELECT ${columns} FROM cnc_candidates ORDER BY confidence DESC, id`);
        return rows.map((row) => toRow(row as PgRow));
      }),

    getCncCandidate: get,

    decideCncCandidate: async (id, decision) => {
      await use('decideCncCandidate', (db) =>
        db.query(`UPDATE cnc_candidates SET status = $1, decided_at = $2, decided_by = $3 WHERE id = $4 AND status = 'pending'`, [
          decision.status,
          decision.at,
          decision.by,
          id,
        ]),
      );
      return get(id);
    },

    listApprovedIndicators: () =>
      use('listApprovedIndicators', async (db) => {
        const { rows } = await db.query(`SELECT ${columns} FROM cnc_candidates WHERE status = 'approved' ORDER BY decided_at, id`);
        return rows.map((row) => indicatorOf(toRow(row as PgRow)));
      }),

    recordCncFeedEntries: async (entries, importedAt) => {
      await transaction('recordCncFeedEntries', async (client) => {
        for (const entry of entries)
          await client.query(
            `INSERT INTO cnc_feed_entries (feed, kind, value, port, label, first_seen, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
              ON CONFLICT (feed, value, port) DO UPDATE SET kind = excluded.kind, label = excluded.label,
                first_seen = COALESCE(excluded.first_seen, cnc_feed_entries.first_seen), imported_at = excluded.imported_at`,
            [entry.feed, entry.kind, entry.value, entry.port ?? noFeedPort, entry.label ?? null, entry.firstSeen ?? null, importedAt],
          );
      });
      return entries.length;
    },

    listCncFeedEntries: () =>
      use('listCncFeedEntries', async (db) => {
        const { rows } = await db.query('SELECT feed, kind, value, port, label, first_seen AS "firstSeen" FROM cnc_feed_entries ORDER BY feed, value, port');
        return rows.map((row) => feedEntryOf(row as Parameters<typeof feedEntryOf>[0]));
      }),

    listKnownBotAddresses: (since) =>
      use('listKnownBotAddresses', async (db) => {
        const findings = await db.query(
          `SELECT ip, protocol, MAX(last_seen) AS "lastSeen" FROM findings WHERE kind = 'infected' AND last_seen >= $1 GROUP BY ip, protocol`,
          [since],
        );
        const scanners = await db.query(
          `SELECT ip, MAX(last_seen) AS "lastSeen" FROM darknet_sources WHERE verdict = 'scanner' AND last_seen >= $1 GROUP BY ip`,
          [since],
        );
        return mergeKnownBots([
          ...(findings.rows as Array<{ ip: string; protocol: string; lastSeen: string }>).map((row) => ({
            ip: row.ip,
            source: (row.protocol === 'honeypot' ? 'honeypot' : 'infected') as KnownBotSource,
            lastSeen: row.lastSeen,
          })),
          ...(scanners.rows as Array<{ ip: string; lastSeen: string }>).map((row) => ({
            ip: row.ip,
            source: 'darknet-scanner' as const,
            lastSeen: row.lastSeen,
          })),
        ]);
      }),
  };
}
