import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findIdentification, parseIdentification } from './codec.ts';

test('identification lines from real servers', () => {
  assert.deepEqual(parseIdentification('SSH-2.0-dropbear_2014.63'), {
    version: 'SSH-2.0-dropbear_2014.63',
    protocolVersion: '2.0',
    software: 'dropbear_2014.63',
  });
  assert.deepEqual(parseIdentification('SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7'), {
    version: 'SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7',
    protocolVersion: '2.0',
    software: 'OpenSSH_7.4p1',
    comment: 'Debian-10+deb9u7',
  });
  assert.equal(parseIdentification('SSH-1.99-Cisco-1.25').software, 'Cisco-1.25');
  assert.equal(parseIdentification('SSH-1.99-Cisco-1.25').protocolVersion, '1.99');
  assert.deepEqual(parseIdentification('SSH-2.0'), { version: 'SSH-2.0', protocolVersion: '2.0', software: '' });
});

test('lines before the identification are skipped; bare LF accepted', () => {
  assert.deepEqual(findIdentification(Buffer.from('Welcome to the router\r\nAuthorized use only\nSSH-2.0-ROSSSH\r\n')), {
    state: 'found',
    line: 'SSH-2.0-ROSSSH',
    precedingLines: ['Welcome to the router', 'Authorized use only'],
  });
  assert.deepEqual(findIdentification(Buffer.from('SSH-2.0-Open')), { state: 'incomplete' });
  assert.deepEqual(findIdentification(Buffer.from('banner\r\n')), { state: 'incomplete' });
});

test('invalid: too many lines, too long, binary', () => {
  assert.equal(findIdentification(Buffer.from('x\n'.repeat(40))).state, 'invalid');
  assert.equal(findIdentification(Buffer.from(`SSH-2.0-${'a'.repeat(300)}`)).state, 'invalid');
  assert.equal(findIdentification(Buffer.from(`SSH-2.0-${'a'.repeat(300)}\r\n`)).state, 'invalid');
  assert.equal(findIdentification(Buffer.from([0x00, 0x01, 0x02, 0x0a])).state, 'invalid');
  assert.equal(findIdentification(Buffer.alloc(9000, 0x61)).state, 'invalid');
});

test('fuzz: random and truncated input never throws', () => {
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const sample = Buffer.from('Hello\r\nSSH-2.0-OpenSSH_8.2p1 Ubuntu\r\n');
  for (let round = 0; round < 500; round++) {
    const bytes =
      round % 2 === 0
        ? sample.subarray(0, Math.floor(random() * sample.length))
        : Buffer.from(Array.from({ length: Math.floor(random() * 400) }, () => (random() < 0.1 ? 0x0a : Math.floor(random() * 256))));
    const search = findIdentification(bytes);
    if (search.state === 'found') assert.ok(parseIdentification(search.line).version.startsWith('SSH-'));
  }
});
