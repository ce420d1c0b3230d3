import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenNoticeError } from '../core/errors.ts';
import type { BlockIndicator } from './indicator.ts';
import { canonicalIndicators } from './indicator-list.ts';

const approvedAt = '2026-12-01T10:00:00Z';
const entry = (fields: Partial<BlockIndicator>): BlockIndicator => ({ kind: 'ip', value: '192.0.2.7', reason: 'C&C', approvedAt, ...fields });

test('indicators come out in one order (kind, value, port, protocol), each endpoint once, whatever the input order', () => {
  const input = [
    entry({ kind: 'cidr', value: '203.0.113.0/24' }),
    entry({ value: '198.51.100.7' }),
    entry({ kind: 'domain', value: 'evil.example' }),
    entry({ value: '192.0.2.7', port: 443, protocol: 'udp' }),
    entry({ value: '192.0.2.7', port: 443 }),
    entry({ value: '192.0.2.7', port: 443, protocol: 'tcp' }),
    entry({ value: '198.51.100.7', reason: 'a second approval of the same address' }),
  ];
  const once = canonicalIndicators(input, 'test');
  assert.deepEqual(
    once.map((indicator) => `${indicator.kind} ${indicator.value} ${indicator.port ?? ''} ${indicator.protocol ?? ''}`),
    ['domain evil.example  ', 'ip 192.0.2.7 443 ', 'ip 192.0.2.7 443 tcp', 'ip 192.0.2.7 443 udp', 'ip 198.51.100.7  ', 'cidr 203.0.113.0/24  '],
  );
  assert.equal(once[4]?.reason, 'C&C', 'the first approval wins');
  const keys = (list: readonly BlockIndicator[]) =>
    list.map((indicator) => `${indicator.kind} ${indicator.value} ${indicator.port ?? ''} ${indicator.protocol ?? ''}`);
  assert.deepEqual(keys(canonicalIndicators([...input].reverse(), 'test')), keys(once), 'the input order does not matter');
});

test('non-canonical or malformed indicators are refused with the entry named', () => {
  const bad: Partial<BlockIndicator>[] = [
    { value: '2001:DB8::1' },
    { value: '010.0.0.1' },
    { kind: 'cidr', value: '192.0.2.1/24' },
    { kind: 'cidr', value: '192.0.2.1' },
    { kind: 'domain', value: 'Evil.example' },
    { kind: 'domain', value: 'evil.example.' },
    { kind: 'domain', value: 'evil example' },
    { kind: 'domain', value: '32.7.100.51.198.rpz-ip' },
    { port: 0 },
    { port: 70000 },
    { protocol: 'tcp' },
    { port: 443, protocol: 'sctp' as 'tcp' },
    { reason: 'two\nlines' },
    { approvedAt: 'yesterday' },
  ];
  for (const fields of bad) {
    assert.throws(
      () => canonicalIndicators([entry({}), entry(fields)], 'approved.json'),
      (error: unknown) => error instanceof OpenNoticeError && error.code === 'CONFIG_INVALID' && error.message.startsWith('approved.json#1:'),
      JSON.stringify(fields),
    );
  }
});
