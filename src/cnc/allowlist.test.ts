import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { OpenNoticeError } from '../core/errors.ts';
import { loadAllowlist } from './allowlist.ts';

const workDirectory = mkdtempSync(join(tmpdir(), 'cnc-allowlist-'));
after(() => rmSync(workDirectory, { recursive: true, force: true }));

test('the shipped allowlist loads and names resolvers, time servers and update domains', () => {
  const allowlist = loadAllowlist();
  assert.equal(allowlist.match('8.8.8.8')?.purpose, 'resolver');
  assert.equal(allowlist.match('2606:4700:4700::1111')?.name, 'Cloudflare 1.1.1.1');
  assert.equal(allowlist.match('216.239.35.4')?.purpose, 'ntp');
  assert.equal(allowlist.match('2.jp.pool.ntp.org')?.name, 'NTP Pool Project', 'a name under a listed domain');
  assert.equal(allowlist.match('Download.WindowsUpdate.com')?.purpose, 'update');
  assert.equal(allowlist.match('8.8.8.9'), undefined);
  assert.equal(allowlist.match('notpool.ntp.org.example'), undefined);
  assert.equal(allowlist.match('198.51.100.10'), undefined);
});

test('a malformed entry fails with CONFIG_INVALID naming file and line', () => {
  const file = join(workDirectory, 'mine.yaml');
  writeFileSync(
    file,
    'version: 1\ndestinations:\n  - name: Mine\n    purpose: resolver\n    source: https://example.org/dns\n    ranges:\n      - 192.0.2.1/24\n',
  );
  assert.throws(
    () => loadAllowlist(file),
    (error: unknown) => error instanceof OpenNoticeError && error.code === 'CONFIG_INVALID' && error.context.line === 7 && /host bits/.test(error.message),
  );
  writeFileSync(file, 'version: 1\ndestinations:\n  - name: Mine\n    purpose: cache\n    source: https://example.org/dns\n    domains: [x.example]\n');
  assert.throws(
    () => loadAllowlist(file),
    (error: unknown) => error instanceof OpenNoticeError && error.context.line === 4,
  );
});
