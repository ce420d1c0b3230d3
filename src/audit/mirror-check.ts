/**
 * Cross-checking the audit trail against the tables it mirrors (docs/audit.md, "Cross-checks"):
 * the chain proves its own records unchanged, but the plain tables beside it — runs,
 * credential_attempts, outbox, opt_out_requests, cnc_candidates, web_users, api_tokens — can be edited without
 * touching the chain. Each record is looked up in its table (a deleted or edited row shows as
 * a record without its row, or a row that says otherwise), and rows that came into being
 * while the trail was kept are looked up in the trail (an added row shows as a row without a
 * record). Each disagreement names the row and the record.
 */
import type { ApiTokenStore } from '../store/roles/api-tokens.ts';
import type { CncCandidateStore } from '../store/roles/cnc-candidates.ts';
import type { AttemptRow, CredentialAuditStore } from '../store/roles/credential-audit.ts';
import type { OptOutStore } from '../store/roles/opt-outs.ts';
import type { OutboxStore } from '../store/roles/outbox.ts';
import type { RunRow, RunStore } from '../store/roles/runs.ts';
import type { WebUserStore } from '../store/roles/web-users.ts';
import { canonicalJson, type JsonValue } from './canonical-json.ts';
import { type AttemptFields, attemptKey, attemptSequences, type MirroredFacts, type MirroredRun } from './mirror-records.ts';

/** The roles whose tables the trail mirrors. */
export type MirroredStore = RunStore & CredentialAuditStore & OutboxStore & OptOutStore & CncCandidateStore & WebUserStore & ApiTokenStore;

export type MirroredTable = 'runs' | 'credential_attempts' | 'outbox' | 'opt_out_requests' | 'cnc_candidates' | 'web_users' | 'api_tokens';

/** A table and the trail that say different things. */
export interface MirrorDisagreement {
  table: MirroredTable;
  /** The row concerned (its id; a run's id for `runs`), when there is one. */
  rowId?: number;
  /** The record concerned, when there is one. */
  sequence?: number;
  explanation: string;
}

/** Attempt rows read at once. */
const attemptPageSize = 5000;

/** Opt-out requests are listed up to this many per status (the role's limit). */
const optOutListLimit = 10_000;

/** "field: X in the table, Y in the trail" for each field that differs. */
function differences(table: Record<string, unknown>, trail: Record<string, unknown>): string[] {
  const text = (value: unknown) => (value === undefined ? 'nothing' : canonicalJson(value as JsonValue));
  return Object.keys(trail)
    .filter((field) => text(table[field]) !== text(trail[field]))
    .map((field) => `${field} ${text(table[field])} in the table, ${text(trail[field])} in the trail`);
}

function compareRun(runId: number, run: MirroredRun, row: RunRow | undefined): MirrorDisagreement[] {
  const firstRecord = run.started ?? run.resumed ?? run.finished;
  if (!row) {
    if (!firstRecord) return [];
    return [
      {
        table: 'runs',
        rowId: runId,
        sequence: firstRecord.sequence,
        explanation: `run ${runId} (record ${firstRecord.sequence}) is not in the runs table: it was deleted`,
      },
    ];
  }
  const found: MirrorDisagreement[] = [];
  if (run.started) {
    const { startedAt, scope, exclude, ports, checks, seed, plan } = run.started;
    const changed = differences(row as unknown as Record<string, unknown>, { startedAt, scope, exclude, ports, checks, seed, plan });
    if (changed.length > 0)
      found.push({
        table: 'runs',
        rowId: runId,
        sequence: run.started.sequence,
        explanation: `run ${runId} differs from its start (record ${run.started.sequence}): ${changed.join('; ')}`,
      });
  }
  const ended = run.finished && (!run.resumed || run.finished.sequence > run.resumed.sequence) ? run.finished : undefined;
  if (ended) {
    const { finishedAt, status, counts } = ended;
    const changed = differences(row as unknown as Record<string, unknown>, { finishedAt, status, counts });
    if (changed.length > 0)
      found.push({
        table: 'runs',
        rowId: runId,
        sequence: ended.sequence,
        explanation: `run ${runId} differs from its end (record ${ended.sequence}): ${changed.join('; ')}`,
      });
  } else if ((run.started || run.resumed) && row.status !== 'running') {
    const last = run.resumed ?? run.started!;
    found.push({
      table: 'runs',
      rowId: runId,
      sequence: last.sequence,
      explanation: `run ${runId} is ${row.status} in the table, but the trail's last word on it is its ${run.resumed ? 'resumption' : 'start'} (record ${last.sequence}): edited, or a crash between ending the run and recording it`,
    });
  }
  return found;
}

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
 */
