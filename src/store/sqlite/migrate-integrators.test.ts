// Step 14 widens the reports' audience CHECK by editing the schema text (014-integrators.ts):
// an existing database keeps its reports and their links, and the wider constraint holds for
// the connection that migrated and for every later one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { migrations } from '../migrations/index.ts';
import { applyMigrations } from './migrate.ts';

const insertReport = (db: DatabaseSync, audience: string, key: string) =>
  db
    .prepare(
      `INSERT INTO reports (isp_id, audience, created_at, period_end, idempotency_key, finding_count, summary) VALUES ('isp-a', ?, 't', 't', ?, 0, '{}')`,
    )
    .run(audience, key);

test('step 14 on a database with reports: rows and links kept, audience "integrator" accepted, others still refused', () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-migrate-14-'));
  try {
    const file = join(directory, 'store.sqlite');
    const before = new DatabaseSync(file);
    before.exec('PRAGMA foreign_keys = ON');
    const step14 = migrations.findIndex((migration) => migration.version === 14);
    assert.ok(step14 > 0, 'step 14 is in the list');
    applyMigrations(before, migrations.slice(0, step14), file);
    const { lastInsertRowid } = insertReport(before, 'isp', 'isp/a/1');
    before
      .prepare(
        `INSERT INTO outbox (report_id, channel, destination, idempotency_key, payload, status, next_attempt_at) VALUES (?, 'smtp', 'abuse@a.example', 'isp/a/1/smtp', '{}', 'pending', 't')`,
      )
      .run(lastInsertRowid);
    assert.throws(() => insertReport(before, 'integrator', 'too-early'), /CHECK constraint failed/);

    assert.deepEqual(
      applyMigrations(before, migrations, file),
      migrations.slice(step14).map((migration) => migration.version),
    );
    insertReport(before, 'integrator', 'integrator/kita/1');
    assert.throws(() => insertReport(before, 'partner', 'partner/1'), /CHECK constraint failed/);
    assert.equal((before.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check, 'ok');
    assert.equal(before.prepare('PRAGMA foreign_key_check').all().length, 0);
    before.close();

    const after = new DatabaseSync(file);
    after.exec('PRAGMA foreign_keys = ON');
    insertReport(after, 'integrator', 'integrator/kita/2');
    assert.throws(() => insertReport(after, 'partner', 'partner/2'), /CHECK constraint failed/);
    assert.deepEqual(
      (after.prepare('SELECT audience, idempotency_key AS key FROM reports ORDER BY id').all() as Array<{ audience: string; key: string }>).map((row) => [
        row.audience,
        row.key,
      ]),
      [
        ['isp', 'isp/a/1'],
        ['integrator', 'integrator/kita/1'],
        ['integrator', 'integrator/kita/2'],
      ],
    );
    assert.equal((after.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n, 1);
    after.close();
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
