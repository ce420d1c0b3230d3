/** Conformance of AddressActivityStore: the latest darknet scanning and honeypot attack at exactly one address, since a time. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Finding } from '../../src/core/records.ts';
import type { AddressActivityStore } from '../../src/store/roles/address-activity.ts';
import type { DarknetStore } from '../../src/store/roles/darknet.ts';
import type { FindingStore } from '../../src/store/roles/findings.ts';
import type { RunStore } from '../../src/store/roles/runs.ts';
import { darknetWindow, scanner, startRun } from './fixtures.ts';
import { type OpenStore, withStore } from './harness.ts';

const honeypotBot = (ip: string, observedAt: string): Finding =>
  ({ kind: 'infected', ip, port: 0, protocol: 'honeypot', evidence: { source: 'honeypot' }, observedAt }) as Finding;

/**
 * Registers the AddressActivityStore tests (darknet windows and findings are written through their roles).
 * @example describe('SQLite', () => addressActivityStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function addressActivityStoreConformance(open: OpenStore<AddressActivityStore & DarknetStore & FindingStore & RunStore>): void {
  describe('AddressActivityStore', () => {
    test('the latest darknet scanning and honeypot attack at exactly the address, since the time asked', () =>
      withStore(open, async (store) => {
        const runId = await startRun(store, '2026-01-13T00:00:00.000Z');
        await store.recordDarknetWindows(runId, [
          darknetWindow('2026-01-11T00:00:00.000Z', 86400, 1000, [
            scanner('192.0.2.7', 90, { lastSeen: '2026-01-11T02:00:00.000Z' }),
            scanner('192.0.2.9', 90, { verdict: 'research', family: undefined, lastSeen: '2026-01-11T03:00:00.000Z' }),
          ]),
          darknetWindow('2026-01-12T00:00:00.000Z', 86400, 1000, [scanner('192.0.2.7', 50, { lastSeen: '2026-01-12T05:00:00.000Z' })]),
        ]);
        const honeypotRun = await startRun(store, '2026-01-12T06:00:00.000Z');
        await store.reconcileFindings(honeypotRun, { found: [honeypotBot('192.0.2.8', '2026-01-12T06:00:00.000Z')], covered: [] });

        assert.deepEqual(await store.addressActivitySince('192.0.2.7', '2026-01-10T00:00:00.000Z'), {
          darknetScanningLastSeen: '2026-01-12T05:00:00.000Z',
        });
        assert.deepEqual(await store.addressActivitySince('192.0.2.7', '2026-01-12T06:00:00.000Z'), {}, 'older sightings are not mentioned');
        assert.deepEqual(await store.addressActivitySince('192.0.2.8', '2026-01-10T00:00:00.000Z'), { honeypotAttackLastSeen: '2026-01-12T06:00:00.000Z' });
        assert.deepEqual(await store.addressActivitySince('192.0.2.9', '2026-01-10T00:00:00.000Z'), {}, 'a research scanner is not an attacker');
        assert.deepEqual(await store.addressActivitySince('192.0.2.70', '2026-01-10T00:00:00.000Z'), {}, 'not a prefix match');
      }));
  });
}
