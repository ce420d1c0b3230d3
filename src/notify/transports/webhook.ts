/**
 * The webhook transport: one HTTPS POST of the report as JSON, signed with the ISP's shared
 * secret (see webhook-signature.ts), with the idempotency key in an `Idempotency-Key` header
 * so the receiver can drop a repeat. Redirects are never followed (a redirect could send a
 * signed report somewhere the operator never configured); plain HTTP only to loopback.
 */
import { OpenNoticeError } from '../../core/errors.ts';
import type { DeliveryOutcome, OutgoingMessage, Transport } from './types.ts';
import { signWebhookBody } from './webhook-signature.ts';

export interface WebhookTransportOptions {
  /** https://… (http://… only for loopback, e.g. the lab's receiver). */
  url: string;
  /** Shared HMAC secret, at least 16 characters. */
  secret: string;
  /** Bound on the whole request, response included (default 30 s). */
  timeoutMs?: number;
  /** When given, the URL's host must be one of these (case-insensitive). */
  allowedHosts?: string[];
  /** The clock for the signed timestamp (tests pass a fixed one). */
  now?: () => Date;
}

const defaultTimeoutMs = 30_000;
/** Response text kept for the outcome's detail; the rest is not read. */
const maxResponseBytes = 2048;
/** A Retry-After beyond a day is treated as a day: the outbox keeps its own limits. */
const maxRetryAfterSeconds = 86_400;

function isLoopbackHostname(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function checkedUrl(options: WebhookTransportOptions): URL {
  const problem = (message: string) => new OpenNoticeError('CONFIG_INVALID', `webhook transport: ${message}`, { url: options.url });
  if (!URL.canParse(options.url)) throw problem(`${JSON.stringify(options.url)} is not a URL`);
  const url = new URL(options.url);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHostname(url.hostname)))
    throw problem('the URL must be https:// (http:// only to loopback)');
  if (url.username || url.password) throw problem('credentials in the URL are not allowed; the HMAC secret authenticates the sender');
  if (options.allowedHosts && !options.allowedHosts.some((host) => host.toLowerCase() === url.hostname.toLowerCase())) {
    throw problem(`host ${url.hostname} is not in allowedHosts`);
  }
  if (options.secret.length < 16) throw problem('the secret must have at least 16 characters');
  if (options.timeoutMs !== undefined && !(options.timeoutMs > 0)) throw problem('timeoutMs must be positive');
  return url;
}

/** The JSON sent when the message has no `json` of its own: the text and the attachments. */
function defaultBody(message: OutgoingMessage): unknown {
  return {
    idempotencyKey: message.idempotencyKey,
    subject: message.subject,
    text: message.text,
    attachments: message.attachments.map((attachment) => ({
      filename: attachment.filename,
      contentType: attachment.contentType,
      contentBase64: Buffer.from(typeof attachment.content === 'string' ? Buffer.from(attachment.content, 'utf8') : attachment.content).toString('base64'),
    })),
  };
}

/** Retry-After as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfterSeconds(value: string | null, now: Date): number | undefined {
  if (value === null) return undefined;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value.trim()) : (Date.parse(value) - now.getTime()) / 1000;
  return Number.isFinite(seconds) ? Math.min(maxRetryAfterSeconds, Math.max(0, Math.ceil(seconds))) : undefined;
}

/** At most maxResponseBytes of the response body, as text for the detail. */
async function responseExcerpt(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < maxResponseBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // The excerpt is only for the detail; a broken body does not change the outcome.
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, maxResponseBytes).toString('utf8').replace(/\s+/g, ' ').trim().slice(0, 300);
}

/**
 * Map an HTTP status to an outcome: 2xx delivered; 408, 429 and 5xx temporary; every other 4xx
 * and every redirect permanent (retrying the same request cannot help).
 * @example outcomeForStatus(503, '', undefined).status // 'temporary-failure'
 */
export function outcomeForStatus(status: number, excerpt: string, retryAfter: number | undefined, location?: string): DeliveryOutcome {
  const detail = `HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`;
  if (status >= 200 && status < 300) return { status: 'delivered', detail };
  if (status >= 300 && status < 400)
    return { status: 'permanent-failure', detail: `HTTP ${status}: redirect${location ? ` to ${location.slice(0, 200)}` : ''} not followed` };
  if (status === 408 || status === 429 || status >= 500) {
    return retryAfter === undefined ? { status: 'temporary-failure', detail } : { status: 'temporary-failure', detail, retryAfterSeconds: retryAfter };
  }
  return { status: 'permanent-failure', detail };
}

/**
 * @example
 * const webhook = createWebhookTransport({ url: 'https://soc.isp.example/opennotice', secret });
 * await webhook.send({ ...message, json: report }); // { status: 'delivered', detail: 'HTTP 202' }
 */
export function createWebhookTransport(options: WebhookTransportOptions): Transport {
  const url = checkedUrl(options);
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const now = options.now ?? (() => new Date());

  return {
    name: 'webhook',
    async send(message, signal) {
      if (!/^[\x21-\x7e]{1,200}$/.test(message.idempotencyKey)) {
        return { status: 'permanent-failure', detail: 'the idempotency key must be 1 to 200 printable ASCII characters without spaces' };
      }
      let body: string;
      try {
        body = JSON.stringify(message.json === undefined ? defaultBody(message) : message.json);
      } catch (error) {
        return { status: 'permanent-failure', detail: `the JSON body cannot be built: ${error instanceof Error ? error.message : String(error)}` };
      }
      if (body === undefined) return { status: 'permanent-failure', detail: 'the JSON body is not serialisable' };
      const sentAt = now();
      const timestamp = Math.floor(sentAt.getTime() / 1000);
      const timeout = AbortSignal.timeout(timeoutMs);
      try {
        const response = await fetch(url, {
          method: 'POST',
          redirect: 'manual',
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'user-agent': 'opennotice-webhook',
            'idempotency-key': message.idempotencyKey,
            'x-opennotice-timestamp': String(timestamp),
            'x-opennotice-signature': signWebhookBody(options.secret, timestamp, body),
          },
          body,
        });
        const excerpt = await responseExcerpt(response);
        return outcomeForStatus(
          response.status,
          excerpt,
          retryAfterSeconds(response.headers.get('retry-after'), sentAt),
          response.headers.get('location') ?? undefined,
        );
      } catch (error) {
        const reason = timeout.aborted
          ? `no complete response within ${timeoutMs} ms`
          : signal?.aborted
            ? 'the delivery was aborted'
            : error instanceof Error
              ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}`
              : String(error);
        return { status: 'temporary-failure', detail: `POST ${url.origin}${url.pathname}: ${reason}` };
      }
    },
  };
}
