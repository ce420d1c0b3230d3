/**
 * TLS over a TCP connection the dialer already opened (scope, admission and source address
 * settled). The survey client accepts every certificate, offers every protocol version from
 * TLS 1.0 up and OpenSSL's weakest security level, because its job is to record what old
 * devices present; it sends nothing secret that a stronger policy would protect.
 */
import { X509Certificate } from 'node:crypto';
import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect, createSecureContext, type DetailedPeerCertificate, type SecureContext, type TLSSocket } from 'node:tls';
import type { GrabStatus, Target } from '../core/records.ts';
import { type CertificateDetails, describeCertificate } from './certificate.ts';
import type { TlsDetails } from './tls-details.ts';
import { DialFailure, type Connection, type ConnectionLimits, type DialFailureCode } from './connection.ts';
import { wrapSocket } from './socket-connection.ts';

export interface TlsOptions {
  /** Host name to send as SNI. Not sent when absent, an IP literal or not a DNS host name. */
  servername?: string;
  /** ALPN protocols to offer, most preferred first, e.g. ['h2', 'http/1.1']. None offered when absent. */
  alpn?: readonly string[];
  limits?: Partial<ConnectionLimits>;
}

export type { TlsDetails };

/** The `Connection` contract over the decrypted stream, plus what the handshake showed. */
export interface TlsConnection extends Connection {
  readonly tls: TlsDetails;
}

export interface TlsStart {
  target: Target;
  servername?: string;
  alpn?: readonly string[];
  /** What is left of the connect timeout after the TCP handshake. */
  timeoutMs: number;
  limits: ConnectionLimits;
  context: SecureContext;
  /** Called once when the connection ends (gives the admission slot back). */
  onClose: () => void;
}

// OpenSSL's reasons for bytes that cannot be a TLS record: a banner, an HTTP answer, garbage.
const notTlsCodes = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_RECORD_LAYER_FAILURE',
  'ERR_SSL_UNKNOWN_PROTOCOL',
  'ERR_SSL_UNEXPECTED_RECORD',
  'ERR_SSL_HTTP_REQUEST',
  'ERR_SSL_HTTPS_PROXY_REQUEST',
]);

/**
 * The one client context a dialer uses for every TLS dial (building one per connection
 * would cost a context per target).
 * @example const context = createSurveyTlsContext()
 */
