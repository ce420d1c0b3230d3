// Detection of the HTTP-based device protocols on their usual ports (on addresses of this
// test's own loopback range, 127.92.0.0/16): a UPnP stack on 49152 and 5000 is UPnP, a TR-069
// server on 7547 is CWMP, and an ordinary web interface on 5000 stays HTTP.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { createLabHttpServer } from '../../lab/services/http-server.ts';
import { cwmpServerSite } from '../../lab/services/cwmp-server.ts';
import { upnpDeviceSite } from '../../lab/services/upnp-device.ts';
import { createLabStats } from '../../lab/stats.ts';
import type { HttpSite } from '../../lab/vendors/profile.ts';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { type DetectionLimits, detectService } from '../detect.ts';
import { shippedProtocols } from '../registry.ts';

const ctx = createLoopbackContext({ connectTimeoutMs: 1000, ioTimeoutMs: 1500, deadlineMs: 8000 });
const limits: DetectionLimits = { bannerWaitMs: 400, briefWaitMs: 150, replyWaitMs: 800, maxProbes: 6, maxBytes: 4096 };
const http = createLabHttpServer(createLabStats());
const servers: Server[] = [];

after(async () => {
  http.close();
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

async function serve(site: HttpSite, ip: string, port: number): Promise<void> {
  const server = createServer((socket) => http.accept(socket, site));
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, ip, resolve);
  });
}

const persona = { friendlyName: 'Gateway', manufacturer: 'Kestrix Networks', modelName: 'KX-R300', modelNumber: '1', serialNumber: 'S', udn: 'uuid:1' };

test('UPnP stacks on 49152 and 5000 and a TR-069 server on 7547 are named by their own probes; a NAS web interface on 5000 stays HTTP', async () => {
  await serve(
    upnpDeviceSite({ kind: 'description', persona }, { path: '/description.xml', server: 'Linux/3.14, UPnP/1.0, Portable SDK for UPnP devices/1.6.19' }),
    '127.92.0.1',
    49152,
  );
  await serve(upnpDeviceSite({ kind: 'description', persona }), '127.92.0.1', 5000);
  await serve(cwmpServerSite({ server: 'RomPager/4.07 UPnP/1.0', realm: 'IgdAuthentication', seed: 'x' }), '127.92.0.1', 7547);
  await serve(
    () => ({ status: 200, headers: [['Server', 'nginx']], body: '<html><title>Synology DiskStation</title></html>', sendDate: true }),
    '127.92.0.2',
    5000,
  );
  for (const [ip, port, name] of [
    ['127.92.0.1', 49152, 'upnp'],
    ['127.92.0.1', 5000, 'upnp'],
    ['127.92.0.1', 7547, 'cwmp'],
    ['127.92.0.2', 5000, 'http'],
  ] as const) {
    const found = await detectService(ctx, { ip, port }, shippedProtocols, limits);
    assert.deepEqual([found.protocol?.name, found.method, found.probes], [name, 'probe', 1], `${ip}:${port}`);
  }
});