async function compareAttempts(runId: number, run: MirroredRun, store: CredentialAuditStore): Promise<MirrorDisagreement[]> {
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

async function compareDeliveries(facts: MirroredFacts, store: OutboxStore): Promise<MirrorDisagreement[]> {
  const rows = new Map((await store.listOutbox()).map((row) => [row.id, row]));
  const found: MirrorDisagreement[] = [];
  for (const [outboxId, record] of facts.deliveries) {
    const row = rows.get(outboxId);
    if (!row) {
      found.push({
        table: 'outbox',
        rowId: outboxId,
        sequence: record.sequence,
        explanation: `outbox entry ${outboxId}, delivered to ${record.recipient} (record ${record.sequence}), is not in the outbox: it was deleted`,
      });
      continue;
    }
    const { reportId, channel, recipient, idempotencyKey, deliveredAt } = record;
    const changed = differences({ ...row, recipient: row.destination }, { status: 'delivered', reportId, channel, recipient, idempotencyKey, deliveredAt });
    if (changed.length > 0)
      found.push({
        table: 'outbox',
        rowId: outboxId,
        sequence: record.sequence,
        explanation: `outbox entry ${outboxId} differs from record ${record.sequence}: ${changed.join('; ')}`,
      });
  }
  const since = facts.firstRecordedAt;
  for (const row of rows.values()) {
    if (row.status !== 'delivered' || facts.deliveries.has(row.id) || since === undefined || (row.deliveredAt ?? '') < since) continue;
    found.push({
      table: 'outbox',
      rowId: row.id,
      explanation: `outbox entry ${row.id} is delivered (to ${row.destination} at ${row.deliveredAt}) but the trail has no record of it: edited or added afterwards, or delivered just before a crash`,
    });
  }
  return found;
}

async function compareOptOuts(facts: MirroredFacts, store: OptOutStore): Promise<MirrorDisagreement[]> {
  const found: MirrorDisagreement[] = [];
  for (const [requestId, record] of facts.optOutDecisions) {
    const row = await store.getOptOutRequest(requestId);
    if (!row) {
      found.push({
        table: 'opt_out_requests',
        rowId: requestId,
        sequence: record.sequence,
        explanation: `opt-out request ${requestId}, ${record.decision} (record ${record.sequence}), is not in opt_out_requests: it was deleted`,
      });
      continue;
    }
    const { decision, decidedBy, decidedAt, cidrs } = record;
    const changed = differences({ ...row, decision: row.status }, { decision, decidedBy, decidedAt, cidrs });
    if (changed.length > 0)
      found.push({
        table: 'opt_out_requests',
        rowId: requestId,
        sequence: record.sequence,
        explanation: `opt-out request ${requestId} differs from record ${record.sequence}: ${changed.join('; ')}`,
      });
  }
  const since = facts.firstRecordedAt;
  if (since === undefined) return found;
  for (const status of ['approved', 'rejected'] as const) {
    for (const row of await store.listOptOutRequests({ status, limit: optOutListLimit })) {
      if (facts.optOutDecisions.has(row.id) || (row.decidedAt ?? '') < since) continue;
      found.push({
        table: 'opt_out_requests',
        rowId: row.id,
        explanation: `opt-out request ${row.id} is ${status} (by ${row.decidedBy ?? '?'} at ${row.decidedAt}, ${row.cidrs.join(', ')}) but the trail has no record of the decision: edited or added afterwards, or decided just before a crash`,
      });
    }
  }
  return found;
}

async function compareCncDecisions(facts: MirroredFacts, store: CncCandidateStore): Promise<MirrorDisagreement[]> {
  const found: MirrorDisagreement[] = [];
  for (const [candidateId, record] of facts.cncDecisions) {
    const row = await store.getCncCandidate(candidateId);
    if (!row) {
      found.push({
        table: 'cnc_candidates',
        rowId: candidateId,
        sequence: record.sequence,
        explanation: `C&C candidate ${candidateId}, ${record.decision} (record ${record.sequence}), is not in cnc_candidates: it was deleted`,
      });
      continue;
    }
    const { decision, decidedBy, decidedAt, endpoint, port } = record;
    const changed = differences({ ...row, decision: row.status }, { decision, decidedBy, decidedAt, endpoint, port });
    if (changed.length > 0)
      found.push({
        table: 'cnc_candidates',
        rowId: candidateId,
        sequence: record.sequence,
        explanation: `C&C candidate ${candidateId} differs from record ${record.sequence}: ${changed.join('; ')}`,
      });
  }
  const since = facts.firstRecordedAt;
  if (since === undefined) return found;
  for (const row of await store.listCncCandidates()) {
    if (row.status === 'pending' || facts.cncDecisions.has(row.id) || (row.decidedAt ?? '') < since) continue;
    found.push({
      table: 'cnc_candidates',
      rowId: row.id,
      explanation: `C&C candidate ${row.id} (${row.endpoint}) is ${row.status} (by ${row.decidedBy ?? '?'} at ${row.decidedAt}) but the trail has no record of the decision: edited or added afterwards, or decided just before a crash`,
    });
  }
  return found;
}

/** Accounts: who was given access, with which role — a renamed, re-roled or unrecorded account shows. */
async function compareWebUsers(facts: MirroredFacts, store: WebUserStore): Promise<MirrorDisagreement[]> {
  const found: MirrorDisagreement[] = [];
  const rows = new Map((await store.listWebUsers()).map((row) => [row.id, row]));
  for (const [userId, record] of facts.webUsers) {
    const row = rows.get(userId);
    if (!row) {
      found.push({
        table: 'web_users',
        rowId: userId,
        sequence: record.sequence,
        explanation: `web user ${userId} "${record.name}" (record ${record.sequence}) is not in web_users: it was deleted`,
      });
      continue;
    }
    const { name, role, ispId, createdAt } = record;
    const changed = differences(row as unknown as Record<string, unknown>, { name, role, ispId, createdAt });
    if (changed.length > 0)
      found.push({
        table: 'web_users',
        rowId: userId,
        sequence: record.sequence,
        explanation: `web user ${userId} differs from record ${record.sequence}: ${changed.join('; ')}`,
      });
  }
  const since = facts.firstAccessRecordedAt;
  if (since === undefined) return found;
  for (const row of rows.values()) {
    if (facts.webUsers.has(row.id) || row.createdAt < since) continue;
    found.push({
      table: 'web_users',
      rowId: row.id,
      explanation: `web user ${row.id} "${row.name}" (${row.role}, created ${row.createdAt}) is not in the trail: added or edited afterwards, or created just before a crash`,
    });
  }
  return found;
}

/** Tokens: an unrecorded token (a way in nobody decided on) and a revoked one made live again both show. */
async function compareApiTokens(facts: MirroredFacts, store: ApiTokenStore): Promise<MirrorDisagreement[]> {
  const found: MirrorDisagreement[] = [];
  const rows = new Map((await store.listApiTokens()).map((row) => [row.id, row]));
  for (const [tokenId, record] of facts.tokensIssued) {
    const row = rows.get(tokenId);
    if (!row) {
      found.push({
        table: 'api_tokens',
        rowId: tokenId,
        sequence: record.sequence,
        explanation: `API token ${tokenId} of ${record.userName} (record ${record.sequence}) is not in api_tokens: it was deleted`,
      });
      continue;
    }
    const changed = differences({ ...row, at: row.createdAt }, { userId: record.userId, label: record.label, at: record.at });
    if (changed.length > 0)
      found.push({
        table: 'api_tokens',
        rowId: tokenId,
        sequence: record.sequence,
        explanation: `API token ${tokenId} differs from its issue (record ${record.sequence}): ${changed.join('; ')}`,
      });
  }
  for (const [tokenId, record] of facts.tokensRevoked) {
    const row = rows.get(tokenId);
    if (row && row.revokedAt !== record.at)
      found.push({
        table: 'api_tokens',
        rowId: tokenId,
        sequence: record.sequence,
        explanation: `API token ${tokenId} was revoked at ${record.at} (record ${record.sequence}), the table says ${row.revokedAt === undefined ? 'it is live' : `revoked at ${row.revokedAt}`}`,
      });
  }
  const since = facts.firstAccessRecordedAt;
  if (since === undefined) return found;
  for (const row of rows.values()) {
    if (!facts.tokensIssued.has(row.id) && row.createdAt >= since)
      found.push({
        table: 'api_tokens',
        rowId: row.id,
        explanation: `API token ${row.id} of ${row.userName} ("${row.label}", created ${row.createdAt}) is not in the trail: added or edited afterwards, or issued just before a crash`,
      });
    else if (row.revokedAt !== undefined && !facts.tokensRevoked.has(row.id) && row.revokedAt >= since)
      found.push({
        table: 'api_tokens',
        rowId: row.id,
        explanation: `API token ${row.id} of ${row.userName} is revoked (at ${row.revokedAt}) but the trail has no record of it: edited afterwards, or revoked just before a crash`,
      });
  }
  return found;
}

/**
 * Every disagreement between the trail's records and the tables, runs first, then attempts,
 * deliveries, opt-out and C&C decisions, accounts and tokens.
 * @example
 * const disagreements = await compareWithTables(collector.facts, store)
 * for (const { table, rowId, sequence, explanation } of disagreements) console.log(table, rowId, sequence, explanation)
 */
export async function compareWithTables(facts: MirroredFacts, store: MirroredStore): Promise<MirrorDisagreement[]> {
  const found: MirrorDisagreement[] = [];
  const runIds = [...facts.runs.keys()].sort((a, b) => a - b);
  for (const runId of runIds) found.push(...compareRun(runId, facts.runs.get(runId)!, await store.getRun(runId)));
  for (const runId of runIds) {
    const run = facts.runs.get(runId)!;
    if (run.attemptCount === 0 && !run.started) continue;
    found.push(...(await compareAttempts(runId, run, store)));
  }
  found.push(...(await compareDeliveries(facts, store)));
  found.push(...(await compareOptOuts(facts, store)));
  found.push(...(await compareCncDecisions(facts, store)));
  found.push(...(await compareWebUsers(facts, store)));
  found.push(...(await compareApiTokens(facts, store)));
  return found;
}
