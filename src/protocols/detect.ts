/**
 * Which protocol a service speaks, whatever its port: LZR's lesson (USENIX Security 2021) is that
 * most services are not on their usual port, and that a service is cheapest to identify by
 * what it volunteers, then by one harmless request at a time. So, for one open port:
 *
 *   1. connect and read what the service volunteers (a short wait when the port's usual protocol
 *      is one where the client speaks first, then that protocol's probe on the same connection);
 *   2. a volunteered greeting is matched against every protocol's banner test;
 *   3. when the port's usual protocol declares no detection, it keeps the port (its grab decides);
 *   4. otherwise a silent service gets probes, one connection each, the port's usual protocol first, then
 *      a TLS handshake (and the same steps inside the TLS session), then the other probes;
 *      every reply is matched against every protocol's tests, so a wrong guess still names it.
 *
 * Everything goes through the protocols' own `detect` declarations and the context's dialer;
 * the number of probes and connections spent is returned, for the survey's report.
 */
import type { DetectionMethod, GrabStatus, Target } from '../core/records.ts';
import { DialFailure, statusForReadEnd, type Connection, type DialFailureCode } from '../scope/connection.ts';
import type { TlsDetails } from '../scope/tls-details.ts';
import { contextFor, type GrabContext } from './grab.ts';
import type { Protocol } from './protocol.ts';
import type { ProtocolRegistry } from './registry.ts';

export interface DetectionLimits {
  /** Wait for a volunteered greeting when the port's usual protocol speaks first, or the port has none. */
  bannerWaitMs: number;
  /** Wait before probing when the port's usual protocol is one where the client speaks first. */
  briefWaitMs: number;
  /** Wait for the reply to a probe. */
  replyWaitMs: number;
  /** Most requests (probes and TLS handshakes) sent to one service. */
  maxProbes: number;
  /** Bytes of a greeting or a reply looked at. */
  maxBytes: number;
}

export const defaultDetectionLimits: DetectionLimits = { bannerWaitMs: 2000, briefWaitMs: 300, replyWaitMs: 3000, maxProbes: 6, maxBytes: 4096 };

export interface ServiceDetection {
  /** The protocol the service speaks; absent when none of the registry's was recognised. */
  protocol?: Protocol;
  method: DetectionMethod;
  /** Requests sent: probes and TLS handshakes. */
  probes: number;
  connections: number;
  /** `success` when a protocol was recognised; otherwise why detection ended. */
  status: GrabStatus;
  /** The start of a greeting no protocol recognised (printable, for the record). */
  unrecognised?: string;
  /** What a TLS handshake showed, when the service spoke TLS. */
  tls?: TlsDetails;
  error?: string;
}

/** The candidates in the order to try them: the port's usual protocol first, then the registry's order. */
function ordered(protocols: readonly Protocol[], usual: Protocol | undefined): Protocol[] {
  return usual && protocols.includes(usual) ? [usual, ...protocols.filter((protocol) => protocol !== usual)] : [...protocols];
}

/** A short, printable form of unrecognised bytes for the service record. */
function printable(bytes: Buffer): string {
  return bytes
    .subarray(0, 256)
    .toString('latin1')
    .replace(/[^\x20-\x7e\r\n\t]/g, '.');
}

/** Reads for up to `waitMs`, stopping early once `enough` says the bytes so far suffice. */
async function readFor(
  conn: Connection,
  waitMs: number,
  maxBytes: number,
  enough: (bytes: Buffer) => boolean,
): Promise<{ bytes: Buffer; end?: GrabStatus; error?: string }> {
  const stopAt = performance.now() + waitMs;
  let bytes = Buffer.alloc(0);
  while (bytes.length < maxBytes) {
    const left = stopAt - performance.now();
    if (left <= 0) break;
    const step = await conn.poll(left);
    if ('quiet' in step) break;
    if ('end' in step) return step.end === 'closed' ? { bytes } : { bytes, end: statusForReadEnd(step.end), error: step.error };
    bytes = Buffer.concat([bytes, step.chunk]).subarray(0, maxBytes);
    if (enough(bytes)) break;
  }
  return { bytes };
}

