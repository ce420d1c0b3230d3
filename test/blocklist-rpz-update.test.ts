// The incremental RPZ update applied by a real server: Debian's BIND (named, npm test installs
// it as root) on 127.162.2.1 inside a network namespace the test creates (named listens only on
// addresses an interface has, and the host's loopback is not ours to change), primary for the RPZ zone of version 1 with dynamic updates
// allowed from loopback. nsupdate sends the export's update-from-1 script; a zone transfer
// then shows exactly the records of version 2, and the same script sent again is refused
// (its precondition names version 1's SOA).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlockIndicator } from '../src/blocklist/indicator.ts';
import { canonicalIndicators } from '../src/blocklist/indicator-list.ts';
import { type RpzPolicy, rpzRecords, writeRpzZone } from '../src/blocklist/rpz-zone.ts';
import { writeRpzUpdate } from '../src/blocklist/rpz-update.ts';
import { createNetworkNamespace, type NetworkNamespace, stopProcess } from './support/network-namespace.ts';

const named = '/usr/sbin/named';
const nsupdate = '/usr/bin/nsupdate';
const dig = '/usr/bin/dig';
const missing = 'BIND or its tools are missing: npm test installs them as root (apt-get install bind9 bind9-dnsutils)';
const server = { ip: '127.162.2.1', port: 53 };
const origin = 'rpz.opennotice';
const policy: RpzPolicy = { action: 'nxdomain' };
const approvedAt = '2026-12-01T10:00:00Z';
const indicators = (entries: readonly Omit<BlockIndicator, 'reason' | 'approvedAt'>[]) =>
  canonicalIndicators(
    entries.map((entry) => ({ ...entry, reason: 'C&C', approvedAt })),
    'update test',
  );

const version1 = indicators([
  { kind: 'domain', value: 'evil.example' },
  { kind: 'domain', value: 'withdrawn.example' },
  { kind: 'ip', value: '198.51.100.7' },
]);
const version2 = indicators([
  { kind: 'domain', value: 'evil.example' },
  { kind: 'domain', value: 'new-c2.example' },
  { kind: 'cidr', value: '2001:db8:66::/48' },
  { kind: 'ip', value: '198.51.100.7' },
]);

let directory = '';
let namespace: NetworkNamespace | undefined;
let daemon: ChildProcess | undefined;

before(async () => {
  if (![named, nsupdate, dig].every(existsSync)) return;
  directory = mkdtempSync(join(tmpdir(), 'on-blocklist-bind-'));
  writeFileSync(join(directory, 'rpz.zone'), writeRpzZone(version1, { origin, serial: 1, policy }));
  const config = join(directory, 'named.conf');
  writeFileSync(
    config,
    `options {
  directory "${directory}";
  listen-on port ${server.port} { ${server.ip}; };
  listen-on-v6 { none; };
  pid-file none;
  session-keyfile "${directory}/session.key";
  managed-keys-directory "${directory}";
  recursion no;
  dnssec-validation no;
  notify no;
};
controls { };
zone "${origin}" {
  type primary;
  file "${directory}/rpz.zone";
  allow-update { 127.0.0.0/8; };
  allow-transfer { 127.0.0.0/8; };
};
`,
  );
  namespace = await createNetworkNamespace('on-blocklist-bind');
  await namespace.exec('ip', ['addr', 'add', `${server.ip}/32`, 'dev', 'lo']);
  daemon = namespace.spawn(named, ['-g', '-c', config]);
  const log: string[] = [];
  daemon.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  const started = daemon;
  const exited = new Promise<never>((_, reject) => started.once('exit', (code) => reject(new Error(`named exited (${code}):\n${log.join('')}`))));
  exited.catch(() => undefined);
  for (let attempt = 0; ; attempt++) {
    const answered = await Promise.race([
      transferZone().then(
        () => true,
        () => false,
      ),
      exited,
    ]);
    if (answered) break;
    if (attempt >= 20) throw new Error(`named did not answer in time:\n${log.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
});

after(async () => {
  if (daemon) await stopProcess(daemon);
  await namespace?.remove();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

/** The zone's SOA serial and its policy records ("owner TYPE data"), by zone transfer. */
async function transferZone(): Promise<{ serial: number; records: string[] }> {
  const stdout = await namespace!.exec(
    dig,
    ['+nocmd', '+nostats', '+onesoa', '+time=3', '+tries=1', '-p', String(server.port), `@${server.ip}`, origin, 'AXFR'],
    10_000,
  );
  const rows = stdout
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith(';'))
    .map((line) => line.split(/\s+/));
  const soa = rows.find((row) => row[3] === 'SOA');
  assert.ok(soa, `no SOA in the transfer:\n${stdout}`);
  const records = rows.filter((row) => ['CNAME', 'A', 'AAAA'].includes(row[3] ?? '')).map((row) => `${row[0]} ${row[3]} ${row.slice(4).join(' ')}`);
  return { serial: Number(soa[6]), records: records.sort() };
}

const expectedRecords = (list: readonly BlockIndicator[]) =>
  rpzRecords(list, policy)
    .map((record) => `${record.owner}.${origin}. ${record.type} ${record.data}`)
    .sort();

async function sendUpdate(script: string): Promise<void> {
  const file = join(directory, 'update.nsupdate');
  writeFileSync(file, script);
  await namespace!.exec(nsupdate, ['-v', file], 15_000);
}

test('BIND applies the update from version 1: the zone then holds exactly version 2', async () => {
  assert.ok([named, nsupdate, dig].every(existsSync), missing);
  assert.deepEqual(await transferZone(), { serial: 1, records: expectedRecords(version1) }, 'BIND loaded version 1');
  await sendUpdate(writeRpzUpdate(version1, version2, { origin, policy, fromSerial: 1, toSerial: 2, server: { address: server.ip, port: server.port } }));
  assert.deepEqual(await transferZone(), { serial: 2, records: expectedRecords(version2) });
});

test('the same update sent again is refused by its precondition and changes nothing', async () => {
  assert.ok([named, nsupdate, dig].every(existsSync), missing);
  const before = await transferZone();
  assert.equal(before.serial, 2, 'runs after the first test applied version 2');
  await assert.rejects(
    sendUpdate(writeRpzUpdate(version1, version2, { origin, policy, fromSerial: 1, toSerial: 2, server: { address: server.ip, port: server.port } })),
    /NXRRSET|update failed/,
  );
  assert.deepEqual(await transferZone(), before);
});
