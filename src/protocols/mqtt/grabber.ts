import type { Target } from '../../core/records.ts';
import type { TlsDetails } from '../../scope/tls-connection.ts';
import type { GrabContext, GrabOutcome } from '../grab.ts';
import type { ProtocolLevel } from './codec.ts';
import type { Connack, ConnackProperties } from './connack.ts';
import { exchangeConnect, keepAliveSeconds, newClientId } from './session.ts';

/** What the TLS session of an MQTT-over-TLS grab showed, in a few matchable fields. */
export type MqttTlsSummary = {
  /** "TLSv1.2", "TLSv1.3" … */
  version: string;
  cipher: string;
  subject?: string;
  issuer?: string;
  selfSigned?: boolean;
  certificateSha256?: string;
};

/** What an MQTT grab records: the broker's answer to an anonymous CONNECT. */
export type MqttResult = {
  /** The level of the CONNECT that got this answer: 4 (3.1.1), 5 (5.0) or 3 (3.1). */
  protocolLevel: number;
  returnCode: number;
  /** `accepted`, `not-authorized`, `bad-credentials`, `unacceptable-version`, `identifier-rejected`, `server-unavailable` … */
  returnMeaning: string;
  /** The broker let an anonymous client in: anyone may subscribe to its topics and publish to its devices. */
  anonymousAccepted: boolean;
  sessionPresent: boolean;
  properties?: ConnackProperties;
  tls?: MqttTlsSummary;
};

/**
 * The levels tried, in order, while the broker answers "unacceptable protocol version": 3.1.1
 * first (what nearly every broker speaks), then 5 (brokers that speak only 5), then 3.1 (old
 * embedded brokers). At most three connections.
 */
export const levelsToTry: readonly ProtocolLevel[] = [4, 5, 3];

/**
 * Connects without user name or password, reads the CONNACK, sends DISCONNECT when accepted,
 * closes. A CONNACK of any code is a successful grab (the code is the finding's evidence).
 * @example const { result } = await grabMqtt(ctx, { ip: '192.0.2.7', port: 1883 }) // result.anonymousAccepted
 */
export async function grabMqtt(ctx: GrabContext, target: Target): Promise<GrabOutcome<MqttResult>> {
  const clientId = newClientId();
  let answered: MqttResult | undefined;
  for (const level of levelsToTry) {
    const exchange = await exchangeConnect(ctx, target, { level, clientId, keepAliveSeconds });
    // A later level that fails only loses the retry: the earlier answer still stands.
    if (!exchange.connack) return answered ? { status: 'success', result: answered } : { status: exchange.status, result: {}, error: exchange.error };
    answered = resultOf(level, exchange.connack, exchange.tls);
    if (exchange.connack.meaning !== 'unacceptable-version' || ctx.signal.aborted) break;
  }
  return { status: 'success', result: answered ?? {} };
}

function resultOf(level: ProtocolLevel, connack: Connack, tls: TlsDetails | undefined): MqttResult {
  return {
    protocolLevel: level,
    returnCode: connack.returnCode,
    returnMeaning: connack.meaning,
    anonymousAccepted: connack.meaning === 'accepted',
    sessionPresent: connack.sessionPresent,
    ...(connack.properties ? { properties: connack.properties } : {}),
    ...(tls ? { tls: summariseTls(tls) } : {}),
  };
}

function summariseTls(tls: TlsDetails): MqttTlsSummary {
  const certificate = tls.certificate;
  return {
    version: tls.version,
    cipher: tls.cipher.standardName || tls.cipher.name,
    ...(certificate
      ? {
          subject: certificate.subject.text,
          issuer: certificate.issuer.text,
          selfSigned: certificate.selfSigned,
          certificateSha256: certificate.fingerprintSha256,
        }
      : {}),
  };
}
