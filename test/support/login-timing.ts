import type { LoginTiming } from '../../src/protocols/login-pacing.ts';

/**
 * Login timing for checker tests against scripted peers that answer at once: short waits so
 * that a silent peer costs a test well under a second, short backoffs.
 * @example await checker.check(ctx, service, entries, { maxAttempts: 5, audit, timing: fastLoginTiming })
 */
export const fastLoginTiming: LoginTiming = { answerWaitMs: 400, connectionDeadlineMs: 4000, backoffMs: 50, maxBackoffs: 2 };
