// The survey's UDP stage end to end, with the made-up ACME echo protocol (test/protocol-fixture/
// acme-echo/) played by node:dgram peers on 127.103.x.x: services that answer are stored and join
// their host's TCP services before identification and the login checks; an amplifying answer is
// a reflector finding with its measure; silence is retried once and nothing else is; a reply from
// another port, a flood of garbage, ICMP unreachable are not services; a resumed run skips saved
// hosts; a `zmap -M udp` file is imported and its ports queried; a re-check closes a reflector
// that stopped amplifying and keeps one that went silent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSurveyDeps, surveyRuleFiles } from '../src/cli/survey-deps.ts';
import type { FindingRow } from '../src/store/row-types.ts';
import { createProtocolRegistry, shippedProtocols } from '../src/protocols/registry.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Store } from '../src/store/store.ts';
import type { SurveySummary } from '../src/survey/progress.ts';
import type { SurveyRequest } from '../src/survey/request.ts';
import { runSurvey } from '../src/survey/run-survey.ts';
import acmeEcho, { acmeEchoPort } from './protocol-fixture/acme-echo/index.ts';
import { encodeAcmeEchoReply } from './protocol-fixture/acme-echo/codec.ts';
import { type AcmeEchoDeviceSpec, type AcmeEchoDevices, startAcmeEchoDevices } from './protocol-fixture/acme-echo/device.ts';
import acmeStatus from './protocol-fixture/acme-status/index.ts';
import { startAcmeDevices } from './protocol-fixture/acme-status/device.ts';

const protocols = createProtocolRegistry([...shippedProtocols.protocols, acmeStatus, acmeEcho]);
const ruleFiles = [
  ...surveyRuleFiles({ labRules: false }),
  new URL('./protocol-fixture/acme-status/rules.yaml', import.meta.url).pathname,
  new URL('./protocol-fixture/acme-echo/rules.yaml', import.meta.url).pathname,
];
const port = acmeEchoPort;
const device = (ip: string, behaviour: AcmeEchoDeviceSpec['behaviour'], model = 'CAM-42', open = false): AcmeEchoDeviceSpec => ({
  ip,
  port,
  model,
  firmware: '2.3.1',
  open,
  behaviour,
});
// Short waits: loopback answers at once, and silence should not cost the test seconds.
const limits = { connectTimeoutMs: 500, ioTimeoutMs: 300, deadlineMs: 3000 };
const request = (targets: string[], extra: Partial<SurveyRequest> = {}): SurveyRequest => ({ targets, ports: [7070], udpPorts: [port], limits, ...extra });

let store: Store;
let devices: AcmeEchoDevices;
let stopTcp: () => Promise<void>;
let summary: SurveySummary;
const phases = new Set<string>();

before(async () => {
  devices = await startAcmeEchoDevices([
    device('127.103.0.1', { kind: 'answer', padding: 400 }, 'CAM-42', true),
    device('127.103.0.2', { kind: 'answer-after-first', padding: 100 }, 'CAM-7'),
    device('127.103.0.3', { kind: 'answer-from-other-port', padding: 400 }),
    device('127.103.0.4', { kind: 'flood-garbage', datagrams: 200, bytes: 1000 }),
    device('127.103.0.6', { kind: 'silent' }),
  ]);
  stopTcp = await startAcmeDevices([{ ip: '127.103.0.1', port: 7070, greeting: { model: 'CAM-42', firmware: '2.3.1', loginRequired: false } }]);
  store = await openStore(':memory:');
  summary = await runSurvey(request(['127.103.0.0/29'], { checks: ['credentials'] }), {
    ...createSurveyDeps({ store, protocols, ruleFiles }),
    onProgress: (progress) => phases.add(progress.phase),
  });
});

after(async () => {
  await devices?.stop();
  await stopTcp?.();
  await store?.close();
});

