// End to end: the lab in its own process, the credential survey against it, and the
// results measured against the lab's ground truth. This is the test the issue names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SurveyRequest } from '../src/survey/request.ts';
import { createSurveyDeps } from '../src/cli/survey-deps.ts';
import { renderFindingsCsv, renderFindingsJson } from '../src/report/findings.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Store } from '../src/store/store.ts';
import { startLabProcess, type LabProcess } from '../src/lab/lab-child-process.ts';
import { runSurvey } from '../src/survey/run-survey.ts';
import type { SurveySummary } from '../src/survey/progress.ts';
import { scoreCredentialFindings, scoreDetection, scoreFirmwareFindings, scoreIdentification } from '../src/lab/score-against-truth.ts';
import { shippedProtocols } from '../src/protocols/registry.ts';
import { defaultPortsFor } from '../src/survey/ports/survey-ports.ts';
import { loadFirmwareAssessor } from '../src/survey/firmware-assessor.ts';
import { importFeedFile } from '../src/assess/firmware/feeds/import.ts';
import { sharedData } from './support/shared-data.ts';
import { labAttemptsPerHost, labAttemptsPerService } from '../src/lab/credentials.ts';

// Its own /16, so it never collides with a lab a developer runs on the default range.
const cidr = '127.79.0.0/16';
const surveyRequest = (targets: string[]): SurveyRequest => ({
  targets: targets,
  checks: ['credentials', 'firmware'],
  // TCP only: this test's scores and timings are the TCP survey's. Querying UDP adds about 11 s a
  // UDP port on this /16; the demo queries the lab's UDP ports, test/udp-survey.test.ts the UDP stage.
  udpPorts: [],
  // No ports: the survey's default IoT ports, where the lab's services (moved ones included) listen.
  seed: 3,
  limits: {
    perHostConcurrent: 2,
    connectTimeoutMs: 1500,
    ioTimeoutMs: 2000,
    deadlineMs: 6000,
    maxBytes: 262_144,
    maxAttemptsPerService: labAttemptsPerService,
    maxAttemptsPerHost: labAttemptsPerHost,
  },
});

const realFeeds = [sharedData('nvd'), sharedData('cve5/records'), sharedData('kev/known_exploited_vulnerabilities.json')];
const depsWithFirmware = async () => ({ ...createSurveyDeps({ store }), firmware: await loadFirmwareAssessor(store) });

let lab: LabProcess;
let directory: string;
let store: Store;
let first: SurveySummary;

// The whole default-port survey of a /16 (31 ports since the industrial ones) outgrows the
// suite's per-test 300 s on a busy machine; the survey itself bounds its time.
before(
  async () => {
    directory = mkdtempSync(join(tmpdir(), 'opennotice-e2e-'));
    lab = await startLabProcess({ cidr, seed: 1 });
    store = await openStore(join(directory, 'survey.sqlite'));
    // The lab's synthetic feed for its fictional vendors, and the real public records its
    // real-product devices are modelled on (../shared/data, as CI has it).
    for (const feed of [lab.feedFile, ...realFeeds]) await importFeedFile(store, feed);
    first = await runSurvey(surveyRequest([cidr]), await depsWithFirmware());
  },
  { timeout: 540_000 },
);

after(async () => {
  await store?.close();
  await lab?.stop();
  rmSync(directory, { recursive: true, force: true });
});

test('the default-size lab is surveyed completely', () => {
  assert.ok(lab.truth.devices.length >= 2000, 'the lab has at least 2,000 devices');
  assert.equal(first.status, 'completed');
  assert.equal(first.targets, 65536 * defaultPortsFor(shippedProtocols.defaultSurveyPorts).length);
  const expectedServices = lab.truth.devices.reduce((total, device) => total + device.services.length, 0);
  assert.equal(first.openPorts, expectedServices, 'every listening service is discovered, nothing else');
});

