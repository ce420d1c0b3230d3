/**
 * Darknet observation into the store, as a run: windows (hours and days) with their judged
 * sources, and `infected` findings for scanners inside the surveyed space.
 *
 * Files are read as one unit: every window is written in a single transaction at the end,
 * together with the files' fingerprints, so a crash writes nothing (just read them again) and
 * a file already read is skipped instead of counted twice. A live capture writes each window
 * as it closes, merged with what an earlier capture of the same window stored.
 */
import type { DarknetAttack, DarknetWindow } from '../core/records.ts';
import { executeRun } from '../runs/lifecycle.ts';
import type { DarknetInputRow, DarknetStore } from '../store/roles/darknet.ts';
import type { CoveredCheck, FindingStore, ReconcileCounts } from '../store/roles/findings.ts';
import type { RunStore } from '../store/roles/runs.ts';
import type { CaptureSource } from './capture/reader.ts';
import type { DarknetMetrics } from './darknet-metrics.ts';
import { attackChanges } from './drdos/attack-changes.ts';
import { loadAttackThresholds } from './drdos/thresholds.ts';
import { captureFingerprint } from './input-fingerprint.ts';
import { collectInfected, surveyedSpace } from './infected.ts';
import { createDarknetIngest } from './ingest.ts';
import { collectWindows, mergeWindows } from './merge-windows.ts';

export interface DarknetRunOptions {
  store: RunStore & DarknetStore & FindingStore;
  /** IPv4 CIDR of the darknet. */
  darknet: string;
  researchRanges: readonly string[];
  /** CIDRs counted as surveyed space besides the scopes of the store's survey runs. */
  space?: readonly string[];
  /** An open infected finding not seen scanning for this many days (before the newest packet) is closed. Default 7. */
  quietDays?: number;
  onCorrupt?: 'throw' | 'skip';
  /** Called as files are read and windows are written. */
  onProgress?: (progress: DarknetRunProgress) => void;
  /** Told the stored run's id once it is started: the logs name it. */
  onRun?: (runId: number) => void;
  /** Where the run's counts go for monitoring (src/metrics/darknet.ts); none by default. */
  metrics?: DarknetMetrics;
}

export interface DarknetRunProgress {
  file?: string;
  packets: number;
  windowsWritten: number;
}

export interface DarknetRunSummary {
  runId: number;
  packets: number;
  skippedRecords: number;
  /** Files left out because the store already holds them (name and the run that read them). */
  alreadyRead: Array<{ file: string; runId: number }>;
  windows: { hours: number; days: number };
  /** DRDoS attacks written that pass the thresholds (an attack merged with a stored piece counts once). */
  attacks: number;
  /** Distinct scanner addresses, in and outside the surveyed space. */
  scanners: number;
  scannersOutsideSpace: number;
  findings: ReconcileCounts;
}

type DarknetInput = Omit<DarknetInputRow, 'runId'>;

const emptyCounts = (): ReconcileCounts => ({ opened: 0, updated: 0, closed: 0, reopened: 0, missed: 0 });

/** Writes windows merged with what is stored, and reconciles the infected findings they imply. */
function createPersister(options: DarknetRunOptions, runId: number, summary: DarknetRunSummary) {
  const quietMicros = (options.quietDays ?? 7) * 86_400e3;
  const scanners = new Set<string>();
  const outside = new Set<string>();
  const thresholds = loadAttackThresholds();
  return {
    async persist(windows: readonly DarknetWindow[], inputs: readonly DarknetInput[] = [], attacks: readonly DarknetAttack[] = []): Promise<void> {
      for (const window of windows) {
        if (window.periodSeconds === 3600) summary.windows.hours++;
        else summary.windows.days++;
      }
      const changes = await attackChanges(options.store, attacks, thresholds);
      const qualified = changes.add.filter((attack) => attack.qualified).length;
      summary.attacks += qualified;
      // The store merges each window with the stored one inside its write, where no other
      // sensor's write can slip in between (reading it first here could lose that write).
      await options.store.recordDarknetWindows(runId, windows, inputs, changes, mergeWindows);
      for (const window of windows) options.metrics?.windowWritten(window.periodSeconds);
      options.metrics?.attacksWritten(qualified);
      if (windows.length === 0) return;
      const space = await surveyedSpace(options.store, options.space);
      const infected = collectInfected(space);
      for (const window of windows) {
        infected.add(window);
        for (const source of window.judged) if (source.verdict === 'scanner') scanners.add(source.ip);
      }
      for (const ip of infected.outside) outside.add(ip);
      summary.scanners = scanners.size;
      summary.scannersOutsideSpace = outside.size;
      const found = infected.findings();
      const newest = Math.max(...windows.map((window) => Date.parse(window.lastPacketAt)));
      const foundIps = new Set(found.map((finding) => finding.ip));
      const covered: CoveredCheck[] = (await options.store.listFindings({ status: 'open', kind: 'infected' }))
        .filter((row) => row.protocol === 'darknet' && !foundIps.has(row.ip) && Date.parse(row.lastSeen) < newest - quietMicros / 1000)
        .map((row) => ({ ip: row.ip, port: row.port, protocol: row.protocol, kind: row.kind }));
      if (found.length === 0 && covered.length === 0) return;
      const counts = await options.store.reconcileFindings(runId, { found, covered, closedAt: new Date(newest).toISOString() });
      options.metrics?.infectedFindings(counts);
      for (const key of Object.keys(counts) as Array<keyof ReconcileCounts>) summary.findings[key] += counts[key];
    },
  };
}

