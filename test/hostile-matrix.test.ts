// R4: every shipped protocol's grab against generic hostile peers (tarpit, slow drip,
// endless text, binary garbage, oversized fields, redirect loops, gzip bombs; UDP silence, floods,
// garbage, giant datagrams, replies from another address or port). Each grab must return (never
// throw, never hang) with a recorded status, within its time bound, having read no more than
// its byte cap on any connection. The matrix is printed (protocol × behaviour → status, ms).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { GrabStatus } from '../src/core/records.ts';
import { contextFor } from '../src/protocols/grab.ts';
import type { Protocol } from '../src/protocols/protocol.ts';
import { shippedProtocols } from '../src/protocols/registry.ts';
import { matrixLimits, measuringContext, tcpFlavours, tcpHostilityApplies, type ReadLedger } from './support/hostile-matrix.ts';
import {
  startHostileTcpPeer,
  startHostileUdpPeer,
  tcpHostilities,
  udpHostilities,
  type HostilePeer,
  type TcpHostility,
  type UdpHostility,
} from './support/hostile-peers.ts';

/**
 * A grab may open several connections one after another (an HTTP redirect chain, SSDP's
 * description fetch, a UDP protocol's second question), each under its own deadline: the outer
 * bound is a few deadlines plus margin for a loaded machine. Past it the grab counts as hung.
 */
const hungAfterMs = 3 * matrixLimits.deadlineMs + 1000;
const concurrency = 10;

interface Cell {
  protocol: string;
  behaviour: TcpHostility | UdpHostility;
  status: GrabStatus | 'threw' | 'hung';
  ms: number;
  ledger: ReadLedger;
  error?: string;
}

const peers: HostilePeer[] = [];
const cells: Cell[] = [];

function cases(): { protocol: Protocol; behaviour: TcpHostility | UdpHostility }[] {
  return shippedProtocols.protocols.flatMap((protocol): { protocol: Protocol; behaviour: TcpHostility | UdpHostility }[] =>
    protocol.transport === 'udp'
      ? udpHostilities.map((behaviour) => ({ protocol, behaviour }))
      : tcpHostilities.filter((behaviour) => tcpHostilityApplies(protocol, behaviour)).map((behaviour) => ({ protocol, behaviour })),
  );
}

async function runCell(protocol: Protocol, behaviour: TcpHostility | UdpHostility, index: number): Promise<Cell> {
  // One loopback address per cell, so no two cells share a host's per-host limits.
  const host = `127.169.17.${index + 1}`;
  const peer =
    protocol.transport === 'udp'
      ? await startHostileUdpPeer({ host, otherHost: `127.169.18.${index + 1}` }, behaviour as UdpHostility)
      : await startHostileTcpPeer(host, behaviour as TcpHostility, tcpFlavours[protocol.name] ?? {});
  peers.push(peer);
  const { ctx, ledger } = measuringContext();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), hungAfterMs);
  });
  try {
    const outcome = await Promise.race([protocol.grab(contextFor(ctx, protocol.transport), { ip: host, port: peer.port }), hung]);
    const ms = Math.round(performance.now() - started);
    if (outcome === 'hung') return { protocol: protocol.name, behaviour, status: 'hung', ms, ledger: ledger() };
    return { protocol: protocol.name, behaviour, status: outcome.status, ms, ledger: ledger(), ...(outcome.error ? { error: outcome.error } : {}) };
  } catch (error) {
    return { protocol: protocol.name, behaviour, status: 'threw', ms: Math.round(performance.now() - started), ledger: ledger(), error: String(error) };
  } finally {
    clearTimeout(timer);
    await peer.close();
  }
}

before(async () => {
  const all = cases();
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < all.length; index = next++) {
      const { protocol, behaviour } = all[index] as (typeof all)[number];
      cells.push(await runCell(protocol, behaviour, index));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  printMatrix(cells);
});

after(async () => {
  await Promise.all(peers.map((peer) => peer.close().catch(() => {})));
});

function printMatrix(all: readonly Cell[]): void {
  const behaviours = [...tcpHostilities, ...udpHostilities];
  const lines = [`protocol  | ${behaviours.join(' | ')}`];
  for (const protocol of shippedProtocols.protocols) {
    const row = behaviours.map((behaviour) => {
      const cell = all.find((candidate) => candidate.protocol === protocol.name && candidate.behaviour === behaviour);
      return cell ? `${cell.status} ${cell.ms}ms ${Math.round(cell.ledger.worst.bytesRead / 1024)}K` : '—';
    });
    lines.push(`${protocol.name.padEnd(9)} | ${row.join(' | ')}`);
  }
  process.stdout.write(`\nhostile matrix (status, ms, most KiB read on one connection):\n${lines.join('\n')}\n\n`);
}

test('every protocol × hostile behaviour has a cell', () => {
  assert.equal(cells.length, cases().length);
});

test('no grab throws or hangs: each ends with a recorded status within its bound', () => {
  // unknown-error is for local trouble; what a hostile peer did must be named as the peer's doing.
  const bad = cells.filter((cell) => cell.status === 'threw' || cell.status === 'hung' || cell.status === 'unknown-error' || cell.ms > hungAfterMs);
  assert.deepEqual(
    bad.map((cell) => `${cell.protocol}/${cell.behaviour}: ${cell.status} after ${cell.ms} ms ${cell.error ?? ''}`),
    [],
  );
});

test('no connection or datagram exchange reads past its byte cap', () => {
  const over = cells.filter((cell) => cell.ledger.overCap > 0);
  assert.deepEqual(
    over.map((cell) => `${cell.protocol}/${cell.behaviour}: ${cell.ledger.worst.bytesRead} > ${cell.ledger.worst.cap}`),
    [],
  );
});

test('a hostile device is never a success where its hostility leaves nothing to identify', () => {
  // Silence, replies from elsewhere and tarpits carry no answer; the dialer drops strays.
  const empty = new Set(['tarpit', 'silence', 'other-port', 'other-address']);
  const wrong = cells.filter((cell) => empty.has(cell.behaviour) && cell.status === 'success');
  assert.deepEqual(
    wrong.map((cell) => `${cell.protocol}/${cell.behaviour}`),
    [],
  );
});
