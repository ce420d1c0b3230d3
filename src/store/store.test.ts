import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { OpenNoticeError } from '../core/errors.ts';
import type { CredentialAttempt, Device, ServiceObservation } from '../core/records.ts';
import { openStore } from './open-store.ts';
import type { RunStart } from './repository.ts';

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

const camera = (ip: string, firmwareVersion: string): Device => ({
  ip,
  identity: {
    vendor: 'Korvan',
    model: 'IPC-2120',
    deviceType: 'ip-camera',
    firmwareVersion,
    releaseYear: 2014,
    confidence: 0.9,
    evidence: [{ ruleId: 'korvan-http-title', protocol: 'http', port: 80, matched: 'Korvan IPC-2120 Web' }],
  },
});

const withTempDir = (work: (dir: string) => Promise<void>) => async () => {
  const dir = mkdtempSync(join(tmpdir(), 'opennotice-store-'));
  try {
    await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

test('runs keep what they were started and finished with', async () => {
  const store = await openStore(':memory:');
  const plan = { file: 'plans/isp.yaml', sha256: 'ab'.repeat(32), operator: 'Jane Doe <jane@example.net>, Example ISP' };
  const runId = await store.startRun(runAt('2025-01-01T00:00:00.000Z', { plan }));
  assert.equal((await store.getRun(runId))?.status, 'running');
  await store.finishRun(runId, { finishedAt: '2025-01-01T01:00:00.000Z', status: 'completed', counts: { services: 2 } });
  const run = await store.getRun(runId);
  assert.deepEqual(run, {
    id: runId,
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T01:00:00.000Z',
    status: 'completed',
    seed: 42,
    scope: ['192.0.2.0/24'],
    exclude: ['192.0.2.128/25'],
    ports: [23, 80],
    checks: ['discovery', 'identify', 'credentials'],
    plan,
    counts: { services: 2 },
  });
  assert.equal(await store.getRun(runId + 1), undefined);
  await assert.rejects(store.finishRun(999, { finishedAt: 'x', status: 'failed', counts: {} }), { code: 'STORE_FAILED' });
  await store.close();
});

test('re-recording services and devices updates them instead of duplicating', async () => {
  const store = await openStore(':memory:');
  const first = await store.startRun(runAt('2025-01-01T00:00:00.000Z'));
  await store.recordServices(first, [telnet('192.0.2.10', '2025-01-01T00:00:05.000Z', 'old banner'), telnet('192.0.2.9', '2025-01-01T00:00:06.000Z', 'b')]);
  await store.recordDevices(first, [camera('192.0.2.10', '1.0')]);
  const second = await store.startRun(runAt('2025-02-01T00:00:00.000Z'));
  await store.recordServices(second, [telnet('192.0.2.10', '2025-02-01T00:00:05.000Z', 'new banner')]);
  await store.recordDevices(second, [camera('192.0.2.10', '2.0')], { observedAt: '2025-02-01T00:10:00.000Z' });

  const services = await store.listServices();
  assert.deepEqual(
    services.map((s) => s.ip),
    ['192.0.2.9', '192.0.2.10'],
    'one row per (ip, port, protocol), numeric address order',
  );
  const updated = services[1];
  assert.equal(updated.firstSeen, '2025-01-01T00:00:05.000Z');
  assert.equal(updated.lastSeen, '2025-02-01T00:00:05.000Z');
  assert.equal(updated.firstRunId, first);
  assert.equal(updated.lastRunId, second);
  assert.equal(updated.result.banner, 'new banner');
  assert.equal(updated.durationMs, 12);

  const devices = await store.listDevices();
  assert.equal(devices.length, 1);
  assert.equal(devices[0].firmwareVersion, '2.0');
  assert.equal(devices[0].firstSeen, '2025-01-01T00:00:00.000Z', 'first sight defaults to the run start');
  assert.equal(devices[0].lastSeen, '2025-02-01T00:10:00.000Z');
  assert.equal(devices[0].evidence[0].ruleId, 'korvan-http-title');

  const summary = await store.summary();
  assert.equal(summary.runs, 2);
  assert.equal(summary.services, 2);
  assert.deepEqual(summary.devicesByType, [{ deviceType: 'ip-camera', count: 1 }]);
  assert.deepEqual(summary.devicesByVendor, [{ vendor: 'Korvan', count: 1 }]);
  await store.close();
});

test('every credential attempt is audited against the run and its survey plan', async () => {
  const store = await openStore(':memory:');
  const plan = { file: 'plan.yaml', sha256: 'cd'.repeat(32), operator: 'NOC <noc@example.net>, Example ISP' };
  const withPlan = await store.startRun(runAt('2025-01-01T00:00:00.000Z', { plan }));
  const lab = await store.startRun(runAt('2025-01-01T00:00:00.000Z', { scope: ['127.1.0.0/24'] }));
  const attempt = (dictionaryEntryId: string, outcome: CredentialAttempt['outcome']): CredentialAttempt => ({
    ip: '192.0.2.10',
    port: 23,
    protocol: 'telnet',
    dictionaryEntryId,
    username: 'admin',
    outcome,
    attemptedAt: '2025-01-01T00:00:10.000Z',
  });
  await store.recordAttempts(withPlan, [attempt('on-001', 'rejected'), attempt('on-003', 'accepted')]);
  await store.recordAttempts(lab, [attempt('on-001', 'error')]);

  const audited = await store.listAttempts(withPlan);
  assert.deepEqual(
    audited.map((a) => [a.dictionaryEntryId, a.outcome]),
    [
      ['on-001', 'rejected'],
      ['on-003', 'accepted'],
    ],
  );
  assert.ok(audited.every((a) => a.runId === withPlan && a.plan?.sha256 === plan.sha256 && a.plan.operator === plan.operator));
  const labAttempts = await store.listAttempts(lab);
  assert.equal(labAttempts.length, 1);
  assert.equal(labAttempts[0].plan, undefined);
  await assert.rejects(store.recordAttempts(12345, [attempt('on-001', 'rejected')]), { code: 'STORE_FAILED' }, 'an attempt must belong to a run');
  await store.close();
});

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

test('thousands of rows are written in one batch', async () => {
  const store = await openStore(':memory:');
  const runId = await store.startRun(runAt('2025-01-01T00:00:00.000Z'));
  const many = Array.from({ length: 5000 }, (_, index) => telnet(`198.51.${index >> 8}.${index & 255}`, '2025-01-01T00:00:01.000Z', 'b'));
  await store.recordServices(runId, many);
  await store.recordServices(runId, many);
  assert.equal((await store.summary()).services, 5000);
  await store.close();
});
