/**
 * Running a protocol's credential checker against a real daemon as a survey would: the
 * shipped dictionary in the survey's order for an unidentified device, the survey's
 * default caps and login timing, a dialer whose io timeout is the survey's 3 s.
 */
import { execFileSync } from 'node:child_process';
import type { DictionaryEntry } from '../../../src/assess/credentials/dictionary.ts';
import { loadDictionary } from '../../../src/assess/credentials/dictionary.ts';
import { orderEntries } from '../../../src/assess/credentials/order.ts';
import type { CredentialAttempt, DeviceIdentity, GrabResult, ServiceObservation } from '../../../src/core/records.ts';
import { createIdentifier } from '../../../src/identify/engine.ts';
import { loadRuleFiles } from '../../../src/identify/rule-loader.ts';
import { defaultDetectionLimits, detectService, type ServiceDetection } from '../../../src/protocols/detect.ts';
import { contextFor } from '../../../src/protocols/grab.ts';
import { shippedProtocols } from '../../../src/protocols/registry.ts';
import type { CredentialCheckOutcome, CredentialChecker, ObservedService } from '../../../src/protocols/credential-checker.ts';
import { defaultLoginTiming } from '../../../src/protocols/login-pacing.ts';
import { defaultAttemptCaps } from '../../../src/survey/limit-policy.ts';
import { createLoopbackContext } from '../loopback-context.ts';

/** The survey's own connection limits (its io timeout is shorter than real fail delays). */
export const surveyContext = createLoopbackContext({ connectTimeoutMs: 1500, ioTimeoutMs: 3000, deadlineMs: 10_000 });

/**
 * The shipped dictionary as a survey orders it for an unidentified device on `protocol`.
 * @example orderedFor('telnet')[0].id // 'on-001'
 */
export function orderedFor(protocol: string): DictionaryEntry[] {
  return orderEntries(loadDictionary(), { protocol });
}

/**
 * Where an entry stands in that order; a test bed pair must come from its later half.
 * @example positionOf(orderedFor('ssh'), 'on-342') // { index: 326, total: 580 }
 */
export function positionOf(ordered: readonly DictionaryEntry[], id: string): { index: number; total: number; entry: DictionaryEntry } {
  const index = ordered.findIndex((entry) => entry.id === id);
  if (index < 0) throw new Error(`${id} is not in the order`);
  return { index, total: ordered.length, entry: ordered[index]! };
}

/**
 * The `before` entries that precede `id` in the order, then `id`: the tries a survey makes
 * just before it reaches the pair, for daemons whose fail delay makes the whole list take
 * too long for a test (login(1) would need about 20 minutes for 300 refusals).
 * @example sliceEndingAt(orderedFor('telnet'), 'on-357', 6).length // 7
 */
export function sliceEndingAt(ordered: readonly DictionaryEntry[], id: string, before: number): DictionaryEntry[] {
  const { index } = positionOf(ordered, id);
  return ordered.slice(Math.max(0, index - before), index + 1);
}

/**
 * A grabbed service as the checker receives it.
 * @example observation('ssh', daemon, { protocolVersion: '2.0' })
 */
export function observation(protocol: string, target: { ip: string; port: number }, result: GrabResult): ServiceObservation {
  return { ip: target.ip, port: target.port, protocol, status: 'success', result, durationMs: 1, observedAt: new Date().toISOString() };
}

export interface CheckRun {
  outcome: CredentialCheckOutcome;
  audit: CredentialAttempt[];
  durationMs: number;
}

/**
 * One check with the survey's default per-service cap and login timing.
 * @example const { outcome, audit } = await runCheck(createTelnetChecker(), service, entries)
 */
export async function runCheck<R extends GrabResult>(
  checker: CredentialChecker<R>,
  service: ServiceObservation,
  entries: readonly DictionaryEntry[],
  maxAttempts: number = defaultAttemptCaps.maxAttemptsPerService,
): Promise<CheckRun> {
  const audit: CredentialAttempt[] = [];
  const started = performance.now();
  const outcome = await checker.check(surveyContext, service as ObservedService<R>, entries, {
    maxAttempts,
    timing: defaultLoginTiming,
    audit: (attempt) => audit.push(attempt),
  });
  return { outcome, audit, durationMs: performance.now() - started };
}

export interface SurveyedService {
  observation: ServiceObservation;
  /** How detection named it (the daemons listen on ports not their protocol's own). */
  detection: ServiceDetection;
  identity?: DeviceIdentity;
}

/**
 * The daemon as a survey of real addresses sees it: its protocol found by detection, grabbed
 * with that protocol, identified with the shipped rules only (never the lab's).
 * @example const { observation, identity } = await surveyService({ ip: '127.93.2.1', port: 2222 })
 */
export async function surveyService(target: { ip: string; port: number }): Promise<SurveyedService> {
  const detection = await detectService(surveyContext, target, shippedProtocols, defaultDetectionLimits);
  if (!detection.protocol) throw new Error(`${target.ip}:${target.port}: no protocol recognised (${detection.status}: ${detection.error ?? ''})`);
  const protocol = detection.protocol;
  const outcome = await protocol.grab(contextFor(surveyContext, protocol.transport), target);
  const observation: ServiceObservation = {
    ...target,
    protocol: protocol.name,
    status: outcome.status,
    result: outcome.result,
    ...(outcome.error ? { error: outcome.error } : {}),
    durationMs: 1,
    observedAt: new Date().toISOString(),
  };
  const identity = createIdentifier(loadRuleFiles()).identify(target.ip, [observation]);
  return { observation, detection, ...(identity ? { identity } : {}) };
}

/**
 * The upstream release of an installed Debian package: the version without its epoch and Debian revision.
 * @example packagedVersion('openssh-server') // '9.2p1'
 */
export function packagedVersion(name: string): string {
  // "openssh-server<TAB>1:9.2p1-2+deb12u10"
  const version = execFileSync('dpkg-query', ['-W', name], { encoding: 'utf8' }).trim().split('\t')[1] ?? '';
  return version.replace(/^\d+:/, '').replace(/-[^-]+$/, '');
}
