/**
 * Hostile TLS peers: services that complete the handshake and only then turn hostile, or whose
 * handshake carries a hostile certificate. The generic hostilities of hostile-peers.ts (tarpit,
 * drip, endless text, garbage, oversized fields, redirect loops, bombs) run unchanged behind a
 * TLS front that decrypts and forwards both ways; the TLS-only ones (a close_notify at once or
 * in the middle of the reply, renegotiation over and over, a stream of one-byte records,
 * expired, oversized and name-stuffed certificates) are played by the front itself.
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { hostileCertificate, type HostileCertificate, oids } from './hostile-certificates.ts';
import { startHostileTcpPeer, tcpHostilities, type HostilePeer, type TcpFlavour, type TcpHostility } from './hostile-peers.ts';

export const tlsOnlyHostilities = [
  'close-at-once',
  'close-mid-reply',
  'renegotiation-storm',
  'tiny-records',
  'expired-certificate',
  'hostile-subject',
  'stuffed-names',
  'megabyte-chain',
] as const;
export type TlsOnlyHostility = (typeof tlsOnlyHostilities)[number];
export type TlsHostility = TcpHostility | TlsOnlyHostility;

/** Hostilities whose peer otherwise answers honestly, so that the grab gets to keep the certificate. */
export const certificateHostilities: ReadonlySet<TlsHostility> = new Set(['expired-certificate', 'hostile-subject', 'stuffed-names']);

/** What an honest service of the protocol answers to the grab's first request. */
export interface HonestAnswer {
  /** The reply is due once this much of a request has arrived (HTTP: a blank line; others: any byte). */
  due(received: string): boolean;
  reply: Buffer;
}

const text = (value: string) => Buffer.from(value, 'latin1');

export const honestAnswers: Readonly<Record<string, HonestAnswer>> = {
  https: {
    due: (received) => received.includes('\r\n\r\n'),
    reply: text('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 31\r\n\r\n<title>a hostile device</title>'),
  },
  // CONNACK: session not present, accepted.
  mqtts: { due: (received) => received.length > 0, reply: Buffer.from([0x20, 0x02, 0x00, 0x00]) },
  foxs: { due: (received) => received.length > 0, reply: text('fox a 0 -1 fox hello\n{\nfox.version=s:1.0\nhostName=s:jace\napp.name=s:Station\n};;\n') },
};

const year = 365 * 24 * 3600 * 1000;
const controlRun = '\u0000\u0007\u001b[31m\r\n\u007f';

/** The certificate each hostility presents; an ordinary self-signed one for the rest. */
function certificateFor(behaviour: TlsHostility | 'ordinary'): HostileCertificate {
  const now = Date.now();
  const current = { notBefore: new Date(now - year), notAfter: new Date(now + year) };
  switch (behaviour) {
    case 'expired-certificate':
      return hostileCertificate({
        subject: [[oids.commonName, 'expired.camera.example']],
        notBefore: new Date(now - 20 * year),
        notAfter: new Date(now - 10 * year),
      });
    case 'hostile-subject':
      // 64 KiB of common name laced with NUL, BEL, an ANSI colour escape, CR LF and DEL; a short issuer
      // keeps the certificate under OpenSSL's 100 KiB handshake-message limit, so it arrives.
      return hostileCertificate({
        subject: [[oids.commonName, `${controlRun}${'N'.repeat(1000)}`.repeat(64).slice(0, 64 * 1024)]],
        issuer: [[oids.commonName, `issuer${controlRun}`]],
        ...current,
        dnsNames: ['camera.example', `x${controlRun}.example`],
      });
    case 'stuffed-names':
      return hostileCertificate({
        subject: Array.from({ length: 2000 }, (_, index) => [oids.organizationalUnit, `unit ${index}`] as const),
        issuer: [[oids.commonName, 'issuer']],
        ...current,
        dnsNames: Array.from({ length: 2000 }, (_, index) => `name-${index}.example`),
      });
    case 'megabyte-chain': {
      // 16 extra certificates of 64 KiB each behind the leaf: the chain alone is over a megabyte.
      const bulky = { subject: [[oids.commonName, 'C'.repeat(64 * 1024)]] as const, issuer: [[oids.commonName, 'issuer']] as const, ...current };
      return hostileCertificate({ subject: [[oids.commonName, 'leaf.camera.example']], ...current }, { count: 16, spec: bulky });
    }
    default:
      return hostileCertificate({ subject: [[oids.commonName, 'hostile.camera.example']], ...current });
  }
}

/** The certificates peers present, made once before any grab: signing a megabyte chain stalls the event loop the grabs share. */
export interface TlsCertificates {
  for(behaviour: TlsHostility): HostileCertificate;
}

