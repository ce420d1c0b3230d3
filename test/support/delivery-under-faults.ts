/**
 * R3, delivery under faults, at any scale: N notices queued in a real SQLite outbox, half by
 * SMTP to the lab's mail sink and half by webhook to the lab's receiver, both failing about
 * 30 % of the time (temporary failures; connections dropped after the data or the body;
 * answers that never come), and a sender process killed with SIGKILL in the middle of its
 * batches, twice, before a last one finishes. The receivers keep everything that reached them,
 * so the figures say whether every notice arrived and how often the wire carried one twice —
 * which the Message-ID and the Idempotency-Key make harmless: exactly once in effect.
 * The test suite runs 1,000 notices (test/delivery-under-faults.test.ts); `npm run reliability
 * -- delivery` runs 10,000.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSmtpSink } from '../../src/lab/smtp-sink.ts';
import { startWebhookReceiver } from '../../src/lab/webhook-receiver.ts';
import { encodeMessage } from '../../src/notify/outbox.ts';
import { messageIdFor } from '../../src/notify/transports/mime-headers.ts';
import { openStore } from '../../src/store/open-store.ts';

const sender = fileURLToPath(new URL('../fixtures/deliver-outbox.ts', import.meta.url));
const secret = 'reliability-webhook-secret-0123';
/** Notices per report: the outbox holds many deliveries per report, as a busy day does. */
const perReport = 50;

export interface DeliveryFaultsOptions {
  notices: number;
  /** Attempts after which each of the first two senders is killed. */
  killAfter: readonly number[];
  /** The transports' bound on one attempt: how long a stalled answer is waited for. */
  timeoutMs: number;
  seed: number;
}

export interface DeliveryFaultsFigures {
  notices: number;
  byChannel: { smtp: number; webhook: number };
  outbox: { delivered: number; pending: number; failed: number; retried: number };
  attemptsBeforeKills: number[];
  smtp: {
    expected: number;
    distinctArrived: number;
    missing: number;
    unexpected: number;
    wireCopies: number;
    tempFailures: number;
    drops: number;
    stalls: number;
  };
  webhook: { expected: number; distinctAccepted: number; missing: number; unexpected: number; duplicatesIgnored: number; requests: number; failed: number };
  seconds: number;
}

function runSender(args: readonly string[], killAfter: number | undefined, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', sender, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let attempts = 0;
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      attempts += chunk.toString().split('\n').filter(Boolean).length;
      if (killAfter !== undefined && attempts >= killAfter && child.exitCode === null) child.kill('SIGKILL');
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (killAfter === undefined && code !== 0) reject(new Error(`the last sender failed (${code ?? signal}): ${stderr.slice(-2000)}`));
      else resolve(attempts);
    });
  });
}

/**
 * @example const figures = await deliverUnderFaults({ notices: 1000, killAfter: [150, 400], timeoutMs: 300, seed: 7 })
 */
export async function deliverUnderFaults(options: DeliveryFaultsOptions): Promise<DeliveryFaultsFigures> {
  const started = performance.now();
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-faults-'));
  // About 30 % of attempts fail: 25 % temporary failures, 4 % dropped after the data, 1 % stalled.
  const sink = await startSmtpSink({ host: '127.0.0.1', port: 0, faults: { tempFailEvery: 4, dropConnectionEvery: 25, stallEvery: 100, seed: options.seed } });
  const receiver = await startWebhookReceiver({
    port: 0,
    secret,
    faults: { failEvery: 4, failStatus: 503, retryAfterSeconds: 0, dropEvery: 25, stallEvery: 100, seed: options.seed + 1 },
  });
  try {
    const db = join(directory, 'outbox.sqlite');
    const store = await openStore(db);
    const expected = { smtp: new Set<string>(), webhook: new Set<string>() };
    for (let report = 0; report * perReport < options.notices; report++) {
      const outbox = [];
      for (let index = report * perReport; index < Math.min(options.notices, (report + 1) * perReport); index++) {
        const channel = index % 2 === 0 ? ('smtp' as const) : ('webhook' as const);
        const idempotencyKey = `notice-${index}`;
        expected[channel].add(idempotencyKey);
        const message = {
          idempotencyKey,
          from: 'notice@program.example',
          to: [`abuse@isp-${index % 97}.example`],
          subject: `Notice ${index}`,
          text: `Notice ${index}: a device in your network accepts a default password.`,
          attachments: [],
          json: { notice: index },
        };
        outbox.push({ channel, destination: channel === 'smtp' ? message.to[0]! : receiver.url, idempotencyKey, payload: encodeMessage(message) });
      }
      await store.createReport({
        audience: 'isp',
        createdAt: '2026-04-02T00:00:00.000Z',
        periodEnd: '2026-04-02T00:00:00.000Z',
        idempotencyKey: `faults-report-${report}`,
        findingIds: [],
        summary: {},
        outbox,
      });
    }
    await store.close();

    const args = [db, String(sink.port), receiver.url, secret, String(options.timeoutMs)];
    const attemptsBeforeKills: number[] = [];
    for (const killAfter of options.killAfter) attemptsBeforeKills.push(await runSender(args, killAfter, 600_000));
    await runSender(args, undefined, 1_200_000);

    const after = await openStore(db);
    const rows = await after.listOutbox();
    await after.close();
    const smtpIds = sink.messages().map((message) => message.messageId);
    const distinctSmtp = new Set(smtpIds);
    // The sender's HELO name is the Message-ID domain (test/fixtures/deliver-outbox.ts).
    const expectedSmtpIds = new Map([...expected.smtp].map((key) => [messageIdFor(key, 'notify.test'), key]));
    const accepted = receiver.deliveries().filter((delivery) => delivery.accepted && delivery.signatureValid);
    const acceptedKeys = new Set(accepted.map((delivery) => delivery.idempotencyKey ?? ''));
    const faults = sink.faultsInjected();
    return {
      notices: options.notices,
      byChannel: { smtp: expected.smtp.size, webhook: expected.webhook.size },
      outbox: {
        delivered: rows.filter((row) => row.status === 'delivered').length,
        pending: rows.filter((row) => row.status === 'pending').length,
        failed: rows.filter((row) => row.status === 'failed').length,
        retried: rows.filter((row) => row.attempts > 1).length,
      },
      attemptsBeforeKills,
      smtp: {
        expected: expected.smtp.size,
        distinctArrived: [...distinctSmtp].filter((id) => expectedSmtpIds.has(id)).length,
        missing: [...expectedSmtpIds.keys()].filter((id) => !distinctSmtp.has(id)).length,
        unexpected: [...distinctSmtp].filter((id) => !expectedSmtpIds.has(id)).length,
        wireCopies: smtpIds.length - distinctSmtp.size,
        ...faults,
      },
      webhook: {
        expected: expected.webhook.size,
        distinctAccepted: [...acceptedKeys].filter((key) => expected.webhook.has(key)).length,
        missing: [...expected.webhook].filter((key) => !acceptedKeys.has(key)).length,
        unexpected: [...acceptedKeys].filter((key) => !expected.webhook.has(key)).length,
        duplicatesIgnored: accepted.filter((delivery) => delivery.duplicate).length,
        requests: receiver.deliveries().length,
        failed: receiver.deliveries().filter((delivery) => !delivery.accepted).length,
      },
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    await sink.close();
    await receiver.close();
    rmSync(directory, { recursive: true, force: true });
  }
}
