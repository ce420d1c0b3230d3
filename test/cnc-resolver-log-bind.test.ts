// BIND's query log read by `cnc detect-domains`: named (Debian's bind9) in a network namespace
// of the test's own (on-cs-bind; named listens only on interface addresses, so it gets
// 198.18.166.2 on the namespace's loopback), authoritative for its own zone and answering
// nothing else, with `category queries` logged to a file. Three "bots" and twelve other clients
// (198.18.166.11–13, .21–32, all in the namespace) ask it; the name the bots keep asking is a
// domain candidate, the one everybody asks is not.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../src/core/records.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { createNetworkNamespace, type NetworkNamespace, stopProcess } from './support/network-namespace.ts';

const entry = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const named = '/usr/sbin/named';
const server = '198.18.166.2';
const bots = ['198.18.166.11', '198.18.166.12', '198.18.166.13'];
// Enough others that the bots are a minority of the clients, as on a real resolver (the lift needs it).
const others = Array.from({ length: 12 }, (_, index) => `198.18.166.${21 + index}`);

let directory = '';
let namespace: NetworkNamespace | undefined;
let daemon: ChildProcess | undefined;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--disable-warning=ExperimentalWarning', entry, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

// Runs inside the namespace: each [client, name] asked in turn from the client's address, each answer awaited.
const askScript = `
const dgram = require('node:dgram');
const questions = JSON.parse(process.argv[1]);
const encode = (id, name) => Buffer.concat([
  Buffer.from([id >> 8, id & 255, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
  ...name.split('.').map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)])),
  Buffer.from([0, 0, 1, 0, 1]),
]);
(async () => {
  let id = 1;
  for (const [client, name] of questions) {
    await new Promise((resolve, reject) => {
      const socket = dgram.createSocket('udp4');
      const timer = setTimeout(() => reject(new Error('no answer to ' + name)), 5000);
      socket.once('message', () => { clearTimeout(timer); socket.close(); resolve(); });
      socket.bind(0, client, () => socket.send(encode(id++, name), 53, '${server}'));
    });
  }
  console.log('asked');
})().catch((error) => { console.error(error.message); process.exit(1); });
`;

before(async () => {
  directory = mkdtempSync(join(tmpdir(), 'on-cs-bind-'));
  if (!existsSync(named)) return;
  namespace = await createNetworkNamespace('on-cs-bind');
  for (const address of [server, ...bots, ...others]) await namespace.exec('ip', ['addr', 'add', `${address}/32`, 'dev', 'lo']);
  writeFileSync(join(directory, 'test.zone'), '$TTL 60\n@ IN SOA localhost. h.localhost. 1 3600 600 86400 60\n@ IN NS localhost.\n* IN A 198.18.166.50\n');
  writeFileSync(
    join(directory, 'named.conf'),
    `controls { };
options { directory "${directory}"; listen-on port 53 { ${server}; }; listen-on-v6 { none; }; pid-file none; recursion no; };
logging { channel queries_file { file "${join(directory, 'queries.log')}"; print-time yes; }; category queries { queries_file; }; };
zone "test" { type primary; file "${join(directory, 'test.zone')}"; };
`,
  );
  // -f: in the foreground with the configured logging (-g would send everything to stderr instead).
  daemon = namespace.spawn(named, ['-f', '-u', 'root', '-c', join(directory, 'named.conf')]);
  const started = daemon;
  let output = '';
  started.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  // Ready once it answers: the first question is retried for a bounded time.
  for (let attempt = 0; attempt < 50; attempt++) {
    if (started.exitCode !== null) throw new Error(`named exited: ${output}`);
    const ready = await namespace.exec(process.execPath, ['-e', askScript, JSON.stringify([[others[0], 'ready.test']])], 10_000).then(
      () => true,
      () => false,
    );
    if (ready) return;
  }
  throw new Error(`named did not answer on ${server}: ${output}`);
});

after(async () => {
  if (daemon) await stopProcess(daemon);
  await namespace?.remove();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

test('the names bots keep asking BIND become domain candidates, read from its query log', { timeout: 120_000 }, async () => {
  assert.ok(namespace, 'named is missing: npm test installs it as root (apt-get install bind9)');
  const questions: Array<[string, string]> = [];
  for (const bot of bots) for (let round = 0; round < 3; round++) questions.push([bot, 'c2.evil.test'], [bot, 'popular.test']);
  for (const other of others) questions.push([other, 'popular.test']);
  await namespace!.exec(process.execPath, ['-e', askScript, JSON.stringify(questions)], 60_000);

  const db = join(directory, 'cnc.sqlite');
  const store = await openSqliteStore(db);
  try {
    const now = new Date().toISOString();
    const runId = await store.startRun({ startedAt: now, scope: ['198.18.166.0/24'], exclude: [], ports: [0], checks: ['credentials'] });
    const found = bots.map((ip) => ({ kind: 'infected', ip, port: 0, protocol: 'telnet', evidence: {}, observedAt: now }) as Finding);
    await store.reconcileFindings(runId, { found, covered: [] });
  } finally {
    await store.close();
  }
  const log = join(directory, 'queries.log');
  const detected = await cli(['cnc', 'detect-domains', log, '--db', db]);
  assert.equal(detected.code, 0, detected.stderr);
  // The readiness questions are in the log too.
  const text = readFileSync(log, 'utf8');
  const readiness = text.match(/query: ready\.test /g)?.length ?? 0;
  assert.match(detected.stderr, new RegExp(`bind log, ${questions.length + readiness} queries`), text);
  const rows = JSON.parse((await cli(['cnc', 'list', '--json', '--db', db])).stdout) as Array<{
    endpointKind: string;
    endpoint: string;
    botsContacting: number;
  }>;
  assert.deepEqual(
    rows.map((row) => [row.endpointKind, row.endpoint, row.botsContacting]),
    [['domain', 'c2.evil.test', 3]],
  );
});
