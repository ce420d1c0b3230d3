/**
 * One MQTT connection as the grabber and the checker use it: CONNECT, read the CONNACK, and
 * when it accepted us send DISCONNECT, the only packet that ever follows, then close. MQTT
 * allows one CONNECT per connection, so every try is a connection of its own.
 */
import { randomBytes } from 'node:crypto';
import type { GrabStatus, Target } from '../../core/records.ts';
import type { TlsDetails } from '../../scope/tls-connection.ts';
import { dialOrStatus, endedBefore, type GrabContext } from '../grab.ts';
import { encodeDisconnect } from './codec.ts';
import { type Connack, parseConnackReply } from './connack.ts';
import { type ConnectRequest, encodeConnect } from './connect.ts';

/** Keep-alive we announce: irrelevant to a connection that ends at once, but brokers refuse none of this size. */
export const keepAliveSeconds = 60;
/** How long we wait, after our DISCONNECT, for the broker to close first (so it reads the DISCONNECT, not a reset). */
const disconnectGraceMs = 300;

/**
 * A client identifier of our own: "opennotice" and 12 hex digits, 22 letters and digits, within
 * what every MQTT 3.1 and 3.1.1 broker must accept. Fresh per grab or check, so two surveys
 * never take over each other's connection (a broker drops the older of two equal ids).
 * @example newClientId() // 'opennotice3f9a0c11be27'
 */
export function newClientId(): string {
  return `opennotice${randomBytes(6).toString('hex')}`;
}

export interface ConnectExchange {
  /** `success` when a CONNACK was read, whatever its code. */
  status: GrabStatus;
  connack?: Connack;
  /** Whether the CONNECT went out (false: the dial itself failed, nothing was tried). */
  sent: boolean;
  error?: string;
  /** The TLS session's details, over TLS. */
  tls?: TlsDetails;
}

/**
 * Connect, send `request`, read the CONNACK; on acceptance send DISCONNECT; always close.
 * Never throws for network trouble.
 * @example const { connack } = await exchangeConnect(ctx, target, { level: 4, clientId: newClientId(), keepAliveSeconds })
 */
export async function exchangeConnect(ctx: GrabContext, target: Target, request: ConnectRequest): Promise<ConnectExchange> {
  const dialed = await dialOrStatus(ctx, target);
  if (!('conn' in dialed)) return { status: dialed.status, error: dialed.error, sent: false };
  const { conn } = dialed;
  const tls = conn.tls ? { tls: conn.tls } : {};
  try {
    await conn.write(encodeConnect(request));
    const read = await conn.readUntil((bytes) => parseConnackReply(bytes, request.level).state !== 'incomplete');
    const reply = parseConnackReply(read.data, request.level);
    if (reply.state === 'invalid') return { status: 'protocol-error', error: reply.reason, sent: true, ...tls };
    if (reply.state === 'incomplete') {
      const ended = endedBefore(read, 'a CONNACK');
      return { status: ended.status, ...(ended.error ? { error: ended.error } : {}), sent: true, ...tls };
    }
    if (reply.connack.meaning === 'accepted') {
      await conn.write(encodeDisconnect());
      // Whatever arrives now is not read: we only wait (bounded) for the broker to hang up.
      await conn.poll(disconnectGraceMs);
    }
    return { status: 'success', connack: reply.connack, sent: true, ...tls };
  } finally {
    conn.close();
  }
}
