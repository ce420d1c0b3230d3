import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAdbDevice, type AdbDevicePersona } from '../../lab/services/adb-device.ts';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { listenOnLoopback } from '../../../test/support/lab/loopback-listener.ts';
import type { DictionaryEntry } from '../../assess/credentials/dictionary.ts';
import type { CredentialAttempt } from '../../core/records.ts';
import type { ObservedService } from '../credential-checker.ts';
import { startPeer, type FakePeer } from '../fake-peer.test.ts';
import { adbCommand, connectMessage, decodeMessage, encodeMessage, headerBytes } from './codec.ts';
import { adbChecker } from './credentials.ts';
import { type AdbResult, grabAdb } from './grabber.ts';
import adb from './index.ts';

const ctx = createLoopbackContext({ ioTimeoutMs: 400, deadlineMs: 2000 });

const tvBox: AdbDevicePersona = {
  authRequired: false,
  banner: {
    systemType: 'device',
    properties: { 'ro.product.name': 'p212', 'ro.product.model': 'X96mini', 'ro.product.device': 'p212' },
    features: ['shell_v2', 'cmd', 'stat_v2'],
  },
};

/** Every message a client sent, by command name, decoded from the raw bytes the listener kept. */
function commandsIn(bytes: Buffer): string[] {
  const names: string[] = [];
  let rest = bytes;
  for (let index = 0; index < 100 && rest.length > 0; index++) {
    const decoded = decodeMessage(rest);
    if (decoded.state !== 'complete') {
      names.push(`(${rest.length} undecodable bytes)`);
      break;
    }
    names.push(rest.subarray(0, 4).toString('latin1'));
    rest = rest.subarray(decoded.length);
  }
  return names;
}

async function grabDevice(persona: AdbDevicePersona) {
  const device = createAdbDevice(persona);
  const listener = await listenOnLoopback((socket) => device.accept(socket));
  try {
    const outcome = await grabAdb(ctx, { ip: '127.0.0.1', port: listener.port });
    // Let the device see the close before reading what it received.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { outcome, received: listener.received(), stats: device.stats() };
  } finally {
    await listener.close();
  }
}

test('an open device answers CNXN with its banner: state open, product and features; we sent CNXN and nothing else', async () => {
  const { outcome, received, stats } = await grabDevice(tvBox);
  assert.equal(outcome.status, 'success', outcome.error);
  assert.deepEqual(outcome.result, {
    state: 'open',
    version: 0x01000001,
    maxData: 256 * 1024,
    systemType: 'device',
    productName: 'p212',
    productModel: 'X96mini',
    productDevice: 'p212',
    features: ['shell_v2', 'cmd', 'stat_v2'],
  });
  assert.equal(received.length, 1);
  assert.deepEqual(received[0], connectMessage(), 'exactly one CNXN on the wire');
  assert.deepEqual(commandsIn(received[0]!), ['CNXN']);
  assert.equal(stats.opens, 0);
  assert.deepEqual(stats.messages, { CNXN: 1 });
});

test('a device that requires authorization answers with an AUTH token: state auth-required, no AUTH or OPEN sent back', async () => {
  const { outcome, received, stats } = await grabDevice({ ...tvBox, authRequired: true });
  assert.equal(outcome.status, 'success', outcome.error);
  assert.deepEqual(outcome.result, { state: 'auth-required' });
  assert.deepEqual(commandsIn(received[0]!), ['CNXN']);
  assert.equal(stats.opens, 0);
  assert.deepEqual(stats.messages, { CNXN: 1 });
});

test('the checker reports the open device as no-authentication without trying any pair or sending anything', async () => {
  const device = createAdbDevice(tvBox);
  const listener = await listenOnLoopback((socket) => device.accept(socket));
  try {
    const target = { ip: '127.0.0.1', port: listener.port };
    const outcome = await grabAdb(ctx, target);
    const service: ObservedService<AdbResult> = { ...target, protocol: 'adb', status: outcome.status, result: outcome.result, durationMs: 1, observedAt: '' };
    assert.equal(adbChecker.appliesTo(service), true);
    const audited: CredentialAttempt[] = [];
    const entries: DictionaryEntry[] = [
      { id: 'x', username: 'root', password: 'root', vendors: [], protocols: [], reason: 'trivial', sources: ['pattern'], rank: 7 },
    ];
    const check = await adbChecker.check(ctx, service, entries, { maxAttempts: 5, audit: (attempt) => audited.push(attempt) });
    assert.equal(check.status, 'success');
    assert.equal(check.noAuthentication, true);
    assert.equal(check.attempts, 0);
    assert.equal(check.evidence.productModel, 'X96mini');
    assert.deepEqual(audited, []);
    assert.equal(device.stats().connections, 1, 'the checker opened no connection of its own');

    const locked = { ...service, result: { state: 'auth-required' as const } };
    assert.equal(adbChecker.appliesTo(locked), true, 'a locked device is checked too, so an earlier finding can close');
    const lockedCheck = await adbChecker.check(ctx, locked, [], { maxAttempts: 5, audit: () => undefined });
    assert.equal(lockedCheck.noAuthentication, undefined);
    assert.equal(lockedCheck.status, 'success');
    assert.equal(adbChecker.appliesTo({ ...service, status: 'io-timeout', result: {} }), false);
    assert.equal(adbChecker.appliesTo({ ...service, protocol: 'http' }), false);
  } finally {
    await listener.close();
  }
});

