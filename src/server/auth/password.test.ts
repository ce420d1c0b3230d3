import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPasswordVerifier, hashPassword, verifyPassword } from './password.ts';
import { testScryptCost } from '../../../test/support/server-fixture.ts';

test('a hash names its parameters and salt, and verifies only the right password', async () => {
  const stored = await hashPassword('correct horse battery staple', testScryptCost);
  assert.match(stored, /^\$scrypt\$ln=4,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.equal(await verifyPassword('correct horse battery staple', stored), true);
  assert.equal(await verifyPassword('correct horse battery stable', stored), false);
  assert.equal(await verifyPassword('', stored), false);
});

test('two hashes of one password differ (fresh salt) and both verify', async () => {
  const [first, second] = await Promise.all([hashPassword('pw-1234567890', testScryptCost), hashPassword('pw-1234567890', testScryptCost)]);
  assert.notEqual(first, second);
  assert.equal(await verifyPassword('pw-1234567890', first), true);
  assert.equal(await verifyPassword('pw-1234567890', second), true);
});

test('the default cost is what the hash records', async () => {
  const stored = await hashPassword('x'.repeat(12));
  assert.match(stored, /^\$scrypt\$ln=15,r=8,p=1\$/);
  assert.equal(await verifyPassword('x'.repeat(12), stored), true);
});

test('malformed or tampered hashes never verify, and absurd costs are refused', async () => {
  const stored = await hashPassword('secret-password', testScryptCost);
  assert.equal(await verifyPassword('secret-password', stored.replace('ln=4', 'ln=5')), false);
  assert.equal(await verifyPassword('secret-password', stored.replace('ln=4', 'ln=40')), false);
  assert.equal(await verifyPassword('secret-password', 'plain text'), false);
  assert.equal(await verifyPassword('secret-password', ''), false);
  await assert.rejects(hashPassword('secret-password', { logN: 40, r: 8, p: 1 }), /cost out of bounds/);
});

test('the verifier spends a hash on unknown users and answers false', async () => {
  const verifier = createPasswordVerifier(testScryptCost);
  const stored = await hashPassword('secret-password', testScryptCost);
  assert.equal(await verifier.verify('secret-password', stored), true);
  assert.equal(await verifier.verify('secret-password', undefined), false);
  assert.equal(await verifier.verify('anything', undefined), false);
});
