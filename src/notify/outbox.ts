/**
 * The outbox: every report delivery is a row written with the report itself, and this loop
 * works the due rows off. One attempt per due row per pass; a temporary failure backs off
 * exponentially (honouring Retry-After), a permanent failure or too many attempts marks the
 * row failed for a person to look at. A crash between a successful send and its settlement
 * re-sends with the same idempotency key (Message-ID, Idempotency-Key header, file name),
 * which receivers use to drop the duplicate: delivered exactly once in effect.
 */
import type { OutboxRow, OutboxStore } from '../store/roles/outbox.ts';
import type { DeliveryOutcome, OutgoingMessage, Transport } from './transports/types.ts';

export interface OutboxOptions {
  store: OutboxStore;
  /** The transport for an entry's channel and destination. */
  transportFor: (entry: OutboxRow) => Transport;
  /** Attempts before an entry is marked failed. Default 8 (about 4 hours of backoff). */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt, capped at 6 hours. Default 60 s. */
  baseDelaySeconds?: number;
  /** Send everything to this address instead (testing a set-up without bothering ISPs). */
  redirectTo?: string;
  now?: () => Date;
  signal?: AbortSignal;
  onAttempt?: (entry: OutboxRow, outcome: DeliveryOutcome) => void;
}

export interface OutboxPass {
  attempted: number;
  delivered: number;
  retrying: number;
  failed: number;
}

const maxDelaySeconds = 6 * 3600;

/** Wire form of an OutgoingMessage (attachments as base64 so binary survives JSON). */
export function encodeMessage(message: OutgoingMessage): string {
  return JSON.stringify({
    ...message,
    attachments: message.attachments.map((attachment) => ({
      ...attachment,
      content: (typeof attachment.content === 'string' ? Buffer.from(attachment.content, 'utf8') : Buffer.from(attachment.content)).toString('base64'),
    })),
  });
}

export function decodeMessage(payload: string): OutgoingMessage {
  const parsed = JSON.parse(payload) as Omit<OutgoingMessage, 'attachments'> & {
    attachments: Array<{ filename: string; contentType: string; content: string }>;
  };
  return {
    ...parsed,
    attachments: parsed.attachments.map((attachment) => ({ ...attachment, content: new Uint8Array(Buffer.from(attachment.content, 'base64')) })),
  };
}

/**
 * One pass over the due entries.
 * @example await deliverDue({ store, transportFor: (entry) => transports[entry.channel] })
 */
export async function deliverDue(options: OutboxOptions, limit = 1000): Promise<OutboxPass> {
  const now = options.now ?? (() => new Date());
  const maxAttempts = options.maxAttempts ?? 8;
  const baseDelay = options.baseDelaySeconds ?? 60;
  const pass: OutboxPass = { attempted: 0, delivered: 0, retrying: 0, failed: 0 };
  for (const entry of await options.store.dueOutbox(now().toISOString(), limit)) {
    if (options.signal?.aborted) break;
    const message = decodeMessage(entry.payload);
    const outgoing =
      options.redirectTo && entry.channel === 'smtp'
        ? { ...message, to: [options.redirectTo], subject: `[test: for ${message.to.join(', ')}] ${message.subject}` }
        : message;
    let outcome: DeliveryOutcome;
    try {
      outcome = await options.transportFor(entry).send(outgoing, options.signal);
    } catch (error) {
      // Transports promise not to throw; if one does, treat it as worth another try.
      outcome = { status: 'temporary-failure', detail: `transport error: ${(error as Error).message}` };
    }
    pass.attempted++;
    options.onAttempt?.(entry, outcome);
    const at = now().toISOString();
    if (outcome.status === 'delivered') {
      await options.store.settleOutbox({ id: entry.id, at, status: 'delivered', detail: outcome.detail });
      pass.delivered++;
    } else if (outcome.status === 'permanent-failure' || entry.attempts + 1 >= maxAttempts) {
      await options.store.settleOutbox({ id: entry.id, at, status: 'failed', error: outcome.detail });
      pass.failed++;
    } else {
      const backoff = Math.min(maxDelaySeconds, baseDelay * 2 ** entry.attempts);
      const delay = Math.max(backoff, outcome.retryAfterSeconds ?? 0);
      await options.store.settleOutbox({
        id: entry.id,
        at,
        status: 'pending',
        nextAttemptAt: new Date(now().getTime() + delay * 1000).toISOString(),
        error: outcome.detail,
      });
      pass.retrying++;
    }
  }
  return pass;
}
