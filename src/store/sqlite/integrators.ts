/** System integrators in SQLite (table `integrators`, migration 014). */
import type { DatabaseSync } from 'node:sqlite';
import type { IntegratorRecord, IntegratorStore } from '../roles/integrators.ts';
import { inTransaction, type SqliteContext } from './database.ts';
import { toRecord, type SqlRow } from './rows.ts';

/** @example await sqliteIntegratorStore(context).listIntegrators() */
export function sqliteIntegratorStore({ db, use }: SqliteContext): IntegratorStore {
  return {
    upsertIntegrators: (integrators, options = {}) =>
      use('upsertIntegrators', () => inTransaction(db, () => writeIntegrators(db, integrators, options.at ?? new Date().toISOString()))),
    listIntegrators: () =>
      use('listIntegrators', () =>
        (db.prepare('SELECT id, name, contacts, ranges, customer_ids AS customerIds FROM integrators ORDER BY id').all() as SqlRow[]).map((row) =>
          toRecord<IntegratorRecord>(row, ['contacts', 'ranges', 'customerIds']),
        ),
      ),
  };
}

function writeIntegrators(db: DatabaseSync, integrators: readonly IntegratorRecord[], at: string): void {
  const upsert = db.prepare(`INSERT INTO integrators (id, name, contacts, ranges, customer_ids, updated_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, contacts = excluded.contacts, ranges = excluded.ranges,
    customer_ids = excluded.customer_ids, updated_at = excluded.updated_at`);
  for (const integrator of integrators)
    upsert.run(
      integrator.id,
      integrator.name,
      JSON.stringify(integrator.contacts),
      JSON.stringify(integrator.ranges),
      JSON.stringify(integrator.customerIds),
      at,
    );
}
