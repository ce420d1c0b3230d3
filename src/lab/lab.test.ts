/**
 * A small live lab on 127.201.0.0/16, probed with raw sockets: every protocol behaves as
 * the device it plays, and the servers send exactly what test/support/lab/observe-device.ts computes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenNoticeError } from '../core/errors.ts';
import { startLab, type LabHandle } from './lab.ts';
import { observeDevice } from '../../test/support/lab/observe-device.ts';
import { resolveLabOptions, type LabOptions } from './options.ts';
import { generatePopulation } from './population.ts';
import { rawConnect, telnetText } from '../../test/support/lab/raw-client.ts';
import type { LabDevice, LabService } from './types.ts';
import { vendorProfile } from './vendors/index.ts';

interface Wanted {
  weakBusyboxTelnet: [LabDevice, LabService];
  strongTelnet: [LabDevice, LabService];
  usernameTelnet: [LabDevice, LabService];
  openShell: [LabDevice, LabService];
  weakBasic: [LabDevice, LabService];
  weakFtp: [LabDevice, LabService];
  ssh: [LabDevice, LabService];
}

function find(devices: LabDevice[], predicate: (device: LabDevice, service: LabService) => boolean): [LabDevice, LabService] | undefined {
  for (const device of devices) for (const service of device.services) if (device.role === 'device' && predicate(device, service)) return [device, service];
  return undefined;
}

const isWeak = (service: LabService) => service.credential?.dictionaryEntryId !== undefined;
const persona = (device: LabDevice, service: LabService) => vendorProfile(device.identity!.vendor).telnet!(device, service);

/** The first seed whose small population has every kind of service the tests probe. */
function chooseLab(): { options: LabOptions; wanted: Wanted } {
  for (let seed = 1; seed <= 200; seed++) {
    const options = resolveLabOptions({ cidr: '127.201.0.0/16', deviceCount: 150, hostile: false, seed });
    const devices = generatePopulation(options);
    const telnetLogin = (service: LabService) => service.protocol === 'telnet' && service.auth === 'login';
    const candidates = {
      weakBusyboxTelnet: find(
        devices,
        (device, service) => telnetLogin(service) && isWeak(service) && persona(device, service).loginPrompt.endsWith('login: '),
      ),
      strongTelnet: find(devices, (_device, service) => telnetLogin(service) && !isWeak(service)),
      usernameTelnet: find(devices, (device, service) => telnetLogin(service) && persona(device, service).loginPrompt === 'Username: '),
      openShell: find(devices, (_device, service) => service.protocol === 'telnet' && service.auth === 'none'),
      weakBasic: find(devices, (_device, service) => service.protocol === 'http' && service.auth === 'basic' && isWeak(service)),
      weakFtp: find(devices, (_device, service) => service.protocol === 'ftp' && isWeak(service)),
      ssh: find(devices, (_device, service) => service.protocol === 'ssh'),
    };
    if (Object.values(candidates).every((value) => value !== undefined)) return { options, wanted: candidates as Wanted };
  }
  throw new Error('no seed gives every service kind');
}

const { options, wanted } = chooseLab();
let lab: LabHandle;
let progressCalls = 0;

before(async () => {
  lab = await startLab({
    ...options,
    onProgress: (listening, total) => {
      progressCalls++;
      assert.ok(listening <= total && total === options.deviceCount);
    },
  });
});
after(async () => {
  await lab.close();
});

