// Opt-outs for space that is never surveyed are refused on the public form, with the range
// named; very broad global ranges are accepted but flagged for the operator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAnyCidr } from '../scope/address-space.ts';
import { createOptOutRangeCheck } from './opt-out-ranges.ts';

test('special-purpose space is recognised wherever a range touches it, in both families', () => {
  const check = createOptOutRangeCheck();
  const overlap = (text: string) => check.specialPurpose(parseAnyCidr(text))?.overlaps;
  assert.equal(overlap('0.0.0.0/0'), '0.0.0.0/8');
  assert.equal(overlap('10.0.0.0/8'), '10.0.0.0/8');
  assert.equal(overlap('10.1.2.0/24'), '10.0.0.0/8', 'inside a special range');
  assert.equal(overlap('127.0.0.0/8'), '127.0.0.0/8');
  assert.equal(overlap('224.0.0.0/4'), '224.0.0.0/4');
  assert.equal(overlap('239.1.1.1'), '224.0.0.0/4', 'one multicast address');
  assert.equal(overlap('8.0.0.0/5'), '10.0.0.0/8', 'a range holding a special one');
  assert.equal(overlap('192.0.2.0/24'), '192.0.2.0/24', 'documentation');
  assert.equal(overlap('169.254.1.0/24'), '169.254.0.0/16');
  assert.equal(overlap('::/0'), '::/128');
  assert.equal(overlap('fe80::/64'), 'fe80::/10');
  assert.equal(overlap('ff02::1'), 'ff00::/8');
  assert.equal(overlap('2001:db8:1::/48'), '2001:db8::/32');
  for (const global of ['133.0.0.0/16', '8.8.8.0/24', '1.1.1.1', '2400:db8::/32', '2a00:1450::/32']) assert.equal(overlap(global), undefined, global);
});

test('the queue flags special-purpose ranges and global ranges shorter than /16 (IPv4) or /32 (IPv6)', () => {
  const check = createOptOutRangeCheck();
  assert.deepEqual(check.concerns(['133.0.0.0/16', '2400:db8::/32', '8.8.8.0/24']), []);
  assert.deepEqual(
    check.concerns(['133.0.0.0/15', '2400::/12', '10.0.0.0/8', 'not a range']).map((concern) => [concern.kind, concern.cidr]),
    [
      ['broad', '133.0.0.0/15'],
      ['broad', '2400::/12'],
      ['special-purpose', '10.0.0.0/8'],
      ['broad', '10.0.0.0/8'],
    ],
  );
});
