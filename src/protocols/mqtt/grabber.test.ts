// The MQTT grabber against the lab's broker (polite, version-picky and hostile) and scripted
// peers on 127.0.0.1, plain and over TLS.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { type Certificate, makeCertificate, startLabBroker } from '../../../test/support/mqtt.ts';
import { contextFor } from '../grab.ts';
import { startPeer } from '../fake-peer.test.ts';
import type { MqttTlsSummary } from './grabber.ts';
import { mqtt, mqtts } from './index.ts';

const ctx = createLoopbackContext({ ioTimeoutMs: 500, deadlineMs: 3000, maxBytes: 64 * 1024 });
const target = (port: number) => ({ ip: '127.0.0.1', port });
let directory = '';
let certificate: Certificate;

before(() => {
  directory = mkdtempSync(join(tmpdir(), 'opennotice-mqtt-grab-'));
  certificate = makeCertificate(directory, 'hub.lab.test');
});
after(() => rmSync(directory, { recursive: true, force: true }));

test('an anonymous broker: accepted, and nothing but DISCONNECT follows the CONNACK', async () => {
  const lab = await startLabBroker({ settings: {} });
  try {
    const outcome = await mqtt.grab(ctx, target(lab.port));
    assert.equal(outcome.status, 'success', outcome.error);
    assert.deepEqual(outcome.result, { protocolLevel: 4, returnCode: 0, returnMeaning: 'accepted', anonymousAccepted: true, sessionPresent: false });
    const [session] = lab.broker!.sessions();
    assert.match(session.clientId ?? '', /^opennotice[0-9a-f]{12}$/);
    assert.equal(session.username, undefined);
    assert.deepEqual([...session.afterConnack], [0xe0, 0x00], 'exactly one DISCONNECT');
    assert.deepEqual(session.packetsAfterConnack, ['DISCONNECT']);
    assert.equal(lab.stats.snapshot().commandsAfterLogin, 0);
  } finally {
    await lab.close();
  }
});

test('a broker with a login: "not authorized" as mosquitto answers it, no DISCONNECT after a refusal', async () => {
  const lab = await startLabBroker({ settings: { credential: { username: 'admin', password: 'admin' } } });
  try {
    const outcome = await mqtt.grab(ctx, target(lab.port));
    assert.equal(outcome.status, 'success');
    assert.deepEqual(outcome.result, { protocolLevel: 4, returnCode: 5, returnMeaning: 'not-authorized', anonymousAccepted: false, sessionPresent: false });
    assert.equal(lab.broker!.sessions()[0].afterConnack.length, 0);
    assert.equal(lab.stats.snapshot().loginAttempts, 0, 'an anonymous CONNECT carries no password');
  } finally {
    await lab.close();
  }
});

test('version fallbacks: a 5-only broker is asked again in 5, a 3.1-only one in 3.1, with at most three connections', async () => {
  const v5 = await startLabBroker({ settings: { levels: [5] } });
  const v31 = await startLabBroker({ settings: { levels: [3] } });
  try {
    const five = await mqtt.grab(ctx, target(v5.port));
    assert.equal(five.status, 'success');
    assert.deepEqual(five.result, {
      protocolLevel: 5,
      returnCode: 0,
      returnMeaning: 'accepted',
      anonymousAccepted: true,
      sessionPresent: false,
      properties: { receiveMaximum: 20, topicAliasMaximum: 10 },
    });
    assert.deepEqual(
      v5.broker!.sessions().map((session) => [session.level, session.returnCode]),
      [
        [4, 0x84],
        [5, 0],
      ],
    );
    const old = await mqtt.grab(ctx, target(v31.port));
    assert.equal(old.result.protocolLevel, 3);
    assert.equal(old.result.anonymousAccepted, true);
    assert.deepEqual(
      v31.broker!.sessions().map((session) => [session.level, session.returnCode]),
      [
        [4, 1],
        [5, 1],
        [3, 0],
      ],
    );
    assert.deepEqual(v31.broker!.sessions()[2].packetsAfterConnack, ['DISCONNECT']);
  } finally {
    await Promise.all([v5.close(), v31.close()]);
  }
});

test('a broker that refuses every version: the last answer is kept', async () => {
  const lab = await startLabBroker({ settings: { levels: [] } });
  try {
    const outcome = await mqtt.grab(ctx, target(lab.port));
    assert.equal(outcome.status, 'success');
    assert.equal(outcome.result.returnMeaning, 'unacceptable-version');
    assert.equal(lab.broker!.sessions().length, 3);
  } finally {
    await lab.close();
  }
});

