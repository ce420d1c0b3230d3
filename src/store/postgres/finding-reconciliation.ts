/**
 * Reconciling one run's findings in PostgreSQL, with the rules of FindingStore.reconcileFindings
 * (roles/findings.ts) and the same outcome, row for row and event for event, as the SQLite
 * store's `reconcile`. Built for many workers reconciling different hosts at once on tables of
 * millions of findings: a batch costs a fixed number of statements (arrays through unnest, not
 * one statement per finding), and every finding key the batch touches is locked first
 * (transaction advisory locks, taken in one sorted order so two batches cannot deadlock), so a
 * read-then-write race on one key — two workers both deciding "new finding" — cannot happen.
 */
import type pg from 'pg';
import type { Finding } from '../../core/records.ts';
import type { CoveredCheck, FindingsReconciliation, ReconcileCounts } from '../roles/findings.ts';
import type { FindingStatus } from '../row-types.ts';

type FindingKey = Pick<Finding, 'kind' | 'ip' | 'port' | 'protocol'>;

interface StoredFinding {
  id: number;
  status: FindingStatus;
  misses: number;
}

/** One event to log, in the order the SQLite store would log it (event ids follow it). */
interface PendingEvent {
  /** The finding's id, or the key of a finding inserted by this batch (its id is known after the insert). */
  finding: number | string;
  event: 'opened' | 'closed' | 'reopened' | 'missed';
  at: string;
}

// A space cannot occur in a kind, an address or a protocol name, so it separates them unambiguously.
const keyText = (key: FindingKey): string => `${key.kind} ${key.ip} ${key.port} ${key.protocol}`;

/** The four key columns of `keys` as the arrays unnest takes. */
function keyArrays(keys: readonly FindingKey[]): [string[], string[], number[], string[]] {
  return [keys.map((key) => key.kind), keys.map((key) => key.ip), keys.map((key) => key.port), keys.map((key) => key.protocol)];
}

/**
 * Applies one run's results (call inside a transaction); see FindingStore.reconcileFindings.
 * The same covered place twice in a batch counts twice, as the SQLite store's loop counts it.
 * @example await reconcileFindingsIn(client, 7, '2025-01-01T00:00:00Z', { found: [finding], covered: [] }) // { opened: 1, … }
 */
export async function reconcileFindingsIn(
  client: pg.PoolClient,
  runId: number,
  defaultClosedAt: string,
  input: FindingsReconciliation,
): Promise<ReconcileCounts> {
  const counts: ReconcileCounts = { opened: 0, updated: 0, closed: 0, reopened: 0, missed: 0 };
  // The same finding twice in one batch is one finding: the last copy wins (in the first copy's place).
  const found = new Map<string, Finding>();
  for (const finding of input.found) found.set(keyText(finding), finding);
  // Covered places that were not found, in batch order (repeats kept: each is a check).
  const checks = input.covered.map(keyText).filter((key) => !found.has(key));
  const covered = new Map<string, CoveredCheck>();
  for (const check of input.covered) if (!found.has(keyText(check))) covered.set(keyText(check), check);
  const keys = [...found.values(), ...covered.values()];
  if (keys.length === 0) return counts;

  await client.query(
    `SELECT pg_advisory_xact_lock(lock) FROM (SELECT hashtextextended('opennotice.finding:' || key, 0) AS lock FROM unnest($1::text[]) AS key ORDER BY 1) AS sorted`,
    [keys.map(keyText)],
  );
  const stored = await client.query<StoredFinding & FindingKey>(
    `SELECT id, status, misses, kind, ip, port, protocol FROM findings
      WHERE (kind, ip, port, protocol) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[])) FOR NO KEY UPDATE`,
    keyArrays(keys),
  );
  const existing = new Map(stored.rows.map((row) => [keyText(row), row]));

  const events: PendingEvent[] = [];
  const inserts: Finding[] = [];
  const updates: Array<{ id: number; finding: Finding }> = [];
  for (const [key, finding] of found) {
    const row = existing.get(key);
    if (!row) {
      inserts.push(finding);
      events.push({ finding: key, event: 'opened', at: finding.observedAt });
      counts.opened++;
      continue;
    }
    updates.push({ id: row.id, finding });
    if (row.status === 'closed') {
      events.push({ finding: row.id, event: 'reopened', at: finding.observedAt });
      counts.reopened++;
    } else {
      counts.updated++;
    }
  }

  const closedAt = input.closedAt ?? defaultClosedAt;
  const closeAfterMisses = input.closeAfterMisses ?? 1;
  const addedMisses = new Map<number, number>();
  const closing: Array<{ id: number; misses: number; missedThisRun: number }> = [];
  for (const key of checks) {
    const row = existing.get(key);
    if (row?.status !== 'open') continue;
    row.misses++;
    addedMisses.set(row.id, (addedMisses.get(row.id) ?? 0) + 1);
    if (row.misses < closeAfterMisses) {
      events.push({ finding: row.id, event: 'missed', at: closedAt });
      counts.missed++;
      continue;
    }
    // A repeat of this place later in the batch sees the finding closed, as in SQLite's loop.
    row.status = 'closed';
    closing.push({ id: row.id, misses: row.misses, missedThisRun: addedMisses.get(row.id)! - 1 });
    events.push({ finding: row.id, event: 'closed', at: closedAt });
    counts.closed++;
  }

  const insertedIds = await insertFindings(client, runId, inserts);
  await updateFindings(client, runId, updates);
  if (addedMisses.size > 0) {
    await client.query('UPDATE findings f SET misses = f.misses + m.added FROM unnest($1::bigint[], $2::int[]) AS m(id, added) WHERE f.id = m.id', [
      [...addedMisses.keys()],
      [...addedMisses.values()],
    ]);
  }
  await closeFindings(client, runId, closing, closedAt);
  await client.query(
    `INSERT INTO finding_events (finding_id, run_id, event, at)
      SELECT finding_id, $1, event, at FROM unnest($2::bigint[], $3::text[], $4::text[]) WITH ORDINALITY AS e(finding_id, event, at, position)
      ORDER BY position`,
    [
      runId,
      events.map((event) => (typeof event.finding === 'number' ? event.finding : insertedIds.get(event.finding))),
      events.map((event) => event.event),
      events.map((event) => event.at),
    ],
  );
  return counts;
}

