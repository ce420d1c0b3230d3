import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlockIndicator } from '../../blocklist/indicator.ts';
import type { BlocklistManifest } from '../../blocklist/versions.ts';
import type { CommandIo } from '../command.ts';
import blocklist from './blocklist.ts';
import { openStore } from '../../store/open-store.ts';

function captureIo(): { io: CommandIo; stdout: () => string } {
  const out: string[] = [];
  const stream = {
    write: (chunk: string) => {
      out.push(String(chunk));
      return true;
    },
    isTTY: false,
  } as unknown as NodeJS.WriteStream;
  return { io: { stdout: stream, stderr: stream, signal: new AbortController().signal }, stdout: () => out.join('') };
}

async function run(argv: Record<string, string>, positionals: string[]): Promise<{ code: number; output: string }> {
  const { io, stdout } = captureIo();
  const code = await blocklist.run(argv, positionals, io);
  return { code, output: stdout() };
}

const approvedAt = '2026-12-01T10:00:00Z';
const first: BlockIndicator[] = [
  { kind: 'domain', value: 'evil.example', reason: 'Mirai C&C', approvedAt },
  { kind: 'ip', value: '198.51.100.7', reason: 'C&C address', approvedAt },
];
const second: BlockIndicator[] = [first[0]!, { kind: 'cidr', value: '203.0.113.0/24', reason: 'bulletproof host', approvedAt }];

