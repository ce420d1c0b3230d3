// The darknet commands as an operator runs them: generate, ingest, stats from the store, infected models.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../src/store/open-store.ts';

const entry = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--disable-warning=ExperimentalWarning', entry, ...args], { maxBuffer: 1 << 26 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('darknet generate → ingest → stats from the store → infected models; a second ingest is skipped; corrupt input is a clear error', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-darknet-cli-'));
  try {
    const db = join(directory, 'store.sqlite');
    const store = await openStore(db);
    const run = await store.startRun({ startedAt: '2026-01-01T00:00:00.000Z', scope: ['127.77.0.0/24'], exclude: [], ports: [23], checks: ['credentials'] });
    await store.recordDevices(run, [
      { ip: '127.77.0.10', identity: { vendor: 'Korvan', model: 'IPC-2120', deviceType: 'ip-camera', confidence: 0.9, evidence: [] } },
      { ip: '127.77.0.11', identity: { vendor: 'Korvan', model: 'IPC-2120', deviceType: 'ip-camera', confidence: 0.9, evidence: [] } },
    ]);
    await store.finishRun(run, { finishedAt: '2026-01-01T00:05:00.000Z', status: 'completed', counts: {} });
    await store.close();

    const capture = join(directory, 'dark.pcapng');
    const truthFile = join(directory, 'truth.json');
    const generated = await cli(['darknet', 'generate', '--out', capture, '--truth', truthFile, '--infected', '127.77.0.10', '--seed', '4']);
    assert.equal(generated.code, 0, generated.stderr);
    const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as {
      packets: number;
      researchRanges: string[];
      sources: Array<{ kind: string }>;
      drdos: { attacks: Array<{ protocol: string }> };
    };
    // The capture's research scanners are the lab's, written beside it: ingest is told so, as the
    // shipped list names real research scanners only.
    const research = join(directory, 'dark-research.txt');
    assert.match(generated.stdout, /its research scanners: .*dark-research\.txt/);
    assert.deepEqual(
      readFileSync(research, 'utf8')
        .split('\n')
        .filter((line) => line && !line.startsWith('#')),
      truth.researchRanges,
    );
    const darknet = ['--darknet', '127.200.0.0/16'];

    const noDarknet = await cli(['darknet', 'ingest', capture, '--db', db]);
    assert.equal(noDarknet.code, 2);
    assert.match(noDarknet.stderr, /ingest needs --darknet CIDR/);

    const ingested = await cli(['darknet', 'ingest', capture, ...darknet, '--research', research, '--db', db]);
    assert.equal(ingested.code, 0, ingested.stderr);
    assert.match(ingested.stdout, new RegExp(`${truth.packets} packets`));
    assert.match(ingested.stdout, /infected findings: 1 opened/);
    assert.match(ingested.stdout, new RegExp(`DRDoS attacks on darknet addresses: ${truth.drdos.attacks.length}\n`));

    const stats = await cli(['darknet', 'stats', ...darknet, '--db', db, '--json']);
    assert.equal(stats.code, 0, stats.stderr);
    const figures = JSON.parse(stats.stdout) as { packets: number; days: Array<{ researchSources: number }>; topPorts: Array<{ port: number }> };
    assert.equal(figures.packets, truth.packets);
    assert.equal(figures.days[0]!.researchSources, truth.sources.filter((source) => source.kind === 'research-scanner').length, "the lab's researchers");
    assert.equal(figures.days.length, 1);
    assert.equal(figures.topPorts[0]!.port, 23);
    // The lab's reflection attacks, from the store: per day, and per protocol.
    const { drdos } = JSON.parse(stats.stdout) as {
      drdos: { attacks: number; days: Array<{ attacks: number }>; protocols: Array<{ protocol: string; attacks: number }> };
    };
    assert.equal(drdos.attacks, truth.drdos.attacks.length);
    assert.equal(drdos.days[0]!.attacks, truth.drdos.attacks.length);
    assert.deepEqual(drdos.protocols.map((entry) => entry.protocol).sort(), [...new Set(truth.drdos.attacks.map((attack) => attack.protocol))].sort());
    const table = await cli(['darknet', 'stats', ...darknet, '--db', db]);
    assert.match(table.stdout, new RegExp(`DRDoS attacks on darknet addresses: ${truth.drdos.attacks.length} on `));
    assert.match(table.stdout, /attacks per protocol: [a-z-]+\/\d+ \d+ \(up to \d+ reflectors\)/);

    const models = await cli(['darknet', 'infected', '--db', db, '--csv']);
    assert.equal(models.code, 0, models.stderr);
    assert.deepEqual(models.stdout.trim().split('\r\n'), [
      'vendor,model,device_type,infected,surveyed,share,families',
      'Korvan,IPC-2120,ip-camera,1,2,50.0%,mirai 1',
    ]);

    const again = await cli(['darknet', 'ingest', capture, ...darknet, '--research', research, '--db', db]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /skipped .*dark\.pcapng: already read by run \d+/);
    assert.equal(JSON.parse((await cli(['darknet', 'stats', ...darknet, '--db', db, '--json'])).stdout).packets, truth.packets, 'nothing counted twice');

    const corrupt = join(directory, 'corrupt.pcap');
    const bytes = readFileSync(capture);
    writeFileSync(
      corrupt,
      Buffer.concat([
        Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0]),
        Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0x3c, 0, 0, 0]),
        bytes.subarray(0, 64),
      ]),
    );
    const failed = await cli(['darknet', 'ingest', corrupt, ...darknet, '--db', db]);
    assert.equal(failed.code, 3, failed.stderr);
    assert.match(failed.stderr, /corrupt\.pcap.*(offset|byte) \d+/i);

    const empty = await cli(['darknet', 'stats', '--db', db, '--darknet', '127.201.0.0/16']);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /holds no observations of the darknet 127\.201\.0\.0\/16/);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
