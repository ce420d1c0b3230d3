// The Modbus grab against the lab's Modbus device (src/lab/services/modbus-device.ts) over real
// sockets on loopback: every behaviour, the hostile ones ending within the grab's bounds with a
// recorded status. The device counts any function but 43/14: a survey must send none.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { startTcpPeer, type TcpPeer } from '../../../test/support/ics-a-peer.ts';
import { type ModbusDeviceBehaviour, type ModbusDeviceCounters, type ModbusDevicePersona, serveModbusDevice } from '../../lab/services/modbus-device.ts';
import { grabModbus } from './grabber.ts';
import modbus from './index.ts';

const ctx = createLoopbackContext({ ioTimeoutMs: 400, deadlineMs: 3000, maxBytes: 65_536 });
const peers: TcpPeer[] = [];
after(async () => {
  for (const peer of peers) await peer.close();
});

const plc: Omit<ModbusDevicePersona, 'behaviour'> = {
  vendorName: 'Tervane Automation',
  productCode: 'TX-340',
  revision: 'V2.41',
  vendorUrl: 'http://www.tervane.example',
  productName: 'Tervane TX-340 CPU',
  modelName: 'TX-340',
};

async function device(behaviour: ModbusDeviceBehaviour, persona = plc): Promise<{ peer: TcpPeer; counters: ModbusDeviceCounters }> {
  const counters = { identificationRequests: 0, otherFunctions: 0 };
  const peer = await startTcpPeer('127.150.1.1', (socket) => serveModbusDevice(socket, { ...persona, behaviour }, counters));
  peers.push(peer);
  return { peer, counters };
}

test('basic then regular category: every object read, from unit 0, nothing but function 43 sent', async () => {
  const { peer, counters } = await device('normal');
  const outcome = await grabModbus(ctx, { ip: peer.ip, port: peer.port });
  assert.equal(outcome.status, 'success');
  assert.deepEqual(outcome.result, {
    identification: 'answered',
    unitId: 0,
    conformityLevel: 2,
    vendorName: 'Tervane Automation',
    productCode: 'TX-340',
    revision: 'V2.41',
    vendorUrl: 'http://www.tervane.example',
    productName: 'Tervane TX-340 CPU',
    modelName: 'TX-340',
  });
  assert.equal(counters.identificationRequests, 2);
  assert.equal(counters.otherFunctions, 0);
});

test('"more follows" is followed from the next object id, one object per answer', async () => {
  const { peer, counters } = await device('one-object-per-frame');
  const outcome = await grabModbus(ctx, { ip: peer.ip, port: peer.port });
  assert.equal(outcome.status, 'success');
  assert.equal(outcome.result.revision, 'V2.41');
  assert.equal(outcome.result.modelName, 'TX-340');
  assert.equal(counters.identificationRequests, 6, 'three objects per category, one request each');
});

test('a serial gateway: unit 0 gets an exception, unit 255 the identity', async () => {
  const { peer } = await device('gateway', { vendorName: 'Calloway Meters', productCode: 'PM-720', revision: 'V3.08' });
  const outcome = await grabModbus(ctx, { ip: peer.ip, port: peer.port });
  assert.equal(outcome.status, 'success');
  assert.deepEqual(outcome.result, {
    identification: 'answered',
    unitId: 255,
    conformityLevel: 1,
    vendorName: 'Calloway Meters',
    productCode: 'PM-720',
    revision: 'V3.08',
  });
});

test('a device without function 43 is still Modbus: the exception is recorded', async () => {
  const { peer, counters } = await device('exception-only');
  const outcome = await grabModbus(ctx, { ip: peer.ip, port: peer.port });
  assert.equal(outcome.status, 'success');
  assert.deepEqual(outcome.result, { identification: 'exception', unitId: 255, exceptionCode: 1 });
  assert.equal(counters.identificationRequests, 2, 'unit 0, then 255');
});

test('hostile devices end within the bounds with a recorded status', async () => {
  const cases: Array<[ModbusDeviceBehaviour, string]> = [
    ['tarpit', 'io-timeout'],
    ['oversized-length', 'protocol-error'],
    ['malformed-objects', 'protocol-error'],
  ];
  for (const [behaviour, status] of cases) {
    const { peer } = await device(behaviour);
    const outcome = await grabModbus(ctx, { ip: peer.ip, port: peer.port });
    assert.equal(outcome.status, status, behaviour);
    assert.deepEqual(outcome.result, {}, behaviour);
  }
});

test('endless "more follows" stops at the request bound, keeping what was read', async () => {
  const { peer, counters } = await device('endless-more-follows');
  const outcome = await grabModbus(ctx, { ip: peer.ip, port: peer.port });
  assert.equal(outcome.status, 'success');
  assert.equal(outcome.result.identification, 'answered');
  assert.equal(counters.identificationRequests, 8);
});

test('the detection probe is the grab request and matches a Modbus answer only', async () => {
  const probe = modbus.detect?.probe;
  assert.ok(probe);
  const request = Buffer.from(probe.request({ ip: '127.0.0.1', port: 502 }));
  assert.equal(request.subarray(7).toString('hex'), '2b0e0100');
  assert.ok(probe.matches(Buffer.from('000100000003ff8101', 'hex')));
  assert.ok(!probe.matches(Buffer.from('SSH-2.0-dropbear\r\n')));
});
