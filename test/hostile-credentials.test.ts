// R4: every credential checker against a login service that greets plausibly and then
// tarpits, drips one byte every 200 ms, floods endless text or sends binary garbage (HTTPS and
// MQTT over TLS: inside a completed TLS session, through the TLS front). A check
// must return (never throw, never hang) with a recorded status and no accepted entry, inside
// its connection deadlines, having read no more than its byte cap on any connection.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DictionaryEntry } from '../src/assess/credentials/dictionary.ts';
import type { CredentialAttempt, GrabResult, ServiceObservation } from '../src/core/records.ts';
import type { CredentialCheckOutcome } from '../src/protocols/credential-checker.ts';
import { contextFor } from '../src/protocols/grab.ts';
import { shippedProtocols } from '../src/protocols/registry.ts';
import { matrixLimits, measuringContext, type ReadLedger } from './support/hostile-matrix.ts';
import { startHostileTcpPeer, type HostilePeer, type TcpFlavour, type TcpHostility } from './support/hostile-peers.ts';
import { makeTlsCertificates, startHostileTlsPeer, type TlsCertificates } from './support/hostile-tls-peers.ts';
import { defaultLoginTiming } from '../src/protocols/login-pacing.ts';
import { fastLoginTiming } from './support/login-timing.ts';

const text = (value: string) => Buffer.from(value, 'latin1');

/** A plausible login service per checker: what it greets with and what its grab would have recorded. */
const logins: Readonly<Record<string, { greeting?: Buffer; result: GrabResult }>> = {
  telnet: { greeting: text('\r\nlogin: '), result: { banner: '', prompt: 'login:', promptKind: 'login', negotiation: {} } },
  ssh: { greeting: text('SSH-2.0-OpenSSH_8.9\r\n'), result: { protocolVersion: '2.0', softwareVersion: 'OpenSSH_8.9' } },
  ftp: { greeting: text('220 Welcome\r\n'), result: { banner: 'Welcome', code: 220 } },
  http: {
    greeting: text('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="device"\r\n'),
    result: { status: 401, auth: { scheme: 'basic', realm: 'device' }, authPath: '/' },
  },
  rtsp: {
    greeting: text('RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nWWW-Authenticate: Basic realm="cam"\r\n'),
    result: { status: 401, auth: { scheme: 'basic', realm: 'cam' }, authPath: '/' },
  },
  https: {
    greeting: text('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="device"\r\n'),
    result: { status: 401, auth: { scheme: 'basic', realm: 'device' }, authPath: '/' },
  },
  mqtt: { result: { returnMeaning: 'not-authorized' } },
  mqtts: { result: { returnMeaning: 'not-authorized' } },
  adb: { result: { state: 'device' } },
};

/** HOSTILE_LOGIN_TIMING=survey runs the drip alone with the survey's login timing (slow: minutes), to see what a survey waits. */
const surveyTiming = process.env.HOSTILE_LOGIN_TIMING === 'survey';
const timing = surveyTiming ? defaultLoginTiming : fastLoginTiming;
const behaviours: readonly TcpHostility[] = surveyTiming ? ['drip'] : ['tarpit', 'drip', 'endless-text', 'binary-garbage'];

/** Tries are few and waits short (fastLoginTiming): a check is a handful of connections, each under its deadline. */
const maxAttempts = 3;
const hungAfterMs = (maxAttempts + 2) * timing.connectionDeadlineMs + 2000;

const entries: DictionaryEntry[] = ['admin', 'root', 'user'].map((username, index) => ({
  id: `hostile-${index}`,
  username,
  password: 'admin',
  vendors: [],
  protocols: [],
  reason: 'trivial',
  sources: [],
  rank: 1,
}));

interface Cell {
  protocol: string;
  behaviour: TcpHostility;
  outcome: CredentialCheckOutcome | 'hung' | { threw: string };
  ms: number;
  ledger: ReadLedger;
}

const peers: HostilePeer[] = [];
const cells: Cell[] = [];

