// End to end over IPv6: a small lab numbered from 2001:db8:6::/64 inside a network namespace
// of its own, surveyed from inside that namespace through a hit list (a /64 is never swept),
// and the results measured against the lab's ground truth. Every packet stays in the
// namespace: its only interface is its loopback, to which the documentation prefix is routed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FindingRow, ServiceRow } from '../src/store/row-types.ts';
import type { DeviceRow } from '../src/store/roles/inventory.ts';
import type { RunRow } from '../src/store/roles/runs.ts';
import type { SurveySummary } from '../src/survey/progress.ts';
import type { LabTruth } from '../src/lab/types.ts';
import { scoreCredentialFindings, scoreIdentification } from '../src/lab/score-against-truth.ts';
import { canonicalAddress } from '../src/scope/canonical-address.ts';
import { labAttemptsPerHost } from '../src/lab/credentials.ts';
import { shippedProtocols } from '../src/protocols/registry.ts';
import { defaultPortsFor } from '../src/survey/ports/survey-ports.ts';
import type { IPv6SurveyConfig } from './support/ipv6-survey-run.ts';
import { createIPv6Namespace, type IPv6Namespace } from './support/ipv6-namespace.ts';
import { systemPath } from './support/network-namespace.ts';

const prefix = '2001:db8:6::/64';
// Outside the lab's host numbers (1 … 65534), so no device shares it.
const source = '2001:db8:6::1:1';
// Closer to every device address than the source is, so the kernel would send from it unless told otherwise.
const decoy = '2001:db8:6::';
const runner = fileURLToPath(new URL('./support/ipv6-survey-run.ts', import.meta.url));
/** The whole run (lab start, survey of 40 devices, results) must end well within this. */
const runTimeoutMs = 240_000;

interface RunResult {
  summary: SurveySummary;
  truth: LabTruth;
  findings: FindingRow[];
  devices: DeviceRow[];
  services: ServiceRow[];
  runs: RunRow[];
  excluded: string;
  optedOut: string;
  connectionsTo: Record<string, number>;
  peers: string[];
}

let namespace: IPv6Namespace;
let directory: string;
let result: RunResult;
/** The truth of the devices the survey may contact: all but the excluded and the opted-out one. */
let surveyable: LabTruth;

before(async () => {
  directory = mkdtempSync(join(tmpdir(), 'opennotice-ipv6-'));
  namespace = await createIPv6Namespace({ name: `on-v6-${process.pid}`, prefix, sourceAddress: source, decoyAddress: decoy });
  const day = 24 * 3600 * 1000;
  const plan = join(directory, 'plan.yaml');
  writeFileSync(
    plan,
    [
      'operator: { name: Lab Operator, organisation: opennotice tests, contact: ops@example.net, transparencyUrl: "https://example.net/survey" }',
      'authorization: test namespace only',
      `validFrom: "${new Date(Date.now() - day).toISOString().slice(0, 10)}"`,
      `validUntil: "${new Date(Date.now() + day).toISOString().slice(0, 10)}"`,
      `sourceAddresses: ["${source}"]`,
      `ranges: ["${prefix}"]`,
      'checks: [discovery, identify, credentials]',
      'credentialList: default',
      `rates: { connectionsPerSecond: 2000, maxConcurrent: 200, perHostConcurrent: 2, perHostAttempts: ${labAttemptsPerHost} }`,
      '',
    ].join('\n'),
  );
  const config: IPv6SurveyConfig = {
    labCidr: prefix,
    devices: 40,
    seed: 4,
    hitList: join(directory, 'hits.txt'),
    plan,
    store: join(directory, 'survey.sqlite'),
    // Nothing listens at the first; the second is outside the plan's range (and the namespace's prefix).
    extraAddresses: ['2001:db8:6::ffff:1', '2001:db8:7::1'],
    allowReserved: [prefix],
  };
  const configFile = join(directory, 'config.json');
  const resultFile = join(directory, 'result.json');
  writeFileSync(configFile, JSON.stringify(config));
  await new Promise<void>((resolve, reject) => {
    const child = execFile(
      'ip',
      ['netns', 'exec', namespace.name, process.execPath, '--disable-warning=ExperimentalWarning', runner, configFile, resultFile],
      { timeout: runTimeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, env: { ...process.env, PATH: systemPath } },
      (error, _stdout, stderr) => (error ? reject(new Error(`the IPv6 survey run failed: ${error.message}\n${stderr.slice(-4000)}`)) : resolve()),
    );
    child.stdin?.end();
  });
  result = JSON.parse(readFileSync(resultFile, 'utf8')) as RunResult;
  const skipped = new Set([result.excluded, result.optedOut]);
  surveyable = { ...result.truth, devices: result.truth.devices.filter((device) => !skipped.has(device.ip)) };
});

