import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { ReadStep } from '../../../scope/connection.ts';
import { supportedAlgorithms, type AlgorithmPreferences } from './algorithms.ts';
import { clientHandshake, HandshakeEnded, serverHandshake } from './handshake.ts';
import { hostKeyFingerprint, hostKeySigner, type HostKeySigner } from './host-key.ts';
import { createMessageStream, type ByteChannel } from './stream.ts';
import { SshProtocolError } from './wire.ts';

/** Two connected in-memory byte channels: what one writes, the other reads. */
function pipe(): [ByteChannel, ByteChannel] {
  const make = () => ({ queue: [] as ReadStep[], waiting: undefined as ((step: ReadStep) => void) | undefined });
  const sides = [make(), make()];
  const channel = (self: ReturnType<typeof make>, peer: ReturnType<typeof make>): ByteChannel => ({
    next: () => {
      const step = self.queue.shift();
      return step ? Promise.resolve(step) : new Promise((resolve) => (self.waiting = resolve));
    },
    write: (data) => {
      const step: ReadStep = { chunk: Buffer.from(data) };
      if (peer.waiting) {
        const resolve = peer.waiting;
        peer.waiting = undefined;
        resolve(step);
      } else peer.queue.push(step);
    },
  });
  return [channel(sides[0]!, sides[1]!), channel(sides[1]!, sides[0]!)];
}

const hostKeys = {
  ed25519: hostKeySigner(generateKeyPairSync('ed25519').privateKey),
  p256: hostKeySigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
  rsa: hostKeySigner(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
};

async function roundTrip(clientPreferences: AlgorithmPreferences, hostKey: HostKeySigner, serverPreferences: AlgorithmPreferences = supportedAlgorithms) {
  const [clientSide, serverSide] = pipe();
  const client = createMessageStream(clientSide);
  const server = createMessageStream(serverSide);
  const serverVersion = 'SSH-2.0-dropbear_2019.78';
  await server.writeIdentification(serverVersion);
  const [ours, theirs] = await Promise.all([
    clientHandshake(client, { clientVersion: 'SSH-2.0-opennotice', preferences: clientPreferences }),
    serverHandshake(server, { serverVersion, preferences: { ...serverPreferences, hostKey: hostKey.algorithms }, hostKey }),
  ]);
  // The keys agree both ways: an encrypted message crosses in each direction.
  await client.writeMessage(Buffer.from([5, 1, 2, 3]));
  assert.deepEqual(await server.readMessage(), { payload: Buffer.from([5, 1, 2, 3]) });
  await server.writeMessage(Buffer.from([6, 9]));
  assert.deepEqual(await client.readMessage(), { payload: Buffer.from([6, 9]) });
  return { ours, theirs };
}

test('client and server agree for every key exchange, host key, cipher and MAC we implement', async () => {
  const hostKeyCases: Array<[string, HostKeySigner]> = [
    ['ssh-ed25519', hostKeys.ed25519],
    ['ecdsa-sha2-nistp256', hostKeys.p256],
    ['rsa-sha2-256', hostKeys.rsa],
    ['ssh-rsa', hostKeys.rsa],
  ];
  let combinations = 0;
  for (const kex of supportedAlgorithms.kex) {
    for (const [hostKeyAlgorithm, signer] of hostKeyCases) {
      for (const cipher of supportedAlgorithms.cipher) {
        const mac = supportedAlgorithms.mac[combinations % 2]!;
        const { ours, theirs } = await roundTrip({ kex: [kex], hostKey: [hostKeyAlgorithm], cipher: [cipher], mac: [mac] }, signer);
        assert.equal(ours.negotiated.kex, kex);
        assert.equal(ours.negotiated.hostKey, hostKeyAlgorithm);
        assert.equal(ours.negotiated.cipherServerToClient.name, cipher);
        assert.deepEqual(ours.sessionId, theirs.sessionId, 'both sides computed the same exchange hash');
        assert.equal(ours.hostKeyFingerprint, hostKeyFingerprint(signer.blob));
        assert.equal(ours.peerVersion, 'SSH-2.0-dropbear_2019.78');
        assert.equal(theirs.peerVersion, 'SSH-2.0-opennotice');
        combinations++;
      }
    }
  }
  assert.equal(combinations, 5 * 4 * 4);
});

test('a signature that does not verify is a protocol error, not a login session', async () => {
  const liar: HostKeySigner = { ...hostKeys.ed25519, sign: (algorithm) => hostKeys.ed25519.sign(algorithm, Buffer.from('not the exchange hash')) };
  await assert.rejects(roundTrip(supportedAlgorithms, liar), (error: unknown) => error instanceof SshProtocolError && /does not verify/.test(error.message));
});

test('no common algorithm: the client refuses with the server’s list in the message', async () => {
  const [clientSide, serverSide] = pipe();
  const server = createMessageStream(serverSide);
  await server.writeIdentification('SSH-2.0-OpenSSH_9.9');
  const serving = serverHandshake(server, {
    serverVersion: 'SSH-2.0-OpenSSH_9.9',
    preferences: { ...supportedAlgorithms, cipher: ['aes128-gcm@openssh.com'] },
    hostKey: hostKeys.ed25519,
  });
  await assert.rejects(
    clientHandshake(createMessageStream(clientSide), { clientVersion: 'SSH-2.0-opennotice', preferences: { ...supportedAlgorithms, cipher: ['aes128-ctr'] } }),
    /no common cipher .*aes128-gcm@openssh.com/,
  );
  await assert.rejects(serving, /no common cipher/, 'the server refuses the same way');
});

test('the stream ending mid-exchange is HandshakeEnded with its read end; SSH-1 servers are refused', async () => {
  const ended: ByteChannel = { next: async () => ({ end: 'io-timeout' }), write: () => undefined };
  await assert.rejects(
    clientHandshake(createMessageStream(ended), { clientVersion: 'SSH-2.0-opennotice', preferences: supportedAlgorithms }),
    (error: unknown) => error instanceof HandshakeEnded && error.read.end === 'io-timeout',
  );
  const chunks = [Buffer.from('SSH-1.5-Cisco-1.25\r\n')];
  const ssh1: ByteChannel = { next: async () => (chunks.length ? { chunk: chunks.shift()! } : { end: 'closed' }), write: () => undefined };
  await assert.rejects(
    clientHandshake(createMessageStream(ssh1), { clientVersion: 'SSH-2.0-opennotice', preferences: supportedAlgorithms }),
    /not SSH protocol 2/,
  );
});
