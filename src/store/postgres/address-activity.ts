/** "Was this address seen scanning or attacking lately?" in PostgreSQL, as SQLite's (sqlite/address-activity.ts). */
import type { AddressActivity, AddressActivityStore } from '../roles/address-activity.ts';
import type { PostgresContext } from './database.ts';

/** @example await postgresAddressActivityStore(context).addressActivitySince('192.0.2.7', '2026-01-01T00:00:00.000Z') */
export function postgresAddressActivityStore({ use }: PostgresContext): AddressActivityStore {
  return {
    addressActivitySince: (ip, since) =>
      use('addressActivitySince', async (db) => {
        const { rows } = await db.query(
          `SELECT
            (SELECT max(last_seen) FROM darknet_sources WHERE ip = $1 AND verdict = 'scanner' AND last_seen >= $2) AS darknet,
            (SELECT max(last_seen) FROM findings WHERE ip = $1 AND kind = 'infected' AND protocol = 'honeypot' AND last_seen >= $2) AS honeypot`,
          [ip, since],
        );
        const row = rows[0] as { darknet: string | null; honeypot: string | null };
        const activity: AddressActivity = {};
        if (row.darknet) activity.darknetScanningLastSeen = row.darknet;
        if (row.honeypot) activity.honeypotAttackLastSeen = row.honeypot;
        return activity;
      }),
  };
}
