/**
 * Remediation on a live lab (127.213.0.0/16): after remediate(ip), the device's weak pairs
 * are refused on every protocol and its open telnet shell asks for a login, while devices
 * nobody fixed still accept theirs.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DictionaryEntry } from '../assess/credentials/dictionary.ts';
import { createSshChecker } from '../protocols/ssh/credentials.ts';
import type { ServiceObservation } from '../core/records.ts';
import { createLoopbackContext } from '../../test/support/loopback-context.ts';
import { startLab, type LabHandle } from './lab.ts';
import { resolveLabOptions, type LabOptions } from './options.ts';
import { generatePopulation } from './population.ts';
import { rawConnect, tryTelnetLogin } from '../../test/support/lab/raw-client.ts';
import type { LabDevice, LabService } from './types.ts';
import { vendorProfile } from './vendors/index.ts';

const isWeak = (service: LabService) => service.credential?.dictionaryEntryId !== undefined;
const weakTelnet = (service: LabService) => service.protocol === 'telnet' && service.auth === 'login' && isWeak(service);
const persona = (device: LabDevice, service: LabService) => vendorProfile(device.identity!.vendor).telnet!(device, service);

interface Chosen {
  fixed: LabDevice;
  untouched: LabDevice;
  openShell: LabDevice;
  weakFtp: LabDevice;
  weakBasic: LabDevice;
  weakSsh: LabDevice;
}

/** The first seed whose small lab has two weak-telnet devices, an open shell, and weak FTP, Basic-auth and SSH devices. */
function chooseLab(): { options: LabOptions; chosen: Chosen } {
  for (let seed = 1; seed <= 200; seed++) {
    const options = resolveLabOptions({ cidr: '127.213.0.0/16', deviceCount: 150, hostile: false, seed });
    const devices = generatePopulation(options);
    // Distinct devices, so fixing one never changes what another test expects.
    const taken = new Set<LabDevice>();
    const having = (predicate: (service: LabService) => boolean) => devices.filter((device) => !taken.has(device) && device.services.some(predicate));
    const take = (device: LabDevice | undefined) => {
      if (device) taken.add(device);
      return device;
    };
    const telnetWeak = having(weakTelnet).slice(0, 2);
    telnetWeak.forEach(take);
    const openShell = take(having((service) => service.protocol === 'telnet' && service.auth === 'none')[0]);
    const weakFtp = take(having((service) => service.protocol === 'ftp' && isWeak(service))[0]);
    const weakBasic = take(having((service) => service.protocol === 'http' && service.auth === 'basic' && isWeak(service))[0]);
    const weakSsh = take(having((service) => service.protocol === 'ssh' && isWeak(service))[0]);
    if (telnetWeak.length >= 2 && openShell && weakFtp && weakBasic && weakSsh) {
      return { options, chosen: { fixed: telnetWeak[0]!, untouched: telnetWeak[1]!, openShell, weakFtp, weakBasic, weakSsh } };
    }
  }
  throw new Error('no seed gives every device the test needs');
}

const { options, chosen } = chooseLab();
let lab: LabHandle;

before(async () => {
  lab = await startLab(options);
});
after(async () => {
  await lab.close();
});

async function telnetOutcome(device: LabDevice): Promise<'shell' | 'refused' | 'no-login'> {
  const service = device.services.find(weakTelnet)!;
  return tryTelnetLogin(device.ip, service.port, service.credential!, persona(device, service));
}

test('a remediated device refuses its weak telnet pair while an untouched one still accepts it', async () => {
  assert.equal(await telnetOutcome(chosen.fixed), 'shell', 'weak before the fix');
  assert.equal(lab.remediate(chosen.fixed.ip), true);
  assert.equal(await telnetOutcome(chosen.fixed), 'refused');
  assert.equal(await telnetOutcome(chosen.untouched), 'shell');
  // The truth keeps describing the lab as it started.
  assert.ok(lab.truth.devices.find((device) => device.ip === chosen.fixed.ip)!.weaknesses.some((weakness) => weakness.via === 'telnet-login'));
});

