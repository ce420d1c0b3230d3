import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FlowRecord } from '../flows/flow-record.ts';
import { createAllowlist } from './allowlist.ts';
import { detectCncCandidates } from './detect.ts';
import { createFeedIndex } from './feed-entry.ts';

const start = Date.parse('2026-11-02T00:00:00.000Z');
const flow = (source: string, destination: string, port: number, atMs: number, protocol = 6): FlowRecord => ({
  exporter: '192.0.2.1/0',
  sourceAddress: source,
  destinationAddress: destination,
  sourcePort: 40000,
  destinationPort: port,
  protocol,
  packets: 3,
  bytes: 300,
  startMs: start + atMs,
  endMs: start + atMs + 100,
});
const allowlist = createAllowlist([{ name: 'Resolver', purpose: 'resolver', source: 'https://example.org/', ranges: ['192.0.2.53/32'], domains: [] }]);
const bots = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'];
const others = Array.from({ length: 36 }, (_, index) => `10.0.1.${index + 1}`);

/** Bots beacon to 198.51.100.10:23 every 120 s; everyone asks the resolver and visits a popular site. */
function population(): FlowRecord[] {
  const flows: FlowRecord[] = [];
  bots.forEach((bot, index) => {
    for (let call = 0; call < 10; call++) flows.push(flow(bot, '198.51.100.10', 23, index * 7_000 + call * 120_000 + (call % 3) * 1_000));
  });
  [...bots, ...others].forEach((device, index) => {
    flows.push(flow(device, '192.0.2.53', 53, index * 1000, 17));
    for (let visit = 0; visit < 5; visit++) flows.push(flow(device, '203.0.113.80', 443, index * 500 + visit * 300_000));
  });
  return flows;
}

test('an endpoint the known bots beacon to, and others do not contact, is a candidate with evidence', () => {
  const result = detectCncCandidates({ flows: population(), knownBots: new Set(bots), allowlist });
  assert.equal(result.candidates.length, 1, JSON.stringify(result.candidates));
  const [candidate] = result.candidates;
  assert.equal(candidate!.endpoint, '198.51.100.10');
  assert.equal(candidate!.port, 23);
  assert.equal(candidate!.botsContacting, 4);
  assert.equal(candidate!.benignContacting, 0);
  assert.ok(Math.abs(candidate!.beaconing!.periodSeconds - 120) <= 2, `period ${candidate!.beaconing?.periodSeconds}`);
  assert.equal(candidate!.firstSeen, '2026-11-02T00:00:00.000Z');
  assert.ok(candidate!.confidence >= 0.9, `confidence ${candidate!.confidence}`);
  assert.match(candidate!.evidence, /contacted by 4 known bots/);
  assert.match(candidate!.evidence, /4 bots beacon every ~1[12]\d s/);
});

test('a destination popular with everyone is not a candidate, however many bots contact it; allowlisted ones are not even scored', () => {
  const result = detectCncCandidates({ flows: population(), knownBots: new Set(bots), allowlist });
  const popular = result.scored.find((entry) => entry.candidate.endpoint === '203.0.113.80')!.candidate;
  assert.equal(popular.botsContacting, 4);
  assert.ok(popular.confidence < 0.5, `confidence ${popular.confidence}`);
  assert.match(popular.evidence, /popular destination/);
  assert.equal(
    result.scored.find((entry) => entry.candidate.endpoint === '192.0.2.53'),
    undefined,
  );
  assert.equal(result.flowsAllowlisted, 40);
});

test('without the bot set nothing is a candidate; a feed listing raises a single bot contact to a candidate', () => {
  assert.deepEqual(detectCncCandidates({ flows: population(), knownBots: new Set(), allowlist }).candidates, []);
  const flows = [...population(), ...[0, 1, 2, 3].map((call) => flow('10.0.0.1', '198.51.100.99', 8080, call * 400_000))];
  const feeds = createFeedIndex([{ feed: 'feodo', kind: 'ip', value: '198.51.100.99', port: 8080 }]);
  const listed = detectCncCandidates({ flows, knownBots: new Set(bots), allowlist, feeds }).candidates.find(
    (candidate) => candidate.endpoint === '198.51.100.99',
  );
  assert.deepEqual(listed?.feedsMatched, ['feodo']);
  assert.match(listed!.evidence, /listed by feodo/);
  assert.equal(
    detectCncCandidates({ flows, knownBots: new Set(bots), allowlist }).candidates.find((candidate) => candidate.endpoint === '198.51.100.99'),
    undefined,
  );
});

test("a destination with several times the population's bot share but more other sources than bots (a vulnerable model's cloud) is not a candidate", () => {
  const flows = population();
  // The four bots and six ordinary devices of the same model keep a strict heartbeat to its cloud.
  [...bots, ...others.slice(0, 6)].forEach((device, index) => {
    for (let call = 0; call < 10; call++) flows.push(flow(device, '203.0.113.90', 443, index * 3_000 + call * 60_000));
  });
  const result = detectCncCandidates({ flows, knownBots: new Set(bots), allowlist });
  const cloud = result.scored.find((entry) => entry.candidate.endpoint === '203.0.113.90')!.candidate;
  assert.ok(cloud.confidence < 0.5, `confidence ${cloud.confidence}: ${cloud.evidence}`);
  assert.match(cloud.evidence, /more others than bots/);
  assert.deepEqual(
    result.candidates.map((candidate) => candidate.endpoint),
    ['198.51.100.10'],
  );
});
