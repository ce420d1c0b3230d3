// The MQTT checker against the lab's broker on 127.0.0.1: a broker open to anonymous clients is
// no-authentication without a single pair tried; a weak pair is found after wrong ones and then
// only DISCONNECT is sent; caps, backoff and hostile brokers end bounded.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DictionaryEntry } from '../../assess/credentials/dictionary.ts';
import type { CredentialAttempt } from '../../core/records.ts';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { type Certificate, makeCertificate, startLabBroker } from '../../../test/support/mqtt.ts';
import type { ObservedService } from '../credential-checker.ts';
import { startPeer } from '../fake-peer.test.ts';
import { contextFor } from '../grab.ts';
import { createMqttChecker } from './credentials.ts';
import type { MqttResult } from './grabber.ts';
import { mqtt, mqtts } from './index.ts';

const ctx = createLoopbackContext({ ioTimeoutMs: 500, deadlineMs: 3000, maxBytes: 64 * 1024 });
const checker = createMqttChecker({ backoffMs: [20, 40] });
const entry = (id: string, username: string, password: string): DictionaryEntry => ({
  id,
  username,
  password,
  reason: 'trivial',
  sources: ['pattern'],
  rank: 7,
  vendors: [],
  protocols: [],
});
const entries = [
  entry('m1', 'admin', 'admin'),
  entry('m2', 'root', 'root'),
  entry('m3', 'admin', '1234'),
  entry('m4', 'user', 'user'),
  entry('m5', 'guest', 'guest'),
];
const refused: Partial<MqttResult> = { protocolLevel: 4, returnCode: 5, returnMeaning: 'not-authorized', anonymousAccepted: false, sessionPresent: false };

const service = (port: number, result: Partial<MqttResult> = refused, protocol = 'mqtt'): ObservedService<MqttResult> => ({
  ip: '127.0.0.1',
  port,
  protocol,
  status: 'success',
  result,
  durationMs: 1,
  observedAt: '',
});

async function check(port: number, list: readonly DictionaryEntry[], options: { maxAttempts?: number; result?: Partial<MqttResult> } = {}) {
  const audit: CredentialAttempt[] = [];
  const outcome = await checker.check(ctx, service(port, options.result), list, {
    maxAttempts: options.maxAttempts ?? 10,
    // A short answer wait keeps the silent brokers' tests quick; the logic is the survey's.
    timing: { answerWaitMs: 500, connectionDeadlineMs: 5000, backoffMs: 20, maxBackoffs: 2 },
    audit: (attempt) => audit.push(attempt),
  });
  return { outcome, audit };
}

let directory = '';
let certificate: Certificate;
before(() => {
  directory = mkdtempSync(join(tmpdir(), 'opennotice-mqtt-check-'));
  certificate = makeCertificate(directory, 'hub.lab.test');
});
after(() => rmSync(directory, { recursive: true, force: true }));

test('applies to a broker that let anyone in, or refused the anonymous CONNECT for its credentials; nothing else', () => {
  assert.ok(checker.appliesTo(service(1, { ...refused, returnCode: 0, returnMeaning: 'accepted', anonymousAccepted: true })));
  assert.ok(checker.appliesTo(service(1)));
  assert.ok(checker.appliesTo(service(1, { ...refused, protocolLevel: 5, returnCode: 0x86, returnMeaning: 'bad-credentials' })));
  for (const meaning of ['unacceptable-version', 'server-unavailable', 'identifier-rejected', 'banned'])
    assert.ok(!checker.appliesTo(service(1, { ...refused, returnMeaning: meaning })), meaning);
  assert.ok(!checker.appliesTo({ ...service(1), status: 'io-timeout' }));
});

test('anonymous accepted: no-authentication, and not one pair is tried', async () => {
  const lab = await startLabBroker({ settings: {} });
  try {
    const grabbed = await mqtt.grab(ctx, { ip: '127.0.0.1', port: lab.port });
    const { outcome, audit } = await check(lab.port, entries, { result: grabbed.result });
    assert.deepEqual(outcome, { status: 'success', noAuthentication: true, attempts: 0, evidence: { protocolLevel: 4, anonymousConnack: 0 } });
    assert.equal(audit.length, 0);
    assert.equal(lab.broker!.sessions().length, 1, 'only the grab connected');
  } finally {
    await lab.close();
  }
});

test('the weak pair is found after wrong ones, one CONNECT per connection, then only DISCONNECT', async () => {
  const lab = await startLabBroker({ settings: { credential: { username: 'admin', password: '1234' } } });
  try {
    const { outcome, audit } = await check(lab.port, entries);
    assert.equal(outcome.status, 'success');
    assert.equal(outcome.accepted?.id, 'm3');
    assert.equal(outcome.attempts, 3);
    assert.deepEqual(outcome.evidence, { connections: 3, protocolLevel: 4, returnCode: 0 });
    assert.deepEqual(
      audit.map((attempt) => [attempt.dictionaryEntryId, attempt.username, attempt.outcome, attempt.detail]),
      [
        ['m1', 'admin', 'rejected', 'CONNACK 5 (not-authorized)'],
        ['m2', 'root', 'rejected', 'CONNACK 5 (not-authorized)'],
        ['m3', 'admin', 'accepted', 'CONNACK 0 (accepted)'],
      ],
    );
    assert.ok(!JSON.stringify(audit).includes('1234'), 'no password in the audit');
    const sessions = lab.broker!.sessions();
    assert.deepEqual(
      sessions.map((session) => [session.username, session.returnCode]),
      [
        ['admin', 5],
        ['root', 5],
        ['admin', 0],
      ],
    );
    assert.deepEqual([...sessions[2].afterConnack], [0xe0, 0x00], 'DISCONNECT and nothing else');
    const stats = lab.stats.snapshot();
    assert.deepEqual([stats.loginAttempts, stats.failedLogins, stats.successfulLogins, stats.commandsAfterLogin, stats.bytesAfterLogin], [3, 2, 1, 0, 0]);
  } finally {
    await lab.close();
  }
});

