/**
 * The live commands of the kill harness: `darknet capture` (tcpdump on lo) and `flows collect`.
 * Their traffic comes in three phases, each from its own senders so the store tells them apart:
 * phase 1 went to an earlier session that stopped cleanly (the prepared store: what was written
 * before the kill), phase 2 to the session the harness kills, phase 3 to the session restarted
 * after it (the recovery, which the reference runs too). The promise (kill-bounded-loss.ts):
 * phases 1 and 3 exactly once; phase 2 whatever the killed session had written, never more
 * than it received — both commands write when a period ends (an hour window; --flush-minutes)
 * and at a clean stop, so a kill within the period loses the period's share of phase 2.
 */
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../src/store/open-store.ts';
import { addCount, type CountedStore, judgeBoundedLoss } from './kill-bounded-loss.ts';
import { assertCompleted, type KillScenario } from './kill-harness.ts';
import { type LiveSession, runLiveSession } from './kill-live-session.ts';
import { netflowV5, type TestFlow } from './flow-exports.ts';
import { sendUdpDatagrams } from './udp-sender.ts';

const darknet = '127.210.0.0/16';
/** Scanners per phase, each probing this many darknet addresses once (enough to be judged a scanner). */
const scannersPerPhase = 3;
const probesPerScanner = 30;
const scannerOf = (phase: number, index: number) => `127.209.${phase}.${index + 1}`;
const isPhase2Source = (text: string) => text.includes('127.209.2.');

async function scan(phase: number): Promise<void> {
  for (let index = 0; index < scannersPerPhase; index++)
    for (let host = 1; host <= probesPerScanner; host++) await sendUdpDatagrams(`127.210.0.${host}`, 47_123, 1, { sourceHost: scannerOf(phase, index) });
}

function captureSession(db: string, space: string, phase: number): LiveSession {
  return {
    args: ['darknet', 'capture', '--interface', 'lo', '--darknet', darknet, '--filter', 'udp', '--space', space, '--db', db],
    ready: /capturing on lo/,
    traffic: () => scan(phase),
    // tcpdump hands packets over as they come (-U); this leaves the pipe and the reader time.
    settleMs: 500,
  };
}

/**
 * `darknet capture` on lo, killed while scanners probe the darknet, then started again.
 * Prepares its store (phase 1) in `directory` on first use.
 */
export async function captureScenario(directory: string): Promise<KillScenario & { prepared: string }> {
  const space = join(directory, 'capture-space.txt');
  writeFileSync(space, '127.209.0.0/16\n');
  const prepared = join(directory, 'capture.sqlite');
  await (await openStore(prepared)).close();
  assertCompleted(await runLiveSession(captureSession(prepared, space, 1)), 'darknet capture (phase 1)');
  const phase2Packets = scannersPerPhase * probesPerScanner;
  return {
    name: 'darknet capture',
    prepared,
    recoverAfterReference: true,
    firstRun: async (db, killAfterMs) => {
      const result = await runLiveSession(captureSession(db, space, 2), killAfterMs === undefined ? {} : { killAfterMs });
      return killAfterMs === undefined ? assertCompleted(result, 'darknet capture (phase 2)') : result;
    },
    recover: async (db) => void assertCompleted(await runLiveSession(captureSession(db, space, 3)), 'darknet capture again (phase 3)'),
    snapshot: async (db): Promise<CountedStore> => {
      const store = await openStore(db);
      try {
        const counts: Record<string, number> = {};
        for (const window of await store.listDarknetWindows()) {
          // Summed over the windows of a period: a run may straddle an hour another run does not.
          addCount(counts, `${window.periodSeconds} s windows: packets`, window.packets);
          for (const source of window.judged) addCount(counts, `${window.periodSeconds} s windows: ${source.ip} ${source.verdict}`, source.packets);
        }
        const facts = (await store.listFindings({ kind: 'infected' })).map((row) => `infected ${row.ip} ${row.status}`).sort();
        return { counts, facts };
      } finally {
        await store.close();
      }
    },
    judge: (expected, actual) =>
      judgeBoundedLoss(expected as CountedStore, actual as CountedStore, {
        mayLose: (key) => (key.endsWith(': packets') ? phase2Packets : isPhase2Source(key) ? probesPerScanner : 0),
        mayMiss: isPhase2Source,
      }),
  };
}

