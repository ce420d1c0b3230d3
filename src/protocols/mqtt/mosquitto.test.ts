// The MQTT grabber and checker against a real broker: Debian's mosquitto (npm test installs it
// as root), started here on 127.0.0.1 and free ports with configurations of our own in a temp
// directory — one broker open to anonymous clients, one with a password file made by
// mosquitto_passwd (a weak pair from the shipped dictionary and a strong one) and a TLS
// listener with a certificate made by openssl. Mosquitto's own debug log is the witness that
// nothing but CONNECT and DISCONNECT came from us.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DictionaryEntry, loadDictionary } from '../../assess/credentials/dictionary.ts';
import { orderEntries } from '../../assess/credentials/order.ts';
import type { CredentialAttempt } from '../../core/records.ts';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { makeCertificate } from '../../../test/support/mqtt.ts';
import type { ObservedService } from '../credential-checker.ts';
import { contextFor } from '../grab.ts';
import { encodeField, encodeFrame, packetTypes } from './codec.ts';
import { encodeConnect } from './connect.ts';
import type { MqttResult, MqttTlsSummary } from './grabber.ts';
import { mqtt, mqtts } from './index.ts';
import { exchangeConnect, keepAliveSeconds } from './session.ts';

/** Debian puts the broker in /usr/sbin, which a non-root PATH may lack. */
const mosquittoBinary = existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto';
const hasMosquitto = (() => {
  try {
    execFileSync('sh', ['-c', `command -v ${mosquittoBinary} && command -v mosquitto_passwd && command -v openssl`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const missing = 'mosquitto, mosquitto_passwd or openssl is missing: npm test installs them as root (apt-get install mosquitto openssl)';

const ctx = createLoopbackContext({ ioTimeoutMs: 3000, deadlineMs: 10_000, maxBytes: 64 * 1024 });
const tlsCtx = contextFor(ctx, mqtts.transport);
const ordered = orderEntries(loadDictionary(), { protocol: 'mqtt' });
/** The weak pair the password file holds: a factory default from the shipped dictionary. */
const weak = ordered.find((entry) => entry.id === 'on-008')!;
const strong = { username: 'opn-owner', password: 'Tq8-vX2m!rLw9#pZ4kN7' };

interface Broker {
  process: ChildProcess;
  log: string[];
}
let directory = '';
const brokers: Broker[] = [];
const ports = { anonymous: 0, password: 0, tls: 0 };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function waitForListener(port: number, broker: Broker): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (broker.process.exitCode !== null) break;
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`mosquitto did not listen on 127.0.0.1:${port}:\n${broker.log.join('').slice(-2000)}`);
}

function startBroker(name: string, lines: string[]): Broker {
  const config = join(directory, `${name}.conf`);
  writeFileSync(config, `${['per_listener_settings false', 'persistence false', 'log_dest stderr', 'log_type all', ...lines].join('\n')}\n`);
  const child = spawn(mosquittoBinary, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  const broker: Broker = { process: child, log: [] };
  let kept = 0;
  child.stderr?.on('data', (chunk: Buffer) => {
    if (kept > 4 * 1024 * 1024) return; // a runaway log must not fill memory
    kept += chunk.length;
    broker.log.push(chunk.toString('utf8'));
  });
  brokers.push(broker);
  return broker;
}

/** Mosquitto's log lines so far (both brokers), once `pattern` has appeared or two seconds passed. */
async function logLines(pattern: RegExp): Promise<string[]> {
  const lines = () => brokers.flatMap((broker) => broker.log.join('').split('\n'));
  for (let wait = 0; wait < 40 && !lines().some((line) => pattern.test(line)); wait++) await new Promise((resolve) => setTimeout(resolve, 50));
  return lines();
}

before(async () => {
  // Failing here fails every test of the file with this one reason (nothing is skipped).
  assert.ok(hasMosquitto, missing);
  assert.ok(weak, 'the shipped dictionary has entry on-008');
  directory = mkdtempSync(join(tmpdir(), 'opennotice-mosquitto-'));
  const passwords = join(directory, 'passwords');
  execFileSync('mosquitto_passwd', ['-c', '-b', passwords, weak.username, weak.password], { stdio: 'ignore' });
  execFileSync('mosquitto_passwd', ['-b', passwords, strong.username, strong.password], { stdio: 'ignore' });
  const certificate = makeCertificate(directory, 'broker.mosquitto.test');
  // Run as root, mosquitto drops to its own user before it reads the password file and keys.
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'mosquitto'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'mosquitto'], { encoding: 'utf8' }));
    for (const file of ['', ...readdirSync(directory)]) chownSync(join(directory, file), uid, gid);
    chmodSync(directory, 0o700);
  }
  [ports.anonymous, ports.password, ports.tls] = [await freePort(), await freePort(), await freePort()];
  const anonymous = startBroker('anonymous', ['allow_anonymous true', `listener ${ports.anonymous} 127.0.0.1`]);
  const withPasswords = startBroker('passwords', [
    'allow_anonymous false',
    `password_file ${passwords}`,
    `listener ${ports.password} 127.0.0.1`,
    `listener ${ports.tls} 127.0.0.1`,
    `certfile ${certificate.certFile}`,
    `keyfile ${certificate.keyFile}`,
  ]);
  await waitForListener(ports.anonymous, anonymous);
  await waitForListener(ports.password, withPasswords);
  await waitForListener(ports.tls, withPasswords);
});