/** The first protocol whose banner or reply test accepts these bytes, asked in order. */
function recognise(bytes: Buffer, candidates: readonly Protocol[], kind: 'banner' | 'reply'): Protocol | undefined {
  if (bytes.length === 0) return undefined;
  for (const protocol of candidates) {
    const detect = protocol.detect;
    if (!detect) continue;
    try {
      if (kind === 'banner' ? detect.banner?.(bytes) : (detect.probe?.matches(bytes) ?? detect.banner?.(bytes))) return protocol;
    } catch {
      // A protocol's test that throws on odd bytes simply does not recognise them.
    }
  }
  return undefined;
}

/** Dial failures of a TLS handshake over a TCP connection that did open. */
const tlsHandshakeFailures = new Set<DialFailureCode>(['tls-timeout', 'not-tls', 'tls-handshake-failed', 'closed-during-handshake']);

interface Attempt {
  protocol?: Protocol;
  /** Greeting bytes nothing recognised. */
  unrecognised?: Buffer;
  /** The service could not be reached (refused, out of scope …): stop trying. */
  unreachable?: { status: GrabStatus; error: string };
  volunteered: boolean;
}

/**
 * One connection: read what is volunteered; when nothing is and a probe is given, send it and
 * read the reply. Each set of bytes is matched against every candidate.
 */
async function attempt(
  context: GrabContext,
  target: Target,
  candidates: readonly Protocol[],
  waitMs: number,
  probe: Protocol | undefined,
  limits: DetectionLimits,
): Promise<Attempt> {
  let conn: Connection;
  try {
    conn = await context.dial(target);
  } catch (error) {
    if (!(error instanceof DialFailure)) throw error;
    // A TLS handshake that failed says "not TLS", not "unreachable": detection goes on.
    if (tlsHandshakeFailures.has(error.code)) return { volunteered: false };
    return { unreachable: { status: error.status, error: error.message }, volunteered: false };
  }
  try {
    const greeting = await readFor(conn, waitMs, limits.maxBytes, (bytes) => recognise(bytes, candidates, 'banner') !== undefined);
    if (greeting.bytes.length > 0) {
      const protocol = recognise(greeting.bytes, candidates, 'banner');
      return protocol ? { protocol, volunteered: true } : { unrecognised: greeting.bytes, volunteered: true };
    }
    if (greeting.end || !probe?.detect?.probe) return { volunteered: false };
    await conn.write(Buffer.from(probe.detect.probe.request(target)));
    const reply = await readFor(conn, limits.replyWaitMs, limits.maxBytes, (bytes) => recognise(bytes, candidates, 'reply') !== undefined);
    return { protocol: recognise(reply.bytes, [probe, ...candidates.filter((candidate) => candidate !== probe)], 'reply'), volunteered: false };
  } finally {
    conn.close();
  }
}

/**
 * Find the protocol of the service at `target` among the registry's.
 * @example const { protocol, probes } = await detectService(ctx, { ip: '192.0.2.7', port: 8023 }, shippedProtocols)
 */