after(async () => {
  await namespace?.remove();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

test('the survey visits the hit list, not the /64: every listening service of the surveyable devices is found, nothing else', () => {
  assert.equal(result.summary.status, 'completed');
  assert.equal(result.truth.devices.length, 40);
  const expected = surveyable.devices.reduce((total, device) => total + device.services.length, 0);
  assert.equal(result.summary.openPorts, expected);
  // 38 devices and the empty address are in scope (not the excluded, the opted-out, nor 2001:db8:7::1),
  // each on the default ports: the hit list, where a sweep of the /64 would be 2^64 addresses.
  assert.equal(result.summary.targets, 39 * defaultPortsFor(shippedProtocols.defaultSurveyPorts).length);
  assert.ok(result.services.every((service) => canonicalAddress(service.ip) === service.ip && service.ip.startsWith('2001:db8:6::')));
  assert.deepEqual(result.runs[0]?.scope, [prefix]);
});

test('the excluded address and the approved opt-out were never dialed, counted at the lab', () => {
  assert.equal(result.connectionsTo[result.excluded], 0, `excluded ${result.excluded}`);
  assert.equal(result.connectionsTo[result.optedOut], 0, `opted out ${result.optedOut}`);
  for (const device of surveyable.devices) assert.ok((result.connectionsTo[device.ip] ?? 0) > 0, `${device.ip} was surveyed`);
  assert.ok(result.runs[0]?.exclude.includes(`${result.optedOut}/128`), 'the opt-out is recorded with the run');
  assert.ok(!result.findings.some((finding) => finding.ip === result.excluded || finding.ip === result.optedOut));
});

test("every connection left from the plan's published IPv6 source address", () => {
  // Left to itself the kernel sends from the decoy (longest matching prefix, RFC 6724 rule 8).
  assert.deepEqual(result.peers, [source]);
});

test('telnet, HTTP, SSH, FTP and MQTT are grabbed over IPv6', () => {
  const grabbed = new Set(result.services.filter((service) => service.status === 'success').map((service) => service.protocol));
  for (const protocol of ['telnet', 'http', 'ssh', 'ftp', 'mqtt']) assert.ok(grabbed.has(protocol), `${protocol} grabbed (got ${[...grabbed].join(', ')})`);
});

test('weak-credential findings over IPv6: precision = recall = 1.0 against the ground truth', () => {
  const score = scoreCredentialFindings(surveyable, result.findings);
  assert.deepEqual(score.falsePositives, [], 'no false findings');
  assert.deepEqual(score.falseNegatives, [], 'no missed weaknesses');
  assert.equal(score.precision, 1);
  assert.equal(score.recall, 1);
  assert.ok(score.truePositives >= 3, `weak devices found: ${score.truePositives}`);
  assert.ok(
    result.findings.every((finding) => canonicalAddress(finding.ip) === finding.ip),
    'findings are stored under canonical IPv6 text',
  );
});

test('identification over IPv6: precision and recall ≥ 0.99 against the ground truth', () => {
  const score = scoreIdentification(
    surveyable,
    result.devices.map((row) => ({ ip: row.ip, identity: { ...row, evidence: row.evidence } })),
  );
  assert.ok(score.precision >= 0.99, `precision ${score.precision} (${JSON.stringify(score.mismatches.slice(0, 5))})`);
  assert.ok(score.recall >= 0.99, `recall ${score.recall} (${JSON.stringify(score.mismatches.slice(0, 5))})`);
});
