/** Conformance of AddressCheckStore: what "check my connection" may learn about one address, and nothing more. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AddressCheckStore } from '../../src/store/roles/address-check.ts';
import { type OpenStore, withStore } from './harness.ts';
import { type ProgrammeWriter, writeProgramme } from './programme.ts';

/**
 * Registers the AddressCheckStore tests (the programme is written through the other roles).
 * @example describe('SQLite', () => addressCheckStoreConformance(async () => openSqliteStore(':memory:')))
 */
export function addressCheckStoreConformance(open: OpenStore<AddressCheckStore & ProgrammeWriter>): void {
  describe('AddressCheckStore', () => {
    test('open findings at exactly the address, one per kind with the latest sighting, and no port or evidence', () =>
      withStore(open, async (store) => {
        await writeProgramme(store);
        assert.deepEqual(await store.openFindingsAt('192.0.2.1'), [
          { kind: 'weak-credential', lastSeen: '2026-02-05T01:00:00.000Z', deviceType: 'ip-camera', vendor: 'Korvan', model: 'KC-100' },
        ]);
        assert.deepEqual(
          await store.openFindingsAt('198.51.100.1'),
          [{ kind: 'infected', lastSeen: '2026-01-12T05:00:00.000Z', deviceType: 'router', vendor: 'Velmora', model: 'VR-2' }],
          'the closed weak credential is not mentioned',
        );
        assert.deepEqual(await store.openFindingsAt('198.51.100.3'), [{ kind: 'weak-credential', lastSeen: '2026-02-05T01:00:00.000Z' }], 'no device known');
        assert.deepEqual(await store.openFindingsAt('192.0.2.2'), [], 'only closed findings');
        assert.deepEqual(await store.openFindingsAt('192.0.2.10'), [], 'not a prefix match');
        assert.deepEqual(await store.openFindingsAt('192.0.2'), []);
      }));
  });
}
