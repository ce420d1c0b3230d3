// Exactly once in effect: a mail server failing a third of the time and dropping connections
// after the data, and the sender killed mid-batch — every report arrives, none twice (by Message-ID).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSmtpSink } from '../src/lab/smtp-sink.ts';
import { buildIspReports } from '../src/notify/build-reports.ts';
import { loadMessageTemplates } from '../src/notify/messages/templates.ts';
import { deliverDue } from '../src/notify/outbox.ts';
import { createSmtpTransport } from '../src/notify/transports/index.ts';
import { openStore } from '../src/store/open-store.ts';
import { prepareNotifyStore } from './support/notify-store.ts';

const child = fileURLToPath(new URL('./fixtures/deliver-outbox.ts', import.meta.url));
const ispCount = 24;

test('every report is delivered exactly once in effect despite a flaky mail server and a killed sender', { timeout: 120_000 }, async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-delivery-'));
  const sink = await startSmtpSink({ host: '127.0.0.1', port: 0, faults: { tempFailEvery: 3, dropConnectionEvery: 5, seed: 7 } });
  try {
    const db = join(directory, 'store.sqlite');
    // One attributed weak-credential finding for each ISP.
    const isps = await prepareNotifyStore(db, ispCount, 1);
    const store = await openStore(db);
    const built = await buildIspReports({ store, templates: loadMessageTemplates(), from: 'notice@program.example', now: '2026-04-02T00:00:00.000Z' });
    assert.equal(built.filter((result) => result.created).length, ispCount);
    await store.close();

    // The sender is killed after a handful of attempts, in the middle of its work.
    const sender = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', child, db, String(sink.port)]);
    let attempts = 0;
    await new Promise<void>((resolve) => {
      sender.stdout.on('data', (chunk: Buffer) => {
        attempts += chunk.toString().split('\n').filter(Boolean).length;
        if (attempts >= 9 && sender.exitCode === null) sender.kill('SIGKILL');
      });
      sender.once('exit', () => resolve());
    });
    assert.ok(attempts >= 9, `the sender made ${attempts} attempts before it was killed`);
    const afterKill = await openStore(db);
    try {
      assert.ok((await afterKill.listOutbox({ status: 'pending' })).length > 0, 'work was left when the sender died');
      // A new sender picks up what is left.
      const smtp = createSmtpTransport({ host: '127.0.0.1', port: sink.port, heloName: 'notify.test', startTls: 'never', timeoutMs: 5000 });
      for (let pass = 0; pass < 100 && (await afterKill.listOutbox({ status: 'pending' })).length > 0; pass++) {
        await deliverDue({ store: afterKill, transportFor: () => smtp, baseDelaySeconds: 0, maxAttempts: 50 });
      }
      const outbox = await afterKill.listOutbox();
      assert.deepEqual([...new Set(outbox.map((entry) => entry.status))], ['delivered'], 'every entry ends delivered');
      assert.ok(
        outbox.some((entry) => entry.attempts > 1),
        'some deliveries needed retries',
      );
    } finally {
      await afterKill.close();
    }
    const received = sink.messages();
    const distinct = new Map(received.map((message) => [message.messageId, message]));
    assert.equal(distinct.size, ispCount, 'one distinct message per report: nothing lost');
    assert.ok(received.length >= distinct.size);
    const faults = sink.faultsInjected();
    assert.ok(faults.tempFailures > 0 && faults.drops > 0, `the faults really happened: ${JSON.stringify(faults)}`);
    for (const message of distinct.values()) assert.equal(message.to.length, 1);
    assert.deepEqual([...distinct.values()].map((message) => message.to[0]).sort(), isps.map((isp) => isp.contacts.abuseEmail).sort());
  } finally {
    await sink.close();
    rmSync(directory, { recursive: true, force: true });
  }
});
