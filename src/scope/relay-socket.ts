/**
 * Sockets to service endpoints the operator configured — today the outgoing mail relay — as
 * opposed to survey targets, which only the dialer reaches. Kept in scope/ so that every
 * socket this program opens is opened here, and the rest of the code never imports a socket
 * module. These connections carry reports out; they never touch an address being surveyed.
 */
import { connect, isIP, isIPv4, type Socket } from 'node:net';
import { connect as connectTls, type TLSSocket } from 'node:tls';

export type RelaySocket = Socket;
export type RelayTlsSocket = TLSSocket;

export interface RelayTlsOptions {
  /** The relay's host name as configured (used for SNI unless it is an IP literal). */
  host: string;
  /** Extra trusted CA (PEM) for private relays. */
  ca?: string;
  /** Default true: an untrusted certificate fails the handshake. */
  rejectUnauthorized?: boolean;
}

/**
 * A TCP connection to a configured relay.
 * @example const socket = openRelaySocket({ host: 'mail.example.net', port: 587 })
 */
export function openRelaySocket(endpoint: { host: string; port: number }): RelaySocket {
  return connect({ host: endpoint.host, port: endpoint.port });
}

/**
 * TLS over an already open relay connection (STARTTLS), TLS 1.2 at least.
 * @example const secure = upgradeRelaySocket(socket, { host: 'mail.example.net' })
 */
export function upgradeRelaySocket(socket: RelaySocket, options: RelayTlsOptions): RelayTlsSocket {
  return connectTls({
    socket,
    servername: isIP(options.host) ? undefined : options.host,
    ca: options.ca,
    rejectUnauthorized: options.rejectUnauthorized ?? true,
    minVersion: 'TLSv1.2',
  });
}

/** True when a host name or literal stays on this machine (localhost, ::1, 127.0.0.0/8). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIPv4(host) && host.startsWith('127.'));
}