/**
 * Make every hostile certificate, and one ordinary certificate for the other hostilities.
 * @example const certificates = makeTlsCertificates(); await startHostileTlsPeer(host, 'drip', 'https', certificates)
 */
export function makeTlsCertificates(): TlsCertificates {
  const special: ReadonlyArray<TlsHostility> = ['expired-certificate', 'hostile-subject', 'stuffed-names', 'megabyte-chain'];
  const made = new Map(special.map((behaviour) => [behaviour, certificateFor(behaviour)] as const));
  const ordinary = certificateFor('ordinary');
  return { for: (behaviour) => made.get(behaviour) ?? ordinary };
}

/**
 * Start a hostile TLS peer for `protocol` (https, mqtts, foxs) on `host` and `listenPort` (0: chosen by the kernel).
 * @example const peer = await startHostileTlsPeer('127.211.1.1', 'drip', 'https', makeTlsCertificates(), flavours.https)
 */
export async function startHostileTlsPeer(
  host: string,
  behaviour: TlsHostility,
  protocol: string,
  certificates: TlsCertificates,
  flavour: TcpFlavour = {},
  listenPort = 0,
): Promise<HostilePeer> {
  const honest = honestAnswers[protocol];
  if (!honest) throw new Error(`no honest answer for ${protocol}`);
  const inner = (tcpHostilities as readonly string[]).includes(behaviour) ? await startHostileTcpPeer(host, behaviour as TcpHostility, flavour) : undefined;
  const { certPem, keyPem } = certificates.for(behaviour);
  const sockets = new Set<Socket>();
  const server = createTlsServer(
    {
      key: keyPem,
      cert: certPem,
      // Renegotiation exists only up to TLS 1.2.
      ...(behaviour === 'renegotiation-storm' ? { maxVersion: 'TLSv1.2' as const } : {}),
    },
    (secure) => {
      sockets.add(secure);
      secure.on('close', () => sockets.delete(secure));
      secure.on('error', () => secure.destroy());
      if (inner) forward(secure, inner, sockets);
      else play(secure, behaviour as TlsOnlyHostility, honest, flavour);
    },
  );
  // Handshakes a client abandons are not this peer's concern.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host,
    port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await inner?.close();
    },
  };
}

/** Decrypted bytes both ways between the client and the plain hostile peer, with backpressure. */
function forward(secure: TLSSocket, inner: HostilePeer, sockets: Set<Socket>): void {
  const plain = connectTcp({ host: inner.host, port: inner.port });
  sockets.add(plain);
  plain.on('close', () => {
    sockets.delete(plain);
    secure.end();
  });
  plain.on('error', () => secure.destroy());
  secure.on('close', () => plain.destroy());
  secure.pipe(plain);
  plain.pipe(secure);
}

function play(secure: TLSSocket, behaviour: TlsOnlyHostility, honest: HonestAnswer, flavour: TcpFlavour): void {
  if (behaviour === 'close-at-once') {
    secure.end();
    return;
  }
  let received = '';
  let answered = false;
  secure.on('data', (chunk: Buffer) => {
    received = (received + chunk.toString('latin1')).slice(-64 * 1024);
    if (answered || !honest.due(received)) return;
    answered = true;
    answer(secure, behaviour, honest, flavour);
  });
}

function answer(secure: TLSSocket, behaviour: TlsOnlyHostility, honest: HonestAnswer, flavour: TcpFlavour): void {
  switch (behaviour) {
    case 'close-mid-reply':
      secure.end(honest.reply.subarray(0, Math.ceil(honest.reply.length / 2)));
      return;
    case 'renegotiation-storm': {
      // Ask for a new handshake again and again, a little of the reply between each.
      let sent = 0;
      const again = () => {
        if (secure.destroyed) return;
        if (sent < honest.reply.length) secure.write(honest.reply.subarray(sent, sent + 1));
        sent += 1;
        const asked = secure.renegotiate({ rejectUnauthorized: false }, () => setTimeout(again, 20));
        if (!asked) setTimeout(again, 20);
      };
      again();
      return;
    }
    case 'tiny-records':
      void tinyRecords(secure, flavour.oversizedPrefix ?? honest.reply);
      return;
    default:
      secure.write(honest.reply);
  }
}

/**
 * The start of a field that never ends (the flavour's oversized prefix: a header, a length that
 * claims more), then filler, one byte per record until the client hangs up: each write waits
 * for the one before, so TLS cannot merge them into one record.
 */
async function tinyRecords(secure: TLSSocket, prefix: Buffer): Promise<void> {
  for (let records = 0; records < 16 * 1024 * 1024 && !secure.destroyed && secure.writable; records += 1) {
    const next = records < prefix.length ? prefix.subarray(records, records + 1) : filler;
    await new Promise<void>((resolve) => secure.write(next, () => resolve()));
  }
}

const filler = Buffer.from([0x41]);
