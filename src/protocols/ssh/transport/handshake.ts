/**
 * The SSH key exchange (RFC 4253 §7–8) from either side: KEXINIT both ways, negotiate,
 * one KEX_INIT/KEX_REPLY round (ECDH, Curve25519 and group14 all use messages 30/31),
 * the server's signature over the exchange hash, NEWKEYS both ways, keys switched on.
 */
import { negotiateAlgorithms, encodeKexInit, guessWasWrong, parseKexInit, type AlgorithmPreferences, type NegotiatedAlgorithms } from './algorithms.ts';
import { hostKeyFingerprint, verifyHostKeySignature, type HostKeySigner } from './host-key.ts';
import { deriveSessionKeys, encodePublicValue, exchangeHash, kexMethods, type KexMethod } from './kex.ts';
import type { MessageRead, MessageStream } from './stream.ts';
import { createWireReader, sshByte, sshMessage, sshString, SshProtocolError } from './wire.ts';

/** What a finished key exchange established. */
export interface HandshakeResult {
  /** The peer's identification line. */
  peerVersion: string;
  negotiated: NegotiatedAlgorithms;
  sessionId: Buffer;
  hostKeyFingerprint: string;
}

/** The key exchange stopped because the stream ended (not because of garbage, which throws). */
export class HandshakeEnded extends Error {
  readonly read: Exclude<MessageRead, { payload: Buffer }>;
  /** Where it ended, e.g. "the identification exchange" (a server that hangs up there may be busy). */
  readonly stage: string;
  constructor(read: Exclude<MessageRead, { payload: Buffer }>, stage: string) {
    super(read.error ?? `connection ${read.end} during ${stage}`);
    this.name = 'HandshakeEnded';
    this.read = read;
    this.stage = stage;
  }
}

/** The stage name of the identification exchange, for callers that look at `HandshakeEnded.stage`. */
export const identificationStage = 'the identification exchange';

async function expectMessage(stream: MessageStream, type: number, stage: string): Promise<Buffer> {
  const read = await stream.readMessage();
  if (!('payload' in read)) throw new HandshakeEnded(read, stage);
  if (read.payload[0] !== type) throw new SshProtocolError(`expected message ${type} during ${stage}, got ${read.payload[0]}`);
  return read.payload;
}

function methodOf(negotiated: NegotiatedAlgorithms): KexMethod {
  const method = kexMethods[negotiated.kex];
  if (!method) throw new SshProtocolError(`negotiated an unimplemented key exchange ${negotiated.kex}`);
  return method;
}

/** Read the public value of a KEX_INIT / the fields of a KEX_REPLY, as the method encodes them. */
const readPublic = (reader: ReturnType<typeof createWireReader>, method: KexMethod) => (method.publicEncoding === 'string' ? reader.bytes() : reader.mpint());

/**
 * Client side: identification, key exchange, NEWKEYS. Throws SshProtocolError for
 * garbage or a bad signature, HandshakeEnded when the server goes away.
 * @example const session = await clientHandshake(stream, { clientVersion: 'SSH-2.0-opennotice', preferences: supportedAlgorithms })
 */
