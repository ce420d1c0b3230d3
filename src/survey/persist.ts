/**
 * The survey's saving stage: hosts' results go to the store in batches, each batch one set of
 * writes (services, devices, the credential audit, then the findings reconciled), so a crash or
 * an interrupt loses at most one batch of hosts, and a saved host is a done host on --resume.
 */
import type { CredentialAttempt, Finding } from '../core/records.ts';
import type { CredentialAuditStore } from '../store/roles/credential-audit.ts';
import type { CoveredCheck, FindingStore, ReconcileCounts } from '../store/roles/findings.ts';
import type { InventoryStore } from '../store/roles/inventory.ts';
import type { HostSurveyResult } from './host-survey.ts';

/** Hosts' results are written in batches of this many. */
export const saveBatchSize = 200;

export interface SurveyWriter {
  /** Queue one host's results; writes a batch when it is full. */
  add(host: HostSurveyResult): Promise<void>;
  /** Write what is queued. */
  flush(): Promise<void>;
  /** Reconcile findings outside a host batch (ports found closed, the firmware step). */
  reconcile(found: readonly Finding[], covered: readonly CoveredCheck[]): Promise<void>;
  /** What reconciling did so far: opened, updated, closed, reopened, missed. */
  readonly reconciliation: ReconcileCounts;
}

/**
 * @example const writer = createSurveyWriter(store, runId, { closeAfterMisses: 1 }); await writer.add(host); await writer.flush()
 */
export function createSurveyWriter(
  store: InventoryStore & CredentialAuditStore & FindingStore,
  runId: number,
  options: { closeAfterMisses: number; batchSize?: number },
): SurveyWriter {
  const reconciliation: ReconcileCounts = { opened: 0, updated: 0, closed: 0, reopened: 0, missed: 0 };
  let pending: HostSurveyResult[] = [];

  const reconcile = async (found: readonly Finding[], covered: readonly CoveredCheck[]) => {
    if (found.length === 0 && covered.length === 0) return;
    const counts = await store.reconcileFindings(runId, { found: [...found], covered: [...covered], closeAfterMisses: options.closeAfterMisses });
    for (const key of Object.keys(reconciliation) as Array<keyof ReconcileCounts>) reconciliation[key] += counts[key];
  };

  const flush = async () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    await store.recordServices(
      runId,
      batch.flatMap((host) => host.observations),
    );
    await store.recordDevices(
      runId,
      batch.flatMap((host) => (host.device ? [host.device] : [])),
    );
    const attempts: CredentialAttempt[] = batch.flatMap((host) => host.attempts);
    if (attempts.length > 0) await store.recordAttempts(runId, attempts);
    // Each covered entry is a check that really ran, so an interrupted run reconciles what it did.
    await reconcile(
      batch.flatMap((host) => host.findings),
      batch.flatMap((host) => host.covered),
    );
  };

  return {
    reconciliation,
    reconcile,
    flush,
    async add(host) {
      pending.push(host);
      if (pending.length >= (options.batchSize ?? saveBatchSize)) await flush();
    },
  };
}
