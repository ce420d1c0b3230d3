/**
 * The first half of the UDP stage: a stateless sweep (the dialer's `sweep`, ZMap's shape) that
 * sends every UDP target its protocol's first request (`detect.probe.request`, the request the
 * grab sends first) at the plan's packet rate, without waiting per target, and keeps the
 * (address, port) pairs whose reply is the protocol's answer (`detect.probe.matches`). After the
 * pass and its cooldown, when retries are allowed, one more pass over the targets that stayed
 * silent. Only the pairs that answered are grabbed afterwards (udp-stage.ts).
 *
 * Memory: the pairs that replied at all (answering services, a small share of a scope) and the
 * refused ones; the retry pass walks the same seeded order again rather than keeping a list of
 * the silent. Targets whose protocol declares no probe go to the grab as they come.
 *
 * What a sweep cannot tell: ICMP port-unreachable never reaches an unconnected socket, so a
 * closed port is silence like an open|filtered one; swept targets are never `refused`.
 */
import type { Target } from '../core/records.ts';
import type { ProbeContext, Protocol } from '../protocols/protocol.ts';
import type { ProtocolRegistry } from '../protocols/registry.ts';
import { DialFailure } from '../scope/connection.ts';
import type { SweepOptions, UdpSweep } from '../scope/udp-sweep.ts';

export interface SweepPassDeps {
  protocols: ProtocolRegistry;
  /** Opens a sweep: the dialer's. */
  sweep(options: SweepOptions): UdpSweep;
  /** ≥ 1: one more pass over the targets that stayed silent. */
  retries: number;
  /** What a probe's request may read of the grab's context (the DNS check name). */
  probeContext: ProbeContext;
  /** Listening time after each pass; the sweep's default when absent. */
  cooldownMs?: number;
  /**
   * Targets to grab without sweeping: services with open findings. Only a grab sees an ICMP
   * unreachable or an answer that no longer amplifies, which is what closes such a finding.
   */
  grabDirectly?: (target: Target) => boolean;
}

export interface SweepPassHooks {
  signal: AbortSignal;
  /** Called as the first pass walks the targets: done so far of total, services that answered so far. */
  onSwept?: (done: number, total: number, answered: number) => void;
  /**
   * A target for the grab, as soon as it is known: a pair whose reply matched its protocol's
   * answer (once), or a target whose protocol declares no probe. The grabs run while the sweep goes on.
   */
  onGrab(target: Target): void;
}

export interface SweepPassCounts {
  /** Targets swept (with a probe to send). */
  targets: number;
  /** Sweep datagrams sent, both passes. */
  sent: number;
  /** Of those, the retry pass's. */
  retries: number;
  /** Pairs whose reply matched their protocol's answer: handed to the grab. */
  answered: number;
  /** Targets whose protocol declares no probe: handed to the grab as they came, as before the sweep existed. */
  direct: number;
  /** Targets that replied, but never with the protocol's answer: not grabbed, not stored. */
  unmatched: number;
  /** Swept targets silent after every pass. */
  silent: number;
  /** Refused before sending (scope, source address, request cap) or a send the kernel refused. */
  failed: number;
  /** Targets with no UDP protocol for their port. */
  skipped: number;
  /** Time spent sending, both passes, cooldowns left out: what a probe rate is measured over. */
  sendingMs: number;
}

const keyOf = (target: Target) => `${target.ip}|${target.port}`;

/**
 * @example const counts = await sweepUdp(() => permutedTargets(order), total, { protocols, sweep: dialer.sweep, retries: 1, probeContext: {} }, { signal, onGrab: (target) => answers.push(target) })
 */
export async function sweepUdp(targets: () => Iterable<Target>, total: number, deps: SweepPassDeps, hooks: SweepPassHooks): Promise<SweepPassCounts> {
  const counts: SweepPassCounts = { targets: 0, sent: 0, retries: 0, answered: 0, direct: 0, unmatched: 0, silent: 0, failed: 0, skipped: 0, sendingMs: 0 };
  const replied = new Set<string>();
  const answered = new Set<string>();
  const refused = new Set<string>();
  const onReply = (target: Target, data: Buffer) => {
    const key = keyOf(target);
    replied.add(key);
    const probe = deps.protocols.forUdpPort(target.port)?.detect?.probe;
    if (!answered.has(key) && probe && matchesSafely(probe, data)) {
      answered.add(key);
      hooks.onGrab(target);
    }
  };
  // The kernel refused the datagram (no route, a local firewall): the target counts as refused.
  const onSendError = (target: Target) => void refused.add(keyOf(target));
  const options = { onReply, onSendError, ...(deps.cooldownMs === undefined ? {} : { cooldownMs: deps.cooldownMs }) };

  const pass = async (retry: boolean) => {
    const sweep = deps.sweep(options);
    // Sending is timed from when the sweep can send: a sender thread's start is a one-time cost.
    await sweep.ready();
    const started = performance.now();
    try {
      for (const target of targets()) {
        if (hooks.signal.aborted) break;
        const protocol = deps.protocols.forUdpPort(target.port);
        const direct = protocol !== undefined && (!protocol.detect?.probe || deps.grabDirectly?.(target) === true);
        if (!retry) {
          if (!protocol) counts.skipped++;
          else if (direct) {
            counts.direct++;
            hooks.onGrab(target);
          } else counts.targets++;
        }
        const probe = protocol?.detect?.probe;
        if (!probe || direct || (retry && (replied.has(keyOf(target)) || refused.has(keyOf(target))))) continue;
        const attempt = sendOne(sweep, protocol, target, deps.probeContext);
        const sent = typeof attempt === 'string' ? attempt : await attempt;
        if (sent === 'interrupted') break;
        if (sent === 'refused') refused.add(keyOf(target));
        else if (retry) counts.retries++;
        if (!retry) hooks.onSwept?.(counts.targets + counts.skipped + counts.direct, total, answered.size);
      }
    } finally {
      // Sent means taken by the kernel: datagrams still on their way to a sender thread count in the time.
      await sweep.drain();
      counts.sendingMs += performance.now() - started;
      await sweep.close();
      counts.sent += sweep.stats().sent;
    }
  };

  await pass(false);
  if (deps.retries >= 1 && !hooks.signal.aborted) await pass(true);
  counts.failed = refused.size;
  counts.answered = answered.size;
  counts.unmatched = replied.size - answered.size;
  counts.silent = counts.targets - replied.size - refused.size;
  return counts;
}

type SendOutcome = 'sent' | 'refused' | 'interrupted';

/**
 * Sends the target its protocol's first request; `refused` when the gate refused it (the
 * kernel's refusals come through onSendError). Synchronous while the rate has a slot: a promise
 * only when the sweep must wait.
 */
function sendOne(sweep: UdpSweep, protocol: Protocol, target: Target, context: ProbeContext): SendOutcome | Promise<SendOutcome> {
  const request = protocol.detect!.probe!.request(target, context);
  try {
    if (sweep.trySend(target, request)) return 'sent';
  } catch (error) {
    return refusal(error);
  }
  return sweep.send(target, request).then(
    () => 'sent' as const,
    (error: unknown) => refusal(error),
  );
}

function refusal(error: unknown): 'refused' | 'interrupted' {
  if (error instanceof DialFailure) return error.code === 'interrupted' ? 'interrupted' : 'refused';
  throw error;
}

/** A protocol's answer test is meant never to throw; one that does is a reply that is not its answer. */
function matchesSafely(probe: NonNullable<NonNullable<Protocol['detect']>['probe']>, data: Buffer): boolean {
  try {
    return probe.matches(data);
  } catch {
    return false;
  }
}