export function createSurveyTlsContext(): SecureContext {
  return createSecureContext({ minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' });
}

const hostLabel = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/**
 * The SNI name to send for a requested server name, or undefined. RFC 6066 forbids IP
 * literals, and a name taken from a redirect may be anything, so only DNS host names pass.
 * @example sniName('cam.example.') // 'cam.example'
 * @example sniName('192.0.2.1') // undefined
 */
export function sniName(servername: string | undefined): string | undefined {
  if (servername === undefined || isIP(servername) !== 0) return undefined;
  const name = servername.endsWith('.') ? servername.slice(0, -1) : servername;
  if (name.length === 0 || name.length > 253 || !name.split('.').every((label) => hostLabel.test(label))) return undefined;
  return name.toLowerCase();
}

/**
 * Runs the TLS handshake over `raw` within `timeoutMs` and hands out the decrypted stream
 * under the same limits as a TCP connection. Rejects with a `DialFailure`: `io-timeout`
 * (code `tls-timeout`) for a silent peer, `protocol-error` for a non-TLS answer (`not-tls`),
 * a failed handshake (`tls-handshake-failed`) or a close during it (`closed-during-handshake`).
 * Both sockets are destroyed on failure; the caller releases its slot.
 * @example const conn = await startTls(socket, { target, timeoutMs: 2500, limits, context, onClose: release })
 */
export function startTls(raw: Socket, start: TlsStart): Promise<TlsConnection> {
  const { target } = start;
  const servername = sniName(start.servername);
  return new Promise<TlsConnection>((resolve, reject) => {
    // The TLS socket takes over raw's handle; trouble on raw shows up there as an error or
    // close, so raw's own error events need no action, only a listener.
    raw.on('error', () => {});
    let secure: TLSSocket;
    try {
      secure = tlsConnect({
        socket: raw,
        secureContext: start.context,
        ...(servername ? { servername } : {}),
        ...(start.alpn && start.alpn.length > 0 ? { ALPNProtocols: [...start.alpn] } : {}),
        rejectUnauthorized: false,
        checkServerIdentity: () => undefined,
        minDHSize: 1,
      });
    } catch (error) {
      raw.destroy();
      reject(new DialFailure('unknown-error', target, `TLS could not start: ${error instanceof Error ? error.message : String(error)}`, 'socket-error'));
      return;
    }
    const fail = (status: GrabStatus, code: DialFailureCode, message: string) => {
      clearTimeout(timer);
      secure.off('error', onError);
      secure.off('secureConnect', onSecure);
      secure.on('error', () => {});
      secure.destroy();
      raw.destroy();
      reject(new DialFailure(status, target, message, code));
    };
    const onError = (error: Error & { code?: string; reason?: string }) => {
      const classified = classifyHandshakeError(error);
      fail(classified.status, classified.code, classified.message);
    };
    const onSecure = () => {
      clearTimeout(timer);
      secure.off('error', onError);
      // Wrapped in the same tick, so the connection's own error handling is in place at once.
      const connection = wrapSocket(secure, target, start.limits, () => {
        raw.destroy();
        start.onClose();
      });
      resolve(Object.assign(connection, { tls: describeTls(secure, servername) }));
    };
    const timer = setTimeout(
      () => fail('io-timeout', 'tls-timeout', `TCP connected but no TLS handshake within ${Math.round(start.timeoutMs)} ms (the peer stayed silent)`),
      start.timeoutMs,
    );
    secure.once('error', onError);
    secure.once('secureConnect', onSecure);
  });
}

/**
 * @example classifyHandshakeError(Object.assign(new Error('…'), { code: 'ERR_SSL_WRONG_VERSION_NUMBER' })).code // 'not-tls'
 */
export function classifyHandshakeError(error: Error & { code?: string; reason?: string }): { status: GrabStatus; code: DialFailureCode; message: string } {
  const code = error.code ?? '';
  const reason = error.reason ?? code;
  if (notTlsCodes.has(code)) return { status: 'protocol-error', code: 'not-tls', message: `the peer answered with bytes that are not TLS (${reason})` };
  if (code.startsWith('ERR_SSL_')) return { status: 'protocol-error', code: 'tls-handshake-failed', message: `TLS handshake failed: ${reason}` };
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_SSL_UNEXPECTED_EOF_WHILE_READING') {
    return { status: 'protocol-error', code: 'closed-during-handshake', message: `the peer closed the connection during the TLS handshake (${error.message})` };
  }
  return { status: 'unknown-error', code: 'socket-error', message: `TLS handshake: ${code || error.message}` };
}

function describeTls(secure: TLSSocket, servername: string | undefined): TlsDetails {
  const cipher = secure.getCipher();
  const keyInfo = secure.getEphemeralKeyInfo();
  // One call for leaf and chain: in Node 24, calling getPeerX509Certificate() first makes a
  // later getPeerCertificate(true) return an empty object.
  const peer = secure.getPeerCertificate(true);
  const alpn = secure.alpnProtocol;
  const authorizationError = secure.authorizationError ? String(secure.authorizationError) : undefined;
  let certificate: { certificate: CertificateDetails } | { certificateError: string } | undefined;
  try {
    if (peer?.raw) certificate = { certificate: describeCertificate(new X509Certificate(peer.raw)) };
  } catch (error) {
    // Recorded, not thrown: the handshake worked and the connection is usable.
    certificate = { certificateError: error instanceof Error ? error.message : String(error) };
  }
  return {
    version: secure.getProtocol() ?? 'unknown',
    cipher: { name: cipher.name, standardName: cipher.standardName, version: cipher.version },
    ...(typeof alpn === 'string' ? { alpn } : {}),
    ...(servername ? { servername } : {}),
    ...(keyInfo && 'type' in keyInfo && typeof keyInfo.type === 'string'
      ? { keyExchange: { type: keyInfo.type, ...(keyInfo.name ? { name: keyInfo.name } : {}), size: keyInfo.size } }
      : {}),
    authorized: secure.authorized,
    ...(authorizationError ? { authorizationError } : {}),
    ...certificate,
    chainFingerprintsSha256: chainFingerprints(peer),
  };
}

function chainFingerprints(leaf: DetailedPeerCertificate | undefined): string[] {
  const fingerprints: string[] = [];
  const seen = new Set<object>();
  // A root's issuerCertificate is itself; the depth bound stops any other loop.
  let certificate = leaf;
  for (let depth = 0; depth < 16 && certificate?.fingerprint256 && !seen.has(certificate); depth++) {
    seen.add(certificate);
    fingerprints.push(certificate.fingerprint256);
    certificate = certificate.issuerCertificate;
  }
  return fingerprints;
}
