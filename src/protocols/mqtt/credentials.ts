import { setTimeout as sleep } from 'node:timers/promises';
import type { GrabStatus, Target } from '../../core/records.ts';
import { createAttemptLog } from '../../assess/credentials/attempts.ts';
import type { DictionaryEntry } from '../../assess/credentials/dictionary.ts';
import type { CredentialCheckLimits, CredentialCheckOutcome, CredentialChecker, ObservedService } from '../credential-checker.ts';
import type { GrabContext } from '../grab.ts';
import { defaultLoginTiming, loginContext } from '../login-pacing.ts';
import type { ProtocolLevel } from './codec.ts';
import { busyRefusals, type ConnackMeaning, credentialRefusals } from './connack.ts';
import type { MqttResult } from './grabber.ts';
import { exchangeConnect, keepAliveSeconds, newClientId } from './session.ts';

export interface MqttCheckerOptions {
  /**
   * Waits after a broker says "server unavailable" (or busy, or too many connections), one per
   * answer in a row; one more such answer in a row ends the check. Each of those tries counts
   * against the attempt cap like any other.
   */
  backoffMs?: readonly number[];
}

const defaultBackoffMs: readonly number[] = [500, 1500, 4000];
/** Connections in a row that closed without a CONNACK before the check gives up on the broker. */
const maxSilentInRow = 3;

/**
 * The MQTT login checker: one CONNECT with user name and password per connection (MQTT allows
 * one CONNECT per connection), stopping at the first accepted CONNACK, after which only
 * DISCONNECT is sent. A broker whose anonymous CONNECT was accepted is `no-authentication`,
 * and no pair is tried on it.
 * @example createMqttChecker({ backoffMs: [10] }).check(ctx, service, entries, { maxAttempts: 10, audit })
 */
export function createMqttChecker(options: MqttCheckerOptions = {}): CredentialChecker<MqttResult> {
  const backoffMs = options.backoffMs ?? defaultBackoffMs;
  return {
    appliesTo: (service) =>
      service.status === 'success' &&
      (service.result.anonymousAccepted === true || credentialRefusals.includes(service.result.returnMeaning as ConnackMeaning)),
    concludeFromGrab: anonymousOutcome,
    check: (ctx, service, entries, limits) => checkMqtt(ctx, service, entries, limits, backoffMs),
  };
}

/** The broker let the grab's anonymous CONNECT in: no-authentication, no pair to try. */
function anonymousOutcome(service: ObservedService<MqttResult>): CredentialCheckOutcome | undefined {
  if (service.result.anonymousAccepted !== true) return undefined;
  return {
    status: 'success',
    noAuthentication: true,
    attempts: 0,
    evidence: { protocolLevel: levelOf(service), anonymousConnack: service.result.returnCode ?? 0 },
  };
}

export const mqttChecker: CredentialChecker<MqttResult> = createMqttChecker();

function levelOf(service: ObservedService<MqttResult>): ProtocolLevel {
  const level = service.result.protocolLevel;
  return level === 3 || level === 5 ? level : 4;
}

async function checkMqtt(
  ctx: GrabContext,
  service: ObservedService<MqttResult>,
  entries: readonly DictionaryEntry[],
  limits: CredentialCheckLimits,
  backoffMs: readonly number[],
): Promise<CredentialCheckOutcome> {
  const level = levelOf(service);
  const anonymous = anonymousOutcome(service);
  if (anonymous) return anonymous;

  const target: Target = { ip: service.ip, port: service.port };
  const log = createAttemptLog(target, service.protocol, limits);
  const clientId = newClientId();
  // The login timing's answer wait, not the grab's: a broker slow to answer must not cost the right pair.
  const login = loginContext(ctx, limits.timing ?? defaultLoginTiming);
  let connections = 0;
  let answered = 0;
  let busyInRow = 0;
  let silentInRow = 0;
  let retriedSilence = false;
  let lastFailure: GrabStatus = 'protocol-error';
  const finish = (outcome: Omit<CredentialCheckOutcome, 'attempts' | 'evidence'>, extra: Record<string, unknown> = {}): CredentialCheckOutcome => ({
    ...outcome,
    attempts: log.count,
    evidence: { connections, protocolLevel: level, ...extra },
  });

  let index = 0;
  // Each pass is one connection and, once it is sent, one recorded attempt: the cap bounds the loop.
  for (let pass = 0; pass <= limits.maxAttempts && index < entries.length; pass++) {
    if (!log.hasRoom() || ctx.signal.aborted) break;
    const entry = entries[index];
    connections++;
    const exchange = await exchangeConnect(login, target, { level, clientId, keepAliveSeconds, username: entry.username, password: entry.password });
    if (!exchange.sent) return finish({ status: exchange.status, ...(exchange.error ? { error: exchange.error } : {}) });
    const connack = exchange.connack;
    if (!connack) {
      lastFailure = exchange.status;
      // A CONNACK that did not come in time proves nothing about the pair (a loaded broker or
      // network): the same pair once more on a new connection; a broker silent twice is left.
      if (exchange.status === 'io-timeout' && !retriedSilence) {
        retriedSilence = true;
        log.record(entry, 'error', `no CONNACK: ${exchange.error ?? exchange.status}; tried again on a new connection`);
        continue;
      }
      log.record(entry, 'error', `no CONNACK: ${exchange.error ?? exchange.status}`);
      index++;
      // A broker that stalls is holding us: leave it. One that hangs up is given a few more tries.
      if (exchange.status !== 'protocol-error' || ++silentInRow >= maxSilentInRow) return finish({ status: exchange.status, error: exchange.error });
      continue;
    }
    retriedSilence = false;
    silentInRow = 0;
    const detail = `CONNACK ${connack.returnCode} (${connack.meaning})${connack.properties?.reasonString ? `: ${connack.properties.reasonString}` : ''}`;
    if (connack.meaning === 'accepted') {
      log.record(entry, 'accepted', detail);
      return finish({ status: 'success', accepted: entry }, { returnCode: connack.returnCode });
    }
    if (credentialRefusals.includes(connack.meaning)) {
      log.record(entry, 'rejected', detail);
      answered++;
      busyInRow = 0;
      index++;
      continue;
    }
    log.record(entry, 'error', detail);
    if (busyRefusals.includes(connack.meaning)) {
      // Not a verdict on the pair: wait, then try the same pair again.
      if (busyInRow >= backoffMs.length) return finish({ status: 'protocol-error', error: `the broker kept answering ${connack.meaning}` });
      if (!(await pause(backoffMs[busyInRow++], ctx.signal))) break;
      continue;
    }
    // Banned, wrong version, identifier rejected, enhanced authentication …: the broker refuses
    // this client, whatever the pair, so no other pair would tell anything.
    return finish({ status: 'protocol-error', error: `${detail}: refused whatever the pair` });
  }
  if (log.count > 0 && answered === 0) return finish({ status: lastFailure, error: 'no login attempt got an answer' });
  return finish({ status: 'success' });
}

/** Wait `ms` unless the survey is interrupted first; false when it was. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

export default mqttChecker;
