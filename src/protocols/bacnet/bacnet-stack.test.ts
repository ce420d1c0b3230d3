// The BACnet grab against a real BACnet/IP stack as the device: @bacnet-js/client (an open-source
// BACnet stack in TypeScript, on npm), bound to 127.150.5.1:47808, answering ReadProperty of its
// Device object with its own encoder. Debian 12 packages no BACnet stack; this one is a dev dependency.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import bacnetStack from '@bacnet-js/client';
import { ApplicationTag, ErrorClass, ErrorCode, ObjectType, PropertyIdentifier } from '@bacnet-js/client';
import { createDialer } from '../../scope/dialer.ts';
import { buildScope } from '../../scope/scope.ts';
import type { GrabContext } from '../grab.ts';
import { grabBacnet } from './grabber.ts';

// The package is CommonJS with an ES-module default: Node hands its exports object over as the default.
const BacnetClient = bacnetStack.default;
const ip = '127.150.5.1';
const instance = 260_001;
const properties = new Map<number, string>([
  [PropertyIdentifier.VENDOR_NAME, 'Peer Stack Controls'],
  [PropertyIdentifier.MODEL_NAME, 'PSC-44'],
  [PropertyIdentifier.FIRMWARE_REVISION, '1.9.2'],
  [PropertyIdentifier.APPLICATION_SOFTWARE_VERSION, 'app 4'],
  [PropertyIdentifier.OBJECT_NAME, 'Boiler room controller'],
]);
const dialer = createDialer({
  scope: buildScope({ allow: ['127.150.5.0/24'] }),
  // Seven requests to one address: the polite one-per-second pace would make this test take seconds.
  rate: { connectionsPerSecond: 10_000, maxConcurrent: 8, perHostConcurrent: 2, datagramsPerTarget: { requests: 100, windowMs: 1000 } },
  limits: { ioTimeoutMs: 1500, deadlineMs: 4000 },
});
const ctx: GrabContext = {
  dial: (target, limits) => dialer.dial(target, limits),
  dialTls: (target, options) => dialer.dialTls(target, options),
  query: (target, request, options) => dialer.query(target, request, options),
  userAgent: 'opennotice-test',
  signal: new AbortController().signal,
};
const seen = { readProperty: 0, other: 0 };
let device: InstanceType<typeof BacnetClient> | undefined;

before(async () => {
  device = new BacnetClient({ port: 47808, interface: ip, apduTimeout: 1000 });
  device.on('error', () => undefined);
  device.on('readProperty', (content) => {
    seen.readProperty++;
    const sender = content.header?.sender;
    const invokeId = content.invokeId ?? 0;
    if (!sender) return;
    const { objectId, property } = content.payload;
    const isMe = objectId.type === ObjectType.DEVICE && (objectId.instance === instance || objectId.instance === 4194303);
    const value = properties.get(property.id);
    if (!isMe || value === undefined) {
      device?.errorResponse(sender, 12, invokeId, ErrorClass.PROPERTY, ErrorCode.UNKNOWN_PROPERTY);
      return;
    }
    device?.readPropertyResponse(sender, invokeId, { type: ObjectType.DEVICE, instance }, property, [{ type: ApplicationTag.CHARACTER_STRING, value }]);
  });
  for (const event of ['writeProperty', 'writePropertyMultiple', 'readPropertyMultiple', 'reinitializeDevice', 'deviceCommunicationControl'] as const)
    device.on(event, () => seen.other++);
  // The stack binds asynchronously; wait (bounded) until it answers.
  for (let attempt = 0; attempt < 40; attempt++) {
    const outcome = await grabBacnet(ctx, { ip, port: 47808 });
    if (outcome.status === 'success') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the BACnet stack did not answer on 127.150.5.1:47808');
});

after(() => device?.close());

test('a real BACnet stack: vendor, model, firmware and names read, missing properties skipped, nothing but ReadProperty sent', async () => {
  seen.readProperty = 0;
  const outcome = await grabBacnet(ctx, { ip, port: 47808 });
  assert.equal(outcome.status, 'success', outcome.error);
  assert.deepEqual(outcome.result, {
    deviceInstance: instance,
    vendorName: 'Peer Stack Controls',
    modelName: 'PSC-44',
    firmwareRevision: '1.9.2',
    applicationSoftwareVersion: 'app 4',
    objectName: 'Boiler room controller',
  });
  assert.equal(seen.readProperty, 7);
  assert.equal(seen.other, 0);
});
