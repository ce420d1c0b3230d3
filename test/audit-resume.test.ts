// A survey interrupted and resumed under its plan: the trail shows the start, the interruption,
// the resumption (with what it continues from and the accountable operator) and the resumed
// run's end; `audit verify` finds the tables in agreement, then names an edited attempt row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditedStore } from '../src/audit/audited-store.ts';
import type { AuditRecord } from '../src/audit/events.ts';
import { createAuditTrail } from '../src/audit/trail.ts';
import audit from '../src/cli/commands/audit.ts';
import type { CommandIo } from '../src/cli/command.ts';
import { createSurveyDeps } from '../src/cli/survey-deps.ts';
import { OpenNoticeError } from '../src/core/errors.ts';
import { startLab } from '../src/lab/lab.ts';
import { openStore } from '../src/store/open-store.ts';
import { runSurvey } from '../src/survey/run-survey.ts';
import { writeCredentialPlan } from './support/credential-plan.ts';

const limits = {
  perHostConcurrent: 2,
  connectTimeoutMs: 1000,
  ioTimeoutMs: 1000,
  deadlineMs: 3000,
  maxBytes: 262_144,
  maxAttemptsPerService: 3,
  maxAttemptsPerHost: 6,
};

function quietIo(): CommandIo {
  const sink = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;
  return { stdout: sink, stderr: sink, signal: new AbortController().signal };
}

test('a resumed survey is recorded with what it continues from and its operator, and ends with its own record', { timeout: 120_000 }, async () => {
  const cidr = '127.213.0.0/29';
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-audit-resume-'));
  const lab = await startLab({ cidr, seed: 5, deviceCount: 2, hostile: false });
  const db = join(directory, 'store.sqlite');
  try {
    const planFile = join(directory, 'plan.yaml');
    writeCredentialPlan(planFile, cidr, { maxConcurrent: 50, perHostAttempts: 40 });
    const request = { targets: [cidr], plan: planFile, checks: ['credentials' as const], seed: 3, limits };
    const survey = async (extra: { resume?: number }, signal?: AbortSignal) => {
      const raw = await openStore(db);
      const store = auditedStore(raw, createAuditTrail({ store: raw }));
      try {
        return await runSurvey({ ...request, ...extra }, createSurveyDeps({ store, ...(signal ? { signal } : {}) }));
      } finally {
        await store.close();
      }
    };
    // Interrupted before its first host: the run stops at once, and is continued.
    const stopped = new AbortController();
    stopped.abort();
    const interrupted = await survey({}, stopped.signal);
    assert.equal(interrupted.status, 'interrupted');
    const resumed = await survey({ resume: interrupted.runId });
    assert.deepEqual([resumed.runId, resumed.status], [interrupted.runId, 'completed']);

    const check = await openStore(db);
    let records: AuditRecord[];
    try {
      records = (await check.listAuditRecords({ afterSequence: 0, limit: 100_000 })).map((row) => JSON.parse(row.record) as AuditRecord);
      assert.equal((await check.getRun(interrupted.runId))?.status, 'completed');
    } finally {
      await check.close();
    }
    const runRecords = records.filter((record) => record.kind.startsWith('run-'));
    assert.deepEqual(
      runRecords.map((record) => [record.kind, record.kind === 'run-finished' ? record.status : '']),
      [
        ['run-started', ''],
        ['run-finished', 'interrupted'],
        ['run-resumed', ''],
        ['run-finished', 'completed'],
      ],
    );
    const resumption = runRecords[2]!;
    assert.ok(resumption.kind === 'run-resumed');
    const firstEnd = runRecords[1]!;
    assert.ok(firstEnd.kind === 'run-finished');
    assert.equal(resumption.runId, interrupted.runId);
    assert.equal(resumption.previousStatus, 'interrupted');
    assert.equal(resumption.stoppedAt, firstEnd.finishedAt, 'what it continues from: the interrupted end');
    assert.equal(resumption.plan?.operator, 'Jane Doe <jane@example.net>, CSIRT');
    const attempts = records.filter((record) => record.kind === 'credential-attempt');
    assert.ok(attempts.length > 0, 'the resumed run tried logins');
    assert.ok(records.indexOf(attempts[0]!) > records.indexOf(resumption), 'the attempts come after the resumption (the interrupted part made none)');

    assert.equal(await audit.run({ db }, ['verify'], quietIo()), 0, 'chain intact and tables in agreement');
    const raw = new DatabaseSync(db);
    try {
      raw.exec("UPDATE credential_attempts SET outcome = 'error' WHERE id = (SELECT min(id) FROM credential_attempts)");
    } finally {
      raw.close();
    }
    await assert.rejects(audit.run({ db }, ['verify'], quietIo()), (error: unknown) => {
      assert.ok(error instanceof OpenNoticeError, String(error));
      assert.equal(error.exitCode, 15);
      assert.equal(error.context.table, 'credential_attempts');
      assert.equal(error.context.row, 1);
      return true;
    });
  } finally {
    await lab.close();
    rmSync(directory, { recursive: true, force: true });
  }
});
