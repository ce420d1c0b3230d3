// The S7 grab against the lab's simulated CPU (polite, on either slot, and every hostile
// variant) on 127.151.1.x: what it records, the TSAP fallback, and that it never sends a
// function beyond Setup Communication and read SZL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { startIcsSimulator } from '../../../test/support/ics-simulator.ts';
import { type S7HostileBehaviour, type S7PlcPersona, s7HostileBehaviours, serveS7Plc } from '../../lab/services/s7-plc.ts';
import s7 from './index.ts';

// A byte cap below the 65,535 bytes a TPKT header may announce, so an endless frame meets the cap.
const limits = { ioTimeoutMs: 400, deadlineMs: 2500, maxBytes: 16 * 1024 };
const ctx = createLoopbackContext(limits);
const host = '127.151.1.1';

const persona = (slot: number): S7PlcPersona => ({
  slot,
  orderNumber: '6ES7 214-1AG40-0XB0',
  hardwareVersion: 1,
  firmware: [4, 2, 3],
  plcName: 'PLC_PUMPSTATION',
  moduleName: 'PLC_1',
  moduleType: 'CPU 1214C DC/DC/DC',
  serialNumber: 'S C-1234ABCD',
  plantIdentification: 'Waterworks North',
  copyright: 'Original Siemens Equipment',
});

test('a CPU in slot 2: one connection, both lists read, nothing but set-up and SZL sent', async () => {
  const plc = await startIcsSimulator(host, (socket, stats) => serveS7Plc(socket, persona(2), stats));
  try {
    const outcome = await s7.grab(ctx, { ip: host, port: plc.port });
    assert.equal(outcome.status, 'success', outcome.error);
    assert.deepEqual(outcome.result, {
      destinationTsap: 0x0102,
      pduLength: 240,
      orderNumber: '6ES7 214-1AG40-0XB0',
      hardwareVersion: '1',
      firmwareVersion: 'V4.2.3',
      plcName: 'PLC_PUMPSTATION',
      moduleName: 'PLC_1',
      plantIdentification: 'Waterworks North',
      copyright: 'Original Siemens Equipment',
      serialNumber: 'S C-1234ABCD',
      moduleType: 'CPU 1214C DC/DC/DC',
    });
    assert.equal(plc.connections(), 1);
    assert.equal(plc.stats.snapshot().commandsAfterLogin, 0);
  } finally {
    await plc.close();
  }
});

test('a CPU in slot 1 (S7-1200): refuses rack 0 slot 2, answers on the second connection', async () => {
  const plc = await startIcsSimulator(host, (socket, stats) => serveS7Plc(socket, persona(1), stats));
  try {
    const outcome = await s7.grab(ctx, { ip: host, port: plc.port });
    assert.equal(outcome.status, 'success', outcome.error);
    assert.equal(outcome.result.destinationTsap, 0x0101);
    assert.equal(outcome.result.orderNumber, '6ES7 214-1AG40-0XB0');
    assert.equal(plc.connections(), 2);
    assert.equal(plc.stats.snapshot().commandsAfterLogin, 0);
  } finally {
    await plc.close();
  }
});

test('a CPU in slot 3: both TSAPs refused, a protocol error after two connections', async () => {
  const plc = await startIcsSimulator(host, (socket, stats) => serveS7Plc(socket, persona(3), stats));
  try {
    const outcome = await s7.grab(ctx, { ip: host, port: plc.port });
    assert.equal(outcome.status, 'protocol-error');
    assert.deepEqual(outcome.result, {});
    assert.equal(plc.connections(), 2);
  } finally {
    await plc.close();
  }
});

const expectedStatus: Record<S7HostileBehaviour, string> = {
  silent: 'io-timeout',
  endless: 'byte-cap-exceeded',
  'oversized-length': 'io-timeout',
  'short-length': 'protocol-error',
  'bad-s7-length': 'protocol-error',
};

for (const behaviour of s7HostileBehaviours) {
  test(`hostile CPU "${behaviour}": ends with ${expectedStatus[behaviour]} within the deadline and byte cap, one connection`, async () => {
    const plc = await startIcsSimulator(host, (socket, stats) => serveS7Plc(socket, persona(2), stats, behaviour));
    try {
      const outcome = await s7.grab(ctx, { ip: host, port: plc.port });
      assert.equal(outcome.status, expectedStatus[behaviour], outcome.error);
      assert.equal(plc.connections(), 1, 'no second TSAP is tried after silence or garbage');
      if (behaviour === 'bad-s7-length') assert.deepEqual(outcome.result, { destinationTsap: 0x0102 });
    } finally {
      await plc.close();
    }
  });
}