after(async () => {
  for (const broker of brokers) {
    if (broker.process.exitCode !== null) continue;
    const exited = new Promise((resolve) => broker.process.once('exit', resolve));
    broker.process.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
    if (broker.process.exitCode === null) broker.process.kill('SIGKILL');
  }
  if (directory) rmSync(directory, { recursive: true, force: true });
});

const service = (port: number, result: Partial<MqttResult>, protocol = 'mqtt'): ObservedService<MqttResult> => ({
  ip: '127.0.0.1',
  port,
  protocol,
  status: 'success',
  result,
  durationMs: 1,
  observedAt: '',
});

async function check(port: number, result: Partial<MqttResult>, entries: readonly DictionaryEntry[], options: { tls?: boolean; maxAttempts?: number } = {}) {
  const audit: CredentialAttempt[] = [];
  const protocol = options.tls ? mqtts : mqtt;
  const outcome = await protocol.credentials!.check(options.tls ? tlsCtx : ctx, service(port, result, protocol.name), entries, {
    maxAttempts: options.maxAttempts ?? 20,
    audit: (attempt) => audit.push(attempt),
  });
  return { outcome, audit };
}

test('mosquitto is installed (npm test installs it)', () => {
  assert.ok(hasMosquitto, missing);
});

test('allow_anonymous true: accepted in 3.1.1, and the checker reports no-authentication without trying a pair', async () => {
  const grabbed = await mqtt.grab(ctx, { ip: '127.0.0.1', port: ports.anonymous });
  assert.equal(grabbed.status, 'success', grabbed.error);
  assert.deepEqual(grabbed.result, { protocolLevel: 4, returnCode: 0, returnMeaning: 'accepted', anonymousAccepted: true, sessionPresent: false });
  const { outcome, audit } = await check(ports.anonymous, grabbed.result, ordered);
  assert.equal(outcome.noAuthentication, true);
  assert.deepEqual([outcome.attempts, audit.length], [0, 0]);
  const lines = await logLines(/Received DISCONNECT from opennotice/);
  assert.ok(
    lines.some((line) => /New client connected from 127\.0\.0\.1:\d+ as opennotice[0-9a-f]{12} \(p2, c1, k60\)/.test(line)),
    'mosquitto saw our anonymous 3.1.1 client with a clean session',
  );
});

test('password file: the anonymous CONNECT is refused (5, not authorized), and the weak pair is found after the wrong ones', async () => {
  const grabbed = await mqtt.grab(ctx, { ip: '127.0.0.1', port: ports.password });
  assert.equal(grabbed.status, 'success', grabbed.error);
  assert.deepEqual(grabbed.result, { protocolLevel: 4, returnCode: 5, returnMeaning: 'not-authorized', anonymousAccepted: false, sessionPresent: false });
  assert.ok(mqtt.credentials!.appliesTo(service(ports.password, grabbed.result)));
  const position = ordered.indexOf(weak) + 1;
  assert.ok(position > 1 && position <= 20, `the weak pair is entry ${position} for MQTT`);
  const { outcome, audit } = await check(ports.password, grabbed.result, ordered);
  assert.equal(outcome.status, 'success', outcome.error);
  assert.equal(outcome.accepted?.id, weak.id);
  assert.equal(outcome.attempts, position);
  assert.deepEqual(
    audit.map((attempt) => attempt.outcome),
    [...Array.from({ length: position - 1 }, () => 'rejected'), 'accepted'],
  );
  assert.equal(audit[0].detail, 'CONNACK 5 (not-authorized)');
});

test('password file: a strong password is not found; every wrong pair is refused', async () => {
  const guesses = ordered
    .filter((entry) => entry !== weak)
    .slice(0, 8)
    .map((entry) => ({ ...entry, username: strong.username }));
  const { outcome, audit } = await check(ports.password, { protocolLevel: 4, returnCode: 5, returnMeaning: 'not-authorized' }, guesses);
  assert.deepEqual([outcome.status, outcome.accepted, outcome.attempts], ['success', undefined, 8]);
  assert.ok(audit.every((attempt) => attempt.outcome === 'rejected'));
});

