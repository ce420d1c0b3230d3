/** Conformance of KnownBotStore and CncCandidateStore: known bots, candidates upserted with decisions kept, approvals as indicators, feed entries. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CncCandidate } from '../../src/cnc/candidate.ts';
import type { Finding } from '../../src/core/records.ts';
import type { CncCandidateStore } from '../../src/store/roles/cnc-candidates.ts';
import type { DarknetStore } from '../../src/store/roles/darknet.ts';
import type { FindingStore } from '../../src/store/roles/findings.ts';
import type { KnownBotStore } from '../../src/store/roles/known-bots.ts';
import type { RunStore } from '../../src/store/roles/runs.ts';
import { darknetWindow, scanner, startRun } from './fixtures.ts';
import { type OpenStore, withStore } from './harness.ts';

const infected = (ip: string, protocol: string, observedAt: string): Finding =>
  ({ kind: 'infected', ip, port: 0, protocol, evidence: {}, observedAt }) as Finding;

const candidate = (endpoint: string, extra: Partial<CncCandidate> = {}): CncCandidate => ({
  endpointKind: 'ip',
  endpoint,
  port: 443,
  protocol: 6,
  botsContacting: 12,
  benignContacting: 1,
  fanIn: 13,
  beaconing: { periodSeconds: 300, regularity: 0.94, beaconingBots: 11 },
  firstSeen: '2026-11-02T00:00:00.000Z',
  lastSeen: '2026-11-02T06:00:00.000Z',
  feedsMatched: [],
  confidence: 0.9,
  evidence: 'contacted by 12 known bots.',
  ...extra,
});

/**
 * Registers the C&C role tests (findings and darknet windows are written through their roles).
 * @example describe('SQLite', () => cncStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function cncStoreConformance(open: OpenStore<KnownBotStore & CncCandidateStore & DarknetStore & FindingStore & RunStore>): void {
  describe('KnownBotStore', () => {
    test('infected findings, honeypot bots and darknet scanners since a time, merged by address; research scanners are not bots', () =>
      withStore(open, async (store) => {
        const runId = await startRun(store, '2026-11-01T00:00:00.000Z');
        await store.reconcileFindings(runId, {
          found: [infected('192.0.2.7', 'honeypot', '2026-11-01T00:00:00.000Z'), infected('192.0.2.8', 'telnet', '2026-11-01T00:00:00.000Z')],
          covered: [],
        });
        await store.recordDarknetWindows(runId, [
          darknetWindow('2026-11-01T00:00:00.000Z', 86400, 1000, [
            scanner('192.0.2.7', 90, { lastSeen: '2026-11-01T05:00:00.000Z' }),
            scanner('192.0.2.9', 90, { lastSeen: '2026-11-01T03:00:00.000Z' }),
            scanner('192.0.2.10', 90, { verdict: 'research', family: undefined, lastSeen: '2026-11-01T03:00:00.000Z' }),
          ]),
        ]);
        assert.deepEqual(await store.listKnownBotAddresses('2026-10-01T00:00:00.000Z'), [
          { ip: '192.0.2.7', sources: ['darknet-scanner', 'honeypot'], lastSeen: '2026-11-01T05:00:00.000Z' },
          { ip: '192.0.2.8', sources: ['infected'], lastSeen: '2026-11-01T00:00:00.000Z' },
          { ip: '192.0.2.9', sources: ['darknet-scanner'], lastSeen: '2026-11-01T03:00:00.000Z' },
        ]);
        assert.deepEqual(
          (await store.listKnownBotAddresses('2026-11-01T04:00:00.000Z')).map((bot) => bot.ip),
          ['192.0.2.7'],
          'older sightings are left out',
        );
      }));
  });

  describe('CncCandidateStore', () => {
    test('candidates are stored with every figure, listed most confident first, and refreshed without losing a decision', () =>
      withStore(open, async (store) => {
        await store.saveCncCandidates(
          [candidate('198.51.100.10'), candidate('198.51.100.20', { confidence: 0.95, beaconing: undefined, feedsMatched: ['feodo'] })],
          '2026-11-02T07:00:00.000Z',
        );
        const listed = await store.listCncCandidates();
        assert.deepEqual(
          listed.map((row) => [row.endpoint, row.confidence, row.status]),
          [
            ['198.51.100.20', 0.95, 'pending'],
            ['198.51.100.10', 0.9, 'pending'],
          ],
        );
        const first = listed[1]!;
        assert.deepEqual(first.beaconing, { periodSeconds: 300, regularity: 0.94, beaconingBots: 11 });
        assert.equal(listed[0]!.beaconing, undefined);
        assert.deepEqual(listed[0]!.feedsMatched, ['feodo']);
        assert.equal(first.detectedAt, '2026-11-02T07:00:00.000Z');

        const decided = await store.decideCncCandidate(first.id, { status: 'approved', at: '2026-11-02T08:00:00.000Z', by: 'operator' });
        assert.equal(decided?.status, 'approved');
        assert.equal(decided?.decidedBy, 'operator');
        const again = await store.decideCncCandidate(first.id, { status: 'rejected', at: '2026-11-02T09:00:00.000Z', by: 'someone else' });
        assert.equal(again?.status, 'approved', 'a decided candidate is not decided again');

        await store.saveCncCandidates(
          [candidate('198.51.100.10', { botsContacting: 20, firstSeen: '2026-11-03T00:00:00.000Z', lastSeen: '2026-11-03T06:00:00.000Z', evidence: 'newer.' })],
          '2026-11-03T07:00:00.000Z',
        );
        const refreshed = await store.getCncCandidate(first.id);
        assert.equal(refreshed?.status, 'approved', 'the decision survives a new detection');
        assert.equal(refreshed?.botsContacting, 20);
        assert.equal(refreshed?.firstSeen, '2026-11-02T00:00:00.000Z', 'first seen only moves back');
        assert.equal(refreshed?.lastSeen, '2026-11-03T06:00:00.000Z');
        assert.equal(refreshed?.evidence, 'newer.');
        assert.equal((await store.listCncCandidates({ status: 'pending' })).length, 1);
        assert.equal(await store.getCncCandidate(9999), undefined);
      }));

    test('only approved candidates become indicators, with port and reason', () =>
      withStore(open, async (store) => {
        await store.saveCncCandidates(
          [candidate('198.51.100.10'), candidate('198.51.100.11', { port: 0, protocol: 1 }), candidate('198.51.100.12')],
          '2026-11-02T07:00:00.000Z',
        );
        const ids = new Map((await store.listCncCandidates()).map((row) => [row.endpoint, row.id]));
        assert.deepEqual(await store.listApprovedIndicators(), [], 'nothing before approval');
        await store.decideCncCandidate(ids.get('198.51.100.11')!, { status: 'approved', at: '2026-11-02T08:00:00.000Z', by: 'a' });
        await store.decideCncCandidate(ids.get('198.51.100.10')!, { status: 'approved', at: '2026-11-02T09:00:00.000Z', by: 'a' });
        await store.decideCncCandidate(ids.get('198.51.100.12')!, { status: 'rejected', at: '2026-11-02T09:00:00.000Z', by: 'a' });
        assert.deepEqual(await store.listApprovedIndicators(), [
          {
            kind: 'ip',
            value: '198.51.100.11',
            reason: `C&C candidate ${ids.get('198.51.100.11')}: 12 known bots, beacons ~300 s, confidence 0.9`,
            approvedAt: '2026-11-02T08:00:00.000Z',
          },
          {
            kind: 'ip',
            value: '198.51.100.10',
            port: 443,
            protocol: 'tcp',
            reason: `C&C candidate ${ids.get('198.51.100.10')}: 12 known bots, beacons ~300 s, confidence 0.9`,
            approvedAt: '2026-11-02T09:00:00.000Z',
          },
        ]);
      }));

    test('feed entries are added and refreshed by feed, value and port; an entry without a port stays without one', () =>
      withStore(open, async (store) => {
        assert.equal(
          await store.recordCncFeedEntries(
            [
              { feed: 'feodo', kind: 'ip', value: '198.51.100.50', port: 443, label: 'QakBot', firstSeen: '2026-10-01T00:00:00.000Z' },
              { feed: 'urlhaus', kind: 'domain', value: 'bad.example.com' },
            ],
            '2026-11-01T00:00:00.000Z',
          ),
          2,
        );
        await store.recordCncFeedEntries([{ feed: 'feodo', kind: 'ip', value: '198.51.100.50', port: 443, label: 'Pikabot' }], '2026-11-02T00:00:00.000Z');
        assert.deepEqual(await store.listCncFeedEntries(), [
          { feed: 'feodo', kind: 'ip', value: '198.51.100.50', port: 443, label: 'Pikabot', firstSeen: '2026-10-01T00:00:00.000Z' },
          { feed: 'urlhaus', kind: 'domain', value: 'bad.example.com' },
        ]);
      }));
  });
}
