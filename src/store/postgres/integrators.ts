/** System integrators in PostgreSQL (table `integrators`, migration 014). */
import type { IntegratorRecord, IntegratorStore } from '../roles/integrators.ts';
import type { PostgresContext } from './database.ts';
import { lastByKey, toRecord } from './rows.ts';

/** @example await postgresIntegratorStore(context).listIntegrators() */
export function postgresIntegratorStore({ use, transaction }: PostgresContext): IntegratorStore {
  return {
    upsertIntegrators: (integrators, options = {}) =>
      transaction('upsertIntegrators', async (client) => {
        const rows = lastByKey(integrators, (integrator) => integrator.id);
        if (rows.length === 0) return;
        await client.query(
          `INSERT INTO integrators (id, name, contacts, ranges, customer_ids, updated_at)
            SELECT id, name, contacts, ranges, customer_ids, $1
            FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS i(id, name, contacts, ranges, customer_ids)
          ON CONFLICT (id) DO UPDATE SET name = excluded.name, contacts = excluded.contacts, ranges = excluded.ranges,
            customer_ids = excluded.customer_ids, updated_at = excluded.updated_at`,
          [
            options.at ?? new Date().toISOString(),
            rows.map((integrator) => integrator.id),
            rows.map((integrator) => integrator.name),
            rows.map((integrator) => JSON.stringify(integrator.contacts)),
            rows.map((integrator) => JSON.stringify(integrator.ranges)),
            rows.map((integrator) => JSON.stringify(integrator.customerIds)),
          ],
        );
      }),
    listIntegrators: () =>
      use('listIntegrators', async (db) => {
        const result = await db.query('SELECT id, name, contacts, ranges, customer_ids AS "customerIds" FROM integrators ORDER BY id');
        return result.rows.map((row) => toRecord<IntegratorRecord>(row, ['contacts', 'ranges', 'customerIds']));
      }),
  };
}