test('protocol detection: ≥ 0.99 of services named by the protocol they speak, on moved ports too, with the probes spent reported', async () => {
  const score = scoreDetection(lab.truth, await store.listServices());
  const sample = JSON.stringify(score.wrong.slice(0, 8));
  assert.ok(score.services > 5000, `services scored: ${score.services}`);
  assert.ok(score.accuracy >= 0.99, `accuracy ${score.accuracy} ${sample}`);
  assert.ok(score.moved.services > 200, `moved services: ${score.moved.services}`);
  assert.ok(score.moved.accuracy >= 0.99, `on moved ports ${score.moved.accuracy} ${sample}`);
  // The summary reports what finding them cost, and it is what the records add up to.
  assert.ok(first.detection.probes > 0 && score.probesPerService > 0 && score.probesPerService < 3, `probes per service ${score.probesPerService}`);
  const recorded = Object.values(first.detection.byMethod).reduce((total, count) => total + (count ?? 0), 0);
  assert.equal(recorded, first.services);
});

test('weak-credential findings: precision = recall = 1.0 against the ground truth', async () => {
  const findings = await store.listFindings({ status: 'open' });
  const score = scoreCredentialFindings(lab.truth, findings);
  assert.deepEqual(score.falsePositives, [], 'no false findings');
  assert.deepEqual(score.falseNegatives, [], 'no missed weaknesses');
  assert.equal(score.precision, 1);
  assert.equal(score.recall, 1);
  assert.ok(score.truePositives > 100, `a realistic number of weak devices (${score.truePositives})`);
  // The entry that worked is the one the device really accepts.
  const byAddress = new Map(lab.truth.devices.map((device) => [device.ip, device]));
  for (const finding of findings.filter((row) => row.kind === 'weak-credential')) {
    const weakness = byAddress.get(finding.ip)!.weaknesses.find((candidate) => candidate.port === finding.port)!;
    assert.equal(finding.evidence.username, weakness.username, `${finding.ip}:${finding.port}`);
  }
});

test("the summary reports the login checks: several tries per connection, their time, the strong devices the lab's cap cut short", () => {
  const logins = first.logins;
  assert.ok(logins, 'the credentials check ran');
  assert.equal(logins.attempts, first.attempts);
  assert.ok(logins.services > 1000, `${logins.services} login services checked`);
  assert.ok(logins.attempts / logins.connections >= 2, `${logins.attempts} tries on ${logins.connections} connections`);
  assert.ok(logins.maxTriesPerConnection >= 3, 'a device that allows several tries per connection gets them');
  assert.ok(logins.longestServiceMs > 0 && logins.longestDeviceMs >= logins.longestServiceMs);
  // Every strong device's service ends at the lab's 40 tries with pairs left; no weak one does (recall is 1.0).
  assert.ok(logins.stoppedAtCap > 1000 && logins.stoppedAtCap < logins.services, `${logins.stoppedAtCap} of ${logins.services} stopped at the cap`);
  assert.deepEqual(
    logins.byProtocol.map((totals) => totals.protocol),
    ['adb', 'ftp', 'http', 'https', 'mqtt', 'mqtts', 'rtsp', 'ssh', 'telnet'],
  );
});

test('identification precision and recall ≥ 0.99 against the ground truth', async () => {
  const devices = await store.listDevices();
  const score = scoreIdentification(
    lab.truth,
    devices.map((row) => ({ ip: row.ip, identity: { ...row, evidence: row.evidence } })),
  );
  assert.ok(score.precision >= 0.99, `precision ${score.precision} (${JSON.stringify(score.mismatches.slice(0, 5))})`);
  assert.ok(score.recall >= 0.99, `recall ${score.recall} (${JSON.stringify(score.mismatches.slice(0, 5))})`);
});

