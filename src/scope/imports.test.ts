// Only the dialer opens sockets to targets (DESIGN §4): no module outside src/scope/
// (and src/lab/, which plays the devices) may import the socket modules. Tests may,
// to play peers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const sourceRoot = fileURLToPath(new URL('..', import.meta.url));
const socketModule = /from\s+['"](node:)?(net|tls|dgram|http|https|http2)['"]|import\(\s*['"](node:)?(net|tls|dgram|http|https|http2)['"]\s*\)/;

test('no module outside scope/ and lab/ imports a socket module', () => {
  const offenders = globSync('**/*.ts', { cwd: sourceRoot })
    .filter((file) => !file.endsWith('.test.ts') && !file.startsWith('scope/') && !file.startsWith('lab/'))
    .filter((file) => socketModule.test(readFileSync(`${sourceRoot}/${file}`, 'utf8')));
  assert.deepEqual(offenders, []);
});
