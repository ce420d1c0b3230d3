/**
 * An HTTP receiver on loopback for the webhook transport: the lab's stand-in for an ISP's
 * ticketing endpoint. It checks every request's HMAC signature and freshness, records the
 * Idempotency-Key and marks repeats, and can fail every Nth request with a chosen status
 * (500, 429 with Retry-After, 400, a 302 redirect …) so retry behaviour can be tested.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIPv4, type Socket } from 'node:net';
import { OpenNoticeError } from '../core/errors.ts';
import { createRandom } from '../core/random.ts';
import { signatureHeader, timestampHeader, verifyWebhookSignature } from '../notify/transports/webhook-signature.ts';

export interface WebhookReceiverFaults {
  /** Answer `failStatus` to every Nth signed request (with `seed`: each with probability 1/N); it is not accepted. */
  failEvery?: number;
  /** Default 500. A 3xx answer carries a Location on this server, so a client that follows it would show up twice. */
  failStatus?: number;
  /** Sent as Retry-After with failures. */
  retryAfterSeconds?: number;
  /**
   * Accept every Nth signed request (seeded: probability 1/N) and never answer it: the sender
   * times out without knowing it arrived, and sends again with the same Idempotency-Key.
   */
  stallEvery?: number;
  /** Accept every Nth signed request (seeded: probability 1/N) and close the connection without an answer. */
  dropEvery?: number;
  seed?: number;
}

export interface WebhookReceiverOptions {
  /** Loopback address (default 127.0.0.1); anything else is refused. */
  host?: string;
  port?: number;
  secret: string;
  faults?: WebhookReceiverFaults;
  /** Bodies larger than this get 413 (default 1 MiB). */
  maxBodyBytes?: number;
  /** The receiver's clock in Unix seconds, for the freshness check (default: now). */
  nowSeconds?: () => number;
}

export interface WebhookDelivery {
  /** 1-based order of arrival. */
  sequence: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  idempotencyKey?: string;
  body: string;
  /** The parsed body when it was JSON. */
  json?: unknown;
  signatureValid: boolean;
  signatureProblem?: string;
  /** What the receiver answered. */
  status: number;
  /** True when this request was answered with success (2xx). */
  accepted: boolean;
  /** True when an earlier request with the same Idempotency-Key was already accepted. */
  duplicate: boolean;
}

export interface WebhookReceiver {
  url: string;
  deliveries(): WebhookDelivery[];
  close(): Promise<void>;
}

/**
 * @example
 * const receiver = await startWebhookReceiver({ port: 0, secret: 'lab-secret-0123456789', faults: { failEvery: 3 } });
 * await createWebhookTransport({ url: receiver.url, secret: 'lab-secret-0123456789' }).send(message);
 * receiver.deliveries()[0].signatureValid // true
 */
export async function startWebhookReceiver(options: WebhookReceiverOptions): Promise<WebhookReceiver> {
  const host = options.host ?? '127.0.0.1';
  if (!(host === '::1' || (isIPv4(host) && host.startsWith('127.')))) {
    throw new OpenNoticeError('CONFIG_INVALID', `the webhook receiver listens on loopback only (127.0.0.0/8 or ::1), not ${JSON.stringify(host)}`);
  }
  const faults = options.faults ?? {};
  if (faults.failEvery !== undefined && !(Number.isInteger(faults.failEvery) && faults.failEvery >= 1)) {
    throw new OpenNoticeError('CONFIG_INVALID', `failEvery must be a positive integer, not ${faults.failEvery}`);
  }
  const random = faults.seed === undefined ? undefined : createRandom(faults.seed);
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const nowSeconds = options.nowSeconds ?? (() => Date.now() / 1000);
  const recorded: WebhookDelivery[] = [];
  const acceptedKeys = new Set<string>();
  const sockets = new Set<Socket>();
  let signedRequests = 0;
  let baseUrl = '';

  const picker = (every: number | undefined, stream: ReturnType<typeof createRandom> | undefined) => (count: number) => {
    if (every === undefined) return false;
    return stream ? stream.chance(1 / every) : count % every === 0;
  };
  const fails = picker(faults.failEvery, random);
  const stalls = picker(faults.stallEvery, random?.fork('stall'));
  const drops = picker(faults.dropEvery, random?.fork('drop'));

  const answer = (response: ServerResponse, status: number, text: string, extra: Record<string, string> = {}) => {
    response.writeHead(status, { 'content-type': 'application/json', connection: 'close', ...extra });
    response.end(JSON.stringify({ status, message: text }));
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBodyBytes) return answer(response, 413, 'body too large');
      chunks.push(chunk);
    }
    const body = Buffer.concat(chunks).toString('utf8');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    const check = verifyWebhookSignature({
      secret: options.secret,
      body,
      timestamp: headers[timestampHeader],
      signature: headers[signatureHeader],
      nowSeconds: nowSeconds(),
    });
    const idempotencyKey = headers['idempotency-key'];
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    const record = (status: number): WebhookDelivery => {
      const accepted = status >= 200 && status < 300;
      const delivery: WebhookDelivery = {
        sequence: recorded.length + 1,
        method: request.method ?? '',
        path: request.url ?? '',
        headers,
        idempotencyKey,
        body,
        json,
        signatureValid: check.valid,
        signatureProblem: check.valid ? undefined : check.reason,
        status,
        accepted,
        duplicate: accepted && idempotencyKey !== undefined && acceptedKeys.has(idempotencyKey),
      };
      if (accepted && idempotencyKey !== undefined) acceptedKeys.add(idempotencyKey);
      recorded.push(delivery);
      return delivery;
    };

    if (request.method !== 'POST') {
      record(405);
      answer(response, 405, 'POST only');
      return;
    }
    if (!check.valid) {
      record(401);
      answer(response, 401, check.reason);
      return;
    }
    signedRequests++;
    if (fails(signedRequests)) {
      const status = faults.failStatus ?? 500;
      const extra: Record<string, string> = {};
      if (faults.retryAfterSeconds !== undefined) extra['retry-after'] = String(faults.retryAfterSeconds);
      if (status >= 300 && status < 400) extra.location = `${baseUrl}/redirected`;
      record(status);
      return answer(response, status, 'failure injected by the lab', extra);
    }
    const delivery = record(200);
    // The request was taken (and counted as accepted); only the answer is lost.
    if (stalls(signedRequests)) return;
    if (drops(signedRequests)) return void request.socket.destroy();
    answer(response, 200, delivery.duplicate ? 'duplicate ignored' : 'accepted');
  };

  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, (request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new OpenNoticeError(
          'LAB_FAILED',
          `webhook receiver cannot listen on ${host}:${options.port ?? 0}: ${error.message}`,
          { ip: host, port: options.port ?? 0 },
          { cause: error },
        ),
      ),
    );
    server.listen({ host, port: options.port ?? 0 }, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: `${baseUrl}/webhook`,
    deliveries: () => recorded.map((delivery) => ({ ...delivery, headers: { ...delivery.headers } })),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
