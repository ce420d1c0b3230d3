import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { sendUdpDatagrams } from './udp-sender.ts';

test('sends the requested datagrams in order from the requested loopback source', async () => {
  const receiver = createSocket('udp4');
  await new Promise<void>((resolve) => receiver.bind({ address: '127.203.1.1', port: 0 }, resolve));
  const received: { text: string; from: string; port: number }[] = [];
  const allArrived = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${received.length} of 3 datagrams arrived`)), 5000);
    receiver.on('message', (message, remote) => {
      received.push({ text: message.toString(), from: remote.address, port: remote.port });
      if (received.length === 3) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  try {
    const result = await sendUdpDatagrams('127.203.1.1', receiver.address().port, 3, { sourceHost: '127.203.1.2' });
    await allArrived;
    assert.equal(result.sent, 3);
    assert.deepEqual(
      received.map((r) => r.text),
      ['opennotice-lab 0', 'opennotice-lab 1', 'opennotice-lab 2'],
    );
    assert.ok(received.every((r) => r.from === '127.203.1.2' && r.port === result.sourcePort));
  } finally {
    receiver.close();
  }
});

test('refuses any address outside 127.0.0.0/8', async () => {
  await assert.rejects(sendUdpDatagrams('192.0.2.1', 9, 1), /loopback/);
  await assert.rejects(sendUdpDatagrams('127.0.0.1', 9, 1, { sourceHost: '10.0.0.1' }), /loopback/);
  await assert.rejects(sendUdpDatagrams('::1', 9, 1), /loopback/);
  await assert.rejects(sendUdpDatagrams('127.0.0.1', 9, 1_000_000), /count/);
});
