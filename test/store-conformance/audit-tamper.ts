/**
 * Tampering with the audit trail through raw SQL, on a real store: the guards refuse UPDATE and
 * DELETE, and with the guards dropped (as someone with the database file or a superuser would)
 * every change — an altered, removed or moved record, a chain rewritten with fresh hashes, a
 * removed tail, a forged or altered checkpoint, a checkpoint checked with the wrong key — is
 * caught by `verifyChain`, which names the first broken record.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, test } from 'node:test';
import { recordHash } from '../../src/audit/chain.ts';
import { createAuditTrail } from '../../src/audit/trail.ts';
import { type ChainBreakReason, pagedRecords, verifyChain } from '../../src/audit/verify-chain.ts';
import type { AuditTrailStore } from '../../src/store/roles/audit-trail.ts';
import { attemptEvent } from './audit-trail.ts';
import type { Closable } from './harness.ts';

/** A store and a raw SQL connection to its database. */
export interface TamperableStore {
  store: AuditTrailStore & Closable;
  /** Runs statements on the database directly, past the store. */
  sql(statements: string): Promise<void>;
  /** The SQL that drops the append-only triggers of this database. */
  dropGuards: string;
}

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * @example describe('SQLite', () => auditTrailTamperConformance(openTamperableSqlite))
 */
export function auditTrailTamperConformance(open: () => Promise<TamperableStore>): void {
  const signing = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');

  /** Ten records with a signed checkpoint after the 5th and the 10th; the check; then closes. */
  const withTrail = async (work: (tamperable: TamperableStore) => Promise<void>) => {
    const tamperable = await open();
    try {
      const trail = createAuditTrail({ store: tamperable.store, privateKey: signing.privateKey, checkpointEvery: 5 });
      await trail.record([1, 2, 3, 4, 5].map(attemptEvent));
      await trail.record([6, 7, 8, 9, 10].map(attemptEvent));
      assert.equal((await verify(tamperable.store, signing.publicKey)).broken, undefined, 'intact before tampering');
      await work(tamperable);
    } finally {
      await tamperable.store.close();
    }
  };
  const verify = async (store: AuditTrailStore, publicKey: KeyObject) =>
    verifyChain(
      pagedRecords((page) => store.listAuditRecords(page)),
      await store.listAuditCheckpoints(),
      { publicKey },
    );
  const assertBroken = async (store: AuditTrailStore, sequence: number, reason: ChainBreakReason, publicKey = signing.publicKey) => {
    const { broken } = await verify(store, publicKey);
    assert.deepEqual([broken?.sequence, broken?.reason], [sequence, reason], broken?.explanation ?? 'verify found nothing');
  };

  describe('audit trail tampering', () => {
    test('the guards refuse to update or delete records and checkpoints', () =>
      withTrail(async ({ store, sql }) => {
        await assert.rejects(sql("UPDATE audit_records SET record = '{}' WHERE sequence = 3"), /append-only/);
        await assert.rejects(sql('DELETE FROM audit_records WHERE sequence = 3'), /append-only/);
        await assert.rejects(sql('DELETE FROM audit_checkpoints'), /append-only/);
        await assert.rejects(sql("UPDATE audit_checkpoints SET hash = 'x'"), /append-only/);
        assert.equal((await verify(store, signing.publicKey)).broken, undefined);
      }));

    test('an altered record', () =>
      withTrail(async ({ store, sql, dropGuards }) => {
        await sql(dropGuards);
        await sql(`UPDATE audit_records SET record = replace(record, '"outcome":"rejected"', '"outcome":"accepted"') WHERE sequence = 3`);
        await assertBroken(store, 3, 'altered');
      }));

    test('a deleted record', () =>
      withTrail(async ({ store, sql, dropGuards }) => {
        await sql(dropGuards);
        await sql('DELETE FROM audit_records WHERE sequence = 3');
        await assertBroken(store, 3, 'missing');
      }));

    test('two records swapped', () =>
      withTrail(async ({ store, sql, dropGuards }) => {
        await sql(dropGuards);
        await sql(
          'UPDATE audit_records SET sequence = -3 WHERE sequence = 3; UPDATE audit_records SET sequence = 3 WHERE sequence = 4; UPDATE audit_records SET sequence = 4 WHERE sequence = -3',
        );
        await assertBroken(store, 3, 'reordered');
      }));

    test('a record altered with a fresh hash of its own: the next record no longer follows it', () =>
      withTrail(async ({ store, sql, dropGuards }) => {
        await sql(dropGuards);
        const [third] = await store.listAuditRecords({ afterSequence: 2, limit: 1 });
        const record = third!.record.replace('"outcome":"rejected"', '"outcome":"accepted"');
        await sql(`UPDATE audit_records SET record = ${quote(record)}, hash = ${quote(recordHash(third!.previousHash, record))} WHERE sequence = 3`);
        await assertBroken(store, 4, 'chain-broken');
      }));

    test('a record altered and the chain after it rewritten with fresh hashes: the signed checkpoint catches it', () =>
      withTrail(async ({ store, sql, dropGuards }) => {
        await sql(dropGuards);
        const rows = await store.listAuditRecords({ afterSequence: 0, limit: 100 });
        let previousHash = rows[1]!.hash;
        const statements: string[] = [];
        for (const row of rows.slice(2)) {
          const record = row.sequence === 3 ? row.record.replace('"outcome":"rejected"', '"outcome":"accepted"') : row.record;
          const hash = recordHash(previousHash, record);
          statements.push(
            `UPDATE audit_records SET previous_hash = ${quote(previousHash)}, hash = ${quote(hash)}, record = ${quote(record)} WHERE sequence = ${row.sequence}`,
          );
          previousHash = hash;
        }
        await sql(statements.join('; '));
        await assertBroken(store, 5, 'checkpoint-mismatch');
      }));

    test('the last records removed', () =>
      withTrail(async ({ store, sql, dropGuards }) => {
        await sql(dropGuards);
        await sql('DELETE FROM audit_records WHERE sequence > 8');
        await assertBroken(store, 9, 'missing');
      }));

    test('a forged checkpoint', () =>
      withTrail(async ({ store, sql }) => {
        const [seventh] = await store.listAuditRecords({ afterSequence: 6, limit: 1 });
        const [genuine] = await store.listAuditCheckpoints();
        // Inserting needs no dropped guard: the guards stop changes, not additions.
        await sql(
          `INSERT INTO audit_checkpoints (sequence, hash, created_at, key_id, signature) VALUES (7, ${quote(seventh!.hash)}, '2026-12-07T00:00:00.000Z', ${quote(genuine!.keyId!)}, ${quote(genuine!.signature!)})`,
        );
        await assertBroken(store, 7, 'bad-checkpoint-signature');
      }));

    test('an altered checkpoint', () =>
      withTrail(async ({ store, sql, dropGuards }) => {
        await sql(dropGuards);
        await sql(`UPDATE audit_checkpoints SET created_at = '2020-01-01T00:00:00.000Z' WHERE sequence = 10`);
        await assertBroken(store, 10, 'bad-checkpoint-signature');
      }));

    test('checked with another key', () => withTrail(async ({ store }) => assertBroken(store, 5, 'bad-checkpoint-signature', other.publicKey)));
  });
}