test('the detection probe is CNXN, and the open device’s reply matches it', async () => {
  const device = createAdbDevice(tvBox);
  const listener = await listenOnLoopback((socket) => device.accept(socket));
  try {
    const probe = adb.detect!.probe!;
    const conn = await ctx.dial({ ip: '127.0.0.1', port: listener.port });
    await conn.write(Buffer.from(probe.request({ ip: '127.0.0.1', port: listener.port })));
    const { data } = await conn.readUntil((bytes) => bytes.length >= headerBytes);
    conn.close();
    assert.equal(probe.matches(data), true);
    assert.deepEqual(commandsIn(listener.received()[0]!), ['CNXN']);
  } finally {
    await listener.close();
  }
});

async function grabPeer(peer: FakePeer) {
  try {
    return await grabAdb(ctx, { ip: '127.0.0.1', port: peer.port });
  } finally {
    await peer.close();
  }
}

const answer = (command: number, arg0: number, arg1: number, data = Buffer.alloc(0)) =>
  startPeer(async (c) => {
    await c.send(encodeMessage({ command, arg0, arg1, data }));
  });

test('STLS (wireless debugging), an old device, and every broken answer end with a status', async () => {
  assert.deepEqual((await grabPeer(await answer(adbCommand.STLS, 0x01000000, 0))).result, { state: 'tls-required', version: 0x01000000 });
  const old = await grabPeer(await answer(adbCommand.CNXN, 0x01000000, 4096, Buffer.from('device::ro.product.name=old;ro.product.model=Cam;\0')));
  assert.deepEqual(old.result, {
    state: 'open',
    version: 0x01000000,
    maxData: 4096,
    systemType: 'device',
    productName: 'old',
    productModel: 'Cam',
    features: [],
  });

  const signature = await grabPeer(await answer(adbCommand.AUTH, 2, 0, Buffer.alloc(256)));
  assert.equal(signature.status, 'protocol-error');
  const close = await grabPeer(await answer(adbCommand.CLSE, 0, 0));
  assert.equal(close.status, 'protocol-error');
  assert.match(String(close.error), /CLSE in answer to CNXN/);
  const http = await grabPeer(await startPeer((c) => c.send('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')));
  assert.equal(http.status, 'protocol-error');
  assert.match(String(http.error), /bad magic/);
  assert.equal((await grabPeer(await startPeer(() => undefined))).status, 'io-timeout');
  const cut = await grabPeer(
    await startPeer(async (c) => {
      await c.send(encodeMessage({ command: adbCommand.CNXN, arg0: 1, arg1: 2, data: Buffer.from('device::features=x') }).subarray(0, 30));
      c.socket.end();
    }),
  );
  assert.equal(cut.status, 'protocol-error');
  assert.match(String(cut.error), /closed before an ADB reply/);
  const huge = encodeMessage({ command: adbCommand.CNXN, arg0: 1, arg1: 2, data: Buffer.alloc(0) });
  huge.writeUInt32LE(10 * 1024 * 1024, 12);
  assert.equal((await grabPeer(await startPeer((c) => c.send(huge)))).status, 'protocol-error');
});

test('the lab device refuses an OPEN with CLSE and counts it', async () => {
  const device = createAdbDevice(tvBox);
  const listener = await listenOnLoopback((socket) => device.accept(socket));
  try {
    const conn = await ctx.dial({ ip: '127.0.0.1', port: listener.port });
    await conn.write(Buffer.concat([connectMessage(), encodeMessage({ command: adbCommand.OPEN, arg0: 7, arg1: 0, data: Buffer.from('shell:id\0') })]));
    const { data } = await conn.readUntil((bytes) => {
      const first = decodeMessage(bytes);
      return first.state === 'complete' && decodeMessage(bytes.subarray(first.length)).state === 'complete';
    });
    conn.close();
    const first = decodeMessage(data);
    assert.ok(first.state === 'complete');
    const second = decodeMessage(data.subarray(first.length));
    assert.ok(second.state === 'complete' && second.message.command === adbCommand.CLSE && second.message.arg1 === 7);
    assert.equal(device.stats().opens, 1);
  } finally {
    await listener.close();
  }
});
