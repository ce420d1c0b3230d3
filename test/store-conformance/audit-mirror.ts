/**
 * The tables the audit trail mirrors, tampered with through raw SQL on a real store — a row
 * edited, a row deleted, a row written past the trail — while the chain itself stays intact:
 * `compareWithTables` names each row and record that disagree (docs/audit.md, "Cross-checks").
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { auditedStore } from '../../src/audit/audited-store.ts';
import type { AuditRecord } from '../../src/audit/events.ts';
import { compareWithTables, type MirrorDisagreement } from '../../src/audit/mirror-check.ts';
import { collectMirroredFacts, observing } from '../../src/audit/mirror-records.ts';
import { createAuditTrail } from '../../src/audit/trail.ts';
import { pagedRecords, verifyChain } from '../../src/audit/verify-chain.ts';
import type { CncCandidate } from '../../src/cnc/candidate.ts';
import type { CredentialAttempt } from '../../src/core/records.ts';
import type { Store } from '../../src/store/store.ts';
import { reportInput, runAt } from './fixtures.ts';

/** A whole store and a raw SQL connection to its database. */
export interface MirrorTamperableStore {
  store: Store;
  /** Runs statements on the database directly, past the store. */
  sql(statements: string): Promise<void>;
}

/** The trail's clock: before every time the fixture writes, so each decision and delivery counts as made while the trail was kept. */
const trailStart = new Date('2026-01-01T00:00:00.000Z');

const attempt = (n: number): CredentialAttempt => ({
  ip: `192.0.2.${n}`,
  port: 23,
  protocol: 'telnet',
  dictionaryEntryId: `entry-${n}`,
  username: 'admin',
  outcome: 'rejected',
  attemptedAt: `2026-03-01T00:00:0${n}.000Z`,
});

const candidate = (endpoint: string): CncCandidate => ({
  endpointKind: 'ip',
  endpoint,
  port: 443,
  protocol: 6,
  botsContacting: 12,
  benignContacting: 1,
  fanIn: 13,
  firstSeen: '2026-03-02T00:00:00.000Z',
  lastSeen: '2026-03-02T06:00:00.000Z',
  feedsMatched: [],
  confidence: 0.9,
  evidence: 'contacted by 12 known bots.',
});

/** Ids of what the fixture wrote, and the sequence of each record. */
interface Written {
  runId: number;
  attemptIds: number[];
  outboxIds: number[];
  optOutIds: number[];
  candidateIds: number[];
  userId: number;
  /** The first token is revoked, the second live. */
  tokenIds: number[];
  /** The sequence of the first record that satisfies `match`. */
  sequenceOf(match: (record: AuditRecord) => boolean): Promise<number>;
}

/** Through the audited store: a run with three attempts, two deliveries, two opt-out and two C&C decisions, an account with two tokens (one revoked). */
async function writeAudited(store: Store): Promise<Written> {
  const audited = auditedStore(store, createAuditTrail({ store, now: () => trailStart }));
  const runId = await audited.startRun(runAt('2026-03-01T00:00:00.000Z'));
  await audited.recordAttempts(runId, [attempt(1), attempt(2), attempt(3)]);
  await audited.finishRun(runId, { finishedAt: '2026-03-01T01:00:00.000Z', status: 'completed', counts: { hosts: 3 } });
  const outbox = ['abuse@alpha.example', 'noc@beta.example'].map((destination) => ({
    channel: 'smtp' as const,
    destination,
    idempotencyKey: `key-${destination}`,
    payload: '{}',
  }));
  await audited.createReport(reportInput('alpha', '2026-03-02T00:00:00.000Z', [], { outbox }));
  for (const entry of await audited.dueOutbox('2026-03-02T00:00:00.000Z', 10))
    await audited.settleOutbox({ id: entry.id, at: '2026-03-02T00:00:01.000Z', status: 'delivered' });
  const optOutIds = [];
  for (const cidr of ['198.51.100.0/28', '198.51.100.16/28']) {
    const id = await audited.createOptOutRequest({
      cidrs: [cidr],
      contact: 'noc@example.org',
      reason: '',
      requestedAt: '2026-03-03T00:00:00.000Z',
      requesterAddress: '198.51.100.1',
    });
    await audited.decideOptOutRequest(id, { status: 'approved', at: '2026-03-03T01:00:00.000Z', by: 'ops' });
    optOutIds.push(id);
  }
  await audited.saveCncCandidates([candidate('203.0.113.9'), candidate('203.0.113.10')], '2026-03-04T00:00:00.000Z');
  const candidateIds = (await audited.listCncCandidates()).map((row) => row.id).sort((a, b) => a - b);
  for (const id of candidateIds) await audited.decideCncCandidate(id, { status: 'approved', at: '2026-03-04T01:00:00.000Z', by: 'analyst' });
  const userId = await audited.createWebUser({
    name: 'alice',
    role: 'operator',
    passwordHash: 'scrypt$not-a-real-hash',
    createdAt: '2026-03-05T00:00:00.000Z',
  });
  const tokenIds = [];
  for (const label of ['old', 'current'])
    tokenIds.push(await audited.createApiToken({ userId, tokenHash: label.repeat(8), label, createdAt: '2026-03-05T01:00:00.000Z' }));
  await audited.revokeApiToken(tokenIds[0]!, '2026-03-05T02:00:00.000Z');
  return {
    runId,
    attemptIds: (await store.listAttempts(runId)).map((row) => row.id),
    outboxIds: (await store.listOutbox()).map((row) => row.id),
    optOutIds,
    candidateIds,
    userId,
    tokenIds,
    async sequenceOf(match) {
      const rows = await store.listAuditRecords({ afterSequence: 0, limit: 1000 });
      const found = rows.find((row) => match(JSON.parse(row.record) as AuditRecord));
      assert.ok(found, 'the fixture wrote the record');
      return found.sequence;
    },
  };
}

