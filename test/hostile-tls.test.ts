// R4, TLS beyond the handshake: every TLS protocol's grab (https, mqtts, foxs) against peers
// that complete the handshake and then tarpit, drip, pour text or garbage, announce giant
// fields, loop redirects or serve bombs (the generic hostilities behind a TLS front), close
// with close_notify at once or mid-reply, renegotiate over and over, send one-byte records;
// and against certificates that are expired, carry 64 KiB names laced with control
// characters, thousands of names, or a chain of over a megabyte. Each grab must end with a
// recorded status within its bound, read no more than its cap, and keep certificate fields
// of bounded size. The matrix is printed (protocol × behaviour → status, ms, KiB).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { GrabStatus } from '../src/core/records.ts';
import { type DetectionLimits, detectService } from '../src/protocols/detect.ts';
import { contextFor, type GrabOutcome } from '../src/protocols/grab.ts';
import type { Protocol } from '../src/protocols/protocol.ts';
import { shippedProtocols } from '../src/protocols/registry.ts';
import { matrixLimits, measuringContext, tcpFlavours, tcpHostilityApplies, type ReadLedger } from './support/hostile-matrix.ts';
import { tcpHostilities, type HostilePeer } from './support/hostile-peers.ts';
import {
  certificateHostilities,
  makeTlsCertificates,
  startHostileTlsPeer,
  type TlsCertificates,
  tlsOnlyHostilities,
  type TlsHostility,
} from './support/hostile-tls-peers.ts';

const concurrency = 10;
/**
 * Cells that must end in success (the answer is honest apart from its bulk) get patient limits,
 * so that a machine loaded by other work cannot turn them into timeouts; the bound they test is
 * what is kept, not how fast.
 */
const patientLimits = { ...matrixLimits, connectTimeoutMs: 5000, ioTimeoutMs: 2000, deadlineMs: 5000 };
/** A grab may dial or ask more than once (a redirect chain, SNMP v2c then v1), each under its own deadline: a few deadlines plus margin. */
/**
 * The matrix limits with a longer idle wait: each generic hostility reaches the client through
 * the TLS front and its forwarding hop, which on a loaded machine took longer than the matrix's
 * 300 ms, so cells ended as io-timeouts before the hostility arrived.
 */
const tlsLimits = { ...matrixLimits, ioTimeoutMs: 1000, deadlineMs: 2000 };
const hungAfter = (limits: typeof matrixLimits) => 3 * limits.deadlineMs + 1000;
/** The most a grab result may keep of one certificate, JSON-encoded: names and lists are cut well before. */
const maxStoredTlsChars = 8 * 1024;

interface Cell {
  protocol: string;
  behaviour: TlsHostility;
  status: GrabStatus | 'threw' | 'hung';
  ms: number;
  /** Past this the grab counted as hung: a few of its deadlines plus margin. */
  hungAfterMs: number;
  ledger: ReadLedger;
  result: GrabOutcome['result'];
  error?: string;
}

/** The certificate fields HTTPS and MQTT over TLS keep (`tls.subject`, `tls.validTo`). */
interface KeptTls {
  subject?: string;
  validTo?: string;
}

const peers: HostilePeer[] = [];
const cells: Cell[] = [];
const tlsProtocols = shippedProtocols.protocols.filter((protocol) => protocol.transport === 'tls');

function cases(): { protocol: Protocol; behaviour: TlsHostility }[] {
  return tlsProtocols.flatMap((protocol) => [
    ...tcpHostilities.filter((behaviour) => tcpHostilityApplies(protocol, behaviour)).map((behaviour) => ({ protocol, behaviour })),
    ...tlsOnlyHostilities.map((behaviour) => ({ protocol, behaviour })),
  ]);
}

