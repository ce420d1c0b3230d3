/**
 * The audit trail as its writers use it: append events (chained under the store's write lock)
 * and write checkpoints — every `checkpointEvery` records, and when the command that wrote
 * records ends (`finish`). Checkpoints are signed when a private key is given, unsigned otherwise.
 */
import type { KeyObject } from 'node:crypto';
import type { AuditCheckpointRow, AuditTrailStore } from '../store/roles/audit-trail.ts';
import { linkRecords } from './chain.ts';
import { makeCheckpoint } from './checkpoint.ts';
import type { AuditEvent } from './events.ts';

export interface AuditTrailOptions {
  store: AuditTrailStore;
  /** Signs the checkpoints; without it they are written unsigned (and say so). */
  privateKey?: KeyObject;
  /** A checkpoint whenever the chain passes a multiple of this. Default 1000. */
  checkpointEvery?: number;
  now?: () => Date;
}

export interface AuditTrail {
  /** Append the events, in order, as one batch (one transaction). */
  record(events: readonly AuditEvent[]): Promise<void>;
  /** A checkpoint for the chain as it ends now; nothing for an empty chain. */
  checkpoint(): Promise<AuditCheckpointRow | undefined>;
  /** The end of a command: a checkpoint if this trail appended anything since its last one. */
  finish(): Promise<void>;
}

/**
 * @example
 * const trail = createAuditTrail({ store, privateKey: readSigningKey('audit.key', 'private') })
 * await trail.record([{ kind: 'opt-out-decided', … }]); await trail.finish()
 */
export function createAuditTrail(options: AuditTrailOptions): AuditTrail {
  const every = options.checkpointEvery ?? 1000;
  const now = options.now ?? (() => new Date());
  let appendedSinceCheckpoint = false;

  const checkpoint = async () => {
    const last = await options.store.lastAuditRecord();
    if (!last) return undefined;
    const written = makeCheckpoint(last, now().toISOString(), options.privateKey);
    await options.store.recordAuditCheckpoint(written);
    appendedSinceCheckpoint = false;
    return written;
  };

  return {
    async record(events) {
      if (events.length === 0) return;
      const rows = await options.store.appendAuditRecords((last) => linkRecords(last, events, now().toISOString()));
      appendedSinceCheckpoint = true;
      const first = rows[0]!.sequence;
      const last = rows.at(-1)!.sequence;
      // Passing a multiple of `every` (another process's appends may have moved the chain on
      // meanwhile; checkpoint() covers wherever it ends, which is at least as far).
      if (Math.floor((first - 1) / every) !== Math.floor(last / every)) await checkpoint();
    },
    checkpoint,
    async finish() {
      if (appendedSinceCheckpoint) await checkpoint();
    },
  };
}
