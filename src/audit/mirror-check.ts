/**
 * Cross-checking the audit trail against the tables it mirrors (docs/audit.md, "Cross-checks"):
 * the chain proves its own records unchanged, but the plain tables beside it — runs,
 * credential_attempts, outbox, opt_out_requests, cnc_candidates, web_users, api_tokens — can
 * be edited without touching the chain. Each record is looked up in its table (a deleted or edited row shows as
 * a record without its row, or a row that says otherwise), and rows that came into being
 * while the trail was kept are looked up in the trail (an added row shows as a row without a
 * record). Each disagreement names the row and the record.
 */
import type { ApiTokenStore } from '../store/roles/api-tokens.ts';
import type { CncCandidateStore } from '../store/roles/cnc-candidates.ts';
import type { CredentialAuditStore } from '../store/roles/credential-audit.ts';
import type { OptOutStore } from '../store/roles/opt-outs.ts';
import type { OutboxStore } from '../store/roles/outbox.ts';
import type { RunRow, RunStore } from '../store/roles/runs.ts';
import type { WebUserStore } from '../store/roles/web-users.ts';
import { compareApiTokens, compareWebUsers } from './mirror-access.ts';
import { compareAttempts } from './mirror-attempts.ts';
import { differences, editedRow, type MirrorDisagreement } from './mirror-disagreement.ts';
import type { MirroredFacts, MirroredRun } from './mirror-records.ts';

export type { MirrorDisagreement, MirroredTable } from './mirror-disagreement.ts';

/** The roles whose tables the trail mirrors. */
export type MirroredStore = RunStore & CredentialAuditStore & OutboxStore & OptOutStore & CncCandidateStore & WebUserStore & ApiTokenStore;

/** Opt-out requests are listed up to this many per status (the role's limit). */
const optOutListLimit = 10_000;

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
    const edited = editedRow(
      'outbox',
      outboxId,
      `outbox entry ${outboxId}`,
      record.sequence,
      { ...row, recipient: row.destination },
      {
        status: 'delivered',
        reportId,
        channel,
        recipient,
        idempotencyKey,
        deliveredAt,
      },
    );
    if (edited) found.push(edited);
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
    const edited = editedRow(
      'opt_out_requests',
      requestId,
      `opt-out request ${requestId}`,
      record.sequence,
      { ...row, decision: row.status },
      {
        decision,
        decidedBy,
        decidedAt,
        cidrs,
      },
    );
    if (edited) found.push(edited);
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
    const edited = editedRow(
      'cnc_candidates',
      candidateId,
      `C&C candidate ${candidateId}`,
      record.sequence,
      { ...row, decision: row.status },
      {
        decision,
        decidedBy,
        decidedAt,
        endpoint,
        port,
      },
    );
    if (edited) found.push(edited);
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
