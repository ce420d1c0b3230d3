// R3: a thousand notices through a mail server and a webhook receiver that fail about 30 % of
// the time (temporary failures, connections dropped after the data, answers that never come)
// and a sender killed mid-batch twice: every notice arrives, none is lost, and every copy the
// wire carried twice is recognisable (Message-ID, Idempotency-Key). The same scenario with
// 10,000 notices: `npm run reliability -- delivery`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deliverUnderFaults } from './support/delivery-under-faults.ts';

test('1,000 notices under faults and two killed senders: every one delivered exactly once in effect', { timeout: 300_000 }, async () => {
  const figures = await deliverUnderFaults({ notices: 1000, killAfter: [120, 300], timeoutMs: 300, seed: 7 });
  console.log(`delivery under faults: ${JSON.stringify(figures)}`);
  assert.deepEqual(figures.outbox, { ...figures.outbox, delivered: 1000, pending: 0, failed: 0 });
  assert.ok(figures.outbox.retried > 100, 'the faults made the outbox retry');
  assert.ok(
    figures.attemptsBeforeKills.every((attempts, index) => attempts >= [120, 300][index]!),
    'each sender was killed mid-work',
  );
  assert.deepEqual(
    { missing: figures.smtp.missing, unexpected: figures.smtp.unexpected, distinct: figures.smtp.distinctArrived },
    { missing: 0, unexpected: 0, distinct: 500 },
  );
  assert.deepEqual(
    { missing: figures.webhook.missing, unexpected: figures.webhook.unexpected, distinct: figures.webhook.distinctAccepted },
    { missing: 0, unexpected: 0, distinct: 500 },
  );
  // The faults really happened, and the duplicates they cause are there to be recognised.
  assert.ok(figures.smtp.tempFailures > 50 && figures.smtp.drops > 5 && figures.smtp.stalls > 0, JSON.stringify(figures.smtp));
  assert.ok(figures.smtp.wireCopies > 0, 'some mail arrived twice on the wire, under one Message-ID');
  assert.ok(figures.webhook.failed > 50 && figures.webhook.duplicatesIgnored > 0, JSON.stringify(figures.webhook));
});
