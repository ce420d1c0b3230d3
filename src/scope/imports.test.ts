// Only the dialer opens sockets to targets (DESIGN §4): no module outside src/scope/
// (and src/lab/, which plays the devices) may import a socket module at all — not even
// for its pure helpers, so the rule needs no judgement to check. Tests may, to play peers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const sourceRoot = fileURLToPath(new URL('..', import.meta.url));
// The one exception: outgoing mail. The SMTP transport must open sockets itself, and only to
// the mail relay named in the operator's configuration — never to a survey target — so it
// is allowed node:net/node:tls and nothing else outside scope/ and lab/ is.
const socketExceptions = ['notify/transports/smtp/'];
const socketModule = /from\s+['"](node:)?(net|tls|dgram|http|https|http2)['"]|import\(\s*['"](node:)?(net|tls|dgram|http|https|http2)['"]\s*\)/;

test('no module outside scope/ and lab/ (and the SMTP transport) imports a socket module', () => {
  const offenders = globSync('**/*.ts', { cwd: sourceRoot })
    .filter((file) => !file.endsWith('.test.ts') && !file.startsWith('scope/') && !file.startsWith('lab/'))
    .filter((file) => !socketExceptions.some((folder) => file.startsWith(folder)))
    .filter((file) => socketModule.test(readFileSync(`${sourceRoot}/${file}`, 'utf8')));
  assert.deepEqual(offenders, []);
});

test('the guard recognises the import forms it forbids', () => {
  for (const line of ["import { BlockList } from 'node:net';", "import * as net from 'net';", "import { request } from 'node:http';", "await import('node:dgram')"]) {
    assert.ok(socketModule.test(line), line);
  }
  assert.ok(!socketModule.test("import { createHash } from 'node:crypto';"));
});
