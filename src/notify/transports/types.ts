/**
 * The contract between the outbox and the ways a report leaves the system (SMTP, webhook,
 * file drop). A transport makes one attempt and says how it went; retries, backoff and
 * exactly-once bookkeeping belong to the outbox, which is why `send` never throws for a
 * delivery problem: every such problem is an outcome the outbox can store and act on.
 */

export interface OutgoingAttachment {
  filename: string;
  /** A MIME type, optionally with parameters: `text/csv; charset=utf-8`. */
  contentType: string;
  /** Strings are sent as their UTF-8 bytes. */
  content: string | Uint8Array;
}

export interface OutgoingMessage {
  /** Stable per report delivery: becomes the Message-ID (SMTP, file) and the Idempotency-Key header (webhook). */
  idempotencyKey: string;
  /** Bare addresses (`abuse@isp.example`), no display names. */
  from: string;
  to: string[];
  subject: string;
  /** The plain-text body; may be Japanese (UTF-8). */
  text: string;
  attachments: OutgoingAttachment[];
  /** The webhook's JSON body; SMTP ignores it, the file drop writes it beside the .eml. */
  json?: unknown;
}

/** A recipient the SMTP server refused while others were accepted. */
export interface RejectedRecipient {
  address: string;
  code: number;
  reply: string;
}

export type DeliveryOutcome =
  | { status: 'delivered'; detail: string; rejectedRecipients?: RejectedRecipient[] }
  /** Worth retrying later: SMTP 4xx, network errors and timeouts, HTTP 5xx, 408 and 429. */
  | { status: 'temporary-failure'; detail: string; retryAfterSeconds?: number }
  /** Retrying the same message cannot help: SMTP 5xx, HTTP 4xx, a message that cannot be built. */
  | { status: 'permanent-failure'; detail: string };

export interface Transport {
  name: 'smtp' | 'webhook' | 'file';
  /** One delivery attempt. Resolves with an outcome for every delivery problem; never throws for one. */
  send(message: OutgoingMessage, signal?: AbortSignal): Promise<DeliveryOutcome>;
}