/** The chain (which must stay intact: only the tables are touched) and the cross-check's places. */
async function disagreements(store: Store): Promise<Array<Pick<MirrorDisagreement, 'table' | 'rowId' | 'sequence'>>> {
  const collector = collectMirroredFacts();
  const chain = await verifyChain(
    observing(
      pagedRecords((page) => store.listAuditRecords(page)),
      collector,
    ),
    await store.listAuditCheckpoints(),
  );
  assert.equal(chain.broken, undefined, 'the chain itself is intact');
  const found = await compareWithTables(collector.facts, store);
  for (const { explanation } of found) assert.ok(explanation.length > 0);
  return found.map(({ table, rowId, sequence }) => ({ table, ...(rowId === undefined ? {} : { rowId }), ...(sequence === undefined ? {} : { sequence }) }));
}

/**
 * @example describe('SQLite', () => auditMirrorConformance(openTamperableSqlite))
 */
export function auditMirrorConformance(open: () => Promise<MirrorTamperableStore>): void {
  const withTables = async (work: (tamperable: MirrorTamperableStore, written: Written) => Promise<void>) => {
    const tamperable = await open();
    try {
      const written = await writeAudited(tamperable.store);
      assert.deepEqual(await disagreements(tamperable.store), [], 'the tables agree before tampering');
      await work(tamperable, written);
    } finally {
      await tamperable.store.close();
    }
  };

  describe('audit trail against the tables it mirrors', () => {
    test('credential_attempts: an edited, a deleted and an unrecorded row are each named', () =>
      withTables(async ({ store, sql }, written) => {
        const [edited, deleted] = written.attemptIds;
        await sql(`UPDATE credential_attempts SET outcome = 'accepted' WHERE id = ${edited}`);
        await sql(`DELETE FROM credential_attempts WHERE id = ${deleted}`);
        await store.recordAttempts(written.runId, [attempt(4)]); // past the trail
        const added = (await store.listAttempts(written.runId)).at(-1)!.id;
        const recordOf = (n: number) => written.sequenceOf((record) => record.kind === 'credential-attempt' && record.ip === `192.0.2.${n}`);
        assert.deepEqual(await disagreements(store), [
          { table: 'credential_attempts', rowId: edited!, sequence: await recordOf(1) },
          { table: 'credential_attempts', sequence: await recordOf(2) },
          { table: 'credential_attempts', rowId: added },
        ]);
      }));

    test('runs: an edited scope and an edited end are each named with their record', () =>
      withTables(async ({ store, sql }, written) => {
        await sql(`UPDATE runs SET scope = '["192.0.2.0/23"]', status = 'failed' WHERE id = ${written.runId}`);
        assert.deepEqual(await disagreements(store), [
          { table: 'runs', rowId: written.runId, sequence: await written.sequenceOf((record) => record.kind === 'run-started') },
          { table: 'runs', rowId: written.runId, sequence: await written.sequenceOf((record) => record.kind === 'run-finished') },
        ]);
      }));

    test('outbox: an edited recipient, a deleted delivery and a delivery past the trail are each named', () =>
      withTables(async ({ store, sql }, written) => {
        // The first deleted: SQLite would give a deleted last row's id to the next row.
        const [deleted, edited] = written.outboxIds;
        const deliveryRecord = (outboxId: number | undefined) =>
          written.sequenceOf((record) => record.kind === 'notification-sent' && record.outboxId === outboxId);
        await sql(`UPDATE outbox SET destination = 'someone@else.example' WHERE id = ${edited}`);
        await sql(`DELETE FROM outbox WHERE id = ${deleted}`);
        await store.createReport(
          reportInput('beta', '2026-03-05T00:00:00.000Z', [], { outbox: [{ channel: 'file', destination: 'x', idempotencyKey: 'unrecorded', payload: '{}' }] }),
        );
        const [unrecorded] = await store.dueOutbox('2026-03-05T00:00:00.000Z', 10);
        await store.settleOutbox({ id: unrecorded!.id, at: '2026-03-05T00:00:01.000Z', status: 'delivered' }); // past the trail
        assert.deepEqual(await disagreements(store), [
          { table: 'outbox', rowId: deleted!, sequence: await deliveryRecord(deleted) },
          { table: 'outbox', rowId: edited!, sequence: await deliveryRecord(edited) },
          { table: 'outbox', rowId: unrecorded!.id },
        ]);
      }));

    test('opt_out_requests: an edited decision, a deleted request and a decision past the trail are each named', () =>
      withTables(async ({ store, sql }, written) => {
        // The first deleted: SQLite would give a deleted last row's id to the next row.
        const [deleted, edited] = written.optOutIds;
        const decisionRecord = (requestId: number | undefined) =>
          written.sequenceOf((record) => record.kind === 'opt-out-decided' && record.requestId === requestId);
        await sql(`UPDATE opt_out_requests SET decided_by = 'nobody' WHERE id = ${edited}`);
        await sql(`DELETE FROM opt_out_requests WHERE id = ${deleted}`);
        const unrecorded = await store.createOptOutRequest({
          cidrs: ['203.0.113.0/24'],
          contact: 'x@example.org',
          reason: '',
          requestedAt: '2026-03-05T00:00:00.000Z',
          requesterAddress: '203.0.113.1',
        });
        await store.decideOptOutRequest(unrecorded, { status: 'approved', at: '2026-03-05T00:00:01.000Z', by: 'ops' }); // past the trail
        assert.deepEqual(await disagreements(store), [
          { table: 'opt_out_requests', rowId: deleted!, sequence: await decisionRecord(deleted) },
          { table: 'opt_out_requests', rowId: edited!, sequence: await decisionRecord(edited) },
          { table: 'opt_out_requests', rowId: unrecorded },
        ]);
      }));

    test('cnc_candidates: an edited decision, a deleted candidate and a decision past the trail are each named', () =>
      withTables(async ({ store, sql }, written) => {
        // The first deleted: SQLite would give a deleted last row's id to the next row.
        const [deleted, edited] = written.candidateIds;
        const decisionRecord = (candidateId: number | undefined) =>
          written.sequenceOf((record) => record.kind === 'cnc-candidate-decided' && record.candidateId === candidateId);
        await sql(`UPDATE cnc_candidates SET status = 'rejected' WHERE id = ${edited}`);
        await sql(`DELETE FROM cnc_candidates WHERE id = ${deleted}`);
        await store.saveCncCandidates([candidate('203.0.113.11')], '2026-03-05T00:00:00.000Z');
        const unrecorded = (await store.listCncCandidates({ status: 'pending' }))[0]!.id;
        await store.decideCncCandidate(unrecorded, { status: 'approved', at: '2026-03-05T00:00:01.000Z', by: 'analyst' }); // past the trail
        assert.deepEqual(await disagreements(store), [
          { table: 'cnc_candidates', rowId: deleted!, sequence: await decisionRecord(deleted) },
          { table: 'cnc_candidates', rowId: edited!, sequence: await decisionRecord(edited) },
          { table: 'cnc_candidates', rowId: unrecorded },
        ]);
      }));

    test('web_users and api_tokens: a renamed account, a revoked token made live, an unrecorded token are each named', () =>
      withTables(async ({ store, sql }, written) => {
        const [revoked] = written.tokenIds;
        await sql(`UPDATE web_users SET name = 'mallory' WHERE id = ${written.userId}`);
        await sql(`UPDATE api_tokens SET revoked_at = NULL WHERE id = ${revoked}`);
        const unrecorded = await store.createApiToken({
          userId: written.userId,
          tokenHash: 'b'.repeat(64),
          label: 'backdoor',
          createdAt: '2026-03-06T00:00:00.000Z',
        }); // past the trail
        assert.deepEqual(await disagreements(store), [
          { table: 'web_users', rowId: written.userId, sequence: await written.sequenceOf((record) => record.kind === 'web-user-created') },
          { table: 'api_tokens', rowId: revoked!, sequence: await written.sequenceOf((record) => record.kind === 'api-token-revoked') },
          { table: 'api_tokens', rowId: unrecorded },
        ]);
      }));
  });
}
