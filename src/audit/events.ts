/**
 * What the audit trail records (docs/audit.md, "What is logged"): each kind of event with
 * the fields that identify it — never a password, a message body or a subscriber's contact
 * details beyond the recipient a notice went to.
 */
import type { PlanReference, RunStatus } from '../store/roles/runs.ts';

/** A survey (or other) run started: its scope and the plan it acts under. */
export interface RunStartedEvent {
  kind: 'run-started';
  runId: number;
  startedAt: string;
  scope: string[];
  exclude: string[];
  ports: number[];
  checks: string[];
  seed?: number | string;
  /** The plan file, its SHA-256 and the accountable operator; absent for a loopback run. */
  plan?: PlanReference;
}

/**
 * A stopped run continued (`survey --resume`): every start of work is in the trail. The run
 * keeps its scope, ports, checks and plan (a run made under a plan is resumed only under the
 * same plan, by SHA-256), so the plan repeated here names the accountable operator again.
 */
export interface RunResumedEvent {
  kind: 'run-resumed';
  runId: number;
  resumedAt: string;
  /** What the work continues from: the run's status and totals when it stopped. */
  previousStatus: RunStatus;
  /** When it stopped; absent when it never finished (a killed process leaves it 'running'). */
  stoppedAt?: string;
  previousCounts: Record<string, number>;
  plan?: PlanReference;
}

export interface RunFinishedEvent {
  kind: 'run-finished';
  runId: number;
  finishedAt: string;
  status: Exclude<RunStatus, 'running'>;
  counts: Record<string, number>;
}

/** One login attempt: which dictionary entry (by id and user name, never the password) against which service. */
export interface CredentialAttemptEvent {
  kind: 'credential-attempt';
  runId: number;
  /** SHA-256 of the plan the run acted under; absent for a run without a plan. */
  planSha256?: string;
  ip: string;
  port: number;
  protocol: string;
  dictionaryEntryId: string;
  username: string;
  outcome: string;
  attemptedAt: string;
}

/** A notice delivered: to whom, on which channel, under which idempotency key (the Message-ID). */
export interface NotificationSentEvent {
  kind: 'notification-sent';
  outboxId: number;
  reportId: number;
  channel: string;
  recipient: string;
  idempotencyKey: string;
  deliveredAt: string;
}

/** An operator's decision on an opt-out request. */
export interface OptOutDecidedEvent {
  kind: 'opt-out-decided';
  requestId: number;
  decision: 'approved' | 'rejected';
  decidedBy: string;
  decidedAt: string;
  cidrs: string[];
}

/** An operator's decision on a C&C candidate (approved ones are exported for blocking). */
export interface CncCandidateDecidedEvent {
  kind: 'cnc-candidate-decided';
  candidateId: number;
  decision: 'approved' | 'rejected';
  decidedBy: string;
  decidedAt: string;
  endpoint: string;
  port: number;
}

/**
 * A blocklist version published from the C&C endpoints operators approved (`blocklist export
 * --from-store`): what went out, to where, signed by which key. Gateways receive the same
 * approved indicators live; their policy changes only through the approvals recorded above.
 */
export interface BlocklistPublishedEvent {
  kind: 'blocklist-published';
  version: number;
  /** The version's directory as the command wrote it. */
  directory: string;
  publishedAt: string;
  indicatorCount: number;
  /** SHA-256 of the version's canonical indicators.json (equal hashes, equal blocklists). */
  indicatorsSha256: string;
  /** File name → SHA-256 of its bytes, as in the directory's versions.json. */
  files: Record<string, string>;
  /** Fingerprint of the key that signed the files; absent when they were not signed. */
  signingKeyId?: string;
  /** The login name of who ran the command. */
  by: string;
}

/**
 * Findings exported for a sharing recipient (`opennotice share export`): to whom, under which
 * policy, which files (by hash) and what was held back. The findings themselves are in the files.
 */
export interface DataSharedEvent {
  kind: 'data-shared';
  recipient: string;
  policy: string;
  directory: string;
  sharedAt: string;
  findingsConsidered: number;
  /** File name → SHA-256 of its bytes (the manifest aside). */
  files: Record<string, string>;
  withheld: { tlpRed: number; belowK: number; cellsBelowK: number };
  /** The login name of who ran the command. */
  by: string;
}

/** A web account created (`opennotice users add`): who gets access, with which role and ISP. */
export interface WebUserCreatedEvent {
  kind: 'web-user-created';
  userId: number;
  name: string;
  role: 'operator' | 'isp';
  ispId?: string;
  createdAt: string;
  /** Who created it (the command's login name); absent when no command named one. */
  by?: string;
}

/**
 * An API token issued or revoked — never the token, only its id. `by` is the command's login
 * name, or on the server the token's holder (the ISP portal, where users manage their own).
 */
export interface ApiTokenChangedEvent {
  kind: 'api-token-issued' | 'api-token-revoked';
  tokenId: number;
  userId: number;
  userName: string;
  label: string;
  at: string;
  by: string;
}

export type AuditEvent =
  | RunStartedEvent
  | RunResumedEvent
  | RunFinishedEvent
  | CredentialAttemptEvent
  | NotificationSentEvent
  | OptOutDecidedEvent
  | CncCandidateDecidedEvent
  | BlocklistPublishedEvent
  | DataSharedEvent
  | WebUserCreatedEvent
  | ApiTokenChangedEvent;

/** A record as hashed: the event with its place in the chain and when it was appended. */
export type AuditRecord = AuditEvent & { sequence: number; recordedAt: string };
