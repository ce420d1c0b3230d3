// R4: a survey (credentials check on) of a lab made only of hostile devices: one host
// per TCP hostility listening on every default TCP survey port with the flavour of the protocol
// that owns it, one host per UDP hostility on every default UDP port; and (in a second range)
// one host per TLS-only hostility on every default TLS port, one host per round of UDP bombs
// (the k-th bomb of each UDP protocol on its default port). The survey must complete
// with a recorded status for every service; the peak memory of the process is printed (the
// hostile lab runs in it too, so the figure is an upper bound on the survey's own).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createSurveyDeps } from '../src/cli/survey-deps.ts';
import { shippedProtocols } from '../src/protocols/registry.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Store } from '../src/store/store.ts';
import type { SurveySummary } from '../src/survey/progress.ts';
import { runSurvey } from '../src/survey/run-survey.ts';
import { tcpFlavours } from './support/hostile-matrix.ts';
import { startHostileTcpPeer, startHostileUdpPeer, tcpHostilities, udpHostilities, type HostilePeer } from './support/hostile-peers.ts';
import { makeTlsCertificates, startHostileTlsPeer, tlsOnlyHostilities } from './support/hostile-tls-peers.ts';
import { startUdpBombPeer, type UdpBomb, udpBombsFor } from './support/hostile-udp-bombs.ts';

const subnet = '127.169.40';
/** TLS-only hostilities and UDP bombs live in a range of their own (hostile17's loopback). */
const secondSubnet = '127.211.40';
const peers: HostilePeer[] = [];
let store: Store;
let summary: SurveySummary;
const memory = { baselineRssMiB: 0, sampledPeakRssMiB: 0, maxRssMiB: 0, elapsedMs: 0 };

const mib = (bytes: number) => Math.round(bytes / (1024 * 1024));

before(async () => {
  const tcpPorts = shippedProtocols.defaultSurveyPorts;
  for (const [index, behaviour] of tcpHostilities.entries()) {
    const host = `${subnet}.${index + 1}`;
    for (const port of tcpPorts) {
      const owner = shippedProtocols.forPort(port)?.name ?? '';
      peers.push(await startHostileTcpPeer(host, behaviour, tcpFlavours[owner] ?? {}, port));
    }
  }
  for (const [index, behaviour] of udpHostilities.entries()) {
    for (const port of shippedProtocols.defaultUdpPorts)
      peers.push(await startHostileUdpPeer({ host: `${subnet}.${index + 17}`, otherHost: `${subnet}.${index + 33}`, port }, behaviour));
  }
  const certificates = makeTlsCertificates();
  const tlsPorts = tcpPorts.filter((port) => shippedProtocols.forPort(port)?.transport === 'tls');
  for (const [index, behaviour] of tlsOnlyHostilities.entries()) {
    for (const port of tlsPorts) {
      const owner = shippedProtocols.forPort(port)?.name ?? '';
      peers.push(await startHostileTlsPeer(`${secondSubnet}.${index + 1}`, behaviour, owner, certificates, tcpFlavours[owner] ?? {}, port));
    }
  }
  // Round k: the k-th bomb of each UDP protocol (its largest datagram when it has fewer).
  const bombs = udpBombsFor(shippedProtocols.defaultUdpPorts.map((port) => shippedProtocols.forUdpPort(port)?.name ?? ''));
  const rounds = Math.max(
    ...shippedProtocols.defaultUdpPorts.map((port) => bombs.filter((bomb) => bomb.protocol === shippedProtocols.forUdpPort(port)?.name).length),
  );
  for (let round = 0; round < rounds; round += 1) {
    for (const port of shippedProtocols.defaultUdpPorts) {
      const own = bombs.filter((bomb) => bomb.protocol === shippedProtocols.forUdpPort(port)?.name);
      const bomb = own[round] ?? own.find((candidate) => candidate.name === 'max-datagram');
      if (bomb) peers.push(await startUdpBombPeer(`${secondSubnet}.${round + 17}`, bomb as UdpBomb, port));
    }
  }
  store = await openStore(':memory:');
  memory.baselineRssMiB = mib(process.memoryUsage.rss());
  let sampledPeak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss());
  }, 50);
  const started = performance.now();
  try {
    summary = await runSurvey(
      {
        targets: [`${subnet}.0/27`, `${secondSubnet}.0/27`],
        checks: ['credentials'],
        seed: 17,
        limits: { perHostConcurrent: 16, connectTimeoutMs: 1000, ioTimeoutMs: 500, deadlineMs: 1500, maxAttemptsPerService: 2, maxAttemptsPerHost: 4 },
      },
      createSurveyDeps({ store }),
    );
  } finally {
    clearInterval(sampler);
  }
  memory.elapsedMs = Math.round(performance.now() - started);
  memory.sampledPeakRssMiB = mib(sampledPeak);
  // maxRSS is in KiB.
  memory.maxRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(
    `\nhostile-only lab survey (credentials checked): ${summary.openPorts} open ports, ${summary.services} services ${JSON.stringify(summary.servicesByStatus)}, UDP ${JSON.stringify(summary.udp ?? {})}, ${memory.elapsedMs} ms; ` +
      `RSS before ${memory.baselineRssMiB} MiB, sampled peak ${memory.sampledPeakRssMiB} MiB, maxRSS ${memory.maxRssMiB} MiB\n\n`,
  );
});

after(async () => {
  await Promise.all(peers.map((peer) => peer.close().catch(() => {})));
  await store?.close();
});

test('the survey of a hostile-only lab completes with a status for every service', () => {
  assert.equal(summary.status, 'completed');
  assert.ok(summary.services >= tcpHostilities.length * 10 + tlsOnlyHostilities.length * 4, `services: ${summary.services}`);
  const recorded = Object.values(summary.servicesByStatus).reduce((sum, count) => sum + count, 0);
  assert.equal(recorded, summary.services);
});

test('peak memory stays sane (a generous bound: the figure itself is what R4 reports)', () => {
  assert.ok(memory.maxRssMiB < 1536, `maxRSS ${memory.maxRssMiB} MiB`);
});
