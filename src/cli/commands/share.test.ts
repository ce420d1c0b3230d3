// `share export` end to end: findings in a real SQLite store, the example registry's
// recipients, files written for a masked recipient without the subscriber's address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpenNoticeError } from '../../core/errors.ts';
import { createHash } from 'node:crypto';
import type { AuditRecord } from '../../audit/events.ts';
import { openStore } from '../../store/open-store.ts';
import type { CommandIo } from '../command.ts';
import share from './share.ts';

const exampleRegistry = fileURLToPath(new URL('../../../examples/isps.yaml', import.meta.url));

function captureIo(): { io: CommandIo; stdout: () => string } {
  const out: string[] = [];
  const stream = { write: (chunk: string) => out.push(String(chunk)) > 0, isTTY: false } as unknown as NodeJS.WriteStream;
  return { io: { stdout: stream, stderr: stream, signal: new AbortController().signal }, stdout: () => out.join('') };
}

test('share export writes a masked share without subscriber addresses, keeps RED kinds in, and lists it on a dry run', { timeout: 30_000 }, async () => {
  const directory = mkdtempSync(join(tmpdir(), 'on-sharing-cli-'));
  try {
    const db = join(directory, 'store.sqlite');
    const store = await openStore(db);
    const run = await store.startRun({ startedAt: '2026-12-01T00:00:00.000Z', scope: ['192.0.2.0/24'], exclude: [], ports: [23], checks: ['credentials'] });
    const found = (kind: 'no-authentication' | 'weak-credential', ip: string) => ({
      kind,
      ip,
      port: 23,
      protocol: 'telnet',
      ...(kind === 'weak-credential' ? { dictionaryEntryId: 'on-001' } : {}),
      evidence: { prompt: `login on ${ip}:` },
      observedAt: '2026-12-01T00:01:00.000Z',
    });
    await store.reconcileFindings(run, { covered: [], found: [found('no-authentication', '192.0.2.17'), found('weak-credential', '192.0.2.18')] });
    await store.close();

    const dryRun = captureIo();
    assert.equal(await share.run({ db, registry: exampleRegistry, recipient: 'national-cert', 'dry-run': true }, ['export'], dryRun.io), 0);
    assert.match(dryRun.stdout(), /national-cert-tlp-amber\.misp\.json +TLP:AMBER +1 items/);
    assert.match(dryRun.stdout(), /withheld: 1 TLP:RED findings/);
    assert.deepEqual(readdirSync(directory), ['store.sqlite'], 'a dry run writes nothing');

    const out = join(directory, 'out');
    const exported = captureIo();
    assert.equal(await share.run({ db, registry: exampleRegistry, recipient: 'national-cert', out }, ['export'], exported.io), 0);
    const names = readdirSync(out).sort();
    assert.deepEqual(names, [
      'national-cert-manifest.json',
      'national-cert-tlp-amber.csv',
      'national-cert-tlp-amber.intelmq.jsonl',
      'national-cert-tlp-amber.misp.json',
      'national-cert-tlp-amber.stix.json',
    ]);
    for (const name of names) {
      const text = readFileSync(join(out, name), 'utf8');
      assert.doesNotMatch(text, /192\.0\.2\.1[78]\b/, name);
    }
    assert.match(readFileSync(join(out, 'national-cert-tlp-amber.misp.json'), 'utf8'), /"value": "192\.0\.2\.0\/24"/);
    // The export is in the audit trail: to whom, under which policy, each file by its hash.
    const trail = await openStore(db);
    try {
      const records = (await trail.listAuditRecords({ afterSequence: 0, limit: 10 })).map((row) => JSON.parse(row.record) as AuditRecord);
      assert.deepEqual(
        records.map((record) =>
          record.kind === 'data-shared' ? [record.recipient, record.policy, Object.keys(record.files).length, record.withheld.tlpRed] : [record.kind],
        ),
        [['national-cert', 'masked', 4, 1]],
        'one record for the export, none for the dry run',
      );
      const [record] = records;
      assert.ok(record?.kind === 'data-shared');
      assert.equal(
        record.files['national-cert-tlp-amber.csv'],
        createHash('sha256')
          .update(readFileSync(join(out, 'national-cert-tlp-amber.csv')))
          .digest('hex'),
      );
    } finally {
      await trail.close();
    }

    await assert.rejects(
      share.run({ db, registry: exampleRegistry, recipient: 'nobody', out }, ['export'], captureIo().io),
      (error) => error instanceof OpenNoticeError && error.code === 'USAGE',
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