test('each UDP target is sent its protocol’s request once, and again only after silence', () => {
  assert.equal(summary.status, 'completed');
  assert.deepEqual(
    ['127.103.0.1', '127.103.0.2', '127.103.0.3', '127.103.0.4', '127.103.0.6'].map((ip) => devices.requests(ip, port)),
    [1, 2, 2, 1, 2],
    'answered and flooding peers get one request; the silent, the late and the one answering from elsewhere get a retry',
  );
  const { sweepSendingMs: _sendingTime, ...udpCounts } = summary.udp ?? { sweepSendingMs: 0 };
  assert.deepEqual(
    { ...udpCounts, strays: 0 },
    {
      targets: 8,
      requests: 11,
      swept: 0,
      retries: 3,
      answered: 3,
      openFiltered: 2,
      refused: 3,
      unmatched: 0,
      failed: 0,
      skipped: 0,
      strays: 0,
    },
  );
  assert.ok(phases.has('udp'), 'the UDP stage shows in the progress');
});

test('services that answered are stored beside the host’s TCP services; silence and ICMP unreachable are not', async () => {
  const services = (await store.listServices()).map((row) => `${row.ip}:${row.port}/${row.protocol} ${row.status}`).sort();
  assert.deepEqual(services, [
    '127.103.0.1:7070/acme-status success',
    '127.103.0.1:7171/acme-echo success',
    '127.103.0.2:7171/acme-echo success',
    '127.103.0.4:7171/acme-echo protocol-error',
  ]);
  assert.equal(summary.hosts, 3, 'a host seen only over UDP is a host');
});

test('a flood that does not parse is bounded by the reply cap and is no reflector', async () => {
  const flood = (await store.listServices()).find((row) => row.ip === '127.103.0.4');
  assert.match(flood?.error ?? '', /^8 replies, none an ACME echo/, 'the grab’s reply cap stopped the collection at 8 of 200');
  const findings = await store.listFindings({ status: 'open' });
  assert.equal(
    findings.some((finding) => finding.ip === '127.103.0.4'),
    false,
  );
});

test('UDP services are identified with the TCP ones, and a UDP protocol’s checker concludes from its grab', async () => {
  const byIp = new Map((await store.listDevices()).map((row) => [row.ip, row]));
  assert.equal(byIp.get('127.103.0.2')?.vendor, 'ACME', 'identified from its UDP service alone');
  assert.equal(byIp.get('127.103.0.2')?.model, 'CAM-7');
  assert.ok(
    byIp.get('127.103.0.1')?.evidence.some((entry) => entry.protocol === 'acme-echo') &&
      byIp.get('127.103.0.1')?.evidence.some((entry) => entry.protocol === 'acme-status'),
    'both transports’ rules matched the same device',
  );
  const open = await store.listFindings({ status: 'open', kind: 'no-authentication' });
  assert.deepEqual(open.map((finding) => `${finding.ip}:${finding.port}/${finding.protocol}`).sort(), [
    '127.103.0.1:7070/acme-status',
    '127.103.0.1:7171/acme-echo',
  ]);
  assert.equal(summary.attempts, 0, 'no pair was tried: both grabs proved it');
});

test('an amplifying answer is one reflector finding with its measure and facts', async () => {
  const reflectors = await store.listFindings({ status: 'open', kind: 'reflector' });
  assert.deepEqual(
    reflectors.map((finding) => finding.ip),
    ['127.103.0.1', '127.103.0.2'],
  );
  assert.equal(summary.findings.reflector, 2);
  const first = reflectors[0]!;
  const replyBytes = encodeAcmeEchoReply({ token: '00000000', model: 'CAM-42', firmware: '2.3.1', open: true }, 400).length;
  assert.deepEqual(first.evidence, {
    request: 'status',
    requestBytes: 14,
    replyBytes,
    replyPackets: 1,
    amplification: Math.round((replyBytes / 14) * 100) / 100,
    facts: { model: 'CAM-42', firmware: '2.3.1', answers: 1 },
  });
  assert.equal(first.protocol, 'acme-echo');
  assert.equal(first.port, port);
});

