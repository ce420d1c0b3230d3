/**
 * Running a protocol's credential checker against a real daemon as a survey would: the
 * shipped dictionary in the survey's order for an unidentified device, the survey's
 * default caps and login timing, a dialer whose io timeout is the survey's 3 s.
 */
import type { DictionaryEntry } from '../../../src/assess/credentials/dictionary.ts';
import { loadDictionary } from '../../../src/assess/credentials/dictionary.ts';
import { orderEntries } from '../../../src/assess/credentials/order.ts';
import type { CredentialAttempt, GrabResult, ServiceObservation } from '../../../src/core/records.ts';
import type { CredentialCheckOutcome, CredentialChecker, ObservedService } from '../../../src/protocols/credential-checker.ts';
import { defaultLoginTiming } from '../../../src/protocols/login-pacing.ts';
import { defaultAttemptCaps } from '../../../src/survey/policy.ts';
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