test('an open telnet shell asks for a login after remediation', async () => {
  const service = chosen.openShell.services.find((candidate) => candidate.protocol === 'telnet')!;
  const dialogue = persona(chosen.openShell, service);
  const anyPair = { username: 'root', password: '' };
  assert.equal(await tryTelnetLogin(chosen.openShell.ip, service.port, anyPair, dialogue), 'no-login');
  assert.equal(lab.remediate(chosen.openShell.ip), true);
  assert.equal(await tryTelnetLogin(chosen.openShell.ip, service.port, anyPair, dialogue), 'refused');
});

test('FTP and HTTP Basic refuse the weak pair after remediation', async () => {
  const ftp = chosen.weakFtp.services.find((service) => service.protocol === 'ftp' && isWeak(service))!;
  const ftpLogin = async () => {
    const client = await rawConnect(chosen.weakFtp.ip, ftp.port);
    await client.waitFor((bytes) => bytes.includes('220'));
    client.write(`USER ${ftp.credential!.username}\r\nPASS ${ftp.credential!.password}\r\n`);
    const reply = await client.waitFor((bytes) => /\r\n(230|530)[ -]/.test(bytes.toString('latin1')));
    client.close();
    return /\r\n230[ -]/.test(reply.toString('latin1')) ? 'accepted' : 'refused';
  };
  const http = chosen.weakBasic.services.find((service) => service.protocol === 'http' && service.auth === 'basic' && isWeak(service))!;
  const basicStatus = async () => {
    const client = await rawConnect(chosen.weakBasic.ip, http.port);
    const authorization = Buffer.from(`${http.credential!.username}:${http.credential!.password}`).toString('base64');
    client.write(`GET / HTTP/1.1\r\nHost: lab\r\nAuthorization: Basic ${authorization}\r\nConnection: close\r\n\r\n`);
    await client.closed();
    return Number(/^HTTP\/1\.[01] (\d{3})/.exec(client.received().toString('latin1'))?.[1]);
  };
  assert.equal(await ftpLogin(), 'accepted');
  assert.equal(await basicStatus(), 200);
  lab.remediate(chosen.weakFtp.ip);
  lab.remediate(chosen.weakBasic.ip);
  assert.equal(await ftpLogin(), 'refused');
  assert.equal(await basicStatus(), 401);
});

test("SSH refuses the weak pair after remediation (the project's own SSH checker)", async () => {
  const service = chosen.weakSsh.services.find((candidate) => candidate.protocol === 'ssh' && isWeak(candidate))!;
  const credential = service.credential!;
  const entry: DictionaryEntry = {
    id: credential.dictionaryEntryId!,
    username: credential.username,
    password: credential.password,
    reason: 'factory-default',
    vendors: [],
    protocols: [],
    sources: [],
    rank: 9,
  };
  const observation: ServiceObservation = {
    ip: chosen.weakSsh.ip,
    port: service.port,
    protocol: 'ssh',
    status: 'success',
    result: {},
    durationMs: 1,
    observedAt: '',
  };
  const ctx = createLoopbackContext({ ioTimeoutMs: 2000, deadlineMs: 8000, maxBytes: 64 * 1024 });
  const check = () => createSshChecker().check(ctx, observation, [entry], { maxAttempts: 1, audit: () => undefined });
  assert.equal((await check()).accepted?.id, entry.id);
  lab.remediate(chosen.weakSsh.ip);
  const after = await check();
  assert.equal(after.accepted, undefined);
  assert.equal(after.attempts, 1, 'the pair was tried and refused');
});

test('remediate answers false for an address without a device and lists what was fixed once each', () => {
  assert.equal(lab.remediate('127.213.255.255'), false);
  assert.equal(lab.remediate('192.0.2.1'), false);
  assert.equal(lab.remediate(chosen.fixed.ip), true, 'fixing twice is harmless');
  assert.deepEqual(lab.remediated(), [chosen.fixed.ip, chosen.openShell.ip, chosen.weakFtp.ip, chosen.weakBasic.ip, chosen.weakSsh.ip]);
});
