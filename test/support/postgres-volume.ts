/**
 * A PostgreSQL store filled at volume, for the dashboard's plan test and a manual timing run
 * (test-only): `count` findings on count/2 addresses written straight in SQL (generate_series),
 * not through the roles — the roles would take hours for ten million — with what the roles
 * would have written beside them: devices for two addresses in three (one rare vendor), ISP
 * attributions with the copied kind, status and closing time and the per-ISP counts, opened and
 * closed events, one report per ISP, and statistics (VACUUM ANALYZE) as a live server would
 * have them. Triggers are switched off for the fill (session_replication_role; the server's
 * superuser runs it) and their results written in bulk instead.
 */
import pg from 'pg';

/** Vendor with 1 device in 100 000 addresses: the drill-down drives through its devices. */
export const rareVendor = 'Rarecam';

/**
 * @example await fillDashboardVolume(url, 200_000)
 */
export async function fillDashboardVolume(url: string, count: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SET session_replication_role = replica');
    await client.query(`INSERT INTO runs (started_at, finished_at, status, scope, exclude, ports, checks)
      VALUES ('2025-01-01T00:00:00.000Z', '2025-01-01T01:00:00.000Z', 'completed', '[]', '[]', '[23, 80]', '["credentials"]')`);
    await client.query(`INSERT INTO isps (id, name, asns, prefixes, contacts, preferences, updated_at)
      SELECT 'isp-' || lpad(n::text, 2, '0'), 'ISP ' || n, '[]', '[]', '{}', '{}', '2025-01-01T00:00:00.000Z' FROM generate_series(1, 20) AS n`);
    // Finding g is on address g / 2 (two kinds per address); ids grow with the first-seen day, over a year.
    await client.query(
      `INSERT INTO findings (id, kind, ip, port, protocol, evidence, status, first_seen, last_seen, first_run_id, last_run_id, closed_at, closed_run_id)
      SELECT g, kind, ip, port, protocol, evidence, status, first_seen, first_seen, 1, 1,
        CASE WHEN status = 'closed' THEN closed_at END, CASE WHEN status = 'closed' THEN 1 END
      FROM (
        SELECT g,
          CASE WHEN g % 2 = 0 THEN 'weak-credential' WHEN (g / 2) % 5 = 0 THEN 'infected' ELSE 'no-authentication' END AS kind,
          '10.' || ((g / 2) / 65536 % 256) || '.' || ((g / 2) / 256 % 256) || '.' || ((g / 2) % 256) AS ip,
          CASE WHEN g % 2 = 0 THEN 23 WHEN (g / 2) % 5 = 0 THEN 0 ELSE 80 END AS port,
          CASE WHEN g % 2 = 0 THEN 'telnet' WHEN (g / 2) % 5 = 0 THEN 'darknet' ELSE 'http' END AS protocol,
          CASE WHEN g % 2 = 1 AND (g / 2) % 5 = 0 THEN '{"daysSeen":["2025-06-01","2025-06-02"]}' ELSE '{}' END AS evidence,
          CASE WHEN g % 10 = 0 THEN 'closed' ELSE 'open' END AS status,
          to_char(date '2025-01-01' + (g::bigint * 364 / $1)::int, 'YYYY-MM-DD') || 'T01:00:00.000Z' AS first_seen,
          to_char(date '2025-01-31' + (g::bigint * 364 / $1)::int, 'YYYY-MM-DD') || 'T01:00:00.000Z' AS closed_at
        FROM generate_series(1, $1::bigint) AS g
      ) AS generated`,
      [count],
    );
    await client.query(`SELECT setval(pg_get_serial_sequence('findings', 'id'), $1)`, [count]);
    await client.query(
      `INSERT INTO devices (ip, vendor, model, device_type, release_year, confidence, evidence, first_seen, last_seen, first_run_id, last_run_id)
      SELECT '10.' || (a / 65536 % 256) || '.' || (a / 256 % 256) || '.' || (a % 256),
        CASE WHEN a % 100000 = 7 THEN $2 ELSE 'Vendor' || (a % 40) END, 'M-' || (a % 7),
        (ARRAY['ip-camera', 'router', 'dvr', 'nas'])[a % 4 + 1], 2010 + a % 12, 0.9, '[]',
        '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', 1, 1
      FROM generate_series(0, $1::bigint / 2) AS a WHERE a % 3 <> 0`,
      [count, rareVendor],
    );
    // One finding in twenty has no attribution row, one in forty was attributed to no ISP.
    await client.query(
      `INSERT INTO finding_attributions (finding_id, isp_id, source, attributed_at, finding_kind, finding_status, finding_closed_at)
      SELECT id, CASE WHEN id % 40 = 1 THEN NULL ELSE 'isp-' || lpad(((id / 2) % 20 + 1)::text, 2, '0') END,
        CASE WHEN id % 40 = 1 THEN 'none' ELSE 'registry' END, '2025-02-01T00:00:00.000Z', kind, status, closed_at
      FROM findings WHERE id % 20 <> 0`,
    );
    await client.query(`INSERT INTO isp_finding_counts (isp_id, kind, status, count)
      SELECT isp_id, finding_kind, finding_status, count(*) FROM finding_attributions WHERE isp_id IS NOT NULL GROUP BY 1, 2, 3`);
    await client.query(`INSERT INTO finding_events (finding_id, run_id, event, at)
      SELECT id, 1, 'opened', first_seen FROM findings UNION ALL SELECT id, 1, 'closed', closed_at FROM findings WHERE status = 'closed'`);
    await client.query(`INSERT INTO reports (isp_id, audience, created_at, period_end, idempotency_key, finding_count, summary)
      SELECT id, 'isp', '2025-02-02T00:00:00.000Z', '2025-02-02T00:00:00.000Z', id || '/volume', 0, '{}' FROM isps`);
    await client.query(`INSERT INTO report_findings (report_id, finding_id)
      SELECT r.id, a.finding_id FROM finding_attributions a JOIN reports r ON r.isp_id = a.isp_id WHERE a.finding_id % 3 = 0`);
    await client.query('SET session_replication_role = DEFAULT');
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
}
