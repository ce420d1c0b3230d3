// Opening the store (SQLite today): a file keeps its data, a file that is not a store and a
// store from a newer opennotice are refused naming the file. What every store implementation
// must do is in the conformance suites (conformance/, run by sqlite/conformance.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { OpenNoticeError } from '../core/errors.ts';
import type { ServiceObservation } from '../core/records.ts';
import { openStore } from './open-store.ts';
import type { RunStart } from './roles/runs.ts';

const runAt = (startedAt: string, extra: Partial<RunStart> = {}): RunStart => ({
  startedAt,
  seed: 42,
  scope: ['192.0.2.0/24'],
  exclude: ['192.0.2.128/25'],
  ports: [23, 80],
  checks: ['discovery', 'identify', 'credentials'],
  ...extra,
});

const telnet = (ip: string, observedAt: string, banner: string): ServiceObservation => ({
  ip,
  port: 23,
  protocol: 'telnet',
  status: 'success',
  result: { banner, prompt: 'login:', promptKind: 'login' },
  durationMs: 12.4,
  observedAt,
});

const withTempDir = (work: (dir: string) => Promise<void>) => async () => {
  const dir = mkdtempSync(join(tmpdir(), 'opennotice-store-'));
  try {
    await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

test(
  'a file store keeps its data when reopened',
  withTempDir(async (dir) => {
    const file = join(dir, 'survey.db');
    const store = await openStore(file);
    const runId = await store.startRun(runAt('2025-01-01T00:00:00.000Z'));
    await store.recordServices(runId, [telnet('192.0.2.1', '2025-01-01T00:00:01.000Z', 'hello')]);
    await store.close();
    await assert.rejects(store.listRuns(), /closed/);

    const reopened = await openStore(file);
    assert.deepEqual(
      (await reopened.listRuns()).map((run) => run.id),
      [runId],
    );
    assert.equal((await reopened.listServices({ ip: '192.0.2.1' }))[0].result.banner, 'hello');
    await reopened.close();
  }),
);

test(
  'a file that is not an SQLite database fails with STORE_FAILED naming the file',
  withTempDir(async (dir) => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'these are not the bytes of an SQLite database\n'.repeat(200));
    await assert.rejects(openStore(file), (error: unknown) => {
      assert.ok(error instanceof OpenNoticeError);
      assert.equal(error.code, 'STORE_FAILED');
      assert.equal(error.context.file, file);
      assert.match(error.describe(), /notes\.txt/);
      return true;
    });
    await assert.rejects(openStore(join(dir, 'missing-dir', 'x.db')), { code: 'STORE_FAILED' });
  }),
);

test(
  'a store file written by a newer opennotice is refused, not misread',
  withTempDir(async (dir) => {
    const file = join(dir, 'future.db');
    await (await openStore(file)).close();
    const db = new DatabaseSync(file);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(99, 'from the future', '2030-01-01T00:00:00Z');
    db.close();
    await assert.rejects(
      openStore(file),
      (error: unknown) =>
        error instanceof OpenNoticeError && error.code === 'STORE_FAILED' && error.context.file === file && /schema version 99 is newer/.test(error.message),
    );
  }),
);
