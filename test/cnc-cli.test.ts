// `opennotice cnc` end to end on a real SQLite store: known bots from infected findings, flows
// of the lab's bot population from a JSON-lines file, a Feodo Tracker import, detection,
// approval, and the approved candidate as a blocklist indicator.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../src/core/records.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { defaultCncLabOptions, generateCncLab } from './support/cnc-lab.ts';

const entry = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'cnc-cli-'));
after(() => rmSync(directory, { recursive: true, force: true }));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--disable-warning=ExperimentalWarning', entry, ...args], { maxBuffer: 1 << 26, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('cnc detect, list, approve, reject, import-feed and indicators on a store with known bots', { timeout: 300_000 }, async () => {
  const lab = generateCncLab({ ...defaultCncLabOptions, devices: 600, knownBots: 60, unknownBots: 10, hours: 3 });
  const flowFile = join(directory, 'flows.jsonl');
  writeFileSync(flowFile, `${lab.flows.map((flow) => JSON.stringify(flow)).join('\n')}\n`);
  const db = join(directory, 'cnc.sqlite');
  const store = await openSqliteStore(db);
  try {
    const runId = await store.startRun({ startedAt: '2026-11-02T00:00:00.000Z', scope: ['10.0.0.0/16'], exclude: [], ports: [0], checks: ['credentials'] });
    const found = [...lab.knownBots].map(
      (ip) => ({ kind: 'infected', ip, port: 0, protocol: 'honeypot', evidence: {}, observedAt: '2026-11-02T00:00:00.000Z' }) as Finding,
    );
    await store.reconcileFindings(runId, { found, covered: [] });
  } finally {
    await store.close();
  }

  const imported = await cli(['cnc', 'import-feed', join(import.meta.dirname, 'fixtures/cnc/feodo-ipblocklist.csv'), '--db', db]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /3 feodo entries imported/);

  const detected = await cli(['cnc', 'detect', flowFile, '--since', '2026-11-01T00:00:00Z', '--db', db]);
  assert.equal(detected.code, 0, detected.stderr);
  assert.match(detected.stdout, new RegExp(`${lab.knownBots.size} known bots`));

  const listed = await cli(['cnc', 'list', '--json', '--db', db]);
  assert.equal(listed.code, 0, listed.stderr);
  const rows = JSON.parse(listed.stdout) as Array<{ id: number; endpoint: string; port: number; protocol: number; status: string; feedsMatched: string[] }>;
  assert.deepEqual(new Set(rows.map((row) => `${row.endpoint}|${row.port}|${row.protocol}`)), lab.cncEndpoints, 'exactly the C&C endpoints');
  assert.ok(rows.every((row) => row.status === 'pending'));
  const feodoListed = rows.find((row) => row.endpoint === '198.51.100.50')!;
  assert.deepEqual(feodoListed.feedsMatched, ['feodo'], 'the imported feed marks the endpoint it lists');

  assert.equal((await cli(['cnc', 'indicators', '--json', '--db', db])).stdout.trim(), '[]', 'nothing to block before approval');
  const approved = await cli(['cnc', 'approve', String(feodoListed.id), '--by', 'tester', '--db', db]);
  assert.equal(approved.code, 0, approved.stderr);
  const rejected = await cli(['cnc', 'reject', String(rows[0]!.id === feodoListed.id ? rows[1]!.id : rows[0]!.id), '--db', db]);
  assert.equal(rejected.code, 0, rejected.stderr);
  const twice = await cli(['cnc', 'approve', String(feodoListed.id), '--db', db]);
  assert.equal(twice.code, 2);
  assert.match(twice.stderr, /already approved .* by tester/);

  const indicators = JSON.parse((await cli(['cnc', 'indicators', '--json', '--db', db])).stdout) as Array<{
    kind: string;
    value: string;
    port?: number;
    reason: string;
  }>;
  assert.deepEqual(
    indicators.map((indicator) => [indicator.kind, indicator.value, indicator.port]),
    [['ip', '198.51.100.50', 443]],
  );
  assert.match(indicators[0]!.reason, /listed by feodo/);
  const table = await cli(['cnc', 'list', '--db', db]);
  assert.match(table.stdout, /approved .* by tester/);
  assert.match(table.stdout, /198\.51\.100\.50:443\/tcp/);

  const badFlows = join(directory, 'bad.jsonl');
  writeFileSync(badFlows, `${JSON.stringify(lab.flows[0])}\n{"exporter":"x"}\n`);
  const bad = await cli(['cnc', 'detect', badFlows, '--db', db]);
  assert.equal(bad.code, 3);
  assert.match(bad.stderr, /bad\.jsonl:2: /);
});

test('cnc detect leaves out destinations in the own networks: the ISP registry’s prefixes and --own-networks', { timeout: 300_000 }, async () => {
  const lab = generateCncLab({ ...defaultCncLabOptions, devices: 400, knownBots: 40, unknownBots: 8, hours: 2 });
  const flowFile = join(directory, 'own-networks-flows.jsonl');
  writeFileSync(flowFile, `${lab.flows.map((flow) => JSON.stringify(flow)).join('\n')}\n`);
  const db = join(directory, 'own-networks.sqlite');
  const store = await openSqliteStore(db);
  try {
    const now = new Date().toISOString();
    const runId = await store.startRun({ startedAt: now, scope: ['10.0.0.0/16'], exclude: [], ports: [0], checks: ['credentials'] });
    const found = [...lab.knownBots].map((ip) => ({ kind: 'infected', ip, port: 0, protocol: 'telnet', evidence: {}, observedAt: now }) as Finding);
    await store.reconcileFindings(runId, { found, covered: [] });
    await store.upsertIsps([
      {
        id: 'own',
        name: 'Own Networks',
        asns: [],
        prefixes: ['198.51.100.0/28'],
        contacts: { abuseEmail: 'abuse@own.example', portalUsers: [] },
        preferences: { format: 'csv', cadence: 'daily', language: 'en' },
        managesCustomerDevices: false,
      },
    ]);
  } finally {
    await store.close();
  }
  const ownFile = join(directory, 'own-prefixes.txt');
  writeFileSync(ownFile, '# the operator’s servers\n198.51.100.32/28\n');
  const detected = await cli(['cnc', 'detect', flowFile, '--own-networks', ownFile, '--db', db]);
  assert.equal(detected.code, 0, detected.stderr);
  assert.match(detected.stdout, /to the 2 own networks\)/);
  const rows = JSON.parse((await cli(['cnc', 'list', '--json', '--db', db])).stdout) as Array<{ endpoint: string }>;
  assert.deepEqual(
    rows.map((row) => row.endpoint).sort(),
    ['198.51.100.20', '198.51.100.21', '198.51.100.30', '198.51.100.50', '198.51.100.60'],
    '198.51.100.10 (registry prefix) and .40 (--own-networks) are internal',
  );
  const typo = await cli(['cnc', 'detect', flowFile, '--own-networks', '198.51.100.0/33', '--db', db]);
  assert.equal(typo.code, 3);
  assert.match(typo.stderr, /--own-networks: expected a CIDR/);
});