test('MQTT 5: mosquitto’s reason codes (0x87) and CONNACK properties are read, and the checker logs in with 5', async () => {
  const target = { ip: '127.0.0.1', port: ports.password };
  const refused = await exchangeConnect(ctx, target, { level: 5, clientId: 'opennoticev5refused', keepAliveSeconds });
  assert.equal(refused.status, 'success', refused.error);
  assert.deepEqual([refused.connack?.format, refused.connack?.returnCode, refused.connack?.meaning], ['v5', 0x87, 'not-authorized']);
  const accepted = await exchangeConnect(ctx, target, {
    level: 5,
    clientId: 'opennoticev5accepted',
    keepAliveSeconds,
    username: weak.username,
    password: weak.password,
  });
  assert.deepEqual([accepted.connack?.format, accepted.connack?.meaning], ['v5', 'accepted']);
  assert.equal(accepted.connack?.properties?.topicAliasMaximum, 10);
  assert.equal(typeof accepted.connack?.properties?.receiveMaximum, 'number');
  const { outcome, audit } = await check(ports.password, { protocolLevel: 5, returnCode: 0x87, returnMeaning: 'not-authorized' }, [
    { ...weak, id: 'x1', password: 'wrong' },
    weak,
  ]);
  assert.equal(outcome.accepted?.id, weak.id);
  assert.equal(audit[0].detail, 'CONNACK 135 (not-authorized)');
  const lines = await logLines(/Received DISCONNECT from opennoticev5accepted/);
  assert.ok(lines.some((line) => /as opennotice[0-9a-f]{12} \(p5, c1, k60, u'/.test(line)));
});

test('mqtts on the TLS listener: the same refusal and weak pair, and the certificate we made', async () => {
  const grabbed = await mqtts.grab(tlsCtx, { ip: '127.0.0.1', port: ports.tls });
  assert.equal(grabbed.status, 'success', grabbed.error);
  assert.equal(grabbed.result.returnMeaning, 'not-authorized');
  const tls = grabbed.result.tls as MqttTlsSummary | undefined;
  assert.equal(tls?.subject, 'O=opennotice test, CN=broker.mosquitto.test');
  assert.equal(tls?.selfSigned, true);
  const { outcome } = await check(ports.tls, grabbed.result, ordered, { tls: true });
  assert.equal(outcome.accepted?.id, weak.id);
});

test('detection: the probe’s CONNECT gets a reply that matches', async () => {
  const probe = mqtt.detect!.probe!;
  const reply = await new Promise<Buffer>((resolve, reject) => {
    const socket = connect(ports.password, '127.0.0.1', () => socket.write(probe.request({ ip: '127.0.0.1', port: ports.password })));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
    socket.setTimeout(3000, () => socket.destroy());
  });
  assert.deepEqual([...reply], [0x20, 0x02, 0x00, 0x05]);
  assert.ok(probe.matches(reply));
});

test('mosquitto’s log: our clients sent nothing but CONNECT and DISCONNECT (a client that subscribes shows up)', async () => {
  // The control: a client of another name that does subscribe is in the log, so the log would show ours.
  await new Promise<void>((resolve, reject) => {
    const socket = connect(ports.anonymous, '127.0.0.1', () => {
      socket.write(encodeConnect({ level: 4, clientId: 'controlclient', keepAliveSeconds: 60 }));
      socket.write(encodeFrame(packetTypes.subscribe, 0x2, Buffer.concat([Buffer.from([0x00, 0x01]), encodeField('#'), Buffer.from([0x00])])));
    });
    socket.on('data', (chunk) => {
      if (chunk.includes(0x90)) socket.destroy(); // SUBACK
    });
    socket.on('close', () => resolve());
    socket.on('error', reject);
    socket.setTimeout(3000, () => socket.destroy());
  });
  const lines = await logLines(/Received SUBSCRIBE from controlclient/);
  assert.ok(
    lines.some((line) => line.includes('Received SUBSCRIBE from controlclient')),
    'the control subscription is logged',
  );
  const ours = lines.map((line) => /Received (\w+) from (opennotice\w*)/.exec(line)).filter((match) => match !== null);
  assert.ok(ours.length >= 4, `our DISCONNECTs are logged (${ours.length})`);
  assert.deepEqual([...new Set(ours.map((match) => match[1]))], ['DISCONNECT']);
  assert.ok(!lines.some((line) => /(SUBSCRIBE|PUBLISH|UNSUBSCRIBE|PINGREQ).*opennotice/.test(line)));
});