function emptySummary(): Omit<DarknetRunSummary, 'runId'> {
  return {
    packets: 0,
    skippedRecords: 0,
    alreadyRead: [],
    windows: { hours: 0, days: 0 },
    attacks: 0,
    scanners: 0,
    scannersOutsideSpace: 0,
    findings: emptyCounts(),
  };
}

/** The totals a darknet run is stored with (also after a failure: what was written by then). */
function darknetRunCounts(summary: Omit<DarknetRunSummary, 'runId'>): Record<string, number> {
  return {
    packets: summary.packets,
    hourWindows: summary.windows.hours,
    dayWindows: summary.windows.days,
    scanners: summary.scanners,
    drdosAttacks: summary.attacks,
    infectedOpened: summary.findings.opened,
    infectedClosed: summary.findings.closed,
  };
}

/** The ingest's packet hook when the run has metrics. */
function packetCounting(options: DarknetRunOptions): { onPackets?: (count: number, newestMicros: number) => void } {
  const metrics = options.metrics;
  return metrics ? { onPackets: (count, newestMicros) => metrics.packetsRead(count, newestMicros) } : {};
}

/** A darknet run: one run in the store, started, and finished with its totals whatever happens. */
async function darknetRun(options: DarknetRunOptions, work: (runId: number, summary: DarknetRunSummary) => Promise<void>): Promise<DarknetRunSummary> {
  const summary = { runId: 0, ...emptySummary() };
  await executeRun(
    { store: options.store, start: { scope: [options.darknet], exclude: [], ports: [], checks: ['darknet'] }, counts: () => darknetRunCounts(summary) },
    async (run) => {
      summary.runId = run.runId;
      options.onRun?.(run.runId);
      options.metrics?.runStarted(run.runId);
      await work(run.runId, summary);
    },
  );
  return summary;
}

/**
 * Read capture files into the store in one transaction.
 * @example const summary = await ingestCaptureFiles(['day1.pcap.gz'], { store, darknet: '127.200.0.0/16', researchRanges: [] })
 */
export function ingestCaptureFiles(files: readonly string[], options: DarknetRunOptions): Promise<DarknetRunSummary> {
  return darknetRun(options, async (runId, summary) => {
    const collected = collectWindows();
    const attacks: DarknetAttack[] = [];
    const ingest = createDarknetIngest({
      darknet: options.darknet,
      researchRanges: options.researchRanges,
      onWindow: collected.add,
      onAttacks: (ended) => {
        attacks.push(...ended);
      },
      ...packetCounting(options),
    });
    const inputs: DarknetInput[] = [];
    for (const file of files) {
      const { fingerprint, bytes } = captureFingerprint(file);
      const earlier = await options.store.getDarknetInput(fingerprint);
      if (earlier) {
        summary.alreadyRead.push({ file, runId: earlier.runId });
        continue;
      }
      // The same file named twice on one command line is read once.
      if (inputs.some((input) => input.fingerprint === fingerprint)) {
        summary.alreadyRead.push({ file, runId });
        continue;
      }
      const stats = await ingest.read(file, { onCorrupt: options.onCorrupt ?? 'throw' });
      summary.packets += stats.packets;
      summary.skippedRecords += stats.skipped;
      inputs.push({ fingerprint, name: file, bytes, packets: stats.packets, readAt: new Date().toISOString() });
      options.onProgress?.({ file, packets: summary.packets, windowsWritten: 0 });
    }
    await ingest.finish();
    const windows = collected.windows();
    if (windows.length > 0 || inputs.length > 0) await createPersister(options, runId, summary).persist(windows, inputs, attacks);
    options.onProgress?.({ packets: summary.packets, windowsWritten: windows.length });
  });
}

/**
 * Read a live pcap stream (e.g. tcpdump's) and write each window as it closes; ends when the
 * stream ends (stop the capture to end it), then writes the windows still open.
 * @example await ingestLiveCapture(capture.packets, { store, darknet: '198.51.100.0/24', researchRanges: [] })
 */
export function ingestLiveCapture(stream: CaptureSource, options: DarknetRunOptions & { name?: string }): Promise<DarknetRunSummary> {
  return darknetRun(options, async (runId, summary) => {
    const persister = createPersister(options, runId, summary);
    let written = 0;
    const ingest = createDarknetIngest({
      darknet: options.darknet,
      researchRanges: options.researchRanges,
      onWindow: async (window) => {
        await persister.persist([window]);
        written++;
        options.onProgress?.({ packets: summary.packets, windowsWritten: written });
      },
      onAttacks: (attacks) => persister.persist([], [], attacks),
      ...packetCounting(options),
    });
    try {
      const stats = await ingest.read(stream, { onCorrupt: options.onCorrupt ?? 'throw', name: options.name ?? 'live capture' });
      summary.packets = stats.packets;
      summary.skippedRecords = stats.skipped;
    } finally {
      // Whatever was counted before a stop or a failure is still written.
      await ingest.finish();
    }
  });
}
