/**
 * What the audit trail says about the tables it mirrors, gathered in one pass over its records
 * (the same pass that verifies the chain): for each run, its start, its latest end and its
 * credential attempts; for each delivered notice, opt-out decision, C&C decision, web account,
 * API token issued and revoked, the record of it. `mirror-check.ts` compares these with the tables. Records that do not parse are left
 * to the chain's verification, which reports them.
 */
import type { AuditRecordRow } from '../store/roles/audit-trail.ts';
import type {
  ApiTokenChangedEvent,
  AuditRecord,
  CncCandidateDecidedEvent,
  CredentialAttemptEvent,
  NotificationSentEvent,
  OptOutDecidedEvent,
  RunFinishedEvent,
  RunResumedEvent,
  RunStartedEvent,
  WebUserCreatedEvent,
} from './events.ts';

/** An event with the sequence of the record that holds it. */
export type Placed<T> = T & { sequence: number };

/** The fields of a login attempt that both the trail and `credential_attempts` keep. */
export type AttemptFields = Pick<CredentialAttemptEvent, 'ip' | 'port' | 'protocol' | 'dictionaryEntryId' | 'username' | 'outcome' | 'attemptedAt'>;

/**
 * The attempt's fields as one comparable text.
 * @example attemptKey({ ip: '192.0.2.7', port: 23, protocol: 'telnet', dictionaryEntryId: 'd1', username: 'admin', outcome: 'accepted', attemptedAt: '…' })
 */
export function attemptKey(attempt: AttemptFields): string {
  const { ip, port, protocol, dictionaryEntryId, username, outcome, attemptedAt } = attempt;
  return JSON.stringify([ip, port, protocol, dictionaryEntryId, username, outcome, attemptedAt]);
}

/**
 * The sequences of a run's records of one attempt, in chain order.
 * @example attemptSequences(run.attempts.get(attemptKey(row))) // [17]
 */
export function attemptSequences(seen: number | readonly number[] | undefined): readonly number[] {
  if (seen === undefined) return [];
  return typeof seen === 'number' ? [seen] : seen;
}

/** One run as the trail tells it. */
export interface MirroredRun {
  started?: Placed<RunStartedEvent>;
  /** The last end recorded (a resumed run ends more than once). */
  finished?: Placed<RunFinishedEvent>;
  /** The last resumption recorded. */
  resumed?: Placed<RunResumedEvent>;
  /**
   * Sequences of the attempt records by attempt key, in chain order: one number for a key seen
   * once (nearly all of them — a map of a million arrays costs far more than of a million
   * numbers); read through `attemptSequences`.
   */
  attempts: Map<string, number | number[]>;
  attemptCount: number;
}

/** Everything the trail says about the mirrored tables. */
export interface MirroredFacts {
  /** When the trail began (the first record's recordedAt): rows decided or delivered before it predate the trail. */
  firstRecordedAt?: string;
  /**
   * When the trail began to record accounts and tokens (the first such record): trails begun
   * by an older opennotice hold accounts and tokens made since without a record.
   */
  firstAccessRecordedAt?: string;
  runs: Map<number, MirroredRun>;
  deliveries: Map<number, Placed<NotificationSentEvent>>;
  optOutDecisions: Map<number, Placed<OptOutDecidedEvent>>;
  cncDecisions: Map<number, Placed<CncCandidateDecidedEvent>>;
  webUsers: Map<number, Placed<WebUserCreatedEvent>>;
  tokensIssued: Map<number, Placed<ApiTokenChangedEvent>>;
  tokensRevoked: Map<number, Placed<ApiTokenChangedEvent>>;
}

export interface MirrorCollector {
  /** Take in one record of the chain (in sequence order). */
  observe(row: AuditRecordRow): void;
  readonly facts: MirroredFacts;
}

function parsed(row: AuditRecordRow): AuditRecord | undefined {
  try {
    const record = JSON.parse(row.record) as AuditRecord;
    return typeof record === 'object' && record !== null && typeof record.kind === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @example
 * const collector = collectMirroredFacts()
 * for await (const row of pagedRecords((page) => store.listAuditRecords(page))) collector.observe(row)
 * const disagreements = await compareWithTables(collector.facts, store)
 */
export function collectMirroredFacts(): MirrorCollector {
  const facts: MirroredFacts = {
    runs: new Map(),
    deliveries: new Map(),
    optOutDecisions: new Map(),
    cncDecisions: new Map(),
    webUsers: new Map(),
    tokensIssued: new Map(),
    tokensRevoked: new Map(),
  };
  const runOf = (runId: number) => {
    let run = facts.runs.get(runId);
    if (!run) {
      run = { attempts: new Map(), attemptCount: 0 };
      facts.runs.set(runId, run);
    }
    return run;
  };
  return {
    facts,
    observe(row) {
      const record = parsed(row);
      if (!record) return;
      facts.firstRecordedAt ??= record.recordedAt;
      const { sequence } = row;
      switch (record.kind) {
        case 'run-started':
          runOf(record.runId).started = { ...record, sequence };
          return;
        case 'run-resumed':
          runOf(record.runId).resumed = { ...record, sequence };
          return;
        case 'run-finished':
          runOf(record.runId).finished = { ...record, sequence };
          return;
        case 'credential-attempt': {
          const run = runOf(record.runId);
          const key = attemptKey(record);
          const seen = run.attempts.get(key);
          if (seen === undefined) run.attempts.set(key, sequence);
          else if (typeof seen === 'number') run.attempts.set(key, [seen, sequence]);
          else seen.push(sequence);
          run.attemptCount += 1;
          return;
        }
        case 'notification-sent':
          facts.deliveries.set(record.outboxId, { ...record, sequence });
          return;
        case 'opt-out-decided':
          facts.optOutDecisions.set(record.requestId, { ...record, sequence });
          return;
        case 'cnc-candidate-decided':
          facts.cncDecisions.set(record.candidateId, { ...record, sequence });
          return;
        case 'web-user-created':
          facts.firstAccessRecordedAt ??= record.recordedAt;
          facts.webUsers.set(record.userId, { ...record, sequence });
          return;
        case 'api-token-issued':
          facts.firstAccessRecordedAt ??= record.recordedAt;
          facts.tokensIssued.set(record.tokenId, { ...record, sequence });
          return;
        case 'api-token-revoked':
          facts.firstAccessRecordedAt ??= record.recordedAt;
          facts.tokensRevoked.set(record.tokenId, { ...record, sequence });
          return;
        default:
          // A published blocklist mirrors no table (its files carry their own hashes and signatures).
          return;
      }
    },
  };
}

/**
 * The records, passed on unchanged after the collector has seen each: one read of the chain
 * serves both its verification and the cross-check.
 * @example const result = await verifyChain(observing(pagedRecords(list), collector), checkpoints)
 */
export async function* observing(records: AsyncIterable<AuditRecordRow>, collector: MirrorCollector): AsyncGenerator<AuditRecordRow> {
  for await (const row of records) {
    collector.observe(row);
    yield row;
  }
}
