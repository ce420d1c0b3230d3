// The RTSP grabber and checker against a real RTSP server: Debian's rtsp-server-perl (the
// RTSP::Server relay), on 127.0.0.1 with ports of its own, started and stopped here. Sources
// ANNOUNCE a stream on its source port; players DESCRIBE it on its client port, with no login:
// an open stream. npm test installs the package (as root), without starting its service.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceObservation } from '../../core/records.ts';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { commonStreamPaths } from './grabber.ts';
import rtsp from './index.ts';

const hasServer = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v rtsp-server-perl'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const ctx = createLoopbackContext({ ioTimeoutMs: 3000, deadlineMs: 15_000 });
const sdp = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=opennotice test stream', 't=0 0', 'm=video 0 RTP/AVP 96', 'a=rtpmap:96 H264/90000', ''].join('\r\n');

let directory = '';
let server: ChildProcess | undefined;
let clientPort = 0;
let sourcePort = 0;
const sources: Socket[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function waitForListener(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) return;
    if (server?.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`rtsp-server-perl did not listen on 127.0.0.1:${port}`);
}

before(async () => {
  // Failing here fails every test of the file with this one reason (nothing is skipped).
  assert.ok(hasServer, 'rtsp-server-perl is missing: npm test installs it as root (apt-get install rtsp-server-perl)');
  directory = mkdtempSync(join(tmpdir(), 'opennotice-rtsp-'));
  clientPort = await freePort();
  do sourcePort = await freePort();
  while (sourcePort === clientPort);
  const args = ['--client_listen_address', '127.0.0.1', '--clientport', String(clientPort)];
  args.push('--source_listen_address', '127.0.0.1', '--serverport', String(sourcePort), '--loglevel', '0');
  server = spawn('rtsp-server-perl', args, { cwd: directory, stdio: 'ignore' });
  await waitForListener(clientPort);
  await waitForListener(sourcePort);
});

after(async () => {
  for (const socket of sources) socket.destroy();
  if (server && server.exitCode === null) {
    const exited = once(server, 'exit');
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
    if (server.exitCode === null) server.kill('SIGKILL');
  }
  if (directory) rmSync(directory, { recursive: true, force: true });
});

/** Publish a stream at `path` as a source would (ANNOUNCE with its description); the connection stays open. */
async function announce(path: string): Promise<string> {
  const socket = connect({ host: '127.0.0.1', port: sourcePort });
  sources.push(socket);
  await once(socket, 'connect');
  socket.write(
    `ANNOUNCE rtsp://127.0.0.1:${sourcePort}${path} RTSP/1.0\r\nCSeq: 1\r\nContent-Type: application/sdp\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`,
  );
  let received = '';
  for (let chunks = 0; chunks < 20 && !received.includes('\r\n\r\n'); chunks++) {
    const [chunk] = (await Promise.race([
      once(socket, 'data'),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer to ANNOUNCE')), 3000)),
    ])) as [Buffer];
    received += chunk.toString('latin1');
  }
  return received.split('\r\n')[0] ?? '';
}

function observation(result: Record<string, unknown>): ServiceObservation {
  return { ip: '127.0.0.1', port: clientPort, protocol: 'rtsp', status: 'success', result, durationMs: 1, observedAt: '' };
}

test('rtsp-server-perl is installed (npm test installs it)', () => {
  assert.ok(hasServer, 'rtsp-server-perl is missing: npm test installs it as root (apt-get install rtsp-server-perl)');
});

test('a real server with nothing published: its methods, no Server header, every stream path not found, no login to check', async () => {
  const outcome = await rtsp.grab(ctx, { ip: '127.0.0.1', port: clientPort });
  assert.equal(outcome.status, 'success', outcome.error);
  assert.deepEqual(outcome.result.publicMethods, ['OPTIONS', 'DESCRIBE', 'TEARDOWN', 'SETUP', 'PLAY', 'STOP']);
  assert.equal(outcome.result.server, undefined, 'RTSP::Server sends no Server header');
  assert.deepEqual([outcome.result.status, outcome.result.statusLine, outcome.result.path], [404, 'RTSP/1.0 404 Not Found', commonStreamPaths.at(-1)]);
  assert.equal(rtsp.credentials?.appliesTo(observation(outcome.result)), false);
});

test('a stream published at a common path: found after "/" says 404, described without a login, reported as no-authentication', async () => {
  assert.equal(await announce('/live'), 'RTSP/1.0 200 OK');
  const outcome = await rtsp.grab(ctx, { ip: '127.0.0.1', port: clientPort });
  assert.equal(outcome.status, 'success', outcome.error);
  assert.deepEqual([outcome.result.status, outcome.result.path, outcome.result.auth], [200, '/live', undefined]);
  assert.deepEqual(outcome.result.sdp, { sessionName: 'opennotice test stream', media: ['video/H264'] });
  const service = observation(outcome.result);
  assert.equal(rtsp.credentials?.appliesTo(service), true);
  const check = await rtsp.credentials!.check(ctx, service, [], { maxAttempts: 5, audit: () => assert.fail('no attempt on an open stream') });
  assert.deepEqual([check.noAuthentication, check.attempts, check.evidence.path], [true, 0, '/live']);
});
