// The lab's MQTT broker and its hostile variants, driven by a bare client (not the survey's
// grabber): CONNACK codes as mosquitto sends them, and everything after an accepted CONNACK
// other than DISCONNECT counted as a command after login.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawConnect } from '../../test/support/lab/raw-client.ts';
import { startLabBroker } from '../../test/support/mqtt.ts';
import { encodeDisconnect, encodeField, encodeFrame, packetTypes } from '../protocols/mqtt/codec.ts';
import { parseConnackReply } from '../protocols/mqtt/connack.ts';
import { encodeConnect } from '../protocols/mqtt/connect.ts';
import { giantConnackHeader } from './services/mqtt-hostile.ts';

const credential = { username: 'admin', password: 'hunter22' };
const subscribeAll = encodeFrame(packetTypes.subscribe, 0x2, Buffer.concat([Buffer.from([0x00, 0x01]), encodeField('#'), Buffer.from([0x00])]));
const publish = encodeFrame(packetTypes.publish, 0, Buffer.concat([encodeField('cmnd/relay'), Buffer.from('ON')]));

/** One connection: CONNECT, the CONNACK's code, then `after` (if accepted), and the broker's records. */
async function session(port: number, connect: Buffer, after: Buffer[] = []) {
  const client = await rawConnect('127.0.0.1', port);
  client.write(connect);
  const reply = await client.waitFor((bytes) => parseConnackReply(bytes, 5).state !== 'incomplete');
  const parsed = parseConnackReply(reply, connect[8] === 5 ? 5 : 4);
  for (const packet of after) client.write(packet);
  await client.closed(3000).catch(() => client.close());
  return parsed.state === 'complete' ? parsed.connack : undefined;
}

test('CONNACK codes as mosquitto 2.0 sends them, in 3.1.1 and in 5', async () => {
  const lab = await startLabBroker({ settings: { credential } });
  try {
    const anonymous = await session(lab.port, encodeConnect({ level: 4, clientId: 'a', keepAliveSeconds: 60 }));
    assert.deepEqual([anonymous?.returnCode, anonymous?.format], [5, 'v3']);
    const wrong = await session(lab.port, encodeConnect({ level: 4, clientId: 'b', keepAliveSeconds: 60, username: 'admin', password: 'x' }));
    assert.equal(wrong?.returnCode, 5);
    const wrongV5 = await session(lab.port, encodeConnect({ level: 5, clientId: 'c', keepAliveSeconds: 60, username: 'admin', password: 'x' }));
    assert.deepEqual([wrongV5?.returnCode, wrongV5?.format], [0x87, 'v5']);
    const right = await session(lab.port, encodeConnect({ level: 5, clientId: 'd', keepAliveSeconds: 60, ...credential }), [encodeDisconnect()]);
    assert.deepEqual([right?.returnCode, right?.properties], [0, { receiveMaximum: 20, topicAliasMaximum: 10 }]);
    const future = Buffer.from(encodeConnect({ level: 4, clientId: 'e', keepAliveSeconds: 60 }));
    future[8] = 6; // protocol level byte
    assert.equal((await session(lab.port, future))?.returnCode, 1);
    const stats = lab.stats.snapshot();
    assert.deepEqual([stats.loginAttempts, stats.failedLogins, stats.successfulLogins, stats.commandsAfterLogin], [3, 2, 1, 0]);
    assert.deepEqual(
      lab.broker!.sessions().map((record) => record.returnCode),
      [5, 5, 0x87, 0, 1],
    );
  } finally {
    await lab.close();
  }
});

