import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { OpenNoticeError } from '../core/errors.ts';
import { readFlowFile } from './flow-file.ts';

const flow = {
  exporter: '192.0.2.1/0',
  sourceAddress: '10.0.0.7',
  destinationAddress: '203.0.113.9',
  sourcePort: 40112,
  destinationPort: 443,
  protocol: 6,
  packets: 12,
  bytes: 2310,
  startMs: 1000,
  endMs: 1500,
};

async function withFlowFile(bytes: Buffer | string, check: (file: string) => Promise<void>): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'flow-file-'));
  try {
    const file = join(directory, 'flows.jsonl');
    writeFileSync(file, bytes);
    await check(file);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

test('flow lines are read from plain and gzip files, blank lines skipped', async () => {
  const text = `${JSON.stringify(flow)}\n\n${JSON.stringify({ ...flow, tcpFlags: 2 })}\n`;
  for (const bytes of [text, gzipSync(text)]) await withFlowFile(bytes, async (file) => assert.equal((await readFlowFile(file)).length, 2));
});

test('a 60 KB address is quoted cut to 80 characters, the error naming file and line once (found by npm run fuzz)', async () => {
  const text = `${JSON.stringify(flow)}\n${JSON.stringify({ ...flow, destinationAddress: `198.51.${'('.repeat(60_000)}` })}\n`;
  await withFlowFile(text, async (file) => {
    await assert.rejects(readFlowFile(file), (error: unknown) => {
      assert.ok(error instanceof OpenNoticeError);
      assert.equal(error.code, 'IMPORT_INVALID');
      assert.deepEqual([error.context.file, error.context.line], [file, 2]);
      assert.match(error.describe(), /:2: destinationAddress must be a canonical IP address, got "198\.51\.\(+…"/);
      assert.ok(error.describe().length < 300);
      return true;
    });
  });
});