export async function clientHandshake(stream: MessageStream, options: { clientVersion: string; preferences: AlgorithmPreferences }): Promise<HandshakeResult> {
  await stream.writeIdentification(options.clientVersion);
  const identification = await stream.readIdentification();
  if (!('line' in identification)) throw new HandshakeEnded(identification, identificationStage);
  const peerVersion = identification.line;
  if (!/^SSH-(?:2\.0|1\.99)-/.test(peerVersion)) throw new SshProtocolError(`not SSH protocol 2: ${JSON.stringify(peerVersion.slice(0, 80))}`);

  const ourKexInit = encodeKexInit(options.preferences);
  await stream.writeMessage(ourKexInit);
  const theirKexInit = parseKexInit(await expectMessage(stream, sshMessage.KEXINIT, 'KEXINIT'));
  const negotiated = negotiateAlgorithms(parseKexInit(ourKexInit), theirKexInit);
  const method = methodOf(negotiated);
  const agreement = method.create();
  await stream.writeMessage(Buffer.concat([sshByte(sshMessage.KEX_INIT), encodePublicValue(method, agreement.publicValue)]));

  // A server's guessed KEX packet for another method is dropped unread (RFC 4253 §7).
  if (theirKexInit.firstKexPacketFollows && guessWasWrong(theirKexInit, negotiated)) await stream.readMessage();
  const reply = createWireReader(await expectMessage(stream, sshMessage.KEX_REPLY, 'the key exchange reply'), 'KEX reply');
  reply.byte();
  const hostKeyBlob = reply.bytes();
  const serverPublic = readPublic(reply, method);
  const signature = reply.bytes();
  const sharedSecret = agreement.computeSecret(serverPublic);
  const exchange = exchangeHash(method, {
    clientVersion: options.clientVersion,
    serverVersion: peerVersion,
    clientKexInit: ourKexInit,
    serverKexInit: theirKexInit.payload,
    hostKeyBlob,
    clientPublic: agreement.publicValue,
    serverPublic,
    sharedSecret,
  });
  if (!verifyHostKeySignature(negotiated.hostKey, hostKeyBlob, signature, exchange))
    throw new SshProtocolError('the host key signature over the exchange hash does not verify');

  const keys = deriveSessionKeys(method.hash, sharedSecret, exchange, exchange, negotiated);
  await stream.writeMessage(sshByte(sshMessage.NEWKEYS));
  stream.useSendKeys(keys.clientToServer);
  await expectMessage(stream, sshMessage.NEWKEYS, 'NEWKEYS');
  stream.useReceiveKeys(keys.serverToClient);
  return { peerVersion, negotiated, sessionId: exchange, hostKeyFingerprint: hostKeyFingerprint(hostKeyBlob) };
}

/**
 * Server side, after our identification line went out: read the client's, exchange
 * KEXINIT, answer its KEX_INIT with our host key's signature, NEWKEYS both ways.
 * @example await serverHandshake(stream, { serverVersion: 'SSH-2.0-dropbear_2019.78', preferences, hostKey })
 */
export async function serverHandshake(
  stream: MessageStream,
  options: { serverVersion: string; preferences: AlgorithmPreferences; hostKey: HostKeySigner },
): Promise<HandshakeResult> {
  const identification = await stream.readIdentification({ strict: true });
  if (!('line' in identification)) throw new HandshakeEnded(identification, identificationStage);
  const peerVersion = identification.line;
  if (!/^SSH-(?:2\.0|1\.99)-/.test(peerVersion)) throw new SshProtocolError('Protocol mismatch.');

  const ourKexInit = encodeKexInit(options.preferences);
  await stream.writeMessage(ourKexInit);
  const theirKexInit = parseKexInit(await expectMessage(stream, sshMessage.KEXINIT, 'KEXINIT'));
  const negotiated = negotiateAlgorithms(theirKexInit, parseKexInit(ourKexInit));
  const method = methodOf(negotiated);
  if (theirKexInit.firstKexPacketFollows && guessWasWrong(theirKexInit, negotiated)) await stream.readMessage();

  const init = createWireReader(await expectMessage(stream, sshMessage.KEX_INIT, 'the key exchange'), 'KEX init');
  init.byte();
  const clientPublic = readPublic(init, method);
  const agreement = method.create();
  const sharedSecret = agreement.computeSecret(clientPublic);
  const exchange = exchangeHash(method, {
    clientVersion: peerVersion,
    serverVersion: options.serverVersion,
    clientKexInit: theirKexInit.payload,
    serverKexInit: ourKexInit,
    hostKeyBlob: options.hostKey.blob,
    clientPublic,
    serverPublic: agreement.publicValue,
    sharedSecret,
  });
  const signature = options.hostKey.sign(negotiated.hostKey, exchange);
  await stream.writeMessage(
    Buffer.concat([sshByte(sshMessage.KEX_REPLY), sshString(options.hostKey.blob), encodePublicValue(method, agreement.publicValue), sshString(signature)]),
  );
  const keys = deriveSessionKeys(method.hash, sharedSecret, exchange, exchange, negotiated);
  await stream.writeMessage(sshByte(sshMessage.NEWKEYS));
  stream.useSendKeys(keys.serverToClient);
  await expectMessage(stream, sshMessage.NEWKEYS, 'NEWKEYS');
  stream.useReceiveKeys(keys.clientToServer);
  return { peerVersion, negotiated, sessionId: exchange, hostKeyFingerprint: hostKeyFingerprint(options.hostKey.blob) };
}
