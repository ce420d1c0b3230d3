import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { rawConnect } from '../../test/support/lab/raw-client.ts';
import { labHostKey, serveSsh } from './services/ssh-server.ts';
import { createLabStats } from './stats.ts';
import { dropbearPersona, sshPersonaOf } from './vendors/ssh-kit.ts';
import { vendorProfile } from './vendors/index.ts';
import type { LabDevice, LabService } from './types.ts';

let server: Server;
let port = 0;
const stats = createLabStats();

before(async () => {
  const service: LabService = { port: 22, protocol: 'ssh', auth: 'login', credential: { username: 'root', password: 'root' }, software: 'dropbear_2014.63' };
  server = createServer((socket) => serveSsh(socket, service, { persona: dropbearPersona(), hostKey: labHostKey(1, '127.0.0.1', 22), stats }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('host keys: Ed25519, reproducible from the lab seed, one per device and port', () => {
  const key = labHostKey(1, '127.77.0.5', 22);
  assert.deepEqual(key.algorithms, ['ssh-ed25519']);
  assert.deepEqual(labHostKey(1, '127.77.0.5', 22).blob, key.blob, 'same lab, same key');
  assert.notDeepEqual(labHostKey(2, '127.77.0.5', 22).blob, key.blob);
  assert.notDeepEqual(labHostKey(1, '127.77.0.6', 22).blob, key.blob);
  assert.notDeepEqual(labHostKey(1, '127.77.0.5', 2222).blob, key.blob);
});

test('personas: Storix runs OpenSSH with keyboard-interactive only, dropbear vendors take passwords', () => {
  const device = { ip: '127.77.0.5', role: 'device', services: [] } as unknown as LabDevice;
  const storix = sshPersonaOf(vendorProfile('Storix'), device, { port: 22, protocol: 'ssh', software: 'OpenSSH_7.4' });
  assert.equal(storix.passwordMethod, 'keyboard-interactive');
  assert.equal(storix.hangUp, 'disconnect-instead-of-failure');
  const quillon = sshPersonaOf(vendorProfile('Quillon'), device, { port: 22, protocol: 'ssh', software: 'dropbear_2016.74' });
  assert.equal(quillon.passwordMethod, 'password');
  assert.ok(quillon.maxAuthTries >= 3 && quillon.maxAuthTries <= 6);
});

test('identification as before: the line at once, plain-text complaints for a client that is not SSH', async () => {
  const notSsh = await rawConnect('127.0.0.1', port);
  await notSsh.waitFor((bytes) => bytes.toString('latin1') === 'SSH-2.0-dropbear_2014.63\r\n');
  notSsh.write('GET / HTTP/1.0\r\n\r\n');
  await notSsh.closed();
  assert.equal(notSsh.received().toString('latin1'), 'SSH-2.0-dropbear_2014.63\r\nInvalid SSH identification string.\r\n');
  const tooLong = await rawConnect('127.0.0.1', port);
  tooLong.write(`SSH-2.0-${'x'.repeat(300)}`);
  await tooLong.closed();
  assert.match(tooLong.received().toString('latin1'), /\r\nProtocol mismatch\.\r\n$/);
  assert.equal(stats.snapshot().loginAttempts, 0);
});

test('garbage from a client closes its connection and nothing else: the server keeps serving', async () => {
  for (let round = 0; round < 25; round++) {
    const client = await rawConnect('127.0.0.1', port);
    const noise = Buffer.concat(Array.from({ length: 1 + round }, (_, index) => createHash('sha256').update(`client noise ${round} ${index}`).digest()));
    client.write(Buffer.concat([Buffer.from('SSH-2.0-fuzzer\r\n'), noise]));
    await client.closed();
    assert.ok(client.received().toString('latin1').startsWith('SSH-2.0-dropbear_2014.63\r\n'));
  }
  const healthy = await rawConnect('127.0.0.1', port);
  await healthy.waitFor((bytes) => bytes.toString('latin1').startsWith('SSH-2.0-'));
  healthy.close();
  assert.equal(stats.snapshot().successfulLogins, 0);
});
