// R4: protocol detection (what the survey runs on every open port before any grab)
// against each generic hostile TCP peer on a port no protocol claims, so every candidate's
// banner test and probe meets the hostility. It must end within its probe budget, read no more
// than its byte cap, and never take a hostile stream for a protocol it is not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectService, type DetectionLimits } from '../src/protocols/detect.ts';
import { shippedProtocols } from '../src/protocols/registry.ts';
import { matrixLimits, measuringContext } from './support/hostile-matrix.ts';
import { startHostileTcpPeer, tcpHostilities } from './support/hostile-peers.ts';

const limits: DetectionLimits = { bannerWaitMs: 300, briefWaitMs: 100, replyWaitMs: 300, maxProbes: 6, maxBytes: 4096, maxSilentProbes: 2 };
/** Every probe on its own connection, each waiting its reply, plus the banner wait and margin. */
const boundMs = limits.bannerWaitMs + limits.maxProbes * (limits.replyWaitMs + matrixLimits.connectTimeoutMs) + 2000;

test('detection ends on every hostile peer within its probe budget and byte cap', async () => {
  const rows = await Promise.all(
    tcpHostilities.map(async (behaviour, index) => {
      const host = `127.169.21.${index + 1}`;
      const peer = await startHostileTcpPeer(host, behaviour, { scheme: 'HTTP/1.1' });
      const { ctx, ledger } = measuringContext();
      const started = performance.now();
      try {
        const found = await detectService(ctx, { ip: host, port: peer.port }, shippedProtocols, limits);
        return { behaviour, found, ms: Math.round(performance.now() - started), ledger: ledger() };
      } finally {
        await peer.close();
      }
    }),
  );
  process.stdout.write(
    `\nhostile detection:\n${rows.map((row) => `${row.behaviour.padEnd(15)} ${row.found.status} ${row.found.protocol?.name ?? '-'} probes ${row.found.probes} conns ${row.found.connections} ${row.ms}ms ${row.ledger.worst.bytesRead}B`).join('\n')}\n\n`,
  );
  for (const row of rows) {
    assert.ok(row.ms < boundMs, `${row.behaviour}: ${row.ms} ms`);
    assert.ok(row.found.probes <= limits.maxProbes, `${row.behaviour}: ${row.found.probes} probes`);
    assert.equal(row.ledger.overCap, 0, `${row.behaviour}: read ${row.ledger.worst.bytesRead}`);
  }
  // Silence and noise are no protocol; the HTTP-shaped hostilities (a 302 loop, a gzip body) may well be HTTP.
  for (const row of rows.filter((candidate) => ['tarpit', 'drip', 'binary-garbage'].includes(candidate.behaviour)))
    assert.equal(row.found.protocol, undefined, `${row.behaviour} detected as ${row.found.protocol?.name}`);
});
