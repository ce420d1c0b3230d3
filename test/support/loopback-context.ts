import type { GrabContext } from '../../src/protocols/grab.ts';
import type { ConnectionLimits } from '../../src/scope/connection.ts';
import { createDialer } from '../../src/scope/dialer.ts';
import { buildScope } from '../../src/scope/scope.ts';

/**
 * A GrabContext for tests: dials anything in 127.0.0.0/8 with the real dialer and
 * its enforced limits, at a rate no test will notice.
 * @example const ctx = createLoopbackContext({ ioTimeoutMs: 300 })
 */
export function createLoopbackContext(limits: Partial<ConnectionLimits> = {}): GrabContext {
  const dialer = createDialer({
    scope: buildScope({ allow: ['127.0.0.0/8'] }),
    rate: { connectionsPerSecond: 10_000, maxConcurrent: 256, perHostConcurrent: 16 },
    limits,
  });
  return {
    dial: (target, overrides) => dialer.dial(target, overrides),
    dialTls: (target, options) => dialer.dialTls(target, options),
    query: (target, request, options) => dialer.query(target, request, options),
    userAgent: 'opennotice-test (+https://example.org/opennotice-test)',
    signal: new AbortController().signal,
  };
}
