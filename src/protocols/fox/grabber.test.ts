// The Fox grab against the lab's simulated Niagara station (polite, and every hostile variant)
// on 127.151.3.1: the hello fields recorded, nothing sent after the hello, a hello that never
// ends stopped by the grab's byte cap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer as createTlsServer } from 'node:tls';
import { createLabStats } from '../../lab/stats.ts';
import { selfSigned } from '../../../test/support/self-signed.ts';
import { contextFor } from '../grab.ts';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { startIcsSimulator } from '../../../test/support/ics-simulator.ts';
import { type FoxHostileBehaviour, foxHostileBehaviours, type FoxStationPersona, serveFoxStation } from '../../lab/services/fox-station.ts';
import { fox, foxs } from './index.ts';

const ctx = createLoopbackContext({ ioTimeoutMs: 400, deadlineMs: 2500, maxBytes: 16 * 1024 });
const host = '127.151.3.1';

const persona: FoxStationPersona = {
  hello: [
    ['fox.version', 's:1.0'],
    ['id', 'i:99'],
    ['hostName', 's:jace-east'],
    ['hostAddress', 's:10.0.0.5'],
    ['app.name', 's:Station'],
    ['app.version', 's:4.10.1.36'],
    ['vm.name', 's:OpenJDK 64-Bit Server VM'],
    ['vm.version', 's:25.302-b08'],
    ['os.name', 's:QNX'],
    ['os.version', 's:6.5.0'],
    ['station.name', 's:East_Plant'],
    ['timeZone', 's:Europe/Berlin;3600000;3600000'],
    ['hostId', 's:Qnx-TITAN-0000-1F2A-33C1'],
    ['brandId', 's:vykon'],
    ['sysInfo', 'o:bog 12[<bog v="1"/>]'],
  ],
};

test('a station: every hello field recorded; the grab sends nothing after its hello', async () => {
  const station = await startIcsSimulator(host, (socket, stats) => serveFoxStation(socket, persona, stats));
  try {
    const outcome = await fox.grab(ctx, { ip: host, port: station.port });
    assert.equal(outcome.status, 'success', outcome.error);
    assert.deepEqual(outcome.result, {
      complete: true,
      foxVersion: '1.0',
      hostName: 'jace-east',
      hostAddress: '10.0.0.5',
      appName: 'Station',
      appVersion: '4.10.1.36',
      vmName: 'OpenJDK 64-Bit Server VM',
      vmVersion: '25.302-b08',
      osName: 'QNX',
      osVersion: '6.5.0',
      stationName: 'East_Plant',
      brandId: 'vykon',
      timeZone: 'Europe/Berlin;3600000;3600000',
      hostId: 'Qnx-TITAN-0000-1F2A-33C1',
    });
    assert.equal(station.stats.snapshot().commandsAfterLogin, 0);
  } finally {
    await station.close();
  }
});

const expectedStatus: Record<FoxHostileBehaviour, string> = {
  silent: 'io-timeout',
  'never-ends': 'byte-cap-exceeded',
  garbage: 'protocol-error',
  'huge-line': 'byte-cap-exceeded',
};

for (const behaviour of foxHostileBehaviours) {
  test(`hostile station "${behaviour}": ${expectedStatus[behaviour]} within the grab's bounds`, async () => {
    const station = await startIcsSimulator(host, (socket, stats) => serveFoxStation(socket, persona, stats, behaviour));
    try {
      const outcome = await fox.grab(ctx, { ip: host, port: station.port });
      assert.equal(outcome.status, expectedStatus[behaviour], outcome.error);
      // A hello that never closes is kept as far as it went, marked incomplete.
      if (behaviour !== 'silent' && behaviour !== 'garbage') assert.equal(outcome.result.complete, false);
      assert.equal(station.connections(), 1);
    } finally {
      await station.close();
    }
  });
}

test('Fox over TLS (4911): the same hello read inside the TLS session', async () => {
  const certificate = selfSigned('/CN=niagara-station');
  const stats = createLabStats();
  const server = createTlsServer({ key: certificate.key, cert: certificate.cert }, (socket) => serveFoxStation(socket, persona, stats));
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  try {
    const outcome = await foxs.grab(contextFor(ctx, 'tls'), { ip: host, port });
    assert.equal(outcome.status, 'success', outcome.error);
    assert.deepEqual([outcome.result.brandId, outcome.result.appVersion, outcome.result.complete], ['vykon', '4.10.1.36', true]);
    assert.equal(stats.snapshot().commandsAfterLogin, 0);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