test('a resumed run does not query the hosts it already saved', async () => {
  const resumeStore = await openStore(':memory:');
  const peers = await startAcmeEchoDevices([device('127.103.1.1', { kind: 'answer', padding: 50 }), device('127.103.1.2', { kind: 'answer', padding: 50 })]);
  try {
    const runId = await resumeStore.startRun({
      startedAt: new Date().toISOString(),
      seed: 1,
      scope: ['127.103.1.0/29'],
      exclude: [],
      ports: [7070],
      checks: ['discovery', 'identify', 'udp'],
    });
    await resumeStore.recordServices(runId, [
      { ip: '127.103.1.1', port, protocol: 'acme-echo', status: 'success', result: {}, durationMs: 1, observedAt: new Date().toISOString() },
    ]);
    await resumeStore.finishRun(runId, { finishedAt: new Date().toISOString(), status: 'interrupted', counts: {} });
    const resumed = await runSurvey({ resume: runId, udpPorts: [port], limits }, createSurveyDeps({ store: resumeStore, protocols, ruleFiles }));
    assert.equal(resumed.status, 'completed');
    assert.equal(peers.requests('127.103.1.1', port), 0, 'the saved host got no datagram');
    assert.equal(peers.requests('127.103.1.2', port), 1);
    assert.equal(resumed.udp?.targets, 7, 'the marker made the resumed run survey UDP, its saved host left out');
  } finally {
    await peers.stop();
    await resumeStore.close();
  }
});

test('a `zmap -M udp` file is imported: its UDP replies from the probed port are queried, nothing else', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'opennotice-zmap-udp-'));
  const zmapStore = await openStore(':memory:');
  const peers = await startAcmeEchoDevices([
    device('127.103.2.1', { kind: 'answer', padding: 300 }),
    device('127.103.2.2', { kind: 'answer', padding: 300 }),
    device('127.103.2.3', { kind: 'answer', padding: 300 }),
  ]);
  try {
    const file = join(folder, 'udp.csv');
    writeFileSync(
      file,
      [
        'saddr,sport,classification,success,udp_pkt_size,timestamp_str',
        `127.103.2.1,${port},udp,1,120,2026-12-01T10:00:00.000+0900`,
        '127.103.2.2,,icmp-unreach,0,,2026-12-01T10:00:00.100+0900',
        '127.103.2.3,40000,udp,1,60,2026-12-01T10:00:00.200+0900',
        '',
      ].join('\n'),
    );
    const imported = await runSurvey(
      { targets: ['127.103.2.0/29'], limits, discovery: { kind: 'file', file, port } },
      createSurveyDeps({ store: zmapStore, protocols, ruleFiles }),
    );
    assert.deepEqual(
      [1, 2, 3].map((host) => peers.requests(`127.103.2.${host}`, port)),
      [1, 0, 0],
    );
    assert.equal(imported.udp?.answered, 1);
    const services = await zmapStore.listServices();
    assert.deepEqual(
      services.map((row) => `${row.ip}:${row.port}/${row.protocol}`),
      [`127.103.2.1:${port}/acme-echo`],
    );
    assert.equal((await zmapStore.listFindings({ status: 'open', kind: 'reflector' })).length, 1);
  } finally {
    await peers.stop();
    await zmapStore.close();
    rmSync(folder, { recursive: true, force: true });
  }
});

test('a re-check closes a reflector that answers without amplifying any more, and keeps one that went silent', async () => {
  await devices.stop();
  devices = await startAcmeEchoDevices([device('127.103.0.1', { kind: 'silent' }), device('127.103.0.2', { kind: 'flood-garbage', datagrams: 2, bytes: 10 })]);
  const recheck = await runSurvey(
    request(['127.103.0.0/29'], {
      discovery: {
        kind: 'open-ports',
        openPorts: ['127.103.0.1', '127.103.0.2'].map((ip) => ({ ip, port, transport: 'udp' as const, source: 'resurvey', seenAt: new Date().toISOString() })),
      },
    }),
    createSurveyDeps({ store, protocols, ruleFiles }),
  );
  assert.equal(recheck.udp?.openFiltered, 1);
  const reflectors = await store.listFindings({ kind: 'reflector' });
  const status = (ip: string) => reflectors.find((finding: FindingRow) => finding.ip === ip)?.status;
  assert.equal(status('127.103.0.1'), 'open', 'silence proves nothing');
  assert.equal(status('127.103.0.2'), 'closed', 'an answer without the amplifying reply closes it');
});