test('after an accepted CONNACK, SUBSCRIBE and PUBLISH are commands after login; DISCONNECT is not', async () => {
  const lab = await startLabBroker({ settings: {} });
  try {
    await session(lab.port, encodeConnect({ level: 4, clientId: 'polite', keepAliveSeconds: 60 }), [encodeDisconnect()]);
    assert.equal(lab.stats.snapshot().commandsAfterLogin, 0);
    await session(lab.port, encodeConnect({ level: 4, clientId: 'nosy', keepAliveSeconds: 60 }), [subscribeAll, publish, encodeDisconnect()]);
    const stats = lab.stats.snapshot();
    assert.equal(stats.commandsAfterLogin, 2);
    assert.equal(stats.bytesAfterLogin, subscribeAll.length + publish.length);
    const [polite, nosy] = lab.broker!.sessions();
    assert.deepEqual(polite.packetsAfterConnack, ['DISCONNECT']);
    assert.deepEqual(nosy.packetsAfterConnack, ['SUBSCRIBE', 'PUBLISH', 'DISCONNECT']);
    assert.deepEqual(nosy.afterConnack, Buffer.concat([subscribeAll, publish, encodeDisconnect()]));
  } finally {
    await lab.close();
  }
});

test('a first packet that is not a CONNECT, or garbage, is dropped without a CONNACK', async () => {
  const lab = await startLabBroker({ settings: {} });
  try {
    // An HTTP request reads as a packet of type 4 announcing 69 bytes ("E"): dropped once they are in.
    const http = Buffer.from(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: ${'x'.repeat(60)}\r\n\r\n`);
    for (const first of [subscribeAll, http, Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f])]) {
      const client = await rawConnect('127.0.0.1', lab.port);
      client.write(first);
      await client.closed(3000);
      assert.equal(client.received().length, 0);
    }
  } finally {
    await lab.close();
  }
});

test('"server unavailable" for the first CONNECTs, then the usual answer', async () => {
  const lab = await startLabBroker({ settings: { unavailableFirst: 1 } });
  try {
    assert.equal((await session(lab.port, encodeConnect({ level: 5, clientId: 'a', keepAliveSeconds: 60 })))?.meaning, 'server-unavailable');
    assert.equal((await session(lab.port, encodeConnect({ level: 4, clientId: 'b', keepAliveSeconds: 60 }), [encodeDisconnect()]))?.meaning, 'accepted');
  } finally {
    await lab.close();
  }
});

test('hostile brokers: a 256 MiB CONNACK header, then a trickle or a flood bounded by what the client reads; or no CONNACK at all', async () => {
  const trickle = await startLabBroker({ hostile: 'giant-trickle' });
  const flood = await startLabBroker({ hostile: 'giant-flood' });
  const silent = await startLabBroker({ hostile: 'no-connack' });
  try {
    const slow = await rawConnect('127.0.0.1', trickle.port);
    slow.write(encodeConnect({ level: 4, clientId: 'a', keepAliveSeconds: 60 }));
    const trickled = await slow.waitFor((bytes) => bytes.length >= giantConnackHeader.length + 3);
    assert.deepEqual(trickled.subarray(0, 5), giantConnackHeader);
    slow.close();

    const flooded = await rawConnect('127.0.0.1', flood.port, { maxBytes: 2 * 1024 * 1024 });
    flooded.write(encodeConnect({ level: 4, clientId: 'b', keepAliveSeconds: 60 }));
    const bytes = await flooded.waitFor((received) => received.length >= 1024 * 1024, 20_000);
    assert.deepEqual(bytes.subarray(0, 5), giantConnackHeader);
    // A client that stops reading stops the flood: the kernel buffers fill, the writer waits for 'drain'.
    flooded.socket.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stalledAt = flood.bytesWritten()[0];
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(flood.bytesWritten()[0] - stalledAt < 8 * 1024 * 1024, 'bounded while the client does not read');
    flooded.close();

    const quiet = await rawConnect('127.0.0.1', silent.port);
    quiet.write(encodeConnect({ level: 4, clientId: 'c', keepAliveSeconds: 60 }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(quiet.received().length, 0);
    quiet.close();
  } finally {
    await Promise.all([trickle.close(), flood.close(), silent.close()]);
  }
});
