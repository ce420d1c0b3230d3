// The IEC 104 grab against the lab's simulated station (quiet, announcing, and every hostile
// variant) on 127.151.2.1: the link test is all that is sent, the confirmation and whatever
// came unasked are recorded, and hostile stations end within the grab's bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { startIcsSimulator } from '../../../test/support/ics-simulator.ts';
import { type Iec104HostileBehaviour, iec104HostileBehaviours, serveIec104Station } from '../../lab/services/iec104-station.ts';
import iec104 from './index.ts';

const ctx = createLoopbackContext({ ioTimeoutMs: 400, deadlineMs: 2500, maxBytes: 16 * 1024 });
const host = '127.151.2.1';

test('a quiet station confirms the link test; nothing else is sent to it', async () => {
  const station = await startIcsSimulator(host, (socket, stats) => serveIec104Station(socket, { commonAddress: 12 }, stats));
  try {
    const outcome = await iec104.grab(ctx, { ip: host, port: station.port });
    assert.equal(outcome.status, 'success', outcome.error);
    assert.deepEqual(outcome.result, { testConfirmed: true, unprompted: 0 });
    assert.equal(station.stats.snapshot().commandsAfterLogin, 0, 'no STARTDT, no I-format frame');
  } finally {
    await station.close();
  }
});

test('a station that announces its initialisation: the unasked ASDU is recorded with its station address', async () => {
  const station = await startIcsSimulator(host, (socket, stats) => serveIec104Station(socket, { commonAddress: 4711, announcesInitialisation: true }, stats));
  try {
    const outcome = await iec104.grab(ctx, { ip: host, port: station.port });
    assert.equal(outcome.status, 'success', outcome.error);
    assert.deepEqual(outcome.result, { testConfirmed: true, unprompted: 1, unpromptedFrames: 'I', firstAsduType: 70, firstAsduCause: 4, commonAddress: 4711 });
    assert.equal(station.stats.snapshot().commandsAfterLogin, 0);
  } finally {
    await station.close();
  }
});

const expected: Record<Iec104HostileBehaviour, { status: string; result?: object }> = {
  silent: { status: 'io-timeout' },
  // Frames of the protocol, without end: the grab stops counting after 32 and keeps what it saw.
  endless: { status: 'success', result: { testConfirmed: false, unprompted: 32, firstAsduType: 70 } },
  'bad-length': { status: 'protocol-error' },
  'wrong-start': { status: 'protocol-error' },
  // One byte a second: the io timeout (400 ms) ends it before the second byte.
  trickle: { status: 'io-timeout' },
};

for (const behaviour of iec104HostileBehaviours) {
  test(`hostile station "${behaviour}": ${expected[behaviour].status} within the grab's bounds`, async () => {
    const station = await startIcsSimulator(host, (socket, stats) => serveIec104Station(socket, { commonAddress: 1 }, stats, behaviour));
    try {
      const outcome = await iec104.grab(ctx, { ip: host, port: station.port });
      assert.equal(outcome.status, expected[behaviour].status, outcome.error);
      const result = expected[behaviour].result;
      if (result) for (const [field, value] of Object.entries(result)) assert.equal(outcome.result[field as keyof typeof outcome.result], value, field);
      assert.equal(station.connections(), 1);
    } finally {
      await station.close();
    }
  });
}
