/**
 * The cross-check of `credential_attempts` with the trail's credential-attempt records, one run
 * at a time: rows and records compared as multisets, an edited row paired with its record.
 */
import type { AttemptRow, CredentialAuditStore } from '../store/roles/credential-audit.ts';
import { differences, type MirrorDisagreement } from './mirror-disagreement.ts';
import { type AttemptFields, attemptKey, attemptSequences, type MirroredRun } from './mirror-records.ts';

/** Attempt rows read at once. */
const attemptPageSize = 5000;

const attemptFieldNames = ['ip', 'port', 'protocol', 'dictionaryEntryId', 'username', 'outcome', 'attemptedAt'] as const;

function fieldsOfKey(key: string): AttemptFields {
  const values = JSON.parse(key) as unknown[];
  return Object.fromEntries(attemptFieldNames.map((name, index) => [name, values[index]])) as unknown as AttemptFields;
}

/** A row and a record that differ in at most this many fields are taken for one edited attempt. */
const maxEditedFields = 2;
/** Rows × records beyond which edited attempts are not paired up (each is reported on its own). */
const maxPairingWork = 1_000_000;

const describeAttempt = (attempt: AttemptFields) =>
  `${attempt.username}@${attempt.ip}:${attempt.port}/${attempt.protocol} ${attempt.outcome} at ${attempt.attemptedAt}`;

/**
 * The run's attempt rows against its attempt records, as multisets (workers of a distributed
 * survey append their batches in any order). Rows without a record are reported only for a
 * run the trail saw start: a run older than the trail has rows from before it.
 * @example const disagreements = await compareAttempts(runId, facts.runs.get(runId)!, store)
 */
export async function compareAttempts(runId: number, run: MirroredRun, store: CredentialAuditStore): Promise<MirrorDisagreement[]> {
  const used = new Map<string, number>();
  const rowsWithoutRecord: AttemptRow[] = [];
  // A page at a time: only the trail's keys and the unmatched rows stay in memory.
  for (let afterId = 0; ; ) {
    const page = await store.listAttempts(runId, { afterId, limit: attemptPageSize });
    for (const row of page) {
      const key = attemptKey(row);
      const taken = used.get(key) ?? 0;
      if (taken < attemptSequences(run.attempts.get(key)).length) used.set(key, taken + 1);
      else rowsWithoutRecord.push(row);
    }
    if (page.length < attemptPageSize) break;
    afterId = page.at(-1)!.id;
  }
  const recordsWithoutRow: Array<{ sequence: number; key: string }> = [];
  for (const [key, seen] of run.attempts) {
    const sequences = attemptSequences(seen);
    for (const sequence of sequences.slice(used.get(key) ?? 0)) recordsWithoutRow.push({ sequence, key });
  }
  recordsWithoutRow.sort((a, b) => a.sequence - b.sequence);
  const unexplainedRows = run.started ? rowsWithoutRecord : [];

  const found: MirrorDisagreement[] = [];
  // An edited row is both a row without its record and a record without its row: a pair that
  // differs in a field or two is reported once, with what differs. Looked for only among a
  // few, since the search is quadratic.
  const pairedRecords = new Set<number>();
  const pairedRows = new Set<number>();
  if (unexplainedRows.length * recordsWithoutRow.length <= maxPairingWork) {
    for (const row of unexplainedRows) {
      for (const { sequence, key } of recordsWithoutRow) {
        if (pairedRecords.has(sequence)) continue;
        const changed = differences(row as unknown as Record<string, unknown>, fieldsOfKey(key) as unknown as Record<string, unknown>);
        if (changed.length > maxEditedFields) continue;
        pairedRecords.add(sequence);
        pairedRows.add(row.id);
        found.push({
          table: 'credential_attempts',
          rowId: row.id,
          sequence,
          explanation: `credential_attempts row ${row.id} (run ${runId}) differs from record ${sequence}: ${changed.join('; ')}`,
        });
        break;
      }
    }
  }
  for (const { sequence, key } of recordsWithoutRow) {
    if (pairedRecords.has(sequence)) continue;
    found.push({
      table: 'credential_attempts',
      sequence,
      explanation: `record ${sequence}: the attempt ${describeAttempt(fieldsOfKey(key))} of run ${runId} has no row in credential_attempts: it was deleted or edited`,
    });
  }
  for (const row of unexplainedRows) {
    if (pairedRows.has(row.id)) continue;
    found.push({
      table: 'credential_attempts',
      rowId: row.id,
      explanation: `credential_attempts row ${row.id} (run ${runId}, ${describeAttempt(row)}) is not in the trail: added or edited afterwards, or written just before a crash`,
    });
  }
  return found;
}
