import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenNoticeError } from '../../core/errors.ts';
import { openStore } from '../../store/open-store.ts';
import { auditKeyVariable } from '../audited-store.ts';
import type { CommandIo } from '../command.ts';
import audit from './audit.ts';
import optouts from './optouts.ts';

function captureIo(): { io: CommandIo; stdout: () => string } {
  const out: string[] = [];
  const stream = (sink: string[]) =>
    ({
      write: (chunk: string) => {
        sink.push(String(chunk));
        return true;
      },
      isTTY: false,
    }) as unknown as NodeJS.WriteStream;
  return { io: { stdout: stream(out), stderr: stream([]), signal: new AbortController().signal }, stdout: () => out.join('') };
}

/** Rejects with AUDIT_BROKEN naming `sequence` as the first broken record. */
async function assertBrokenAt(run: Promise<number>, sequence: number): Promise<void> {
  await assert.rejects(run, (error: unknown) => {
    assert.ok(error instanceof OpenNoticeError, String(error));
    assert.equal(error.code, 'AUDIT_BROKEN');
    assert.equal(error.exitCode, 15);
    assert.equal(error.context.sequence, sequence, error.message);
    return true;
  });
}

test('audit keygen, an approval signed into the trail, verify, export, verify --file; tampering with the export or the store is caught', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-audit-cli-'));
  const key = join(directory, 'audit.key');
  const db = join(directory, 'store.sqlite');
  const previousKey = process.env[auditKeyVariable];
  try {
    assert.equal(await audit.run({ key }, ['keygen'], captureIo().io), 0);
    await assert.rejects(audit.run({ key }, ['keygen'], captureIo().io), /cannot write the key/, 'a key is never overwritten');

    const store = await openStore(db);
    const ids = [];
    for (const cidrs of [['198.51.100.0/28'], ['198.51.100.16/28'], ['198.51.100.32/28']])
      ids.push(
        await store.createOptOutRequest({
          cidrs,
          contact: 'noc@example.org',
          reason: '',
          requestedAt: '2026-12-01T00:00:00.000Z',
          requesterAddress: '198.51.100.1',
        }),
      );
    await store.close();
    process.env[auditKeyVariable] = key;
    for (const id of ids) assert.equal(await optouts.run({ db, by: 'ops' }, ['approve', String(id)], captureIo().io), 0);
    delete process.env[auditKeyVariable];

    const verified = captureIo();
    assert.equal(await audit.run({ db, 'public-key': `${key}.pub` }, ['verify'], verified.io), 0);
    assert.match(verified.stdout(), /audit trail intact: 3 records/);
    assert.match(verified.stdout(), /3 of 3 checkpoints signed by key [0-9a-f]{16}…, verified/, 'one signed checkpoint per command');

    const out = join(directory, 'export');
    assert.equal(await audit.run({ db, out, 'public-key': `${key}.pub` }, ['export'], captureIo().io), 0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { records: number; verifiedWhenExported: { intact: boolean } };
    assert.deepEqual([manifest.records, manifest.verifiedWhenExported.intact], [3, true]);
    const offline = captureIo();
    assert.equal(await audit.run({ db: join(directory, 'no-such-store'), file: out }, ['verify'], offline.io), 0);
    assert.match(offline.stdout(), /audit trail intact: 3 records/);

    const exported = readFileSync(join(out, 'records.jsonl'), 'utf8');
    writeFileSync(join(out, 'records.jsonl'), exported.replace('"decidedBy":"ops"', '"decidedBy":"nobody"'));
    await assertBrokenAt(audit.run({ db, file: out }, ['verify'], captureIo().io), 1);
    const lines = exported.trimEnd().split('\n');
    writeFileSync(join(out, 'records.jsonl'), `${[lines[0], lines[2]].join('\n')}\n`);
    await assertBrokenAt(audit.run({ db, file: out }, ['verify'], captureIo().io), 2);

    const other = join(directory, 'other.key');
    assert.equal(await audit.run({ key: other }, ['keygen'], captureIo().io), 0);
    await assertBrokenAt(audit.run({ db, 'public-key': `${other}.pub` }, ['verify'], captureIo().io), 1);

    const raw = new DatabaseSync(db);
    assert.throws(() => raw.exec('DELETE FROM audit_records WHERE sequence = 2'), /append-only/);
    raw.exec('DROP TRIGGER audit_records_no_delete; DELETE FROM audit_records WHERE sequence = 2');
    raw.close();
    await assertBrokenAt(audit.run({ db }, ['verify'], captureIo().io), 2);
  } finally {
    if (previousKey === undefined) delete process.env[auditKeyVariable];
    else process.env[auditKeyVariable] = previousKey;
    rmSync(directory, { recursive: true, force: true });
  }
});
