// Domain candidates from a real resolver's query log: dnsmasq (Debian's, log-queries to a file)
// on 127.166.2.1 answers names from its own configuration, with no upstream, so no question
// leaves loopback. "Bots" (127.166.1.x, infected findings in the store) and "other devices"
// (127.166.3.x) ask it over UDP from their own addresses; `cnc detect-domains` reads the log:
// the name the bots keep asking (and others do not) is a candidate, a name everyone asks is
// not, an allowlisted name is not even scored, a URLhaus-listed name one bot asks is. Approved,
// the domain goes into the RPZ. A log cut in the middle of its last line, as a resolver still
// writing leaves it, is read with that line skipped; a broken line is an error naming file:line.
// unbound (127.166.2.2, its own local zone only) writes a log of the other format, told apart.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BlockIndicator } from '../src/blocklist/indicator.ts';
import { writeRpzZone } from '../src/blocklist/rpz-zone.ts';
import type { Finding } from '../src/core/records.ts';
import { dnsClasses, dnsTypes, encodeQuery } from '../src/protocols/dns/codec.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { type Daemon, startDaemon } from './support/real-daemons/daemon.ts';

const entry = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const dnsmasqPath = '/usr/sbin/dnsmasq';
const resolver = { ip: '127.166.2.1', port: 53 };
const bots = Array.from({ length: 6 }, (_, index) => `127.166.1.${index + 1}`);
const others = Array.from({ length: 20 }, (_, index) => `127.166.3.${index + 1}`);

