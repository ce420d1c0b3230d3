// The survey side of the UDP benchmark, run inside the scanning namespace (`ip netns exec`):
// a UDP-only survey of the lab's range with the survey's own defaults for everything else,
// then one JSON line on stdout: how long it took, the datagrams the dialer sent, the services
// that answered and the reflector and SNMP findings, for bench/udp.ts to score.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSurveyDeps } from '../src/cli/survey-deps.ts';
import { openStore } from '../src/store/open-store.ts';
import { runSurvey } from '../src/survey/run-survey.ts';

/** What the parent reads back. */
export interface UdpSurveyFigures {
  seconds: number;
  /** Services probed (address × port) and probes sent: one per service, one more after each silence. */
  targets: number;
  probes: number;
  /** Sweep datagrams, and the time spent sending them (cooldowns and grabs left out, as zmap's cooldown is). */
  swept: number;
  sendingSeconds: number;
  answered: number;
  /** Services whose reply to the sweep was not their protocol's answer: neither grabbed nor stored. */
  unmatched: number;
  /** `address:port` of the services stored (grab answered), for the parent to compare with the truth as it does zmap's. */
  heard: string[];
  findings: Array<{ kind: string; ip: string; port: number; protocol: string; amplification?: number }>;
}

const [cidr, portList, resolverCheckName, rate, senderThreads] = process.argv.slice(2);
if (!cidr || !portList || !resolverCheckName || !rate) {
  process.stderr.write('usage: _udp-survey-child.ts CIDR UDP_PORTS RESOLVER_CHECK_NAME PACKETS_PER_SECOND [SENDER_THREADS]\n');
  process.exit(2);
}
const directory = mkdtempSync(join(tmpdir(), 'opennotice-bench-udp-'));
const store = await openStore(join(directory, 'survey.db'));
try {
  const deps = createSurveyDeps({ store });
  const started = performance.now();
  const summary = await runSurvey(
    {
      targets: [cidr],
      ports: [],
      udpPorts: portList.split(',').map(Number),
      resolverCheckName,
      checks: ['credentials'],
      seed: 1,
      ...(senderThreads !== undefined ? { senderThreads: Number(senderThreads) } : {}),
      // The sweep's packet budget: the same rate zmap is given.
      limits: { connectionsPerSecond: Number(rate) },
    },
    deps,
  );
  const seconds = (performance.now() - started) / 1000;
  const findings = (await store.listFindings({ runId: summary.runId })).map((finding) => ({
    kind: finding.kind,
    ip: finding.ip,
    port: finding.port,
    protocol: finding.protocol,
    ...(typeof finding.evidence.amplification === 'number' ? { amplification: finding.evidence.amplification } : {}),
  }));
  const figures: UdpSurveyFigures = {
    seconds,
    targets: summary.udp?.targets ?? 0,
    probes: summary.udp?.requests ?? 0,
    swept: summary.udp?.swept ?? 0,
    sendingSeconds: (summary.udp?.sweepSendingMs ?? 0) / 1000,
    answered: summary.udp?.answered ?? 0,
    unmatched: summary.udp?.unmatched ?? 0,
    // The store is this run's alone: its services are the UDP services whose grab was answered.
    heard: (await store.listServices()).map((row) => `${row.ip}:${row.port}`),
    findings,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
} finally {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
}