test('a strong password is not found; the attempt cap holds', async () => {
  const lab = await startLabBroker({ settings: { credential: { username: 'admin', password: 'c0rrect-h0rse-battery' } } });
  try {
    const all = await check(lab.port, entries);
    assert.deepEqual([all.outcome.status, all.outcome.accepted, all.outcome.attempts], ['success', undefined, 5]);
    assert.ok(all.audit.every((attempt) => attempt.outcome === 'rejected'));
    const capped = await check(lab.port, entries, { maxAttempts: 2 });
    assert.deepEqual([capped.outcome.status, capped.outcome.attempts, capped.audit.length], ['success', 2, 2]);
    assert.equal(lab.broker!.sessions().length, 7);
  } finally {
    await lab.close();
  }
});

test('MQTT 5 brokers are tried in MQTT 5 (reason codes 0x87 and 0)', async () => {
  const lab = await startLabBroker({ settings: { levels: [5], credential: { username: 'root', password: 'root' } } });
  try {
    const v5refused: Partial<MqttResult> = { ...refused, protocolLevel: 5, returnCode: 0x87 };
    const { outcome, audit } = await check(lab.port, entries, { result: v5refused });
    assert.equal(outcome.accepted?.id, 'm2');
    assert.equal(audit[0].detail, 'CONNACK 135 (not-authorized)');
    assert.deepEqual(
      lab.broker!.sessions().map((session) => session.level),
      [5, 5],
    );
  } finally {
    await lab.close();
  }
});

test('"server unavailable": the same pair again after a pause, each try counted; a broker that stays unavailable ends the check', async () => {
  const recovering = await startLabBroker({ settings: { credential: { username: 'admin', password: 'admin' }, unavailableFirst: 2 } });
  const down = await startLabBroker({ settings: { credential: { username: 'admin', password: 'admin' }, unavailableFirst: 100 } });
  try {
    const found = await check(recovering.port, entries);
    assert.equal(found.outcome.accepted?.id, 'm1');
    assert.deepEqual(
      found.audit.map((attempt) => [attempt.dictionaryEntryId, attempt.outcome]),
      [
        ['m1', 'error'],
        ['m1', 'error'],
        ['m1', 'accepted'],
      ],
    );
    const gaveUp = await check(down.port, entries);
    assert.equal(gaveUp.outcome.status, 'protocol-error');
    assert.match(String(gaveUp.outcome.error), /kept answering server-unavailable/);
    assert.equal(gaveUp.outcome.attempts, 3, 'two pauses, then one more answer of the kind ends it');
    const capped = await check(down.port, entries, { maxAttempts: 1 });
    assert.equal(capped.outcome.attempts, 1);
  } finally {
    await Promise.all([recovering.close(), down.close()]);
  }
});

test('mqtts: the same checker over TLS', async () => {
  const lab = await startLabBroker({ settings: { credential: { username: 'user', password: 'user' } }, certificate });
  try {
    const audit: CredentialAttempt[] = [];
    const tlsCtx = contextFor(ctx, mqtts.transport);
    const outcome = await mqtts.credentials!.check(tlsCtx, service(lab.port, refused, 'mqtts'), entries, {
      maxAttempts: 10,
      audit: (attempt) => audit.push(attempt),
    });
    assert.equal(outcome.accepted?.id, 'm4');
    assert.ok(audit.every((attempt) => attempt.protocol === 'mqtts'));
    assert.deepEqual(lab.broker!.sessions().at(-1)?.packetsAfterConnack, ['DISCONNECT']);
  } finally {
    await lab.close();
  }
});

test('hostile and broken brokers end the check bounded, with their status', async () => {
  const silent = await startLabBroker({ hostile: 'no-connack' });
  const giant = await startLabBroker({ hostile: 'giant-flood' });
  const hangsUp = await startPeer((c) => void c.socket.end());
  const banned = await startPeer((c) => c.send(Buffer.from([0x20, 0x03, 0x00, 0x8a, 0x00])));
  try {
    // Silence is given one more chance on a new connection (a slow moment is no verdict), then left.
    const stalled = await check(silent.port, entries);
    assert.deepEqual([stalled.outcome.status, stalled.outcome.attempts], ['io-timeout', 2]);
    assert.deepEqual(
      stalled.audit.map((attempt) => attempt.username),
      [entries[0].username, entries[0].username],
    );
    const flooded = await check(giant.port, entries);
    assert.deepEqual([flooded.outcome.status, flooded.outcome.attempts], ['protocol-error', 3]);
    assert.match(flooded.audit[0].detail ?? '', /announces 268435455 bytes/);
    const closed = await check(hangsUp.port, entries);
    assert.deepEqual([closed.outcome.status, closed.outcome.attempts, hangsUp.connections.length], ['protocol-error', 3, 3]);
    const bannedOutcome = await check(banned.port, entries);
    assert.deepEqual([bannedOutcome.outcome.status, bannedOutcome.outcome.attempts], ['protocol-error', 1]);
    assert.match(String(bannedOutcome.outcome.error), /CONNACK 138 \(banned\)/);
    const refusedDial = await check(1, entries);
    assert.deepEqual([refusedDial.outcome.status, refusedDial.outcome.attempts], ['connection-refused', 0]);
  } finally {
    await Promise.all([silent.close(), giant.close(), hangsUp.close(), banned.close()]);
  }
});