test('export: versions numbered from 1, unchanged input writes nothing, the manifest hashes every file, every file signed and verified', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'on-blocklist-cli-'));
  try {
    const key = join(directory, 'signing.key');
    const out = join(directory, 'lists');
    const from = join(directory, 'approved.json');
    assert.equal((await run({}, ['keygen', key])).code, 0);
    const exportFrom = async (indicators: readonly BlockIndicator[]) => {
      writeFileSync(from, JSON.stringify(indicators));
      return run({ from, out, format: 'all', 'sign-key': key }, ['export']);
    };

    assert.match((await exportFrom(first)).output, /^version 1 written/);
    assert.match(
      (await exportFrom([...first].reverse())).output,
      /^unchanged: the indicators equal version 1/,
      'the same set in another order is no new version',
    );
    assert.match((await exportFrom(second)).output, /^version 2 written/);

    const manifest = JSON.parse(readFileSync(join(out, 'versions.json'), 'utf8')) as BlocklistManifest;
    assert.deepEqual(
      manifest.versions.map((entry) => entry.version),
      [1, 2],
    );
    const v2 = manifest.versions[1]!;
    assert.deepEqual(Object.keys(v2.files).sort(), [
      'blocklist.acl',
      'blocklist.csv',
      'blocklist.ipset',
      'blocklist.nft',
      'blocklist.rpz',
      'blocklist.rpz.update-from-1.nsupdate',
      'blocklist.txt',
      'indicators.json',
    ]);
    for (const [name, hash] of Object.entries(v2.files)) {
      const file = join(out, 'v000002', name);
      assert.equal(createHash('sha256').update(readFileSync(file)).digest('hex'), hash, name);
      const verified = await run({ 'public-key': `${key}.pub` }, ['verify', file]);
      assert.deepEqual(verified, { code: 0, output: `${file}: signature valid\n` });
    }
    assert.match(readFileSync(join(out, 'v000002', 'blocklist.rpz'), 'utf8'), /SOA localhost\. hostmaster\.localhost\. 2 /, 'the SOA serial is the version');
    assert.equal(existsSync(join(out, 'v000001', 'blocklist.rpz.update-from-0.nsupdate')), false, 'the first version has nothing to update from');

    // One changed byte, and the signature no longer holds.
    const rpz = join(out, 'v000002', 'blocklist.rpz');
    const bytes = readFileSync(rpz);
    bytes[bytes.length - 2] ^= 0x01;
    writeFileSync(rpz, bytes);
    assert.deepEqual(await run({ 'public-key': `${key}.pub` }, ['verify', rpz]), { code: 1, output: `${rpz}: signature INVALID\n` });

    // Another key's public half does not verify the (unchanged) CSV either.
    const otherKey = join(directory, 'other.key');
    await run({}, ['keygen', otherKey]);
    assert.equal((await run({ 'public-key': `${otherKey}.pub` }, ['verify', join(out, 'v000002', 'blocklist.csv')])).code, 1);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('export refuses a bad indicator file, format or origin, and keygen an existing key, naming what is wrong', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'on-blocklist-cli-'));
  try {
    const from = join(directory, 'approved.json');
    writeFileSync(from, JSON.stringify([{ kind: 'ip', value: '198.51.100.300', reason: 'x', approvedAt }]));
    await assert.rejects(run({ from, out: join(directory, 'lists') }, ['export']), /approved\.json#0: "198\.51\.100\.300" is not a canonical/);
    writeFileSync(from, JSON.stringify(first));
    await assert.rejects(run({ from, out: join(directory, 'lists'), format: 'rpz,pdf' }, ['export']), /"pdf" is not one of rpz, nft, ipset, acl, csv/);
    await assert.rejects(run({ from, out: join(directory, 'lists'), 'rpz-origin': 'rpz.opennotice.' }, ['export']), /--rpz-origin/);
    assert.equal(existsSync(join(directory, 'lists', 'versions.json')), false, 'nothing written');
    const key = join(directory, 'signing.key');
    await run({}, ['keygen', key]);
    const original = readFileSync(key, 'utf8');
    await assert.rejects(run({}, ['keygen', key]), /cannot write the key/);
    assert.equal(readFileSync(key, 'utf8'), original, 'an existing key is never overwritten');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('export --from-store writes the C&C endpoints the operator approved, and only those', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-blocklist-store-'));
  try {
    const db = join(directory, 'store.sqlite');
    const store = await openStore(db);
    const candidate = (endpoint: string) => ({
      endpointKind: 'ip' as const,
      endpoint,
      port: 443,
      protocol: 6,
      botsContacting: 12,
      benignContacting: 0,
      fanIn: 12,
      firstSeen: '2026-11-02T00:00:00.000Z',
      lastSeen: '2026-11-02T06:00:00.000Z',
      feedsMatched: [],
      confidence: 0.9,
      evidence: 'contacted by 12 known bots.',
    });
    try {
      await store.saveCncCandidates([candidate('198.51.100.10'), candidate('198.51.100.20')], '2026-11-02T07:00:00.000Z');
      const approved = (await store.listCncCandidates({})).find((row) => row.endpoint === '198.51.100.10')!;
      await store.decideCncCandidate(approved.id, { status: 'approved', at: '2026-11-02T08:00:00.000Z', by: 'operator' });
    } finally {
      await store.close();
    }
    const out = join(directory, 'lists');
    const exported = await run({ 'from-store': 'true', db, out, format: 'csv' }, ['export']);
    assert.equal(exported.code, 0, exported.output);
    const csv = readFileSync(join(out, 'v000001', 'blocklist.csv'), 'utf8');
    assert.match(csv, /198\.51\.100\.10/);
    assert.doesNotMatch(csv, /198\.51\.100\.20/, 'a candidate nobody approved is never exported');
    assert.match(csv, /"ip","198\.51\.100\.10","443","tcp",/, 'the approved candidate is blocked on its protocol only');
    // 198.51.100.5 is approved before 198.51.100.20, and comes after it all the same: the store's
    // list (in approval order) is put in the canonical order, as a file's is.
    const reopened = await openStore(db);
    try {
      await reopened.saveCncCandidates([{ ...candidate('198.51.100.5'), port: 6881, protocol: 17 }], '2026-11-02T07:00:00.000Z');
      const udp = (await reopened.listCncCandidates({})).find((row) => row.endpoint === '198.51.100.5')!;
      await reopened.decideCncCandidate(udp.id, { status: 'approved', at: '2026-11-02T09:00:00.000Z', by: 'operator' });
      const later = (await reopened.listCncCandidates({})).find((row) => row.endpoint === '198.51.100.20')!;
      await reopened.decideCncCandidate(later.id, { status: 'approved', at: '2026-11-03T08:00:00.000Z', by: 'operator' });
      assert.deepEqual(
        (await reopened.listApprovedIndicators()).map((indicator) => indicator.value),
        ['198.51.100.10', '198.51.100.5', '198.51.100.20'],
        'the store lists them in approval order',
      );
    } finally {
      await reopened.close();
    }
    assert.equal((await run({ 'from-store': 'true', db, out, format: 'csv,nft' }, ['export'])).code, 0);
    const rows = readFileSync(join(out, 'v000002', 'blocklist.csv'), 'utf8').split('\r\n');
    assert.deepEqual(
      rows.slice(1, 4).map((row) => row.split(',').slice(1, 4).join(',')),
      ['"198.51.100.10","443","tcp"', '"198.51.100.20","443","tcp"', '"198.51.100.5","6881","udp"'],
    );
    assert.match(readFileSync(join(out, 'v000002', 'blocklist.nft'), 'utf8'), /198\.51\.100\.5\/32 \. udp \. 6881/);
    await assert.rejects(run({ 'from-store': 'true', from: 'x.json', db, out }, ['export']), /not both/);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