test('mqtts: the same grab over TLS, with the certificate the broker presents', async () => {
  const lab = await startLabBroker({ settings: { credential: { username: 'u', password: 'p' } }, certificate });
  try {
    const outcome = await mqtts.grab(contextFor(ctx, mqtts.transport), target(lab.port));
    assert.equal(outcome.status, 'success', outcome.error);
    assert.equal(outcome.result.returnMeaning, 'not-authorized');
    const tls = outcome.result.tls as MqttTlsSummary;
    assert.equal(tls.subject, 'O=opennotice test, CN=hub.lab.test');
    assert.equal(tls.selfSigned, true);
    assert.match(String(tls.version), /^TLSv1\.[23]$/);
    assert.match(String(tls.certificateSha256), /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    // Plain MQTT spoken to a TLS port is not a CONNACK.
    assert.equal((await mqtt.grab(ctx, target(lab.port))).status, 'protocol-error');
  } finally {
    await lab.close();
  }
});

test('detection: the probe is an anonymous CONNECT, and the lab broker’s answer matches', async () => {
  const lab = await startLabBroker({ settings: { credential: { username: 'u', password: 'p' } } });
  try {
    const probe = mqtt.detect!.probe!;
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect(lab.port, '127.0.0.1', () => socket.write(probe.request(target(lab.port))));
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('close', () => resolve(Buffer.concat(chunks)));
      socket.on('error', reject);
      socket.setTimeout(3000, () => socket.destroy());
    });
    assert.ok(probe.matches(reply), reply.toString('hex'));
    assert.equal(lab.broker!.sessions()[0].username, undefined, 'no login in the probe');
    assert.equal(lab.broker!.sessions()[0].returnCode, 5);
  } finally {
    await lab.close();
  }
});

test('broken brokers end with a closed status', async () => {
  const cases: Array<[string, Parameters<typeof startPeer>[0], string]> = [
    ['closes without CONNACK', (c) => void c.socket.end(), 'protocol-error'],
    ['stays silent', () => undefined, 'io-timeout'],
    ['sends garbage', (c) => c.send(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n')), 'protocol-error'],
    [
      'sends half a CONNACK and closes',
      async (c) => {
        await c.send(Buffer.from([0x20, 0x02, 0x00]));
        c.socket.end();
      },
      'protocol-error',
    ],
    ['sends half a CONNACK and stalls', (c) => c.send(Buffer.from([0x20, 0x02])), 'io-timeout'],
    ['answers with a PUBLISH', (c) => c.send(Buffer.from([0x30, 0x03, 0x00, 0x01, 0x61])), 'protocol-error'],
  ];
  for (const [name, script, status] of cases) {
    const peer = await startPeer(async (c) => {
      await c.readLine(200); // let the CONNECT arrive (it has no line end: this just waits)
      await script(c);
    });
    try {
      const outcome = await mqtt.grab(ctx, target(peer.port));
      assert.equal(outcome.status, status, `${name}: ${outcome.error}`);
      assert.deepEqual(outcome.result, {}, name);
    } finally {
      await peer.close();
    }
  }
  const refused = await mqtt.grab(ctx, target(1));
  assert.equal(refused.status, 'connection-refused');
});

test('hostile: a 256 MiB CONNACK, trickled or flooded, ends at its header; a CONNACK never sent ends at the io timeout', async () => {
  const heapBefore = process.memoryUsage().heapUsed;
  for (const hostile of ['giant-trickle', 'giant-flood'] as const) {
    const lab = await startLabBroker({ hostile });
    try {
      const started = Date.now();
      const outcome = await mqtt.grab(ctx, target(lab.port));
      assert.equal(outcome.status, 'protocol-error', hostile);
      assert.match(String(outcome.error), /CONNACK announces 268435455 bytes/);
      assert.ok(Date.now() - started < 2500, `${hostile} ended at its header, not at the deadline`);
    } finally {
      await lab.close();
    }
  }
  assert.ok(process.memoryUsage().heapUsed - heapBefore < 64 * 1024 * 1024, 'nothing close to the announced size was kept');
  const silent = await startLabBroker({ hostile: 'no-connack' });
  try {
    assert.equal((await mqtt.grab(ctx, target(silent.port))).status, 'io-timeout');
  } finally {
    await silent.close();
  }
});
