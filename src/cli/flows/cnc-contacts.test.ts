import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Finding } from '../../core/records.ts';
import type { FlowRecord } from '../../flows/flow-record.ts';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.ts';
import type { CommandIo } from '../command.ts';
import { startContactRecording } from './cnc-contacts.ts';

const hourMs = Date.now() - (Date.now() % 3_600_000);
const flow = (source: string, destination: string, atMs: number): FlowRecord => ({
  exporter: '127.166.0.2/0',
  sourceAddress: source,
  destinationAddress: destination,
  sourcePort: 40000,
  destinationPort: 23,
  protocol: 6,
  packets: 2,
  bytes: 120,
  startMs: atMs,
  endMs: atMs + 10,
});

test('known bots are watched from the store; a flush the store refuses is kept and stored once with the next', async (t) => {
  const directory = mkdtempSync(join(tmpdir(), 'cnc-contacts-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const storeDirectory = join(directory, 'store');
  mkdirSync(storeDirectory);
  const location = join(storeDirectory, 'flows.sqlite');
  const store = await openSqliteStore(location);
  const now = new Date().toISOString();
  const runId = await store.startRun({ startedAt: now, scope: ['127.166.1.0/24'], exclude: [], ports: [0], checks: ['credentials'] });
  await store.reconcileFindings(runId, {
    found: [{ kind: 'infected', ip: '127.166.1.1', port: 0, protocol: 'telnet', evidence: {}, observedAt: now } as Finding],
    covered: [],
  });
  await store.close();

  const messages: string[] = [];
  const stderr = { write: (text: string) => messages.push(text) > 0 } as unknown as NodeJS.WriteStream;
  const io: CommandIo = { stdout: stderr, stderr, signal: new AbortController().signal };
  const recording = await startContactRecording({ location, retentionDays: 90 }, io);
  assert.ok(recording);
  assert.ok(messages.includes('watching 1 known bots for the C&C analysis\n'), messages.join(''));

  recording.add([flow('127.166.1.1', '198.18.166.9', hourMs + 1000), flow('127.166.3.1', '198.18.166.9', hourMs + 2000)]);
  // The store's folder is away: the write fails, and the batch waits.
  renameSync(storeDirectory, join(directory, 'away'));
  await recording.flush();
  assert.ok(messages.some((message) => message.startsWith('flows collect: storing C&C contacts failed, kept for the next try')));
  renameSync(join(directory, 'away'), storeDirectory);
  recording.add([flow('127.166.1.1', '198.18.166.9', hourMs + 61_000)]);
  await recording.close();

  const reopened = await openSqliteStore(location);
  try {
    const stored = await reopened.listCncContacts({ sinceHourMs: hourMs });
    assert.deepEqual(
      stored.botContacts.map((row) => [row.botAddress, row.flows, row.contactStartsMs]),
      [
        ['127.166.1.1', 1, [hourMs + 1000]],
        ['127.166.1.1', 1, [hourMs + 61_000]],
      ],
      'both flushes, each once',
    );
    assert.equal(stored.endpointOtherSources.length, 1, 'the other source is sketched, not kept');
    assert.equal(stored.population.length, 1);
  } finally {
    await reopened.close();
  }
});
