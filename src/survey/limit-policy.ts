/**
 * The bounds a survey's limits must lie in, whoever sets them (a request, a plan, the CLI, a
 * worker), and the login caps used where nobody says: the numbers policy.ts resolves against.
 */
import { OpenNoticeError } from '../core/errors.ts';
import { maxSenderThreads } from '../scope/udp-sweep.ts';
import type { SurveyLimits } from './request.ts';
import { udpRetriesCeiling } from './udp-policy.ts';

/** The range each limit must lie in, whoever sets it (the CLI quotes these in its errors too). */
export const surveyLimitBounds: Readonly<Record<keyof SurveyLimits, { min: number; max: number }>> = {
  connectionsPerSecond: { min: 1, max: 1_000_000 },
  maxConcurrent: { min: 1, max: 10_000 },
  perHostConcurrent: { min: 1, max: 64 },
  connectTimeoutMs: { min: 10, max: 60_000 },
  ioTimeoutMs: { min: 10, max: 120_000 },
  deadlineMs: { min: 100, max: 600_000 },
  maxBytes: { min: 1024, max: 64 * 1024 * 1024 },
  maxProbes: { min: 0, max: 20 },
  udpRetries: { min: 0, max: udpRetriesCeiling },
  maxAttemptsPerService: { min: 1, max: 10_000 },
  maxAttemptsPerHost: { min: 1, max: 10_000 },
};

/**
 * Login tries where neither the request nor the plan says: safety bounds, high enough that
 * an unidentified device is offered every shipped pair of a protocol (595 today) on each of
 * several login services. A plan's `rates.perHostAttempts` lowers the per-host one.
 */
export const defaultAttemptCaps = { maxAttemptsPerService: 1000, maxAttemptsPerHost: 4000 } as const;

/** The limits, each checked against its bounds (a USAGE error names the first outside them). */
export function checkedLimits(limits: SurveyLimits): SurveyLimits {
  for (const [name, value] of Object.entries(limits) as Array<[keyof SurveyLimits, number | undefined]>) {
    if (value === undefined) continue;
    const { min, max } = surveyLimitBounds[name];
    if (!Number.isInteger(value) || value < min || value > max)
      throw new OpenNoticeError('USAGE', `${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return limits;
}

/** The UDP sweep's sender threads, checked (0–8). */
export function checkedSenderThreads(threads: number): number {
  if (!Number.isInteger(threads) || threads < 0 || threads > maxSenderThreads)
    throw new OpenNoticeError('USAGE', `senderThreads must be an integer from 0 to ${maxSenderThreads}, got ${threads}`);
  return threads;
}
