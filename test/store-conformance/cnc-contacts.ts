/** Conformance of CncContactStore: flushes appended and read back by window, other sources only for endpoints bots contacted, the prune by hour. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BotContactRow, CncContactBatch } from '../../src/cnc/contact-recorder.ts';
import type { CncContactStore } from '../../src/store/roles/cnc-contacts.ts';
import { type OpenStore, withStore } from './harness.ts';

const hour = (n: number) => Date.UTC(2026, 11, 1) + n * 3_600_000;

const contact = (overrides: Partial<BotContactRow>): BotContactRow => ({
  hourMs: hour(0),
  botAddress: '192.0.2.7',
  destinationAddress: '198.51.100.10',
  destinationPort: 23,
  protocol: 6,
  flows: 3,
  packets: 2 ** 33,
  bytes: 600,
  firstMs: hour(0) + 1000,
  lastMs: hour(0) + 130_500,
  contactStartsMs: [hour(0) + 1000, hour(0) + 61_000, hour(0) + 121_000],
  ...overrides,
});

const batch = (hourMs: number, contacts: BotContactRow[]): CncContactBatch => ({
  botContacts: contacts,
  endpointOtherSources: [
    { hourMs, destinationAddress: '198.51.100.10', destinationPort: 23, protocol: 6, otherSourcesSketch: 's:1a3', firstMs: hourMs + 5, lastMs: hourMs + 9 },
    { hourMs, destinationAddress: '203.0.113.5', destinationPort: 443, protocol: 6, otherSourcesSketch: 's:2b1,4c2', firstMs: hourMs, lastMs: hourMs + 1 },
  ],
  population: [{ hourMs, otherSourcesSketch: 's:1a3,2b1,4c2' }],
});

/**
 * Registers the CncContactStore tests.
 * @example describe('SQLite', () => cncContactStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function cncContactStoreConformance(open: OpenStore<CncContactStore>): void {
  describe('CncContactStore', () => {
    test('flushes are kept as rows of their own and read back whole; other sources only of endpoints some bot contacted', () =>
      withStore(open, async (store) => {
        const empty = await store.listCncContacts({ sinceHourMs: 0 });
        assert.deepEqual(empty, { botContacts: [], endpointOtherSources: [], population: [] });
        await store.addCncContacts(batch(hour(0), [contact({})]));
        await store.addCncContacts(
          batch(hour(0), [contact({ firstMs: hour(0) + 2_000_000, lastMs: hour(0) + 2_000_100, contactStartsMs: [hour(0) + 2_000_000] })]),
        );
        const read = await store.listCncContacts({ sinceHourMs: hour(0) });
        assert.deepEqual(read.botContacts, [
          contact({}),
          contact({ firstMs: hour(0) + 2_000_000, lastMs: hour(0) + 2_000_100, contactStartsMs: [hour(0) + 2_000_000] }),
        ]);
        assert.deepEqual(
          read.endpointOtherSources.map((row) => [row.destinationAddress, row.otherSourcesSketch, row.firstMs]),
          [
            ['198.51.100.10', 's:1a3', hour(0) + 5],
            ['198.51.100.10', 's:1a3', hour(0) + 5],
          ],
          'the endpoint no bot contacted is left out',
        );
        assert.deepEqual(read.population, [
          { hourMs: hour(0), otherSourcesSketch: 's:1a3,2b1,4c2' },
          { hourMs: hour(0), otherSourcesSketch: 's:1a3,2b1,4c2' },
        ]);
      }));

    test('the window and the prune go by hour', () =>
      withStore(open, async (store) => {
        await store.addCncContacts(batch(hour(0), [contact({})]));
        await store.addCncContacts(batch(hour(2), [contact({ hourMs: hour(2), firstMs: hour(2), lastMs: hour(2) + 1, contactStartsMs: [hour(2)] })]));
        const recent = await store.listCncContacts({ sinceHourMs: hour(1) });
        assert.deepEqual(
          recent.botContacts.map((row) => row.hourMs),
          [hour(2)],
        );
        assert.equal(recent.population.length, 1);
        assert.equal(await store.pruneCncContacts(hour(1)), 4, 'the contact, two other-source rows and the population row of hour 0');
        assert.equal((await store.listCncContacts({ sinceHourMs: 0 })).botContacts.length, 1);
      }));
  });
}
