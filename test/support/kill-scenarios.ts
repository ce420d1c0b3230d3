/**
 * The long-running commands the kill harness (kill-harness.ts) interrupts, each with what a
 * user does after a crash and what of the store must come out the same:
 * - survey of a small lab, then `survey --resume RUN` (or the survey again when the kill came
 *   before the run was recorded);
 * - `darknet ingest` of a generated capture, run again;
 * - `darknet honeypot` of the shared real Cowrie logs, run again;
 * - `notify` to a mail sink (build the reports and deliver them), run again.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabHandle } from '../../src/lab/lab.ts';
import { startSmtpSink, type SmtpSink } from '../../src/lab/smtp-sink.ts';
import { openStore } from '../../src/store/open-store.ts';
import { assertCompleted, runCli, type KillScenario } from './kill-harness.ts';
import { sharedData } from './shared-data.ts';

async function withStore<T>(db: string, read: (store: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> {
  const store = await openStore(db);
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

const byText = <T>(rows: T[]) => rows.map((row) => JSON.stringify(row)).sort();

async function findingsOf(db: string) {
  return withStore(db, async (store) =>
    byText(
      (await store.listFindings()).map((row) => ({ kind: row.kind, ip: row.ip, port: row.port, status: row.status, entry: row.dictionaryEntryId ?? null })),
    ),
  );
}

/** A survey of a small lab (its own process's sockets; the survey in the CLI's process). */
export function surveyScenario(lab: LabHandle, cidr: string): KillScenario {
  const args = (db: string) => [
    'survey',
    '--target',
    cidr,
    '--ports',
    '21,23,80,554,1883,2323,8080',
    '--udp-ports',
    '',
    '--max-attempts-per-service',
    '40',
    '--max-attempts-per-host',
    '320',
    '--seed',
    '3',
    '--db',
    db,
  ];
  const limits = ['--max-attempts-per-service', '40', '--max-attempts-per-host', '320'];
  return {
    name: 'survey',
    firstRun: async (db, killAfterMs) => {
      const result = await runCli(args(db), killAfterMs === undefined ? {} : { killAfterMs });
      return killAfterMs === undefined ? assertCompleted(result, 'survey') : result;
    },
    recover: async (db) => {
      const run = await withStore(db, async (store) => (await store.listRuns())[0]);
      if (!run) assertCompleted(await runCli(args(db)), 'survey after a kill before its run was recorded');
      else if (run.status !== 'completed') assertCompleted(await runCli(['survey', '--resume', String(run.id), ...limits, '--db', db]), 'survey --resume');
    },
    snapshot: async (db) => ({
      labDevices: lab.truth.devices.length,
      runs: await withStore(db, async (store) => (await store.listRuns()).map((run) => run.status)),
      findings: await findingsOf(db),
      services: await withStore(db, async (store) =>
        byText((await store.listServices()).map((row) => ({ ip: row.ip, port: row.port, protocol: row.protocol, status: row.status }))),
      ),
      devices: await withStore(db, async (store) =>
        byText(
          (await store.listDevices()).map((row) => ({
            ip: row.ip,
            vendor: row.vendor ?? null,
            model: row.model ?? null,
            firmware: row.firmwareVersion ?? null,
          })),
        ),
      ),
    }),
  };
}

/** `darknet ingest` of a capture made once by `darknet generate`. */
export async function darknetScenario(directory: string): Promise<KillScenario> {
  const capture = join(directory, 'dark.pcapng');
  if (!existsSync(capture)) {
    assertCompleted(await runCli(['darknet', 'generate', '--out', capture, '--truth', join(directory, 'dark-truth.json')]), 'darknet generate');
  }
  const space = join(directory, 'dark-space.txt');
  writeFileSync(space, '127.77.0.0/16\n');
  const args = (db: string) => ['darknet', 'ingest', capture, '--darknet', '127.200.0.0/16', '--space', space, '--db', db];
  return {
    name: 'darknet ingest',
    firstRun: async (db, killAfterMs) => {
      const result = await runCli(args(db), killAfterMs === undefined ? {} : { killAfterMs });
      return killAfterMs === undefined ? assertCompleted(result, 'darknet ingest') : result;
    },
    recover: async (db) => void assertCompleted(await runCli(args(db)), 'darknet ingest again'),
    snapshot: async (db) => ({
      windows: await withStore(db, async (store) => byText(await store.listDarknetWindows())),
      sources: await withStore(db, async (store) => (await store.listDarknetSources()).length),
      findings: await findingsOf(db),
    }),
  };
}

/** `darknet honeypot` of the four shared real Cowrie logs. */
export function honeypotScenario(directory: string): KillScenario {
  const logs = ['2018-05-06', '2018-05-24', '2018-06-12', '2018-06-30'].map((day) => `${sharedData('cowrie')}/kareiva-cowrie.json.${day}`);
  const space = join(directory, 'honeypot-space.txt');
  writeFileSync(space, '0.0.0.0/1\n128.0.0.0/1\n');
  const args = (db: string) => ['darknet', 'honeypot', ...logs, '--space', space, '--db', db];
  return {
    name: 'darknet honeypot',
    firstRun: async (db, killAfterMs) => {
      const result = await runCli(args(db), killAfterMs === undefined ? {} : { killAfterMs });
      return killAfterMs === undefined ? assertCompleted(result, 'darknet honeypot') : result;
    },
    recover: async (db) => void assertCompleted(await runCli(args(db)), 'darknet honeypot again'),
    snapshot: async (db) => ({ findings: await findingsOf(db) }),
  };
}

/** `notify` to a mail sink of its own per store, so each store's deliveries are counted apart. */
export function notifyScenario(): KillScenario & { close(): Promise<void> } {
  const sinks = new Map<string, SmtpSink>();
  const sinkFor = async (db: string) => {
    let sink = sinks.get(db);
    if (!sink) {
      sink = await startSmtpSink({ host: '127.0.0.1', port: 0 });
      sinks.set(db, sink);
    }
    return sink;
  };
  const args = async (db: string) => [
    'notify',
    '--smtp',
    `127.0.0.1:${(await sinkFor(db)).port}`,
    '--helo',
    'notify.test',
    '--from',
    'notice@program.example',
    '--db',
    db,
  ];
  return {
    name: 'notify',
    firstRun: async (db, killAfterMs) => {
      const result = await runCli(await args(db), killAfterMs === undefined ? {} : { killAfterMs });
      return killAfterMs === undefined ? assertCompleted(result, 'notify') : result;
    },
    recover: async (db) => void assertCompleted(await runCli(await args(db)), 'notify again'),
    snapshot: async (db) => {
      const sink = await sinkFor(db);
      const delivered = sink.messages();
      return {
        reports: await withStore(db, async (store) =>
          byText((await store.listReports()).map((row) => ({ isp: row.ispId ?? null, audience: row.audience, findings: row.findingCount }))),
        ),
        outbox: await withStore(db, async (store) =>
          byText((await store.listOutbox()).map((row) => ({ channel: row.channel, to: row.destination, status: row.status }))),
        ),
        // Every report's mail arrived; copies on the wire share a Message-ID (counted, not compared).
        distinctMessages: new Set(delivered.map((message) => message.messageId)).size,
        recipients: [...new Set(delivered.map((message) => message.to.join(',')))].sort(),
      };
    },
    close: async () => {
      for (const sink of sinks.values()) await sink.close();
    },
  };
}