/** Inserts the new findings in batch order (their ids follow it); their ids by key. */
async function insertFindings(client: pg.PoolClient, runId: number, findings: readonly Finding[]): Promise<Map<string, number>> {
  if (findings.length === 0) return new Map();
  const result = await client.query<{ id: number } & FindingKey>(
    `INSERT INTO findings (kind, ip, port, protocol, dictionary_entry_id, evidence, status, first_seen, last_seen, first_run_id, last_run_id)
      SELECT kind, ip, port, protocol, entry, evidence, 'open', seen, seen, $1, $1
      FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[])
        WITH ORDINALITY AS f(kind, ip, port, protocol, entry, evidence, seen, position)
      ORDER BY position
      RETURNING id, kind, ip, port, protocol`,
    [
      runId,
      ...keyArrays(findings),
      findings.map((finding) => finding.dictionaryEntryId ?? null),
      findings.map((finding) => JSON.stringify(finding.evidence ?? {})),
      findings.map((finding) => finding.observedAt),
    ],
  );
  return new Map(result.rows.map((row) => [keyText(row), row.id]));
}

/** Findings seen again: refreshed, open, their miss streak reset. */
async function updateFindings(client: pg.PoolClient, runId: number, updates: ReadonlyArray<{ id: number; finding: Finding }>): Promise<void> {
  if (updates.length === 0) return;
  await client.query(
    `UPDATE findings f SET dictionary_entry_id = u.entry, evidence = u.evidence, last_seen = u.seen, last_run_id = $1,
        status = 'open', closed_at = NULL, closed_run_id = NULL, misses = 0
      FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[]) AS u(id, entry, evidence, seen) WHERE f.id = u.id`,
    [
      runId,
      updates.map((update) => update.id),
      updates.map((update) => update.finding.dictionaryEntryId ?? null),
      updates.map((update) => JSON.stringify(update.finding.evidence ?? {})),
      updates.map((update) => update.finding.observedAt),
    ],
  );
}

/**
 * Closes findings whose miss streak reached the limit. Their closed_at is when the streak
 * began: the oldest of the streak's earlier `missed` events (the misses counter resets whenever
 * a finding is seen again, so the newest misses-1 'missed' events are this streak), or
 * `closedAt` when this check is the whole streak. Misses logged earlier in this same batch are
 * the newest of them and dated `closedAt`; only the rest are looked up.
 */
async function closeFindings(
  client: pg.PoolClient,
  runId: number,
  closing: ReadonlyArray<{ id: number; misses: number; missedThisRun: number }>,
  closedAt: string,
): Promise<void> {
  if (closing.length === 0) return;
  const lookUp = closing.filter((entry) => entry.misses - 1 > entry.missedThisRun);
  const streakStarts = await client.query<{ id: number; at: string }>(
    `SELECT DISTINCT ON (e.finding_id) e.finding_id AS id, e.at
      FROM (SELECT finding_id, at, row_number() OVER (PARTITION BY finding_id ORDER BY id DESC) AS newest
            FROM finding_events WHERE event = 'missed' AND finding_id = ANY($1::bigint[])) AS e
      JOIN unnest($1::bigint[], $2::int[]) AS s(id, earlier) ON s.id = e.finding_id
      WHERE e.newest <= s.earlier
      ORDER BY e.finding_id, e.newest DESC`,
    [lookUp.map((entry) => entry.id), lookUp.map((entry) => entry.misses - 1 - entry.missedThisRun)],
  );
  const began = new Map(streakStarts.rows.map((row) => [row.id, row.at]));
  await client.query(
    `UPDATE findings f SET status = 'closed', closed_at = c.at, closed_run_id = $1
      FROM unnest($2::bigint[], $3::text[]) AS c(id, at) WHERE f.id = c.id`,
    [runId, closing.map((entry) => entry.id), closing.map((entry) => began.get(entry.id) ?? closedAt)],
  );
}
