import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrations } from '../migrations/index.ts';
import { openDatabase } from './database.ts';
import { applyMigrations } from './migrate.ts';

const at = '2026-01-01T00:00:00.000Z';

test('migration 013 keeps reports with their findings and deliveries, foreign keys still enforced, and admits sector reports (and 014 integrator reports after it)', () => {
  const db = openDatabase(':memory:');
  applyMigrations(
    db,
    migrations.slice(
      0,
      migrations.findIndex((migration) => migration.version === 13),
    ),
    ':memory:',
  );
  db.exec(`INSERT INTO runs (id, started_at, scope, exclude, ports, checks) VALUES (1, '${at}', '[]', '[]', '[]', '[]');
    INSERT INTO findings (id, kind, ip, port, protocol, evidence, status, first_seen, last_seen, first_run_id, last_run_id)
      VALUES (7, 'weak-credential', '192.0.2.7', 23, 'telnet', '{}', 'open', '${at}', '${at}', 1, 1);
    INSERT INTO reports (id, isp_id, audience, created_at, period_end, idempotency_key, finding_count, summary)
      VALUES (3, 'alpha', 'isp', '${at}', '${at}', 'isp/alpha/1', 1, '{}');
    INSERT INTO report_findings (report_id, finding_id) VALUES (3, 7);
    INSERT INTO outbox (id, report_id, channel, destination, idempotency_key, payload, status, attempts, next_attempt_at)
      VALUES (5, 3, 'smtp', 'abuse@alpha.example', 'isp/alpha/1/smtp', '{}', 'pending', 0, '${at}');`);
  applyMigrations(db, migrations, ':memory:');

  assert.deepEqual({ ...db.prepare('SELECT id, audience, idempotency_key FROM reports').get() }, { id: 3, audience: 'isp', idempotency_key: 'isp/alpha/1' });
  assert.deepEqual({ ...db.prepare('SELECT report_id, finding_id FROM report_findings').get() }, { report_id: 3, finding_id: 7 });
  assert.deepEqual({ ...db.prepare('SELECT id, report_id, status FROM outbox').get() }, { id: 5, report_id: 3, status: 'pending' });
  assert.deepEqual(db.prepare('PRAGMA foreign_key_check').all(), []);
  assert.throws(() => db.exec('INSERT INTO report_findings (report_id, finding_id) VALUES (99, 7)'), /FOREIGN KEY/, 'report_findings still references reports');
  assert.throws(
    () =>
      db.exec(
        `INSERT INTO outbox (report_id, channel, destination, idempotency_key, payload, status, next_attempt_at) VALUES (99, 'smtp', 'x', 'k', '{}', 'pending', '${at}')`,
      ),
    /FOREIGN KEY/,
    'outbox still references reports',
  );
  db.exec(
    `INSERT INTO reports (isp_id, audience, created_at, period_end, idempotency_key, finding_count, summary) VALUES (NULL, 'sector', '${at}', '${at}', 'sector/solar/1', 1, '{}')`,
  );
  assert.throws(
    () =>
      db.exec(
        `INSERT INTO reports (audience, created_at, period_end, idempotency_key, finding_count, summary) VALUES ('public', '${at}', '${at}', 'k2', 0, '{}')`,
      ),
    /CHECK/,
  );
  const indexes = (
    db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' AND tbl_name IN ('reports', 'report_findings', 'outbox') ORDER BY name",
      )
      .all() as Array<{ name: string }>
  ).map((row) => row.name);
  for (const index of ['outbox_by_report', 'outbox_due', 'report_findings_by_finding', 'reports_by_isp']) assert.ok(indexes.includes(index), index);
  db.close();
});
