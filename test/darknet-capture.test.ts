// Live capture as an operator runs it: tcpdump on loopback, datagrams to a loopback "darknet",
// Ctrl-C, and the windows and the infected finding in the store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendUdpDatagrams } from './support/udp-sender.ts';
import { openStore } from '../src/store/open-store.ts';

const entry = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

/** `darknet capture` on lo as an operator starts it; resolves once it says it is capturing. */
async function startCapture(darknet: string, filter: string, db: string, durationSeconds: number) {
  const child = spawn(process.execPath, [
    '--disable-warning=ExperimentalWarning',
    entry,
    'darknet',
    'capture',
    '--interface',
    'lo',
    '--darknet',
    darknet,
    '--filter',
    filter,
    '--db',
    db,
    '--duration',
    String(durationSeconds),
  ]);
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => {
    output.stdout += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      output.stderr += chunk;
      if (output.stderr.includes('capturing on lo')) resolve();
    });
    child.once('exit', () => reject(new Error(`capture ended before listening: ${output.stderr}`)));
  });
  return { child, output };
}

test('darknet capture: tcpdump on lo → windows in the store as the capture stops; a scanning surveyed address becomes an infected finding', {
  timeout: 60_000,
}, async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-capture-'));
  try {
    const db = join(directory, 'store.sqlite');
    const store = await openStore(db);
    const run = await store.startRun({ startedAt: new Date().toISOString(), scope: ['127.77.1.0/24'], exclude: [], ports: [23], checks: ['credentials'] });
    await store.finishRun(run, { finishedAt: new Date().toISOString(), status: 'completed', counts: {} });
    await store.close();

    const { child, output } = await startCapture('127.203.0.0/16', 'udp', db, 40);
    // One probe to each of 25 darknet addresses from a surveyed address, one stray packet from elsewhere.
    for (let host = 1; host <= 25; host++) await sendUdpDatagrams(`127.203.0.${host}`, 47_123, 1, { sourceHost: '127.77.1.5' });
    await sendUdpDatagrams('127.203.1.1', 47_123, 1, { sourceHost: '127.88.0.1' });
    await sendUdpDatagrams('127.204.0.1', 47_123, 3, { sourceHost: '127.77.1.5' }); // outside the darknet: filtered out
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 130, output.stderr);
    assert.match(output.stdout, /26 packets/);

    const after = await openStore(db);
    try {
      const days = await after.listDarknetWindows({ darknet: '127.203.0.0/16', periodSeconds: 86_400 });
      assert.equal(
        days.reduce((sum, window) => sum + window.packets, 0),
        26,
      );
      assert.equal(days[0]!.topPorts[0]!.port, 47_123);
      const infected = await after.listFindings({ kind: 'infected' });
      assert.deepEqual(
        infected.map((row) => row.ip),
        ['127.77.1.5'],
      );
      // Past a few exact destinations the count is a HyperLogLog estimate (±6.5 %).
      assert.ok(Math.abs(Number(infected[0]!.evidence.distinctDestinations) - 25) <= 3, String(infected[0]!.evidence.distinctDestinations));
      const runs = await after.listRuns();
      assert.deepEqual(runs.at(-1)!.checks, ['darknet']);
      assert.equal(runs.at(-1)!.status, 'completed');
    } finally {
      await after.close();
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('darknet capture killed with SIGKILL on a quiet link: its tcpdump, which dropped root, ends within seconds instead of waiting for a packet', {
  timeout: 60_000,
}, async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-capture-orphan-'));
  let tcpdumpPid: number | undefined;
  try {
    // A filter nothing on this machine matches: without the guard tcpdump would wait for ever.
    const { child } = await startCapture('127.250.250.0/24', 'udp and dst host 127.250.250.250 and dst port 9', join(directory, 'store.sqlite'), 50);
    const children = execFileSync('pgrep', ['-P', String(child.pid), '-x', 'tcpdump'], { encoding: 'utf8' }).trim();
    tcpdumpPid = Number(children.split('\n')[0]);
    assert.ok(tcpdumpPid > 0, 'the capture runs tcpdump as its child');
    assert.equal(
      readFileSync(`/proc/${tcpdumpPid}/status`, 'utf8').match(/^Uid:\s+(\d+)/m)?.[1] !== '0',
      true,
      'tcpdump dropped root (so no parent-death signal would reach it)',
    );
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 10_000;
    while (existsSync(`/proc/${tcpdumpPid}`) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(existsSync(`/proc/${tcpdumpPid}`), false, 'tcpdump still running 10 s after its parent was killed');
  } finally {
    if (tcpdumpPid !== undefined && existsSync(`/proc/${tcpdumpPid}`)) process.kill(tcpdumpPid, 'SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  }
});
