// The EtherNet/IP grab against the lab's adapter (src/lab/services/enip-device.ts) over real
// sockets on loopback: the identity read, and the hostile variants ending within the bounds.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { startTcpPeer, type TcpPeer } from '../../../test/support/ics-a-peer.ts';
import { type EnipDeviceBehaviour, type EnipDeviceCounters, type EnipDevicePersona, serveEnipDevice } from '../../lab/services/enip-device.ts';
import { grabEnip } from './grabber.ts';

const ctx = createLoopbackContext({ ioTimeoutMs: 400, deadlineMs: 3000, maxBytes: 65_536 });
const peers: TcpPeer[] = [];
after(async () => {
  for (const peer of peers) await peer.close();
});

const logix: Omit<EnipDevicePersona, 'behaviour'> = {
  vendorId: 1,
  deviceType: 14,
  productCode: 54,
  revision: [20, 11],
  serialNumber: 0x00c0ffee,
  productName: '1756-L61/B LOGIX5561',
};

async function adapter(behaviour: EnipDeviceBehaviour): Promise<{ peer: TcpPeer; counters: EnipDeviceCounters }> {
  const counters = { listIdentity: 0, otherCommands: 0 };
  const peer = await startTcpPeer('127.150.3.1', (socket) => serveEnipDevice(socket, { ...logix, behaviour }, counters));
  peers.push(peer);
  return { peer, counters };
}

test('ListIdentity names vendor, type, product, revision and serial; nothing else is sent', async () => {
  const { peer, counters } = await adapter('normal');
  const outcome = await grabEnip(ctx, { ip: peer.ip, port: peer.port });
  assert.equal(outcome.status, 'success', outcome.error);
  assert.deepEqual(outcome.result, {
    vendorId: 1,
    vendorName: 'Rockwell Automation/Allen-Bradley',
    deviceType: 14,
    deviceTypeName: 'Programmable Logic Controller',
    productCode: 54,
    revision: '20.11',
    serialNumber: '00c0ffee',
    productName: '1756-L61/B LOGIX5561',
    state: 3,
  });
  assert.deepEqual(counters, { listIdentity: 1, otherCommands: 0 });
});

test('hostile adapters end within the bounds with a recorded status and nothing extracted', async () => {
  const cases: Array<[EnipDeviceBehaviour, string]> = [
    ['tarpit', 'io-timeout'],
    ['endless', 'protocol-error'],
    ['malformed-length', 'protocol-error'],
    ['wrong-command', 'protocol-error'],
  ];
  for (const [behaviour, status] of cases) {
    const { peer } = await adapter(behaviour);
    const outcome = await grabEnip(ctx, { ip: peer.ip, port: peer.port });
    assert.equal(outcome.status, status, behaviour);
    assert.deepEqual(outcome.result, {}, behaviour);
  }
});