/** Flows per export datagram, and datagrams per phase. */
const flowsPerDatagram = 10;
const datagramsPerPhase = 8;
const collectorAddress = '127.209.0.1';
const exporterAddress = '127.209.0.2';

/** Phase `phase`'s flows: to 203.0.113.PHASE, one destination port per flow of a datagram. */
function phaseFlows(phase: number, datagram: number): TestFlow[] {
  return Array.from({ length: flowsPerDatagram }, (_, index) => ({
    source: `198.51.100.${datagram + 1}`,
    destination: `203.0.113.${phase}`,
    sourcePort: 40_000 + datagram,
    destinationPort: 1000 + index,
    protocol: 17,
    packets: index + 1,
    bytes: 100 * (index + 1),
    firstUptimeMs: 99_000,
    lastUptimeMs: 99_500,
  }));
}

/** A NetFlow v5 exporter on lo sending one phase's datagrams to the collector's port. */
async function exportFlows(phase: number, port: number): Promise<void> {
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: exporterAddress, port: 0 }, () => resolve());
    });
    for (let datagram = 0; datagram < datagramsPerPhase; datagram++) {
      const message = netflowV5({ uptimeMs: 100_000, unixSeconds: Math.floor(Date.now() / 1000) }, phaseFlows(phase, datagram));
      await new Promise<void>((resolve, reject) => socket.send(message, port, collectorAddress, (error) => (error ? reject(error) : resolve())));
    }
  } finally {
    socket.close();
  }
}

function collectSession(db: string, phase: number): LiveSession {
  return {
    args: ['flows', 'collect', '--listen', `${collectorAddress}:0`, '--db', db],
    ready: /listening for flows on [\d.]+:\d+/,
    traffic: async (output) => exportFlows(phase, Number(/listening for flows on [\d.]+:(\d+)/.exec(output)![1])),
    settleMs: 300,
  };
}

/** `flows collect` killed while an exporter sends, then started again. */
export async function flowCollectorScenario(directory: string): Promise<KillScenario & { prepared: string }> {
  const prepared = join(directory, 'flows.sqlite');
  await (await openStore(prepared)).close();
  assertCompleted(await runLiveSession(collectSession(prepared, 1)), 'flows collect (phase 1)');
  const phase2Packets = datagramsPerPhase * phaseFlows(2, 0).reduce((sum, flow) => sum + flow.packets, 0);
  return {
    name: 'flows collect',
    prepared,
    recoverAfterReference: true,
    firstRun: async (db, killAfterMs) => {
      const result = await runLiveSession(collectSession(db, 2), killAfterMs === undefined ? {} : { killAfterMs });
      return killAfterMs === undefined ? assertCompleted(result, 'flows collect (phase 2)') : result;
    },
    recover: async (db) => void assertCompleted(await runLiveSession(collectSession(db, 3)), 'flows collect again (phase 3)'),
    snapshot: async (db): Promise<CountedStore> => {
      const store = await openStore(db);
      try {
        const counts: Record<string, number> = {};
        for (const row of await store.listFlowAggregates({ limit: 100_000 })) {
          // Summed over hours: a run may straddle an hour another run does not.
          const key = `${row.sourceNetwork} → ${row.destinationAddress}:${row.destinationPort}/${row.protocol}`;
          addCount(counts, `${key} flows`, row.flows);
          addCount(counts, `${key} packets`, row.packets);
          addCount(counts, `${key} bytes`, row.bytes);
          addCount(counts, 'all packets', row.packets);
        }
        return { counts, facts: [] };
      } finally {
        await store.close();
      }
    },
    judge: (expected, actual) =>
      judgeBoundedLoss(expected as CountedStore, actual as CountedStore, {
        mayLose: (key) => (key === 'all packets' ? phase2Packets : key.includes('203.0.113.2:') ? Number.POSITIVE_INFINITY : 0),
        mayMiss: () => false,
      }),
  };
}
