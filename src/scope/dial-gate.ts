import type { Target } from '../core/records.ts';
import { DialFailure } from './connection.ts';
import { createAdmission, type RateOptions } from './limits.ts';
import type { Scope } from './scope.ts';
import { addressFamily, checkTarget, type AddressFamily } from './target-address.ts';

/** The ways the dialer reaches a target. TLS is counted apart from plain TCP. */
export type Transport = 'tcp' | 'tls' | 'udp';

export interface DialerStats {
  /** Connections and queries admitted (a socket was, or was about to be, opened), all transports. */
  dialed: number;
  /** Targets refused before any packet because the address is not accepted or not in scope. */
  refusedByScope: number;
  /** Admission slots held right now (open connections and queries still collecting replies). */
  open: number;
  /** `dialed`, split by transport. */
  dialedBy: { tcp: number; tls: number; udp: number };
  /** UDP datagrams that reached a query's or a sweep's socket from an address and port not asked (or no longer awaited): ignored, counted. */
  strayDatagrams: number;
  /** Request datagrams a UDP sweep sent (one socket per source address, no admission slot: counted apart from `dialed`). */
  swept: number;
}

export interface GateOptions {
  scope: Scope;
  rate: RateOptions;
  sourceAddresses?: readonly string[];
  signal?: AbortSignal;
}

/** What admission hands a transport: where to send from, and the slot to give back. */
export interface GatePass {
  readonly localAddress: string | undefined;
  /** Gives the admission slot back. Idempotent, so every exit path may call it. */
  release(): void;
}

/**
 * The part of dialing every transport shares, so TCP, TLS and UDP cannot drift apart:
 * the target check (counted in stats), admission (rate, global and per-host concurrency),
 * the abort signal, and the round-robin choice of source address.
 */
export interface DialGate {
  /** Throws `DialFailure('blocked-target')` unless the target may be contacted. */
  check(target: Target): AddressFamily;
  /** Waits for an admission slot; throws `DialFailure('unknown-error', code 'interrupted')` if the survey stops. */
  admit(target: Target, transport: Transport): Promise<GatePass>;
  countStrays(count: number): void;
  /** The published source addresses of a family (empty: the plan publishes none, the kernel picks). */
  sourcesOf(family: AddressFamily): readonly string[];
  /** Counts one datagram a sweep sent. */
  countSwept(): void;
  stats(): DialerStats;
}

/**
 * @example const gate = createDialGate({ scope, rate }); gate.check(target); const pass = await gate.admit(target, 'tcp')
 */
export function createDialGate(options: GateOptions): DialGate {
  const admission = createAdmission(options.rate);
  // Each family sends from its own published addresses: an IPv6 target never gets an
  // unpublished address the kernel would pick, nor an IPv4 one it could not use.
  const sourcesOf: { readonly [family in AddressFamily]: readonly string[] } = {
    4: (options.sourceAddresses ?? []).filter((address) => addressFamily(address) === 4),
    6: (options.sourceAddresses ?? []).filter((address) => addressFamily(address) === 6),
  };
  const anySources = (options.sourceAddresses ?? []).length > 0;
  const dialedBy = { tcp: 0, tls: 0, udp: 0 };
  let dialed = 0;
  let refusedByScope = 0;
  let strayDatagrams = 0;
  let swept = 0;

  return {
    check(target) {
      const checked = checkTarget(options.scope, target);
      if ('family' in checked) {
        if (anySources && sourcesOf[checked.family].length === 0) {
          throw new DialFailure('blocked-target', target, `no published source address of IPv${checked.family} to send from`, 'no-source-address');
        }
        return checked.family;
      }
      if (checked.refused !== 'invalid-port') refusedByScope++;
      throw new DialFailure('blocked-target', target, checked.message, checked.refused);
    },
    async admit(target, transport) {
      let release: () => void;
      try {
        release = await admission.admit(target.ip, options.signal);
      } catch {
        throw new DialFailure('unknown-error', target, 'survey interrupted', 'interrupted');
      }
      // Admission may let a caller straight through without looking at the signal; an
      // interrupted survey must not open new sockets.
      if (options.signal?.aborted) {
        release();
        throw new DialFailure('unknown-error', target, 'survey interrupted', 'interrupted');
      }
      dialed++;
      dialedBy[transport]++;
      const family = addressFamily(target.ip) ?? 4;
      const sources = sourcesOf[family];
      return { localAddress: sources.length > 0 ? sources[dialed % sources.length] : undefined, release };
    },
    countStrays(count) {
      strayDatagrams += count;
    },
    sourcesOf: (family) => sourcesOf[family],
    countSwept() {
      swept++;
    },
    stats: () => ({ dialed, refusedByScope, open: admission.open, dialedBy: { ...dialedBy }, strayDatagrams, swept }),
  };
}
