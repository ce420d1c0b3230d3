import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { netflowV5 } from '../../test/support/flow-exports.ts';
import { startFlowCollector } from './collector.ts';
import type { FlowRecord } from './flow-record.ts';

const collectorAddress = '127.160.0.1';
const senderAddress = '127.160.0.2';

async function sendAll(port: number, datagrams: readonly Buffer[]): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, senderAddress, () => resolve()));
  try {
    for (const datagram of datagrams) {
      await new Promise<void>((resolve, reject) => socket.send(datagram, port, collectorAddress, (error) => (error ? reject(error) : resolve())));
    }
  } finally {
    socket.close();
  }
}

/** Waits until `done` (checked every 20 ms), at most 5 s. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !done(); waited += 20) {
    if (waited > 5000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const flow = {
  source: '192.0.2.1',
  destination: '198.51.100.1',
  sourcePort: 1000,
  destinationPort: 23,
  protocol: 6,
  packets: 2,
  bytes: 120,
  firstUptimeMs: 1000,
  lastUptimeMs: 2000,
};

test('the collector hands on the flows of real datagrams, keyed by the sender; garbage, oversized datagrams and a failing consumer are counted, never fatal', async (t) => {
  const batches: FlowRecord[][] = [];
  let failNext = true;
  const collector = await startFlowCollector({ listen: { address: collectorAddress, port: 0, maxDatagramBytes: 2000 } }, (flows) => {
    if (failNext) {
      failNext = false;
      throw new Error('consumer failure');
    }
    batches.push(flows);
  });
  t.after(() => collector.close());
  const good = netflowV5({ uptimeMs: 10_000, unixSeconds: 1_800_000_000 }, [flow]);
  await sendAll(collector.port, [good, Buffer.from([0, 5, 0]), Buffer.from('not a flow export at all'), Buffer.alloc(3000), good, good]);
  await until(() => collector.listener.datagrams === 6 && batches.length === 2, 'six datagrams and two batches');
  assert.equal(collector.consumerFailures, 1);
  assert.equal(collector.listener.oversized, 1);
  assert.equal(collector.decoder.malformed['short-header'], 1);
  assert.equal(collector.decoder.malformed['unknown-version'], 1);
  assert.deepEqual(
    batches.flat().map((record) => [record.exporter, record.sourceAddress, record.destinationPort, record.packets]),
    [
      [senderAddress, '192.0.2.1', 23, 2],
      [senderAddress, '192.0.2.1', 23, 2],
    ],
  );
});

test('a port already taken is a SERVER_FAILED error, not a crash', async (t) => {
  const first = await startFlowCollector({ listen: { address: collectorAddress, port: 0 } }, () => undefined);
  t.after(() => first.close());
  await assert.rejects(
    startFlowCollector({ listen: { address: collectorAddress, port: first.port } }, () => undefined),
    { code: 'SERVER_FAILED' },
  );
});

test('a columnar consumer gets every flow as columns, a record consumer FlowRecords; a consumer that throws is counted and the other still gets that batch', async (t) => {
  const columnar: Array<[number, number, number]> = [];
  const records: FlowRecord[] = [];
  let throwColumns = true;
  const collector = await startFlowCollector(
    { listen: { address: collectorAddress, port: 0 } },
    {
      columns: (batch) => {
        if (throwColumns) {
          throwColumns = false;
          throw new Error('columnar consumer failure');
        }
        for (let index = 0; index < batch.count; index++) columnar.push([batch.sourceWords[index * 4]!, batch.destinationPort[index]!, batch.packets[index]!]);
      },
      records: (flows) => records.push(...flows),
    },
  );
  t.after(() => collector.close());
  const datagram = netflowV5({ uptimeMs: 10_000, unixSeconds: 1_800_000_000 }, [flow, { ...flow, source: '192.0.2.2', destinationPort: 80 }]);
  await sendAll(collector.port, [datagram, datagram]);
  await until(() => records.length === 4, 'four records');
  assert.equal(collector.consumerFailures, 1);
  // 192.0.2.1 and 192.0.2.2 as numbers: the second datagram only (the first batch made the columnar consumer throw).
  assert.deepEqual(columnar, [
    [0xc0000201, 23, 2],
    [0xc0000202, 80, 2],
  ]);
  assert.deepEqual(
    records.map((record) => [record.sourceAddress, record.destinationPort]),
    [
      ['192.0.2.1', 23],
      ['192.0.2.2', 80],
      ['192.0.2.1', 23],
      ['192.0.2.2', 80],
    ],
  );
});
