/**
 * A store whose audited writes also go into the audit trail: runs started, resumed and finished (with
 * scope and plan), credential attempts (with run and plan), notices delivered, operator
 * decisions on opt-out requests and C&C candidates, and who gets access (web accounts, API
 * tokens issued and revoked). Each event is appended right after the
 * write it records succeeded — not in the same transaction (docs/audit.md says what that
 * leaves open) — and closing the store writes the end-of-command checkpoint. Wrapping the
 * store where commands open it keeps the survey, the delivery loop and the server unaware
 * of the trail.
 */
import type { OutboxRow } from '../store/roles/outbox.ts';
import type { PlanReference } from '../store/roles/runs.ts';
import type { Store } from '../store/store.ts';
import type { AuditTrail } from './trail.ts';

export interface AuditedStoreOptions {
  /**
   * Who works the command (its login name), for events whose store call does not name who
   * acted: accounts created, tokens issued and revoked. Absent on the server.
   */
  actor?: string;
}

/**
 * @example const store = auditedStore(await openStore(location), createAuditTrail({ store: raw }), { actor: userInfo().username })
 */
export function auditedStore(store: Store, trail: AuditTrail, options: AuditedStoreOptions = {}): Store {
  // Per store instance: each run's plan (read once), and the deliveries handed out, so a
  // settlement can name its recipient and idempotency key.
  const plans = new Map<number, PlanReference | undefined>();
  const claimed = new Map<number, OutboxRow>();

  const planOfRun = async (runId: number) => {
    if (!plans.has(runId)) plans.set(runId, (await store.getRun(runId))?.plan);
    return plans.get(runId);
  };

  return {
    ...store,

    async startRun(run) {
      const runId = await store.startRun(run);
      plans.set(runId, run.plan);
      const { startedAt, scope, exclude, ports, checks, seed, plan } = run;
      await trail.record([{ kind: 'run-started', runId, startedAt, scope, exclude, ports, checks, seed, plan }]);
      return runId;
    },

    async resumeRun(runId, resumption) {
      const before = await store.resumeRun(runId, resumption);
      plans.set(runId, before.plan);
      await trail.record([
        {
          kind: 'run-resumed',
          runId,
          resumedAt: resumption.resumedAt,
          previousStatus: before.status,
          stoppedAt: before.finishedAt,
          previousCounts: before.counts,
          plan: before.plan,
        },
      ]);
      return before;
    },

    async finishRun(runId, finish) {
      await store.finishRun(runId, finish);
      await trail.record([{ kind: 'run-finished', runId, ...finish }]);
    },

    async recordAttempts(runId, attempts) {
      await store.recordAttempts(runId, attempts);
      const planSha256 = (await planOfRun(runId))?.sha256;
      // Field by field, never the whole attempt: what is not named here (a device's free-text
      // detail) stays out of the trail.
      await trail.record(
        attempts.map(({ ip, port, protocol, dictionaryEntryId, username, outcome, attemptedAt }) => ({
          kind: 'credential-attempt',
          runId,
          planSha256,
          ip,
          port,
          protocol,
          dictionaryEntryId,
          username,
          outcome,
          attemptedAt,
        })),
      );
    },

    async dueOutbox(now, limit) {
      const due = await store.dueOutbox(now, limit);
      for (const entry of due) claimed.set(entry.id, entry);
      return due;
    },

    async settleOutbox(settlement) {
      await store.settleOutbox(settlement);
      const claimedEntry = claimed.get(settlement.id);
      // Settled entries are forgotten whatever the outcome: a retry is claimed again when due.
      claimed.delete(settlement.id);
      if (settlement.status !== 'delivered') return;
      // An entry settled without being claimed through this store (no caller does so today) is
      // looked up among the delivered ones rather than left out of the trail.
      const entry = claimedEntry ?? (await store.listOutbox({ status: 'delivered' })).find((row) => row.id === settlement.id);
      if (!entry) return;
      await trail.record([
        {
          kind: 'notification-sent',
          outboxId: entry.id,
          reportId: entry.reportId,
          channel: entry.channel,
          recipient: entry.destination,
          idempotencyKey: entry.idempotencyKey,
          deliveredAt: settlement.at,
        },
      ]);
    },

    async decideOptOutRequest(id, decision) {
      const before = await store.getOptOutRequest(id);
      const after = await store.decideOptOutRequest(id, decision);
      // Only a decision this call made: a request decided before is returned unchanged.
      if (before?.status === 'pending' && after && after.status !== 'pending') {
        await trail.record([
          {
            kind: 'opt-out-decided',
            requestId: id,
            decision: after.status,
            decidedBy: after.decidedBy ?? decision.by,
            decidedAt: after.decidedAt ?? decision.at,
            cidrs: after.cidrs,
          },
        ]);
      }
      return after;
    },

    async decideCncCandidate(id, decision) {
      const before = await store.getCncCandidate(id);
      const after = await store.decideCncCandidate(id, decision);
      if (before?.status === 'pending' && after && after.status !== 'pending') {
        await trail.record([
          {
            kind: 'cnc-candidate-decided',
            candidateId: id,
            decision: after.status,
            decidedBy: after.decidedBy ?? decision.by,
            decidedAt: after.decidedAt ?? decision.at,
            endpoint: after.endpoint,
            port: after.port,
          },
        ]);
      }
      return after;
    },

    async createWebUser(user) {
      const userId = await store.createWebUser(user);
      const { name, role, ispId, createdAt } = user;
      await trail.record([{ kind: 'web-user-created', userId, name, role, ispId, createdAt, by: options.actor }]);
      return userId;
    },

    async createApiToken(token) {
      const tokenId = await store.createApiToken(token);
      const holder = (await store.listWebUsers()).find((user) => user.id === token.userId);
      const userName = holder?.name ?? `user ${token.userId}`;
      await trail.record([
        { kind: 'api-token-issued', tokenId, userId: token.userId, userName, label: token.label, at: token.createdAt, by: options.actor ?? userName },
      ]);
      return tokenId;
    },

    async revokeApiToken(id, at, filter) {
      const revoked = await store.revokeApiToken(id, at, filter);
      if (!revoked) return revoked;
      const token = (await store.listApiTokens(filter)).find((row) => row.id === id);
      if (token) {
        await trail.record([
          {
            kind: 'api-token-revoked',
            tokenId: id,
            userId: token.userId,
            userName: token.userName,
            label: token.label,
            at,
            by: options.actor ?? token.userName,
          },
        ]);
      }
      return revoked;
    },

    async close() {
      try {
        await trail.finish();
      } finally {
        await store.close();
      }
    },
  };
}
