/**
 * The ISP registry and attributions in PostgreSQL (tables `isps`, `finding_attributions`), and
 * findings read with both joined in. Both writes are one multi-row upsert per batch; the
 * triggers of migration 007 keep the portal's copied columns and per-ISP counts in step.
 */
import type { NotifiableFinding } from '../../core/records.ts';
import type { IspAttributionStore, IspRecord } from '../roles/isp-attribution.ts';
import type { PostgresContext } from './database.ts';
import { byAddressAndPort, lastByKey, notifiableFindingOf, toRecord } from './rows.ts';

/** @example await postgresIspAttributionStore(context).listNotifiableFindings({ ispId: 'example-isp', status: 'open' }) */
export function postgresIspAttributionStore({ use, transaction }: PostgresContext): IspAttributionStore {
  const now = () => new Date().toISOString();
  return {
    upsertIsps: (isps, options = {}) =>
      transaction('upsertIsps', async (client) => {
        const rows = lastByKey(isps, (isp) => isp.id);
        if (rows.length === 0) return;
        await client.query(
          `INSERT INTO isps (id, name, asns, prefixes, contacts, preferences, manages_customer_devices, updated_at)
            SELECT id, name, asns, prefixes, contacts, preferences, manages, $1
            FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[])
              AS i(id, name, asns, prefixes, contacts, preferences, manages)
          ON CONFLICT (id) DO UPDATE SET name = excluded.name, asns = excluded.asns, prefixes = excluded.prefixes, contacts = excluded.contacts,
            preferences = excluded.preferences, manages_customer_devices = excluded.manages_customer_devices, updated_at = excluded.updated_at`,
          [
            options.at ?? now(),
            rows.map((isp) => isp.id),
            rows.map((isp) => isp.name),
            rows.map((isp) => JSON.stringify(isp.asns)),
            rows.map((isp) => JSON.stringify(isp.prefixes)),
            rows.map((isp) => JSON.stringify(isp.contacts)),
            rows.map((isp) => JSON.stringify(isp.preferences)),
            rows.map((isp) => (isp.managesCustomerDevices ? 1 : 0)),
          ],
        );
      }),

    listIsps: () =>
      use('listIsps', async (db) => {
        const result = await db.query(
          'SELECT id, name, asns, prefixes, contacts, preferences, manages_customer_devices AS "managesCustomerDevices" FROM isps ORDER BY id',
        );
        return result.rows.map((row) => {
          const record = toRecord<Omit<IspRecord, 'managesCustomerDevices'> & { managesCustomerDevices: number }>(row, [
            'asns',
            'prefixes',
            'contacts',
            'preferences',
          ]);
          return { ...record, managesCustomerDevices: Boolean(record.managesCustomerDevices) };
        });
      }),

    recordAttributions: (items, options = {}) =>
      transaction('recordAttributions', async (client) => {
        const rows = lastByKey(items, (item) => item.findingId);
        if (rows.length === 0) return;
        // Sorted by finding id: two attributors whose batches overlap lock the rows in one order.
        rows.sort((a, b) => a.findingId - b.findingId);
        await client.query(
          `INSERT INTO finding_attributions (finding_id, prefix, asn, as_name, country, isp_id, source, abuse_email, unattributed_reason, integrator_id, attributed_at)
            SELECT finding_id, prefix, asn, as_name, country, isp_id, source, abuse_email, unattributed_reason, integrator_id, $1
            FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
              AS a(finding_id, prefix, asn, as_name, country, isp_id, source, abuse_email, unattributed_reason, integrator_id)
          ON CONFLICT (finding_id) DO UPDATE SET prefix = excluded.prefix, asn = excluded.asn, as_name = excluded.as_name,
            country = excluded.country, isp_id = excluded.isp_id, integrator_id = excluded.integrator_id, source = excluded.source, abuse_email = excluded.abuse_email,
            unattributed_reason = excluded.unattributed_reason, attributed_at = excluded.attributed_at`,
          [
            options.at ?? now(),
            rows.map((item) => item.findingId),
            rows.map((item) => item.attribution.prefix ?? null),
            rows.map((item) => item.attribution.asn ?? null),
            rows.map((item) => item.attribution.asName ?? null),
            rows.map((item) => item.attribution.country ?? null),
            rows.map((item) => item.attribution.ispId ?? null),
            rows.map((item) => item.attribution.source),
            rows.map((item) => item.attribution.abuseEmail ?? null),
            rows.map((item) => item.attribution.unattributedReason ?? null),
            rows.map((item) => item.attribution.integratorId ?? null),
          ],
        );
      }),

    listNotifiableFindings: (filter = {}) =>
      use('listNotifiableFindings', async (db) => {
        const where: string[] = [];
        const values: unknown[] = [];
        if (filter.ispId !== undefined) {
          values.push(filter.ispId);
          where.push(`a.isp_id = $${values.length}`);
        }
        if (filter.integratorId !== undefined) {
          values.push(filter.integratorId);
          where.push(`a.integrator_id = $${values.length}`);
        }
        if (filter.status !== undefined) {
          values.push(filter.status);
          where.push(`f.status = $${values.length}`);
        }
        if (filter.unattributed) where.push('a.finding_id IS NULL');
        // One ISP's findings start from its attributions (an inner join the planner can drive
        // from finding_attributions_by_isp); otherwise every finding, attributed or not.
        const from =
          filter.ispId !== undefined || filter.integratorId !== undefined
            ? 'finding_attributions a JOIN findings f ON f.id = a.finding_id'
            : 'findings f LEFT JOIN finding_attributions a ON a.finding_id = f.id';
        const result = await db.query(
          `SELECT f.id, f.kind, f.ip, f.port, f.protocol, f.evidence, f.status, f.first_seen AS "firstSeen", f.last_seen AS "lastSeen",
              f.closed_at AS "closedAt", d.vendor, d.model, d.device_type AS "deviceType", d.firmware_version AS "firmwareVersion",
              d.release_year AS "releaseYear", d.sector, a.prefix, a.asn, a.as_name AS "asName", a.country, a.isp_id AS "ispId", i.name AS "ispName", a.integrator_id AS "integratorId", g.name AS "integratorName",
              a.source, a.abuse_email AS "abuseEmail", a.unattributed_reason AS "unattributedReason"
            FROM ${from} LEFT JOIN devices d ON d.ip = f.ip LEFT JOIN isps i ON i.id = a.isp_id
              LEFT JOIN integrators g ON g.id = a.integrator_id
            ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`,
          values,
        );
        return byAddressAndPort(
          result.rows.map((row): NotifiableFinding => {
            const { attributed, ...finding } = notifiableFindingOf(row);
            if (!attributed) finding.attribution.unattributedReason = 'not attributed yet';
            return finding;
          }),
        );
      }),
  };
}