test('vulnerable-firmware findings: precision = recall = 1.0 for synthetic and real CVEs, with KEV and priority', async () => {
  const findings = await store.listFindings({ status: 'open', kind: 'vulnerable-firmware' });
  const feed = lab.truth.vulnerabilityFeed;
  const inScope = new Set([...feed.synthetic, ...feed.real]);
  const imported = new Set((await store.listVulnerabilities()).map((record) => record.cveId));
  for (const cveId of inScope) assert.ok(imported.has(cveId), `${cveId} was imported`);
  const score = scoreFirmwareFindings(lab.truth, findings, inScope);
  assert.deepEqual(score.falsePositives, []);
  assert.deepEqual(score.falseNegatives, []);
  assert.ok(score.truePositives > 300, `many affected devices (${score.truePositives})`);
  assert.ok(
    findings.some((row) => (row.evidence.cveIds as string[]).some((id) => !id.startsWith('CVE-2099-'))),
    'real CVEs matched too',
  );
  // CVE-2014-100005 (D-Link DIR-600) is in CISA KEV: flagged and ranked urgent.
  const dir600 = findings.find((row) => (row.evidence.cveIds as string[]).includes('CVE-2014-100005'));
  assert.ok(dir600, 'a DIR-600 finding');
  const cve = (dir600.evidence.cves as Array<{ cveId: string; kev: boolean; priorityLabel: string; baseScore: number }>).find(
    (entry) => entry.cveId === 'CVE-2014-100005',
  )!;
  assert.equal(cve.kev, true);
  assert.equal(cve.priorityLabel, 'urgent');
  assert.ok(cve.baseScore > 0);
});

test('hostile devices end with a recorded status and do not stall the survey', async () => {
  const hostile = lab.truth.devices.filter((device) => device.role === 'hostile');
  assert.ok(hostile.length >= 10);
  const services = await store.listServices();
  const recorded = new Map(services.map((service) => [`${service.ip}:${service.port}`, service]));
  for (const device of hostile) {
    for (const service of device.services) {
      const row = recorded.get(`${device.ip}:${service.port}`);
      assert.ok(row, `${device.hostileBehaviour} at ${device.ip}:${service.port} has a record`);
      assert.ok(row.status.length > 0);
    }
  }
});

test('every login attempt is in the audit log; reports carry entry ids, never passwords', async () => {
  const attempts = await store.listAttempts(first.runId);
  assert.equal(attempts.length, first.attempts);
  assert.ok(attempts.every((attempt) => attempt.dictionaryEntryId.startsWith('on-')));
  const findings = await store.listFindings({ status: 'open' });
  const json = renderFindingsJson(findings);
  const csv = renderFindingsCsv(findings);
  assert.ok(!/password/i.test(csv.split('\n')[0]!), 'no password column');
  // Passwords that differ from every user name cannot appear for any innocent reason.
  const usernames = new Set(lab.truth.devices.flatMap((device) => device.weaknesses.map((weakness) => weakness.username)));
  const passwords = new Set(
    lab.truth.devices
      .flatMap((device) => device.weaknesses.map((weakness) => weakness.password))
      .filter((password): password is string => Boolean(password) && !usernames.has(password)),
  );
  assert.ok(passwords.size > 3, 'the lab uses several distinct default passwords');
  const csvCells = new Set(csv.split('\n').flatMap((line) => line.split(',').map((cell) => cell.replace(/^"|"$/g, ''))));
  for (const password of passwords) assert.ok(!json.includes(`"${password}"`) && !csvCells.has(password), `password ${password} leaked into a report`);
});

test('a re-run updates what exists instead of duplicating it', async () => {
  const before = await store.listFindings({});
  const subScope = '127.79.0.0/20';
  const second = await runSurvey(surveyRequest([subScope]), await depsWithFirmware());
  const afterRows = await store.listFindings({});
  assert.equal(afterRows.length, before.length, 'no duplicates');
  const inSubScope = before.filter((row) => row.ip.startsWith('127.79.') && Number(row.ip.split('.')[2]) < 16);
  assert.equal(second.reconciliation.updated, inSubScope.length);
  assert.equal(second.reconciliation.opened, 0);
  assert.equal(second.reconciliation.closed, 0);
  const seenAgain = afterRows.filter((row) => row.lastRunId === second.runId);
  assert.equal(seenAgain.length, inSubScope.length, 'last run updated only inside the re-surveyed range');
});

test('the survey never sent a command after a successful login', async () => {
  const stats = await lab.stop();
  assert.ok(stats, 'the lab printed its counters');
  assert.ok(stats.successfulLogins > 0);
  assert.equal(stats.commandsAfterLogin, 0);
});
