// The lab's payload devices on the wire and through a survey: each protocol sends its
// script-injection payload byte for byte, and a credential survey stores every payload
// verbatim — in service records, the printer's identity and a finding's evidence.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSurveyDeps } from '../src/cli/survey-deps.ts';
import { startLab, type LabHandle } from '../src/lab/lab.ts';
import { labPayload, payloadDevicesOf, payloadModel, type PayloadId } from '../src/lab/payloads.ts';
import { rawConnect } from './support/lab/raw-client.ts';
import type { TruthDevice } from '../src/lab/types.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Store } from '../src/store/store.ts';
import { runSurvey } from '../src/survey/run-survey.ts';
import type { SurveySummary } from '../src/survey/progress.ts';
import { scoreCredentialFindings, scoreIdentification } from '../src/lab/score-against-truth.ts';

const cidr = '127.216.0.0/24';
let lab: LabHandle;
let store: Store;
let summary: SurveySummary;

const carrying = (id: PayloadId): TruthDevice => {
  const device = payloadDevicesOf(lab.truth).find((candidate) => candidate.payloads!.some((payload) => payload.id === id));
  assert.ok(device, `a device carries ${id}`);
  return device;
};

before(async () => {
  lab = await startLab({ cidr, seed: 21, deviceCount: 20, hostile: true });
  store = await openStore(':memory:');
  // Only the payload devices: the hostile ones are surveyed (slowly) by other tests.
  const targets = payloadDevicesOf(lab.truth).map((device) => `${device.ip}/32`);
  summary = await runSurvey(
    {
      targets,
      checks: ['credentials'],
      ports: [21, 22, 23, 80, 8080],
      seed: 4,
      limits: {
        perHostConcurrent: 2,
        connectTimeoutMs: 1500,
        ioTimeoutMs: 2000,
        deadlineMs: 8000,
        maxBytes: 262_144,
        maxAttemptsPerService: 40,
        maxAttemptsPerHost: 100,
      },
    },
    createSurveyDeps({ store }),
  );
});

after(async () => {
  await store?.close();
  await lab?.close();
});

test('telnet: the issue text before the login prompt is the <script> payload, byte for byte', async () => {
  const device = carrying('telnet-banner');
  const client = await rawConnect(device.ip, 23);
  const bytes = await client.waitFor((received) => received.includes('login: '));
  client.close();
  assert.ok(bytes.includes(Buffer.from(`\r\n${labPayload('telnet-banner').text}\r\n\r\n`, 'latin1')));
});

test('HTTP: title, Server header and Basic realm carry their payloads on the raw response', async () => {
  const device = carrying('http-title');
  const client = await rawConnect(device.ip, 80);
  client.write(`GET / HTTP/1.1\r\nHost: ${device.ip}\r\nConnection: close\r\n\r\n`);
  await client.closed();
  const response = client.received().toString('latin1');
  assert.match(response, /^HTTP\/1\.1 401 /);
  assert.ok(response.includes(`\r\nServer: HP HTTP Server; HP LaserJet ${labPayload('http-server-header').text} - `), response);
  assert.ok(response.includes(`\r\nWWW-Authenticate: Basic realm="${labPayload('http-realm').text}"\r\n`), response);
  assert.ok(response.includes(`<title>${labPayload('http-title').text}</title>`), response);
});

test('FTP: the 220 greeting names the server with the <iframe> payload', async () => {
  const device = carrying('ftp-greeting');
  const client = await rawConnect(device.ip, 21);
  const bytes = await client.waitFor((received) => received.includes('\r\n'));
  client.close();
  assert.equal(
    bytes.toString('latin1'),
    `220 ProFTPD ${bytes.toString('latin1').split(' ')[2]} Server (${labPayload('ftp-greeting').text}) [${device.ip}]\r\n`,
  );
});

test('SSH: the identification line ends with the javascript: comment', async () => {
  const device = carrying('ssh-comment');
  const client = await rawConnect(device.ip, 22);
  const bytes = await client.waitFor((received) => received.includes('\r\n'));
  client.close();
  assert.match(bytes.toString('latin1'), new RegExp(`^SSH-2\\.0-dropbear_\\d{4}\\.\\d+ ${labPayload('ssh-comment').text.replace(/[.]/g, '\\.')}\\r\\n$`));
});

test('the survey completes and stores every payload verbatim in the service records', async () => {
  assert.equal(summary.status, 'completed');
  const services = await store.listServices();
  for (const device of payloadDevicesOf(lab.truth)) {
    for (const payload of device.payloads!) {
      const row = services.find((candidate) => candidate.ip === device.ip && candidate.port === payload.port);
      assert.ok(row, `${payload.id}: ${device.ip}:${payload.port} recorded`);
      const [head, tail] = payload.field.split('.') as [string, string | undefined];
      const result = row.result as Record<string, unknown>;
      const value = tail === undefined ? result[head] : (result[head] as Record<string, unknown> | undefined)?.[tail];
      assert.equal(typeof value, 'string', `${payload.id} stored as text`);
      assert.ok((value as string).includes(payload.text), `${payload.id}: ${String(value)}`);
    }
  }
});

test('identities and findings: the printer is "HP <payload>", every payload device has its finding, the realm is in the evidence', async () => {
  const devices = await store.listDevices();
  const truth = { ...lab.truth, devices: payloadDevicesOf(lab.truth) };
  const identification = scoreIdentification(
    truth,
    devices.map((row) => ({ ip: row.ip, identity: row })),
  );
  assert.deepEqual([identification.precision, identification.recall], [1, 1], JSON.stringify(identification.mismatches));
  assert.equal(devices.find((row) => row.ip === carrying('http-server-header').ip)?.model, payloadModel);

  const findings = await store.listFindings({ status: 'open' });
  const credentials = scoreCredentialFindings(truth, findings);
  assert.deepEqual([credentials.precision, credentials.recall, credentials.truePositives], [1, 1, 4]);
  const printerFinding = findings.find((row) => row.ip === carrying('http-realm').ip && row.kind === 'weak-credential');
  assert.equal(printerFinding?.evidence.realm, labPayload('http-realm').text);
});