let directory = '';
let queryLog = '';
let dnsmasq: Daemon | undefined;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--disable-warning=ExperimentalWarning', entry, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** One question from `client`, answered (the resolver has logged it once the answer is back). */
async function ask(client: string, name: string, id: number, server = resolver): Promise<void> {
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, client, () => resolve());
    });
    const answered = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer from ${server.ip} to ${name} asked by ${client}`)), 5000);
      socket.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    socket.send(encodeQuery({ id, question: { name, type: dnsTypes.A, class: dnsClasses.IN }, recursionDesired: true }), server.port, server.ip);
    await answered;
  } finally {
    socket.close();
  }
}

before(async () => {
  directory = mkdtempSync(join(tmpdir(), 'cnc-resolver-log-'));
  queryLog = join(directory, 'dnsmasq-queries.log');
  if (!existsSync(dnsmasqPath)) return;
  dnsmasq = await startDaemon({
    name: 'dnsmasq',
    command: dnsmasqPath,
    args: [
      '-k',
      '--conf-file=/dev/null',
      '--no-resolv', // no upstream: it answers its own names and refuses the rest
      '--no-poll',
      '--no-hosts',
      '--address=/test/198.18.166.50',
      '--address=/pool.ntp.org/198.18.166.51',
      `--port=${resolver.port}`,
      `--listen-address=${resolver.ip}`,
      '--bind-interfaces',
      '--user=root',
      '--pid-file=',
      '--log-queries',
      `--log-facility=${queryLog}`,
    ],
    ...resolver,
    logFile: join(directory, 'dnsmasq.out'),
  });
});

after(async () => {
  await dnsmasq?.stop();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

test('the names bots keep asking a real dnsmasq become domain candidates; popular and allowlisted names do not', { timeout: 120_000 }, async () => {
  assert.ok(dnsmasq, 'dnsmasq is missing: npm test installs it as root (apt-get install dnsmasq-base)');
  let id = 1;
  for (const bot of bots) {
    for (let round = 0; round < 3; round++) {
      await ask(bot, 'c2.evil.test', id++);
      await ask(bot, 'pool.ntp.org', id++);
    }
    await ask(bot, 'popular.test', id++);
  }
  for (let round = 0; round < 3; round++) await ask(bots[0]!, 'feed-listed.test', id++);
  for (const other of others) await ask(other, 'popular.test', id++);
  await ask(others[0]!, 'c2.evil.test', id++);

  const db = join(directory, 'cnc.sqlite');
  const store = await openSqliteStore(db);
  try {
    const now = new Date().toISOString();
    const runId = await store.startRun({ startedAt: now, scope: ['127.166.1.0/24'], exclude: [], ports: [0], checks: ['credentials'] });
    const found = bots.map((ip) => ({ kind: 'infected', ip, port: 0, protocol: 'telnet', evidence: {}, observedAt: now }) as Finding);
    await store.reconcileFindings(runId, { found, covered: [] });
  } finally {
    await store.close();
  }
  const feed = join(directory, 'urlhaus.csv');
  writeFileSync(
    feed,
    '# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n"1","2026-12-01 10:00:00","http://feed-listed.test/x.sh","online","","malware_download","elf","https://urlhaus.abuse.ch/url/1/","tester"\n',
  );
  assert.equal((await cli(['cnc', 'import-feed', feed, '--feed', 'urlhaus', '--db', db])).code, 0);

  const detected = await cli(['cnc', 'detect-domains', queryLog, '--db', db]);
  assert.equal(detected.code, 0, detected.stderr);
  const queries = 6 * 7 + 3 + 20 + 1;
  assert.match(detected.stderr, new RegExp(`dnsmasq log, ${queries} queries, `), readFileSync(queryLog, 'utf8'));
  assert.match(detected.stdout, /2 domain candidates stored/);
  const rows = JSON.parse((await cli(['cnc', 'list', '--json', '--db', db])).stdout) as Array<{
    id: number;
    endpointKind: string;
    endpoint: string;
    botsContacting: number;
    benignContacting: number;
    feedsMatched: string[];
    evidence: string;
  }>;
  assert.deepEqual(rows.map((row) => [row.endpointKind, row.endpoint, row.botsContacting, row.benignContacting, row.feedsMatched]).sort(), [
    ['domain', 'c2.evil.test', 6, 1, []],
    ['domain', 'feed-listed.test', 1, 0, ['urlhaus']],
  ]);
  const c2 = rows.find((row) => row.endpoint === 'c2.evil.test')!;
  assert.match(c2.evidence, /queried by 6 known bots/);

  assert.equal((await cli(['cnc', 'approve', String(c2.id), '--by', 'tester', '--db', db])).code, 0);
  const indicators = JSON.parse((await cli(['cnc', 'indicators', '--json', '--db', db])).stdout) as BlockIndicator[];
  assert.deepEqual(
    indicators.map((indicator) => [indicator.kind, indicator.value, indicator.port]),
    [['domain', 'c2.evil.test', undefined]],
  );
  const zone = writeRpzZone(indicators, { origin: 'rpz.opennotice', serial: 1, policy: { action: 'nxdomain' } });
  assert.match(zone, /^c2\.evil\.test IN CNAME \.$/m, 'the approved domain is in the RPZ');
});

test('a log still being written: the cut last line is skipped and counted; a broken line is an error naming file and line', { timeout: 60_000 }, async () => {
  assert.ok(dnsmasq, 'dnsmasq is missing');
  await ask(bots[0]!, 'c2.evil.test', 9000);
  const db = join(directory, 'partial.sqlite');
  const writing = join(directory, 'writing.log');
  copyFileSync(queryLog, writing);
  appendFileSync(writing, 'Dec  7 03:18:03 dnsmasq[7676]: query[A] half-writ');
  const partial = await cli(['cnc', 'detect-domains', writing, '--db', db]);
  assert.equal(partial.code, 0, partial.stderr);
  assert.match(partial.stderr, /the last line cut short \(still being written\) skipped/);

  const broken = join(directory, 'broken.log');
  copyFileSync(queryLog, broken);
  const lines = readFileSync(queryLog, 'utf8').split('\n').length;
  appendFileSync(broken, 'Dec  7 03:18:03 dnsmasq[7676]: query[A] c2.evil.test from nowhere\nDec  7 03:18:04 dnsmasq[7676]: cleared cache\n');
  const failed = await cli(['cnc', 'detect-domains', broken, '--db', db]);
  assert.equal(failed.code, 3, failed.stderr);
  assert.match(failed.stderr, new RegExp(`broken\\.log:${lines}: dnsmasq log: the client "nowhere" is not an IP address`));
});

test('a real unbound log (log-queries and log-replies) is told apart and read: questions counted, replies skipped', { timeout: 60_000 }, async () => {
  const unboundPath = '/usr/sbin/unbound';
  assert.ok(existsSync(unboundPath), 'unbound is missing: npm test installs it as root (apt-get install unbound)');
  const server = { ip: '127.166.2.2', port: 53 };
  const log = join(directory, 'unbound-queries.log');
  const config = join(directory, 'unbound.conf');
  writeFileSync(
    config,
    [
      'server:',
      `  interface: ${server.ip}`,
      `  port: ${server.port}`,
      '  do-daemonize: no',
      '  username: ""',
      '  chroot: ""',
      `  directory: "${directory}"`,
      '  pidfile: ""',
      '  use-syslog: no',
      `  logfile: "${log}"`,
      '  log-queries: yes',
      '  log-replies: yes',
      '  do-ip6: no',
      '  access-control: 127.166.0.0/16 allow',
      // Its own names only: no root hints are ever asked.
      '  local-zone: "test." static',
      '  local-data: "c2.evil.test. A 198.18.166.50"',
      '',
    ].join('\n'),
  );
  const unbound = await startDaemon({ name: 'unbound', command: unboundPath, args: ['-d', '-c', config], ...server, logFile: join(directory, 'unbound.out') });
  try {
    for (const bot of bots.slice(0, 3)) for (let round = 0; round < 2; round++) await ask(bot, 'c2.evil.test', 7000 + round, server);
  } finally {
    await unbound.stop();
  }
  const detected = await cli(['cnc', 'detect-domains', log, '--db', join(directory, 'unbound.sqlite')]);
  assert.equal(detected.code, 0, detected.stderr);
  assert.match(detected.stderr, /unbound log, 6 queries, \d+ other lines/, readFileSync(log, 'utf8'));
  assert.match(detected.stdout, /^6 queries /);
});
