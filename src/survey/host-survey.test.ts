// One host's survey against two loopback services: a login that uses the whole try budget,
// and a service whose grab alone proves it open. The second must be reported all the same.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { createLoopbackContext } from '../../test/support/loopback-context.ts';
import type { DictionaryEntry } from '../assess/credentials/dictionary.ts';
import { defaultDetectionLimits } from '../protocols/detect.ts';
import { defaultLoginTiming } from '../protocols/login-pacing.ts';
import { defineProtocol } from '../protocols/protocol.ts';
import { createProtocolRegistry } from '../protocols/registry.ts';
import { surveyHost } from './host-survey.ts';

const ip = '127.88.1.1';
const servers: Server[] = [];
after(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))));

async function greeter(port: number, greeting: string): Promise<void> {
  const server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.end(greeting);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, ip, resolve));
}

const entries: DictionaryEntry[] = ['a', 'b', 'c', 'd'].map((name, index) => ({
  id: `t-${index}`,
  username: name,
  password: name,
  vendors: [],
  protocols: [],
  reason: 'trivial',
  sources: ['pattern'],
  rank: 7,
}));

let openChecks = 0;
const withLogin = defineProtocol<{ line: string }>({
  name: 'with-login',
  description: 'a login that refuses every pair',
  transport: 'tcp',
  defaultPorts: [7101],
  fields: { line: 'text' },
  detect: { banner: (bytes) => bytes.toString('latin1').startsWith('LOGIN') },
  grab: async () => ({ status: 'success', result: { line: 'LOGIN' } }),
  credentials: {
    appliesTo: () => true,
    async check(_ctx, service, tried, limits) {
      let attempts = 0;
      for (const entry of tried.slice(0, limits.maxAttempts)) {
        attempts++;
        limits.audit({
          ip: service.ip,
          port: service.port,
          protocol: 'with-login',
          dictionaryEntryId: entry.id,
          username: entry.username,
          outcome: 'rejected',
          attemptedAt: '',
        });
      }
      return { status: 'success', attempts, evidence: {} };
    },
  },
});
const openByGrab = defineProtocol<{ open: boolean }>({
  name: 'open-by-grab',
  description: 'a service whose grab shows it needs no login',
  transport: 'tcp',
  defaultPorts: [7102],
  fields: { open: 'boolean' },
  detect: { banner: (bytes) => bytes.toString('latin1').startsWith('OPEN') },
  grab: async () => ({ status: 'success', result: { open: true } }),
  credentials: {
    appliesTo: () => true,
    concludeFromGrab: (service) => (service.result.open ? { status: 'success', noAuthentication: true, attempts: 0, evidence: { from: 'grab' } } : undefined),
    async check() {
      openChecks++;
      return { status: 'success', attempts: 0, evidence: {} };
    },
  },
});

test('a service the grab proves open is reported even when the host’s try budget is spent, without a check', async () => {
  await greeter(7101, 'LOGIN please\r\n');
  await greeter(7102, 'OPEN\r\n');
  const result = await surveyHost(
    {
      context: createLoopbackContext({ ioTimeoutMs: 500, deadlineMs: 3000 }),
      now: () => new Date('2026-01-01T00:00:00Z'),
      protocols: createProtocolRegistry([withLogin, openByGrab]),
      detection: { ...defaultDetectionLimits, bannerWaitMs: 300 },
      identify: () => undefined,
      credentials: { dictionary: entries, maxAttemptsPerService: 4, maxAttemptsPerHost: 3, timing: defaultLoginTiming },
    },
    ip,
    [
      { ip, port: 7101, source: 'connect', seenAt: '' },
      { ip, port: 7102, source: 'connect', seenAt: '' },
    ],
  );
  assert.deepEqual(
    result.observations.map((service) => [service.port, service.protocol, service.detection?.method]),
    [
      [7101, 'with-login', 'banner'],
      [7102, 'open-by-grab', 'banner'],
    ],
  );
  assert.equal(result.attempts.length, 3, 'the host budget bounds the login');
  assert.deepEqual(
    result.findings.map((finding) => [finding.kind, finding.port]),
    [['no-authentication', 7102]],
  );
  assert.equal(openChecks, 0, 'what the grab proved needs no check');
  assert.equal(result.logins?.find((report) => report.port === 7102)?.stoppedAtCap, false);
});

test('an error that quotes a hostile peer is recorded as one printable, bounded line', async () => {
  // Regression (R4): an FTP grab quotes a refusing greeting ("greeting 421: …"); a greeting with
  // a NUL byte made PostgreSQL refuse the whole batch of services (invalid byte sequence 0x00).
  const quoting = defineProtocol<{ banner: string }>({
    name: 'quoting',
    description: 'a grab whose error quotes what the peer sent',
    transport: 'tcp',
    defaultPorts: [7103],
    fields: { banner: 'text' },
    detect: { banner: (bytes) => bytes.toString('latin1').startsWith('421') },
    grab: async () => ({ status: 'protocol-error', result: {}, error: `greeting 421: busy\u0000\u001b[31m\r\n${'x'.repeat(2000)}` }),
  });
  const hostileIp = '127.211.88.1';
  const server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.end('421 busy\r\n');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(7103, hostileIp, resolve));
  const result = await surveyHost(
    {
      context: createLoopbackContext({ ioTimeoutMs: 500, deadlineMs: 3000 }),
      now: () => new Date('2026-01-01T00:00:00Z'),
      protocols: createProtocolRegistry([quoting]),
      detection: { ...defaultDetectionLimits, bannerWaitMs: 300 },
      identify: () => undefined,
    },
    hostileIp,
    [{ ip: hostileIp, port: 7103, source: 'connect', seenAt: '' }],
  );
  const error = result.observations[0]?.error ?? '';
  assert.ok(error.startsWith('greeting 421: busy [31m x'), error.slice(0, 40));
  assert.doesNotMatch(error, /[\u0000-\u001f\u007f]/);
  assert.ok(error.length <= 512, `${error.length} characters`);
});
