import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { OpenNoticeError } from '../../../core/errors.ts';
import { feedInflateLimits, maxInflatedFeedBytes, readFeedText } from './read-feed.ts';

function withFile(bytes: Buffer, check: (file: string) => void): void {
  const directory = mkdtempSync(join(tmpdir(), 'read-feed-'));
  try {
    const file = join(directory, 'feed.json.gz');
    writeFileSync(file, bytes);
    check(file);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

test('the inflate limit is 100 times the compressed size, at least 16 MB, at most the longest string', () => {
  assert.equal(maxInflatedFeedBytes(1000), feedInflateLimits.floorBytes);
  assert.equal(maxInflatedFeedBytes(1_000_000), 100_000_000);
  assert.equal(maxInflatedFeedBytes(100_000_000), feedInflateLimits.ceilingBytes);
});

test('a gzip bomb (17 MB of spaces in 17 KB) is refused with IMPORT_INVALID naming the file, before it is parsed', () => {
  // 17 MB passes the 16 MB floor and is ~1,000 times its compressed size, past the ratio of 100.
  const bomb = gzipSync(Buffer.alloc(17 * 1024 * 1024, ' '), { level: 9 });
  assert.ok(bomb.length * feedInflateLimits.ratio < 17 * 1024 * 1024);
  withFile(bomb, (file) => {
    assert.throws(
      () => readFeedText(file),
      (error: unknown) => {
        assert.ok(error instanceof OpenNoticeError);
        assert.equal(error.code, 'IMPORT_INVALID');
        assert.equal(error.context.file, file);
        assert.match(error.describe(), /gzip data inflates past 16 MB .* decompression bomb/);
        assert.equal(error.describe().split(file).length, 2, 'names the file once');
        return true;
      },
    );
  });
});

test('a feed within the limit is read whole, and corrupt gzip is still IMPORT_INVALID', () => {
  const text = `{"vulnerabilities":[${Array.from({ length: 20_000 }, (_, i) => `{"cve":{"id":"CVE-2024-${i}"}}`).join(',')}]}`;
  withFile(gzipSync(text), (file) => assert.equal(readFeedText(file), text));
  const corrupt = gzipSync(text);
  corrupt[20] ^= 0xff;
  withFile(corrupt, (file) => assert.throws(() => readFeedText(file), { code: 'IMPORT_INVALID', message: /corrupt gzip data/ }));
});