async function runCell(protocol: string, behaviour: TcpHostility, index: number, certificates: TlsCertificates): Promise<Cell> {
  const login = logins[protocol];
  const checker = shippedProtocols.byName(protocol)?.credentials;
  assert.ok(login && checker, `${protocol} has a checker and a login`);
  const host = `127.169.19.${index + 1}`;
  const flavour: TcpFlavour = login.greeting ? { greeting: login.greeting, tarpitGreets: true } : {};
  const transport = shippedProtocols.byName(protocol)?.transport ?? 'tcp';
  const peer =
    transport === 'tls' ? await startHostileTlsPeer(host, behaviour, protocol, certificates, flavour) : await startHostileTcpPeer(host, behaviour, flavour);
  peers.push(peer);
  const service: ServiceObservation = { ip: host, port: peer.port, protocol, status: 'success', result: login.result, durationMs: 1, observedAt: '' };
  const { ctx, ledger } = measuringContext();
  const audit: CredentialAttempt[] = [];
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), hungAfterMs);
  });
  try {
    const outcome = await Promise.race([
      checker.check(contextFor(ctx, transport), service, entries, { maxAttempts, audit: (attempt) => audit.push(attempt), timing }),
      hung,
    ]);
    if (process.env.HOSTILE_DEBUG && typeof outcome !== 'string')
      process.stdout.write(`${protocol}/${behaviour}: ${JSON.stringify(outcome)} ${JSON.stringify(audit)}\n`);
    return { protocol, behaviour, outcome, ms: Math.round(performance.now() - started), ledger: ledger() };
  } catch (error) {
    return { protocol, behaviour, outcome: { threw: String(error) }, ms: Math.round(performance.now() - started), ledger: ledger() };
  } finally {
    clearTimeout(timer);
    await peer.close();
  }
}

before(async () => {
  const certificates = makeTlsCertificates();
  const all = Object.keys(logins).flatMap((protocol) => behaviours.map((behaviour) => ({ protocol, behaviour })));
  await Promise.all(all.map(async ({ protocol, behaviour }, index) => cells.push(await runCell(protocol, behaviour, index, certificates))));
  const lines = Object.keys(logins).map(
    (protocol) =>
      `${protocol.padEnd(7)} | ${behaviours
        .map((behaviour) => {
          const cell = cells.find((candidate) => candidate.protocol === protocol && candidate.behaviour === behaviour);
          const status = !cell ? '—' : typeof cell.outcome === 'string' ? cell.outcome : 'threw' in cell.outcome ? 'threw' : cell.outcome.status;
          return `${status} ${cell?.ms ?? 0}ms`;
        })
        .join(' | ')}`,
  );
  process.stdout.write(
    `\nhostile logins (status, ms; io limits ${matrixLimits.ioTimeoutMs}/${matrixLimits.deadlineMs} ms):\nchecker | ${behaviours.join(' | ')}\n${lines.join('\n')}\n\n`,
  );
});

after(async () => {
  await Promise.all(peers.map((peer) => peer.close().catch(() => {})));
});

test('no checker throws or hangs against a hostile login; none accepts an entry', () => {
  const bad = cells.flatMap((cell) => {
    const where = `${cell.protocol}/${cell.behaviour}`;
    if (cell.outcome === 'hung') return [`${where}: hung after ${cell.ms} ms`];
    if ('threw' in cell.outcome) return [`${where}: threw ${cell.outcome.threw}`];
    if (cell.outcome.accepted) return [`${where}: accepted ${cell.outcome.accepted.id}`];
    if (cell.outcome.attempts > maxAttempts) return [`${where}: ${cell.outcome.attempts} attempts`];
    // unknown-error is for local trouble; a hostile peer's doing must be named as the peer's.
    if (cell.outcome.status === 'unknown-error') return [`${where}: unknown-error ${cell.outcome.error ?? ''}`];
    return [];
  });
  assert.deepEqual(bad, []);
});

test('no login connection reads past its byte cap', () => {
  const over = cells.filter((cell) => cell.ledger.overCap > 0);
  assert.deepEqual(
    over.map((cell) => `${cell.protocol}/${cell.behaviour}: ${cell.ledger.worst.bytesRead} > ${cell.ledger.worst.cap}`),
    [],
  );
});
