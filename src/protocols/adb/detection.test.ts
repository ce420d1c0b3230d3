// ADB found by its probe on any port: on 5555 the first probe is CNXN; on an unusual port the
// other protocols' probes come first (the device drops them as garbage), then CNXN names it.
// The device never sees an OPEN. Addresses of this test's own loopback range, 127.92.0.0/16.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { createAdbDevice } from '../../lab/services/adb-device.ts';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { type DetectionLimits, detectService } from '../detect.ts';
import { shippedProtocols } from '../registry.ts';

const ctx = createLoopbackContext({ connectTimeoutMs: 1000, ioTimeoutMs: 1500, deadlineMs: 8000 });
const limits: DetectionLimits = { bannerWaitMs: 400, briefWaitMs: 150, replyWaitMs: 800, maxProbes: 6, maxBytes: 4096 };
const servers: Server[] = [];

after(async () => {
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

test('an ADB device is detected on 5555 with one probe, and on any port within the probe budget, without an OPEN', async () => {
  const device = createAdbDevice({ authRequired: true, banner: { systemType: 'device', properties: {}, features: [] } });
  for (const port of [5555, 15555]) {
    const server = createServer((socket) => device.accept(socket));
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.92.0.3', resolve);
    });
  }
  const usual = await detectService(ctx, { ip: '127.92.0.3', port: 5555 }, shippedProtocols, limits);
  assert.deepEqual([usual.protocol?.name, usual.method, usual.probes, usual.connections], ['adb', 'probe', 1, 1]);
  const moved = await detectService(ctx, { ip: '127.92.0.3', port: 15555 }, shippedProtocols, limits);
  assert.deepEqual([moved.protocol?.name, moved.method], ['adb', 'probe']);
  assert.ok(moved.probes <= limits.maxProbes);
  assert.equal(device.stats().opens, 0);
  assert.equal(device.stats().messages.CNXN, 2);
});
