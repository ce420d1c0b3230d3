// A survey of the lab through the audited store: the run (scope, plan and its hash), every
// credential attempt (under the run and the plan) and the run's end are in the chain, which
// verifies with the operator's key — and no password of the dictionary is anywhere in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDictionary } from '../src/assess/credentials/dictionary.ts';
import { auditedStore } from '../src/audit/audited-store.ts';
import type { AuditRecord } from '../src/audit/events.ts';
import { createAuditTrail } from '../src/audit/trail.ts';
import { pagedRecords, verifyChain } from '../src/audit/verify-chain.ts';
import { createSurveyDeps } from '../src/cli/survey-deps.ts';
import { startLab } from '../src/lab/lab.ts';
import { openStore } from '../src/store/open-store.ts';
import { runSurvey } from '../src/survey/run-survey.ts';
import { writeCredentialPlan } from './support/credential-plan.ts';

const limits = {
  perHostConcurrent: 2,
  connectTimeoutMs: 1000,
  ioTimeoutMs: 1500,
  deadlineMs: 5000,
  maxBytes: 262_144,
  maxAttemptsPerService: 40,
  maxAttemptsPerHost: 100,
};

/** The fields a credential-attempt record may have: nothing that could carry a password. */
const attemptFields = [
  'attemptedAt',
  'dictionaryEntryId',
  'ip',
  'kind',
  'outcome',
  'planSha256',
  'port',
  'protocol',
  'recordedAt',
  'runId',
  'sequence',
  'username',
];

test('a surveyed run, its plan and every login attempt are chained and verify with the key; no password enters the trail', { timeout: 180_000 }, async () => {
  const cidr = '127.236.0.0/28';
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-audit-survey-'));
  const lab = await startLab({ cidr, seed: 17, deviceCount: 8, hostile: false });
  const key = generateKeyPairSync('ed25519');
  const db = join(directory, 'store.sqlite');
  try {
    const planFile = join(directory, 'plan.yaml');
    writeCredentialPlan(planFile, cidr, { maxConcurrent: 200, perHostAttempts: 100 });
    const planSha256 = createHash('sha256').update(readFileSync(planFile)).digest('hex');
    const raw = await openStore(db);
    const store = auditedStore(raw, createAuditTrail({ store: raw, privateKey: key.privateKey, checkpointEvery: 25 }));
    let runId: number;
    try {
      const summary = await runSurvey({ targets: [cidr], plan: planFile, checks: ['credentials'], seed: 3, limits }, createSurveyDeps({ store }));
      runId = summary.runId;
    } finally {
      await store.close();
    }

    const check = await openStore(db);
    try {
      const rows = await check.listAuditRecords({ afterSequence: 0, limit: 1_000_000 });
      const records = rows.map((row) => JSON.parse(row.record) as AuditRecord);
      const started = records.find((record) => record.kind === 'run-started');
      assert.ok(started?.kind === 'run-started' && started.runId === runId);
      assert.deepEqual(started.plan, { file: planFile, sha256: planSha256, operator: started.plan?.operator });
      assert.ok(started.scope.includes(cidr), `scope ${started.scope.join(', ')}`);

      const attempts = records.filter((record) => record.kind === 'credential-attempt');
      const stored = await check.listAttempts(runId);
      assert.ok(
        stored.some((attempt) => attempt.outcome === 'accepted'),
        'the lab has devices with default logins',
      );
      assert.deepEqual(
        attempts.map((record) => [record.runId, record.planSha256, record.ip, record.port, record.dictionaryEntryId, record.outcome]),
        stored.map((attempt) => [runId, planSha256, attempt.ip, attempt.port, attempt.dictionaryEntryId, attempt.outcome]),
        'every attempt the credential audit holds is in the chain, under its run and plan, in the same order',
      );
      for (const record of attempts) assert.deepEqual(Object.keys(record).sort(), attemptFields);
      assert.equal(records.at(-1)?.kind, 'run-finished');

      // Passwords that cannot be mistaken for anything else a record holds (a user name, a number).
      const dictionary = loadDictionary();
      const usernames = new Set(dictionary.map((entry) => entry.username));
      const distinctive = new Map(
        dictionary
          .filter((entry) => entry.password.length >= 5 && /[a-z]/i.test(entry.password) && !usernames.has(entry.password))
          .map((entry) => [entry.id, entry.password]),
      );
      assert.ok(
        stored.some((attempt) => attempt.outcome === 'accepted' && distinctive.has(attempt.dictionaryEntryId)),
        'an accepted login whose password would be visible if it were logged',
      );
      const trailText = rows.map((row) => row.record).join('\n');
      for (const password of distinctive.values()) assert.ok(!trailText.includes(password), `password ${password} is in the trail`);

      const checkpoints = await check.listAuditCheckpoints();
      assert.ok(checkpoints.length >= 2, 'periodic checkpoints and the one at the end');
      assert.equal(checkpoints.at(-1)?.sequence, rows.at(-1)?.sequence, 'closing the store checkpoints the end of the chain');
      const verified = await verifyChain(
        pagedRecords((page) => check.listAuditRecords(page)),
        checkpoints,
        { publicKey: key.publicKey },
      );
      assert.equal(verified.broken, undefined, verified.broken?.explanation);
      assert.equal(verified.signedUpTo, rows.length);
    } finally {
      await check.close();
    }
  } finally {
    await lab.close();
    rmSync(directory, { recursive: true, force: true });
  }
});
