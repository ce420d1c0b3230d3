// The C&C analysis from what the flow collector keeps, as an operator runs it: the lab's flows
// exported as NetFlow v5 over UDP to `opennotice flows collect` (a real socket on loopback),
// which stores the known bots' contacts and the sketches of everyone else; then `cnc detect`
// without a file reads the store, and finds the same candidates as `cnc detect FLOWS.jsonl`
// on the same flows in another store.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../src/core/records.ts';
import type { FlowRecord } from '../src/flows/flow-record.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { startCli } from './support/cli-process.ts';
import { defaultCncLabOptions, generateCncLab } from './support/cnc-lab.ts';
import { netflowV5 } from './support/flow-exports.ts';

const entry = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'cnc-collector-'));
after(() => rmSync(directory, { recursive: true, force: true }));
const collectorAddress = '127.166.0.1';
const exporterAddress = '127.166.0.2';

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--disable-warning=ExperimentalWarning', entry, ...args], { maxBuffer: 1 << 26, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function storeWithKnownBots(file: string, bots: ReadonlySet<string>): Promise<void> {
  const store = await openSqliteStore(file);
  try {
    // Seen now: the collector watches bots seen in the last 30 days.
    const now = new Date().toISOString();
    const runId = await store.startRun({ startedAt: now, scope: ['10.0.0.0/16'], exclude: [], ports: [0], checks: ['credentials'] });
    const found = [...bots].map((ip) => ({ kind: 'infected', ip, port: 0, protocol: 'honeypot', evidence: {}, observedAt: now }) as Finding);
    await store.reconcileFindings(runId, { found, covered: [] });
  } finally {
    await store.close();
  }
}

/** The flows as NetFlow v5 datagrams of 30 records, uptime and clock chosen so every time is exact to the millisecond. */
function exportDatagrams(flows: readonly FlowRecord[]): Buffer[] {
  const firstMs = flows[0]!.startMs;
  const bootMs = firstMs - (firstMs % 1000) - 3_600_000;
  const header = { uptimeMs: 12 * 3_600_000, unixSeconds: (bootMs + 12 * 3_600_000) / 1000 };
  const datagrams: Buffer[] = [];
  for (let start = 0; start < flows.length; start += 30)
    datagrams.push(
      netflowV5(
        header,
        flows.slice(start, start + 30).map((flow) => ({
          source: flow.sourceAddress,
          destination: flow.destinationAddress,
          sourcePort: flow.sourcePort,
          destinationPort: flow.destinationPort,
          protocol: flow.protocol,
          packets: flow.packets,
          bytes: flow.bytes,
          firstUptimeMs: flow.startMs - bootMs,
          lastUptimeMs: flow.endMs - bootMs,
        })),
      ),
    );
  return datagrams;
}

interface ListedCandidate {
  endpoint: string;
  port: number;
  protocol: number;
  botsContacting: number;
  benignContacting: number;
  firstSeen: string;
  lastSeen: string;
  beaconing?: { periodSeconds: number; beaconingBots: number };
}

test('flows exported to the collector, stored, and detected from the store give the file path’s candidates', { timeout: 300_000 }, async () => {
  const lab = generateCncLab({ ...defaultCncLabOptions, devices: 400, knownBots: 40, unknownBots: 8, hours: 2 });
  const collected = join(directory, 'collected.sqlite');
  const fromFile = join(directory, 'file.sqlite');
  await storeWithKnownBots(collected, lab.knownBots);
  await storeWithKnownBots(fromFile, lab.knownBots);

  // --print-flows: one line per flow decoded, so the test knows when the collector has read every datagram before stopping it.
  const collector = startCli(['flows', 'collect', '--listen', `${collectorAddress}:0`, '--print-flows', '--db', collected]);
  try {
    const watching = await collector.waitForLine('stderr', (line) => line.startsWith('watching '), 60_000);
    assert.equal(watching, `watching ${lab.knownBots.size} known bots for the C&C analysis`);
    const listening = await collector.waitForLine('stderr', (line) => line.startsWith('listening for flows on '), 60_000);
    const port = Number(listening.split(':').pop());
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, exporterAddress, () => resolve());
    });
    try {
      const datagrams = exportDatagrams(lab.flows);
      for (const [index, datagram] of datagrams.entries()) {
        await new Promise<void>((resolve, reject) => socket.send(datagram, port, collectorAddress, (error) => (error ? reject(error) : resolve())));
        // A pause now and then: the collector's socket buffer is finite, and a dropped datagram would be a different input.
        if (index % 20 === 19) await sleep(2);
      }
    } finally {
      socket.close();
    }
    await collector.waitForLine('stdout', () => collector.stdoutLines.length >= lab.flows.length, 60_000);
  } finally {
    assert.equal(await collector.stop('SIGINT'), 0, collector.stderrLines.join('\n'));
  }
  const decoded = collector.stderrLines.find((line) => / flow records, /.test(line)) ?? '';
  assert.match(decoded, new RegExp(`, ${lab.flows.length} flow records, .* 0 malformed`), 'every flow reached the collector');
  assert.ok(collector.stderrLines.some((line) => / C&C contact rows stored; /.test(line)));

  const flowFile = join(directory, 'flows.jsonl');
  writeFileSync(flowFile, `${lab.flows.map((flow) => JSON.stringify(flow)).join('\n')}\n`);
  const since = ['--since', '2026-11-01T00:00:00Z'];
  const detectedFromStore = await cli(['cnc', 'detect', '--from-store', ...since, '--db', collected]);
  assert.equal(detectedFromStore.code, 0, detectedFromStore.stderr);
  assert.match(detectedFromStore.stdout, /flows of watched bots kept by 'flows collect'/);
  const detectedFromFile = await cli(['cnc', 'detect', flowFile, ...since, '--db', fromFile]);
  assert.equal(detectedFromFile.code, 0, detectedFromFile.stderr);

  const list = async (db: string) => JSON.parse((await cli(['cnc', 'list', '--json', '--db', db])).stdout) as ListedCandidate[];
  const storeCandidates = await list(collected);
  const fileCandidates = await list(fromFile);
  const key = (candidate: ListedCandidate) => `${candidate.endpoint}|${candidate.port}|${candidate.protocol}`;
  assert.deepEqual(new Set(fileCandidates.map(key)), lab.cncEndpoints, 'the file path finds the lab’s C&C endpoints');
  assert.deepEqual(storeCandidates.map(key).sort(), fileCandidates.map(key).sort(), 'the store path finds the same');
  const fromStoreByKey = new Map(storeCandidates.map((candidate) => [key(candidate), candidate]));
  for (const expected of fileCandidates) {
    const actual = fromStoreByKey.get(key(expected))!;
    assert.deepEqual(
      [actual.botsContacting, actual.beaconing, actual.firstSeen, actual.lastSeen],
      [expected.botsContacting, expected.beaconing, expected.firstSeen, expected.lastSeen],
      key(expected),
    );
    assert.ok(
      Math.abs(actual.benignContacting - expected.benignContacting) <= 1,
      `${key(expected)}: ${actual.benignContacting} vs ${expected.benignContacting}`,
    );
  }
});