async function runCell(protocol: Protocol, behaviour: TlsHostility, index: number, certificates: TlsCertificates): Promise<Cell> {
  const host = `127.211.17.${index + 1}`;
  const peer = await startHostileTlsPeer(host, behaviour, protocol.name, certificates, tcpFlavours[protocol.name] ?? {});
  peers.push(peer);
  const limits = certificateHostilities.has(behaviour) ? patientLimits : tlsLimits;
  const { ctx, ledger } = measuringContext(limits);
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), hungAfter(limits));
  });
  const base = { protocol: protocol.name, behaviour, hungAfterMs: hungAfter(limits) };
  try {
    const outcome = await Promise.race([protocol.grab(contextFor(ctx, protocol.transport), { ip: host, port: peer.port }), hung]);
    const ms = Math.round(performance.now() - started);
    if (outcome === 'hung') return { ...base, status: 'hung', ms, ledger: ledger(), result: {} };
    return { ...base, status: outcome.status, ms, ledger: ledger(), result: outcome.result, ...(outcome.error ? { error: outcome.error } : {}) };
  } catch (error) {
    return { ...base, status: 'threw', ms: Math.round(performance.now() - started), ledger: ledger(), result: {}, error: String(error) };
  } finally {
    clearTimeout(timer);
    await peer.close();
  }
}

before(async () => {
  const certificates = makeTlsCertificates();
  const all = cases();
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < all.length; index = next++) {
      const { protocol, behaviour } = all[index] as (typeof all)[number];
      cells.push(await runCell(protocol, behaviour, index, certificates));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const behaviours = [...tcpHostilities, ...tlsOnlyHostilities];
  const lines = behaviours.map((behaviour) => {
    const row = tlsProtocols.map((protocol) => {
      const cell = cells.find((candidate) => candidate.protocol === protocol.name && candidate.behaviour === behaviour);
      return cell ? `${cell.status} ${cell.ms}ms ${Math.round(cell.ledger.worst.bytesRead / 1024)}K` : '—';
    });
    return `${behaviour.padEnd(20)} | ${row.join(' | ')}`;
  });
  const reasons = cells
    .filter((cell) => (tlsOnlyHostilities as readonly string[]).includes(cell.behaviour) && cell.error)
    .map((cell) => `  ${cell.protocol}/${cell.behaviour}: ${cell.error?.slice(0, 160)}`);
  process.stdout.write(
    `\nhostile TLS matrix (status, ms, most KiB read on one connection):\n${'behaviour'.padEnd(20)} | ${tlsProtocols.map((protocol) => protocol.name).join(' | ')}\n${lines.join('\n')}\nwhy the TLS-only cells ended:\n${reasons.join('\n')}\n\n`,
  );
});

after(async () => {
  await Promise.all(peers.map((peer) => peer.close().catch(() => {})));
});

test('every TLS protocol × hostile behaviour has a cell', () => {
  assert.ok(tlsProtocols.length >= 3, `TLS protocols: ${tlsProtocols.map((protocol) => protocol.name)}`);
  assert.equal(cells.length, cases().length);
});

test('no TLS grab throws or hangs: each ends with a recorded status within its bound', () => {
  const bad = cells.filter((cell) => cell.status === 'threw' || cell.status === 'hung' || cell.status === 'unknown-error' || cell.ms > cell.hungAfterMs);
  assert.deepEqual(
    bad.map((cell) => `${cell.protocol}/${cell.behaviour}: ${cell.status} after ${cell.ms} ms ${cell.error ?? ''}`),
    [],
  );
});

test('no TLS connection reads past its byte cap', () => {
  const over = cells.filter((cell) => cell.ledger.overCap > 0);
  assert.deepEqual(
    over.map((cell) => `${cell.protocol}/${cell.behaviour}: ${cell.ledger.worst.bytesRead} > ${cell.ledger.worst.cap}`),
    [],
  );
});

test('a session that says nothing (tarpit, close_notify at once) or whose chain is refused is never a success', () => {
  const empty = new Set<TlsHostility>(['tarpit', 'close-at-once', 'megabyte-chain']);
  const wrong = cells.filter((cell) => empty.has(cell.behaviour) && cell.status === 'success');
  assert.deepEqual(
    wrong.map((cell) => `${cell.protocol}/${cell.behaviour}`),
    [],
  );
});