function httpGet(path: string, authorization?: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: lab\r\nUser-Agent: lab-test\r\n${authorization ? `Authorization: Basic ${Buffer.from(authorization).toString('base64')}\r\n` : ''}Connection: close\r\n\r\n`;
}

async function httpExchange(ip: string, port: number, request: string): Promise<string> {
  const client = await rawConnect(ip, port);
  client.write(request);
  await client.closed();
  return client.received().toString('latin1');
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

test('startLab reports progress and the truth/addresses of its population', () => {
  assert.equal(progressCalls, options.deviceCount);
  assert.equal(lab.addresses.length, options.deviceCount);
  assert.deepEqual(
    lab.addresses,
    lab.truth.devices.map((device) => device.ip),
  );
  assert.equal(lab.truth.seed, options.seed);
});

test('telnet: busybox negotiation, echo, "Login incorrect" then a shell; a command after login is counted', async () => {
  const [device, service] = wanted.weakBusyboxTelnet;
  const { loginPrompt, shellPrompt } = persona(device, service);
  const credential = service.credential!;
  const client = await rawConnect(device.ip, service.port);
  const text = () => telnetText(client.received());
  await client.waitFor(() => text().endsWith(loginPrompt));
  assert.deepEqual([...client.received().subarray(0, 12)], [255, 253, 1, 255, 253, 31, 255, 251, 1, 255, 251, 3]);
  client.write(`${credential.username}\r\n`);
  await client.waitFor(() => text().endsWith('Password: '));
  assert.ok(text().includes(`${credential.username}\r\n`), 'the user name is echoed');
  client.write('definitely-wrong\r\n');
  await client.waitFor(() => count(text(), loginPrompt) === 2);
  assert.ok(text().includes('\r\nLogin incorrect\r\n'));
  assert.ok(!text().includes('definitely-wrong'), 'the password is never echoed');
  const before = lab.stats();
  client.write(`${credential.username}\r\n${credential.password}\r\n`);
  await client.waitFor(() => text().endsWith(shellPrompt));
  assert.match(text(), /BusyBox v\d+\.\d+\.\d+ \(\d{4}-\d{2}-\d{2} [\d:]+ CST\) built-in shell \(ash\)/);
  const loggedIn = lab.stats();
  assert.equal(loggedIn.successfulLogins - before.successfulLogins, 1);
  assert.equal(loggedIn.commandsAfterLogin, 0);
  client.write('cat /proc/cpuinfo\r\n');
  await client.waitFor(() => count(text(), shellPrompt) === 2);
  assert.equal(lab.stats().commandsAfterLogin, 1);
  client.close();
});

test('telnet: three wrong passwords and the device hangs up', async () => {
  const [device, service] = wanted.strongTelnet;
  const { loginPrompt, loginFailed, passwordPrompt } = persona(device, service);
  const client = await rawConnect(device.ip, service.port);
  const text = () => telnetText(client.received());
  await client.waitFor(() => text().endsWith(loginPrompt));
  for (let attempt = 1; attempt <= 3; attempt++) {
    client.write('admin\r\n');
    await client.waitFor(() => count(text(), passwordPrompt) === attempt);
    client.write('admin\r\n');
    await client.waitFor(() => count(text(), loginFailed) === attempt);
  }
  await client.closed();
  assert.equal(count(text(), loginPrompt), 3, 'no fourth login prompt');
});

test('telnet: a "Username:" console and an open shell', async () => {
  const [consoleDevice, consoleService] = wanted.usernameTelnet;
  const consoleClient = await rawConnect(consoleDevice.ip, consoleService.port);
  await consoleClient.waitFor((bytes) => telnetText(bytes).endsWith('Username: '));
  consoleClient.close();

  const [device, service] = wanted.openShell;
  const shell = persona(device, service).shellPrompt;
  const before = lab.stats().openShellSessions;
  const client = await rawConnect(device.ip, service.port);
  await client.waitFor((bytes) => telnetText(bytes).endsWith(shell));
  assert.ok(!/login: $|Username: $/.test(telnetText(client.received())));
  assert.equal(lab.stats().openShellSessions, before + 1);
  client.close();
});

test('telnet: each client request is refused once, so negotiation cannot loop', async () => {
  const [device, service] = wanted.strongTelnet;
  const { loginPrompt } = persona(device, service);
  const client = await rawConnect(device.ip, service.port);
  await client.waitFor((bytes) => telnetText(bytes).endsWith(loginPrompt));
  client.write(Buffer.from([255, 253, 39, 255, 253, 39, 255, 251, 36]));
  client.write('\r\n'); // an empty user name: the device answers with a new prompt
  await client.waitFor((bytes) => count(telnetText(bytes), loginPrompt) === 2);
  const bytes = [...client.received()];
  const occurrences = (sequence: number[]) => bytes.filter((_byte, index) => sequence.every((value, offset) => bytes[index + offset] === value)).length;
  assert.equal(occurrences([255, 252, 39]), 1, 'WONT NEW-ENVIRON exactly once');
  assert.equal(occurrences([255, 254, 36]), 1, 'DONT ENVIRON exactly once');
  client.close();
});

test('HTTP Basic: 401 with the realm, 401 for a wrong pair, 200 for the right one', async () => {
  const [device, service] = wanted.weakBasic;
  const realm = (observeDevice(device).find((observation) => observation.port === service.port)!.result.auth as { realm: string }).realm;
  const challenge = await httpExchange(device.ip, service.port, httpGet('/'));
  assert.match(challenge, /^HTTP\/1\.1 401 /);
  assert.ok(challenge.includes(`WWW-Authenticate: Basic realm="${realm}"`), challenge);
  assert.match(await httpExchange(device.ip, service.port, httpGet('/', 'admin:wrong-password')), /^HTTP\/1\.1 401 /);
  const { username, password } = service.credential!;
  assert.match(await httpExchange(device.ip, service.port, httpGet('/', `${username}:${password}`)), /^HTTP\/1\.1 200 /);
});

test('HTTP: every vendor serves exactly the page and headers observeDevice predicts', async () => {
  const seen = new Set<string>();
  for (const device of generatePopulation(options)) {
    if (seen.has(device.identity!.vendor)) continue;
    seen.add(device.identity!.vendor);
    for (const observation of observeDevice(device).filter((candidate) => candidate.protocol === 'http')) {
      const expected = observation.result as { url: string; status: number; body: string; headers: Record<string, string> };
      const url = new URL(expected.url);
      const response = await httpExchange(device.ip, observation.port, httpGet(url.pathname + url.search));
      const split = response.indexOf('\r\n\r\n');
      assert.ok(split > 0, 'a complete response head');
      const head = response.slice(0, split);
      const body = response.slice(split + 4);
      assert.match(head, new RegExp(`^HTTP/1\\.1 ${expected.status} `));
      assert.equal(body, expected.body, `${device.identity!.vendor} ${expected.url}`);
      if (expected.headers.server) assert.ok(head.includes(`\r\nServer: ${expected.headers.server}\r\n`), head);
    }
  }
  assert.ok(seen.size >= 6);
});

test('FTP: greeting, 331, 530 after a wrong password, 230 after the right one; commands after login are counted', async () => {
  const [device, service] = wanted.weakFtp;
  const greeting = vendorProfile(device.identity!.vendor).ftp!(device, service).greeting;
  const client = await rawConnect(device.ip, service.port);
  const text = () => client.received().toString('latin1');
  await client.waitFor(() => text() === greeting);
  const { username, password } = service.credential!;
  client.write(`USER ${username}\r\n`);
  await client.waitFor(() => /\r\n331 /.test(text()));
  client.write('PASS not-the-password\r\n');
  await client.waitFor(() => /\r\n530 /.test(text()));
  const before = lab.stats();
  client.write(`USER ${username}\r\nPASS ${password}\r\n`);
  await client.waitFor(() => /\r\n230 /.test(text()));
  assert.equal(lab.stats().successfulLogins, before.successfulLogins + 1);
  const commandsBefore = lab.stats().commandsAfterLogin;
  client.write('PWD\r\n');
  await client.waitFor(() => /\r\n550 /.test(text()));
  assert.equal(lab.stats().commandsAfterLogin, commandsBefore + 1);
  client.close();
});

test('SSH: identification line, then a KEXINIT packet after the client identifies itself', async () => {
  const [device, service] = wanted.ssh;
  const client = await rawConnect(device.ip, service.port);
  const line = `SSH-2.0-${service.software}\r\n`;
  await client.waitFor((bytes) => bytes.toString('latin1') === line);
  client.write('SSH-2.0-lab-test\r\n');
  const received = await client.waitFor((bytes) => bytes.length >= line.length + 6);
  const packet = received.subarray(line.length);
  assert.equal(packet[5], 20, 'SSH_MSG_KEXINIT');
  assert.equal((packet.readUInt32BE(0) + 4) % 8, 0, 'packet length is a multiple of the block size');
  client.close();
});

test('a second lab on the same addresses fails with LAB_FAILED naming the address; close() frees every port', async () => {
  await assert.rejects(
    startLab(options),
    (error: unknown) =>
      error instanceof OpenNoticeError && error.code === 'LAB_FAILED' && /cannot listen on 127\.201\.\d+\.\d+:\d+: EADDRINUSE/.test(error.message),
  );
  await lab.close();
  await lab.close(); // twice is fine
  lab = await startLab(options);
  const [device, service] = wanted.ssh;
  const client = await rawConnect(device.ip, service.port);
  await client.waitFor((bytes) => bytes.toString('latin1').startsWith('SSH-2.0-'));
  client.close();
});
