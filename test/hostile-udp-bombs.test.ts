// R4, structured bombs over UDP: every UDP grab that parses what a datagram carries, against
// answers that pass its first checks (id, token, MessageID, sequence echoed) and then attack its
// parser: XML entity expansion, deep nesting, attribute and element floods (WS-Discovery), DNS
// compression pointers that loop, point forward or chain (DNS, mDNS), BER nested 16,000 deep
// or claiming 4 GiB (SNMP), link-format floods and unbalanced quotes (CoAP), header floods
// (SSDP), variable floods (NTP), field floods (Ubiquiti, memcached), and a 65,507-byte datagram
// for every UDP protocol. Each grab must end with a recorded status within its bound, read no
// more than its cap, never take a bomb for an answer where it must refuse it, and keep a
// bounded result where it may accept it. The matrix is printed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { GrabStatus } from '../src/core/records.ts';
import { contextFor } from '../src/protocols/grab.ts';
import { shippedProtocols } from '../src/protocols/registry.ts';
import { matrixLimits, measuringContext, type ReadLedger } from './support/hostile-matrix.ts';
import type { HostilePeer } from './support/hostile-peers.ts';
import { startUdpBombPeer, type UdpBomb, udpBombsFor } from './support/hostile-udp-bombs.ts';

const concurrency = 10;
/**
 * Cells that must end in success (the answer is honest apart from its bulk) get patient limits,
 * so that a machine loaded by other work cannot turn them into timeouts; the bound they test is
 * what is kept, not how fast.
 */
const patientLimits = { ...matrixLimits, connectTimeoutMs: 5000, ioTimeoutMs: 2000, deadlineMs: 5000 };
/** A grab may dial or ask more than once (a redirect chain, SNMP v2c then v1), each under its own deadline: a few deadlines plus margin. */
const hungAfter = (limits: typeof matrixLimits) => 3 * limits.deadlineMs + 1000;
/** The most a grab result may keep, JSON-encoded, whatever the datagram held. */
const maxResultChars = 16 * 1024;

interface Cell {
  bomb: UdpBomb;
  status: GrabStatus | 'threw' | 'hung';
  ms: number;
  /** Past this the grab counted as hung: a few of its deadlines plus margin. */
  hungAfterMs: number;
  ledger: ReadLedger;
  resultChars: number;
  error?: string;
}

const udpProtocols = shippedProtocols.protocols.filter((protocol) => protocol.transport === 'udp');
const bombs = udpBombsFor(udpProtocols.map((protocol) => protocol.name));
const peers: HostilePeer[] = [];
const cells: Cell[] = [];

async function runCell(bomb: UdpBomb, index: number): Promise<Cell> {
  const protocol = udpProtocols.find((candidate) => candidate.name === bomb.protocol);
  if (!protocol) throw new Error(`no UDP protocol ${bomb.protocol}`);
  const host = `127.212.17.${index + 1}`;
  const peer = await startUdpBombPeer(host, bomb);
  peers.push(peer);
  const limits = bomb.expect === 'kept-bounded' ? patientLimits : matrixLimits;
  const { ctx, ledger } = measuringContext(limits);
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), hungAfter(limits));
  });
  try {
    const outcome = await Promise.race([protocol.grab(contextFor(ctx, protocol.transport), { ip: host, port: peer.port }), hung]);
    const ms = Math.round(performance.now() - started);
    if (outcome === 'hung') return { bomb, hungAfterMs: hungAfter(limits), status: 'hung', ms, ledger: ledger(), resultChars: 0 };
    return {
      bomb,
      hungAfterMs: hungAfter(limits),
      status: outcome.status,
      ms,
      ledger: ledger(),
      resultChars: JSON.stringify(outcome.result).length,
      ...(outcome.error ? { error: outcome.error } : {}),
    };
  } catch (error) {
    return {
      bomb,
      hungAfterMs: hungAfter(limits),
      status: 'threw',
      ms: Math.round(performance.now() - started),
      ledger: ledger(),
      resultChars: 0,
      error: String(error),
    };
  } finally {
    clearTimeout(timer);
    await peer.close();
  }
}

before(async () => {
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < bombs.length; index = next++) cells.push(await runCell(bombs[index] as UdpBomb, index));
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const lines = bombs.map((bomb) => {
    const cell = cells.find((candidate) => candidate.bomb === bomb);
    const shown = cell ? `${cell.status} ${cell.ms}ms read ${Math.round(cell.ledger.worst.bytesRead / 1024)}K kept ${cell.resultChars} chars` : '—';
    return `${`${bomb.protocol}/${bomb.name}`.padEnd(28)} | ${shown} | ${(cell?.error ?? '').slice(0, 110)}`;
  });
  process.stdout.write(`\nUDP bombs (status, ms, most KiB read by one exchange, result size, why):\n${lines.join('\n')}\n\n`);
});

after(async () => {
  await Promise.all(peers.map((peer) => peer.close().catch(() => {})));
});

test('every UDP protocol meets at least the largest datagram, and the parsing ones their bombs', () => {
  assert.equal(cells.length, bombs.length);
  for (const protocol of udpProtocols)
    assert.ok(
      bombs.some((bomb) => bomb.protocol === protocol.name && bomb.name === 'max-datagram'),
      protocol.name,
    );
  for (const protocol of ['wsd', 'dns', 'mdns', 'snmp', 'coap', 'ssdp']) assert.ok(bombs.filter((bomb) => bomb.protocol === protocol).length >= 3, protocol);
});

test('no UDP grab throws or hangs under a bomb: each ends with a recorded status within its bound', () => {
  const bad = cells.filter((cell) => cell.status === 'threw' || cell.status === 'hung' || cell.status === 'unknown-error' || cell.ms > cell.hungAfterMs);
  assert.deepEqual(
    bad.map((cell) => `${cell.bomb.protocol}/${cell.bomb.name}: ${cell.status} after ${cell.ms} ms ${cell.error ?? ''}`),
    [],
  );
});

test('no exchange reads past its byte cap', () => {
  const over = cells.filter((cell) => cell.ledger.overCap > 0);
  assert.deepEqual(
    over.map((cell) => `${cell.bomb.protocol}/${cell.bomb.name}: ${cell.ledger.worst.bytesRead} > ${cell.ledger.worst.cap}`),
    [],
  );
});

test('a bomb the parser must refuse is never a success', () => {
  const taken = cells.filter((cell) => cell.bomb.expect === 'refused' && cell.status === 'success');
  assert.deepEqual(
    taken.map((cell) => `${cell.bomb.protocol}/${cell.bomb.name}`),
    [],
  );
});

test('an answer within the limits but stuffed to them is read, and what is kept of it is bounded', () => {
  const stuffed = cells.filter((cell) => cell.bomb.expect === 'kept-bounded');
  assert.ok(stuffed.length >= 6);
  assert.deepEqual(
    stuffed
      .filter((cell) => cell.status !== 'success' || cell.resultChars > maxResultChars)
      .map((cell) => `${cell.bomb.protocol}/${cell.bomb.name}: ${cell.status}, ${cell.resultChars} chars ${cell.error ?? ''}`),
    [],
  );
});