test('hostile certificates are recorded, and what is kept of them is bounded', () => {
  const certificateCells = cells.filter((cell) => certificateHostilities.has(cell.behaviour));
  assert.equal(certificateCells.length, certificateHostilities.size * tlsProtocols.length);
  for (const cell of certificateCells) {
    assert.equal(cell.status, 'success', `${cell.protocol}/${cell.behaviour}: ${cell.status} ${cell.error ?? ''}`);
    const stored = JSON.stringify(cell.result);
    assert.ok(stored.length <= maxStoredTlsChars + 1024, `${cell.protocol}/${cell.behaviour} keeps ${stored.length} characters`);
  }
  // HTTPS and MQTT over TLS keep the certificate: the hostile one must be there, cut, not dropped.
  const keptTls = (protocol: string, behaviour: TlsHostility): KeptTls =>
    (certificateCells.find((cell) => cell.protocol === protocol && cell.behaviour === behaviour)?.result as { tls?: KeptTls } | undefined)?.tls ?? {};
  for (const protocol of ['https', 'mqtts']) {
    const subject = keptTls(protocol, 'hostile-subject').subject ?? '';
    assert.ok(subject.startsWith('CN='), `${protocol}: subject ${subject.slice(0, 40)}`);
  }
  const validTo = keptTls('https', 'expired-certificate').validTo ?? '';
  assert.ok(Date.parse(validTo) < Date.now(), `expired certificate recorded as valid to ${validTo}`);
});

test('detection on an unclaimed port ends within its probe budget on every hostile TLS peer, and keeps a bounded certificate', async () => {
  // What the survey runs before any grab: a silent service is tried with TLS, then probed inside the session.
  const detection: DetectionLimits = { bannerWaitMs: 300, briefWaitMs: 100, replyWaitMs: 300, maxProbes: 6, maxBytes: 4096, maxSilentProbes: 2 };
  const boundMs = detection.bannerWaitMs + detection.maxProbes * (detection.replyWaitMs + matrixLimits.connectTimeoutMs) + 2000;
  const certificates = makeTlsCertificates();
  const behaviours: TlsHostility[] = ['tarpit', 'drip', 'endless-text', 'binary-garbage', ...tlsOnlyHostilities];
  const rows = await Promise.all(
    behaviours.map(async (behaviour, index) => {
      const host = `127.211.21.${index + 1}`;
      const peer = await startHostileTlsPeer(host, behaviour, 'https', certificates, tcpFlavours.https ?? {});
      peers.push(peer);
      const { ctx, ledger } = measuringContext();
      const started = performance.now();
      try {
        const found = await detectService(ctx, { ip: host, port: peer.port }, shippedProtocols, detection);
        return { behaviour, found, ms: Math.round(performance.now() - started), ledger: ledger() };
      } finally {
        await peer.close();
      }
    }),
  );
  process.stdout.write(
    `\nhostile TLS detection:\n${rows.map((row) => `${row.behaviour.padEnd(20)} ${row.found.status} ${row.found.protocol?.name ?? '-'} probes ${row.found.probes} ${row.ms}ms tls ${JSON.stringify(row.found.tls ?? {}).length} chars`).join('\n')}\n\n`,
  );
  for (const row of rows) {
    assert.ok(row.ms < boundMs, `${row.behaviour}: ${row.ms} ms`);
    assert.ok(row.found.probes <= detection.maxProbes, `${row.behaviour}: ${row.found.probes} probes`);
    assert.equal(row.ledger.overCap, 0, `${row.behaviour}: read ${row.ledger.worst.bytesRead}`);
    assert.ok(
      JSON.stringify(row.found.tls ?? {}).length <= maxStoredTlsChars,
      `${row.behaviour}: TLS details of ${JSON.stringify(row.found.tls ?? {}).length} characters`,
    );
  }
  for (const row of rows.filter((candidate) => candidate.behaviour === 'tarpit' || candidate.behaviour === 'close-at-once'))
    assert.equal(row.found.protocol, undefined, `${row.behaviour} detected as ${row.found.protocol?.name}`);
});
