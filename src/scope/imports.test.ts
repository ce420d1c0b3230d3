// Only the dialer opens sockets to targets (DESIGN §4): TCP (dial), TLS (dialTls) and UDP
// (query) alike, so a grabber that needs TLS or a datagram asks the dialer instead of
// importing node:tls or node:dgram. No module outside src/scope/ (and src/lab/, which plays
// the devices) may import a socket module at all — not even for its pure helpers (node:net's
// isIP, node:tls's constants), so the rule needs no judgement to check. Tests may, to play peers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const sourceRoot = fileURLToPath(new URL('..', import.meta.url));
const socketModule = /from\s+['"](node:)?(net|tls|dgram|http|https|http2)['"]|import\(\s*['"](node:)?(net|tls|dgram|http|https|http2)['"]\s*\)/;

// Outgoing mail goes through scope/relay-socket.ts. The one exception is the web server's
// listener: it only accepts inbound connections (node:http createServer) and opens none, so
// every outbound connection still goes through the dialer.
const allowedSocketImporters = new Set(['server/listen.ts']);

test('no module outside scope/ and lab/ imports a socket module', () => {
  const offenders = globSync('**/*.ts', { cwd: sourceRoot })
    .filter((file) => !file.endsWith('.test.ts') && !file.startsWith('scope/') && !file.startsWith('lab/') && !allowedSocketImporters.has(file))
    .filter((file) => socketModule.test(readFileSync(`${sourceRoot}/${file}`, 'utf8')));
  assert.deepEqual(offenders, []);
});

test('the guard recognises the import forms it forbids', () => {
  for (const line of [
    "import { BlockList } from 'node:net';",
    "import * as net from 'net';",
    "import { request } from 'node:http';",
    "await import('node:dgram')",
  ]) {
    assert.ok(socketModule.test(line), line);
  }
  assert.ok(!socketModule.test("import { createHash } from 'node:crypto';"));
});
