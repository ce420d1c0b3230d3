/**
 * Honeypot logs into the store, as a run: sources whose log shows a bot (logged in and ran
 * commands, fetched malware, or tried many default logins) and whose address lies in the
 * surveyed space become `infected` findings with protocol 'honeypot', beside the darknet's.
 * Re-importing a log updates the same findings; nothing is counted twice.
 */
import type { Finding } from '../core/records.ts';
import { executeRun } from '../runs/lifecycle.ts';
import type { FindingStore, ReconcileCounts } from '../store/roles/findings.ts';
import type { RunStore } from '../store/roles/runs.ts';
import { parseIPv4 } from '../scope/ipv4.ts';
import { readCowrieLog, type HoneypotSource } from './honeypot/index.ts';
import { surveyedSpace } from './infected.ts';

export interface HoneypotRunOptions {
  store: RunStore & FindingStore;
  /** CIDRs counted as surveyed space besides the scopes of the store's survey runs. */
  space?: readonly string[];
  onCorrupt?: 'throw' | 'skip';
  onProgress?: (file: string, sources: number) => void;
}

export interface HoneypotRunSummary {
  runId: number;
  lines: number;
  skippedLines: number;
  /** Unfinished last lines (a log still being written), skipped in either mode. */
  unfinishedLines: number;
  sources: number;
  bots: number;
  botsOutsideSpace: number;
  findings: ReconcileCounts;
}

/** One address seen in several logs: counts add, lists join (capped), the strongest verdict wins. */
function mergeSources(a: HoneypotSource, b: HoneypotSource): HoneypotSource {
  const strongest = b.confidence > a.confidence ? b : a;
  return {
    ...strongest,
    firstSeen: a.firstSeen < b.firstSeen ? a.firstSeen : b.firstSeen,
    lastSeen: a.lastSeen > b.lastSeen ? a.lastSeen : b.lastSeen,
    sessions: a.sessions + b.sessions,
    protocols: [...new Set([...a.protocols, ...b.protocols])].sort(),
    loginAttempts: a.loginAttempts + b.loginAttempts,
    loginSuccesses: a.loginSuccesses + b.loginSuccesses,
    commands: a.commands + b.commands,
    downloads: [...a.downloads, ...b.downloads].slice(0, 20),
    sensors: [...new Set([...a.sensors, ...b.sensors])].sort(),
    verdict: a.verdict === 'bot' || b.verdict === 'bot' ? 'bot' : 'probe',
  };
}

function honeypotFinding(source: HoneypotSource): Finding {
  return {
    kind: 'infected',
    ip: source.ip,
    port: 0,
    protocol: 'honeypot',
    evidence: {
      source: 'honeypot',
      confidence: source.confidence,
      reason: source.reason,
      protocols: source.protocols,
      sessions: source.sessions,
      loginAttempts: source.loginAttempts,
      loginSuccesses: source.loginSuccesses,
      usernames: source.usernames.slice(0, 5),
      commands: source.commands,
      commandSamples: source.commandSamples.slice(0, 5),
      downloads: source.downloads,
      clientVersions: source.clientVersions,
      sensors: source.sensors,
      firstSeen: source.firstSeen,
      lastSeen: source.lastSeen,
    },
    observedAt: source.lastSeen,
  };
}

/**
 * Import Cowrie JSON logs (gzip too).
 * @example const summary = await importHoneypotLogs(['cowrie.json.2026-01-01'], { store })
 */
export async function importHoneypotLogs(files: readonly string[], options: HoneypotRunOptions): Promise<HoneypotRunSummary> {
  const summary: Omit<HoneypotRunSummary, 'runId'> = {
    lines: 0,
    skippedLines: 0,
    unfinishedLines: 0,
    sources: 0,
    bots: 0,
    botsOutsideSpace: 0,
    findings: { opened: 0, updated: 0, closed: 0, reopened: 0, missed: 0 },
  };
  const { runId } = await executeRun(
    {
      store: options.store,
      start: { scope: [], exclude: [], ports: [], checks: ['honeypot'] },
      counts: () => ({ lines: summary.lines, sources: summary.sources, bots: summary.bots, infectedOpened: summary.findings.opened }),
    },
    async (run) => {
      const space = await surveyedSpace(options.store, options.space);
      const sources = new Map<string, HoneypotSource>();
      for (const file of files) {
        const report = await readCowrieLog(file, { onCorrupt: options.onCorrupt ?? 'throw' });
        summary.lines += report.stats.lines;
        summary.skippedLines += report.stats.skipped;
        summary.unfinishedLines += report.stats.unfinishedLines;
        for (const source of report.sources) {
          const known = sources.get(source.ip);
          sources.set(source.ip, known ? mergeSources(known, source) : source);
        }
        options.onProgress?.(file, sources.size);
      }
      const found: Finding[] = [];
      for (const source of sources.values()) {
        if (source.verdict !== 'bot') continue;
        summary.bots++;
        const address = parseIPv4(source.ip);
        if (address === undefined || !space.has(address)) summary.botsOutsideSpace++;
        else found.push(honeypotFinding(source));
      }
      summary.sources = sources.size;
      if (found.length > 0) summary.findings = await options.store.reconcileFindings(run.runId, { found, covered: [] });
    },
  );
  return { runId, ...summary };
}