export async function detectService(
  context: GrabContext,
  target: Target,
  registry: ProtocolRegistry,
  limits: DetectionLimits = defaultDetectionLimits,
): Promise<ServiceDetection> {
  const usual = registry.forPort(target.port);
  const plain = ordered(
    registry.protocols.filter((protocol) => protocol.transport === 'tcp' && protocol.detect),
    usual,
  );
  const secure = ordered(
    registry.protocols.filter((protocol) => protocol.transport === 'tls' && protocol.detect),
    usual,
  );
  const tally = { probes: 0, connections: 0 };
  const found = (protocol: Protocol, method: DetectionMethod, tls?: TlsDetails): ServiceDetection => ({
    protocol,
    method,
    ...tally,
    status: 'success',
    ...(tls ? { tls } : {}),
  });

  // 1. What the service volunteers; a client-first usual protocol is probed on the same connection.
  const usualProbes = usual?.transport === 'tcp' && usual.detect?.probe !== undefined;
  tally.connections++;
  if (usualProbes) tally.probes++;
  const first = await attempt(context, target, plain, usualProbes ? limits.briefWaitMs : limits.bannerWaitMs, usualProbes ? usual : undefined, limits);
  if (first.unreachable) return { method: 'none', ...tally, status: first.unreachable.status, error: first.unreachable.error };
  if (first.protocol) return found(first.protocol, first.volunteered ? 'banner' : 'probe');
  // A protocol that declares no way to recognise it keeps its ports: its own grab is the test.
  if (usual && !usual.detect) return found(usual, 'port');
  if (first.unrecognised)
    return { method: 'none', ...tally, status: 'protocol-error', unrecognised: printable(first.unrecognised), error: 'a greeting no protocol recognises' };

  // 2. A silent service: TLS when the port's usual protocol is a TLS one (else after the usual probe), then the other probes.
  const probes = plain.filter(
    (protocol) => protocol.detect?.probe && !(usualProbes && protocol === usual) && (protocol === usual || !protocol.detect.probe.ownPortsOnly),
  );
  const plan: Array<'tls' | Protocol> =
    usual?.transport === 'tls' ? ['tls', ...probes] : [...probes.slice(0, usual ? 0 : 1), 'tls', ...probes.slice(usual ? 0 : 1)];
  for (const step of plan) {
    if (tally.probes >= limits.maxProbes) break;
    tally.probes++;
    tally.connections++;
    if (step === 'tls') {
      const inside = await detectInsideTls(context, target, secure, limits, tally);
      if (inside.unreachable) return { method: 'none', ...tally, status: inside.unreachable.status, error: inside.unreachable.error };
      if (inside.protocol) return found(inside.protocol, inside.volunteered ? 'tls-banner' : 'tls-probe', inside.tls);
      if (inside.tls) return { method: 'none', ...tally, status: 'protocol-error', tls: inside.tls, error: 'a TLS service whose protocol no probe recognises' };
      continue;
    }
    const result = await attempt(context, target, plain, 0, step, limits);
    if (result.unreachable) return { method: 'none', ...tally, status: result.unreachable.status, error: result.unreachable.error };
    if (result.protocol) return found(result.protocol, 'probe');
  }
  return { method: 'none', ...tally, status: 'protocol-error', error: `silent to ${tally.probes} probes` };
}

/** A TLS handshake, then the same steps inside the session with the registry's TLS protocols. */
async function detectInsideTls(
  context: GrabContext,
  target: Target,
  secure: readonly Protocol[],
  limits: DetectionLimits,
  tally: { probes: number; connections: number },
): Promise<Attempt & { tls?: TlsDetails }> {
  let tls: TlsDetails | undefined;
  const tlsContext: GrabContext = {
    ...contextFor(context, 'tls'),
    dial: async (dialTarget, dialLimits) => {
      const conn = await context.dialTls(dialTarget, dialLimits ? { limits: dialLimits } : {});
      tls ??= conn.tls;
      return conn;
    },
  };
  const candidates = secure.filter((protocol) => protocol.detect?.probe);
  const first = await attempt(tlsContext, target, secure, limits.briefWaitMs, candidates[0], limits);
  if (first.unreachable || first.protocol) return { ...first, tls };
  // Not TLS at all (the handshake failed as "not TLS"): nothing to look inside.
  if (!tls) return { volunteered: false };
  for (const protocol of candidates.slice(1)) {
    if (tally.probes >= limits.maxProbes) break;
    tally.probes++;
    tally.connections++;
    const result = await attempt(tlsContext, target, secure, 0, protocol, limits);
    if (result.unreachable || result.protocol) return { ...result, tls };
  }
  return { volunteered: false, tls };
}
