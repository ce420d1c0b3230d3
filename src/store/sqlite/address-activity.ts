/**
 * "Was this address seen scanning or attacking lately?" in SQLite: the darknet's judged
 * scanners (darknet_sources_by_ip) and the honeypot import's infected findings (findings_by_ip).
 */
import type { AddressActivity, AddressActivityStore } from '../roles/address-activity.ts';
import type { SqliteContext } from './database.ts';

/** @example await sqliteAddressActivityStore(context).addressActivitySince('192.0.2.7', '2026-01-01T00:00:00.000Z') */
export function sqliteAddressActivityStore({ db, use }: SqliteContext): AddressActivityStore {
  return {
    addressActivitySince: (ip, since) =>
      use('addressActivitySince', () => {
        const darknet = db
          .prepare(`SELECT max(last_seen) AS lastSeen FROM darknet_sources INDEXED BY darknet_sources_by_ip
            WHERE ip = ? AND verdict = 'scanner' AND last_seen >= ?`)
          .get(ip, since) as { lastSeen: string | null };
        const honeypot = db
          .prepare(`SELECT max(last_seen) AS lastSeen FROM findings INDEXED BY findings_by_ip
            WHERE ip = ? AND kind = 'infected' AND protocol = 'honeypot' AND last_seen >= ?`)
          .get(ip, since) as { lastSeen: string | null };
        const activity: AddressActivity = {};
        if (darknet.lastSeen) activity.darknetScanningLastSeen = darknet.lastSeen;
        if (honeypot.lastSeen) activity.honeypotAttackLastSeen = honeypot.lastSeen;
        return activity;
      }),
  };
}
