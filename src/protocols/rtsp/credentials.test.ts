import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DictionaryEntry } from '../../assess/credentials/dictionary.ts';
import type { CredentialAttempt, ServiceObservation } from '../../core/records.ts';
import { rtspPersonas } from '../../lab/services/rtsp-personas.ts';
import type { RtspCamera } from '../../lab/services/rtsp-server.ts';
import { createLoopbackContext } from '../../../test/support/loopback-context.ts';
import { startLabRtspCamera, type LabRtspCamera } from '../../../test/support/lab/rtsp-camera.ts';
import { startHostileTcpPeer } from '../../../test/support/hostile-peers.ts';
import type { ObservedService } from '../credential-checker.ts';
import { rtspChecker } from './credentials.ts';
import type { RtspResult } from './grabber.ts';
import rtsp from './index.ts';

const ctx = createLoopbackContext({ ioTimeoutMs: 400, deadlineMs: 3000, maxBytes: 128 * 1024 });
const entry = (id: string, username: string, password: string): DictionaryEntry => ({
  id,
  username,
  password,
  reason: 'trivial',
  sources: ['pattern'],
  rank: 7,
  vendors: [],
  protocols: [],
});
const entries = [entry('r1', 'root', 'root'), entry('r2', 'admin', '1234'), entry('r3', 'admin', 'admin'), entry('r4', 'admin', 'never-tried')];
const weak = { username: 'admin', password: 'admin' };

/** Grab the camera as a survey would, then run the checker on that observation. */
async function grabAndCheck(camera: LabRtspCamera, list: readonly DictionaryEntry[] = entries, maxAttempts = 10) {
  const grabbed = await rtsp.grab(ctx, { ip: '127.0.0.1', port: camera.port });
  assert.equal(grabbed.status, 'success', grabbed.error);
  const service: ServiceObservation = {
    ip: '127.0.0.1',
    port: camera.port,
    protocol: 'rtsp',
    status: 'success',
    result: grabbed.result,
    durationMs: 1,
    observedAt: '',
  };
  const connectionsAfterGrab = camera.connections.length;
  assert.equal(rtsp.credentials?.appliesTo(service), true);
  const audit: CredentialAttempt[] = [];
  const outcome = await rtspChecker.check(ctx, service as ObservedService<RtspResult>, list, { maxAttempts, audit: (attempt) => audit.push(attempt) });
  await camera.close();
  return { outcome, audit, checkConnections: camera.connections.slice(connectionsAfterGrab) };
}

async function camera(setup: RtspCamera) {
  return startLabRtspCamera(setup);
}

/** The DESCRIBE requests a connection carried, and what came after the last one (must be nothing). */
function describes(received: Buffer) {
  const text = received.toString('latin1');
  const requests = text.split(/(?=^[A-Z_]+ rtsp:\/\/)/m).filter((part) => part.length > 0);
  return { requests, methods: requests.map((request) => request.split(' ')[0]), endsWithBlankLine: text.endsWith('\r\n\r\n') };
}

test('Basic found: one connection, one DESCRIBE per try, stops at the first success, nothing after it', async () => {
  const lab = await camera({ persona: rtspPersonas.hikvision, auth: 'basic', credential: weak });
  const { outcome, audit, checkConnections } = await grabAndCheck(lab);
  assert.equal(outcome.status, 'success', outcome.error);
  assert.equal(outcome.accepted?.id, 'r3');
  assert.equal(outcome.attempts, 3);
  assert.deepEqual(outcome.evidence, { scheme: 'basic', path: '/', realm: 'Hikvision', connections: 1, responseStatus: 200 });
  assert.deepEqual(
    audit.map((attempt) => [attempt.dictionaryEntryId, attempt.outcome, attempt.protocol]),
    [
      ['r1', 'rejected', 'rtsp'],
      ['r2', 'rejected', 'rtsp'],
      ['r3', 'accepted', 'rtsp'],
    ],
  );
  assert.ok(audit.every((attempt) => !JSON.stringify(attempt).includes('1234')));
  assert.equal(checkConnections.length, 1);
  const sent = describes(checkConnections[0]!.received());
  assert.deepEqual(sent.methods, ['DESCRIBE', 'DESCRIBE', 'DESCRIBE']);
  assert.match(sent.requests.at(-1)!, /^Authorization: Basic YWRtaW46YWRtaW4=\r\n\r\n$/m);
  assert.ok(sent.endsWithBlankLine, 'the accepted DESCRIBE is the last byte sent');
  const stats = lab.stats();
  assert.deepEqual([stats.loginAttempts, stats.successfulLogins, stats.failedLogins, stats.commandsAfterLogin, stats.bytesAfterLogin], [3, 1, 2, 0, 0]);
});

test('Digest found: a challenge first (not a try), then the RFC 2069 answer the camera verifies on its own', async () => {
  const lab = await camera({ persona: rtspPersonas.dahua, auth: 'digest', credential: weak });
  const { outcome, audit, checkConnections } = await grabAndCheck(lab);
  assert.equal(outcome.accepted?.id, 'r3');
  assert.equal(outcome.attempts, 3);
  assert.deepEqual(
    audit.map((attempt) => attempt.outcome),
    ['rejected', 'rejected', 'accepted'],
  );
  assert.equal(checkConnections.length, 1);
  const sent = describes(checkConnections[0]!.received());
  assert.deepEqual(sent.methods, ['DESCRIBE', 'DESCRIBE', 'DESCRIBE', 'DESCRIBE']);
  assert.doesNotMatch(sent.requests[0]!, /Authorization/);
  assert.match(
    sent.requests.at(-1)!,
    /Authorization: Digest username="admin", realm="Login to 5J03E9APAZ4C1D7", nonce="[0-9a-f]{32}", uri="rtsp:\/\/127\.0\.0\.1:\d+\/", response="[0-9a-f]{32}"\r\n\r\n$/,
  );
  assert.deepEqual([lab.stats().successfulLogins, lab.stats().commandsAfterLogin, lab.stats().bytesAfterLogin], [1, 0, 0]);
});

test('Digest on a camera that hangs up after two failures: a new connection and a new nonce, then found', async () => {
  const lab = await camera({ persona: rtspPersonas.hipcam, auth: 'digest', credential: { username: 'admin', password: 'never-tried' } });
  const { outcome, audit, checkConnections } = await grabAndCheck(lab);
  assert.equal(outcome.accepted?.id, 'r4');
  // The hang-up is seen before the third try; were it seen only after, that try would be logged as an error and repeated.
  assert.deepEqual(
    audit.filter((attempt) => attempt.outcome !== 'error').map((attempt) => [attempt.dictionaryEntryId, attempt.outcome]),
    [
      ['r1', 'rejected'],
      ['r2', 'rejected'],
      ['r3', 'rejected'],
      ['r4', 'accepted'],
    ],
  );
  assert.ok(outcome.attempts <= 5);
  // r1 and r2 on the first; r3 on the second, sent once more with that connection's own nonce
  // (the camera counts the one with the old nonce as a failure too); r4 on a third, opened by the
  // checker itself because the camera was known to hang up after two failures.
  assert.equal(checkConnections.length, 3);
  assert.equal(outcome.evidence.connections, 3);
  assert.deepEqual([lab.stats().failedLogins, lab.stats().successfulLogins, lab.stats().commandsAfterLogin], [4, 1, 0]);
});

test('a strong credential is not found: every pair refused and audited, the cap holds', async () => {
  const strong = { username: 'admin', password: 'x7#Lq9!vR2' };
  const basic = await grabAndCheck(await camera({ persona: rtspPersonas.dahua, auth: 'basic', credential: strong }));
  assert.equal(basic.outcome.status, 'success');
  assert.equal(basic.outcome.accepted, undefined);
  assert.equal(basic.outcome.attempts, 4);
  assert.deepEqual(
    basic.audit.map((attempt) => attempt.outcome),
    ['rejected', 'rejected', 'rejected', 'rejected'],
  );
  const capped = await grabAndCheck(await camera({ persona: rtspPersonas.dahua, auth: 'digest', credential: strong }), entries, 2);
  assert.equal(capped.outcome.accepted, undefined);
  assert.equal(capped.outcome.attempts, 2);
  assert.equal(describes(capped.checkConnections[0]!.received()).methods.length, 3, 'one challenge and two tries');
});

test('an open stream is no-authentication, and the checker sends nothing for it', async () => {
  const lab = await camera({ persona: rtspPersonas.live555, auth: 'none' });
  const { outcome, audit, checkConnections } = await grabAndCheck(lab);
  assert.equal(outcome.noAuthentication, true);
  assert.equal(outcome.attempts, 0);
  assert.deepEqual(outcome.evidence, { openStream: true, path: '/live', sessionName: 'Session streamed by "live"', media: ['video/H264', 'audio/PCMA'] });
  assert.deepEqual([audit.length, checkConnections.length], [0, 0]);
  assert.deepEqual([lab.stats().loginAttempts, lab.stats().commandsAfterLogin, lab.stats().bytesAfterLogin], [0, 0, 0]);
});

test('hostile: a camera that answers a try with a status line and silence is left after two tries', async () => {
  const lab = await startLabRtspCamera({ hostile: 'status-then-silence' });
  const service: ObservedService<RtspResult> = {
    ip: '127.0.0.1',
    port: lab.port,
    protocol: 'rtsp',
    status: 'success',
    result: { status: 401, auth: { scheme: 'basic' }, authPath: '/' },
    durationMs: 1,
    observedAt: '',
  };
  const audit: CredentialAttempt[] = [];
  const timing = { answerWaitMs: 400, connectionDeadlineMs: 5000, backoffMs: 10, maxBackoffs: 1 };
  const outcome = await rtspChecker.check(ctx, service, entries, { maxAttempts: 10, timing, audit: (attempt) => audit.push(attempt) });
  await lab.close();
  assert.equal(outcome.status, 'io-timeout');
  assert.equal(outcome.attempts, 2);
  assert.deepEqual(
    audit.map((attempt) => attempt.outcome),
    ['error', 'error'],
  );
});

test('appliesTo: a Basic or Digest challenge with its path, or a stream described without credentials', () => {
  const base = { ip: '127.0.0.1', port: 554, protocol: 'rtsp', status: 'success' as const, durationMs: 1, observedAt: '' };
  const applies = (result: Partial<RtspResult>) => rtspChecker.appliesTo({ ...base, result });
  assert.equal(applies({ status: 401, auth: { scheme: 'digest', realm: 'x' }, authPath: '/' }), true);
  assert.equal(applies({ status: 200, path: '/live', sdp: { media: ['video/H264'] } }), true);
  assert.equal(applies({ status: 401, auth: { scheme: 'negotiate' }, authPath: '/' }), false);
  assert.equal(applies({ status: 401, auth: { scheme: 'basic' } }), false);
  assert.equal(applies({ status: 200, path: '/' }), false, '200 without a description is no stream');
  assert.equal(applies({ status: 404, path: '/stream1' }), false);
  assert.equal(rtspChecker.appliesTo({ ...base, status: 'io-timeout', result: { status: 401, auth: { scheme: 'basic' }, authPath: '/' } }), false);
});

/** Where a scripted camera stands with one connection: its number, and a hang-up after a delay. */
interface ScriptedConnection {
  index: number;
  end(afterMs: number): void;
}

/**
 * A Basic-auth RTSP camera whose every answer a test decides: accept (200), refuse (401) or say
 * nothing, per request, knowing which connection it came on. `credential` is the decoded
 * "user:password" of the request's Authorization, if any.
 */
async function scriptedBasicCamera(decide: (credential: string | undefined, connection: ScriptedConnection) => 'accept' | 'refuse' | 'silent') {
  const { createServer } = await import('node:net');
  let connections = 0;
  const server = createServer((socket) => {
    const connection: ScriptedConnection = { index: connections++, end: (afterMs) => setTimeout(() => socket.end(), afterMs) };
    let pending = '';
    socket.on('data', (chunk) => {
      pending += chunk.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
        const request = pending.slice(0, end);
        pending = pending.slice(end + 4);
        const cseq = /^CSeq: *(\d+)/im.exec(request)?.[1] ?? '0';
        const token = /^Authorization: *Basic (\S+)/im.exec(request)?.[1];
        const verdict = decide(token === undefined ? undefined : Buffer.from(token, 'base64').toString('utf8'), connection);
        if (verdict === 'silent') continue;
        socket.write(
          verdict === 'accept'
            ? `RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nContent-Type: application/sdp\r\nContent-Length: 0\r\n\r\n`
            : `RTSP/1.0 401 Unauthorized\r\nCSeq: ${cseq}\r\nWWW-Authenticate: Basic realm="cam"\r\nContent-Length: 0\r\n\r\n`,
        );
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const service: ObservedService<RtspResult> = {
    ip: '127.0.0.1',
    port,
    protocol: 'rtsp',
    status: 'success',
    result: { status: 401, auth: { scheme: 'basic', realm: 'cam' }, authPath: '/' },
    durationMs: 1,
    observedAt: '',
  };
  return { service, connections: () => connections, close: () => server.close() };
}

test('a try that goes unanswered is made again on a new connection: a slow moment does not hide the right pair', async () => {
  // A camera that swallows its first authenticated DESCRIBE (a lost answer on a loaded network)
  // and answers everything after it: 401 to wrong pairs, 200 to admin:admin.
  let swallowed = false;
  const camera = await scriptedBasicCamera((credential) => {
    if (credential !== undefined && !swallowed) {
      swallowed = true;
      return 'silent';
    }
    return credential === 'admin:admin' ? 'accept' : 'refuse';
  });
  try {
    const audit: CredentialAttempt[] = [];
    const timing = { answerWaitMs: 300, connectionDeadlineMs: 5000, backoffMs: 10, maxBackoffs: 1 };
    const outcome = await rtspChecker.check(ctx, camera.service, entries, { maxAttempts: 10, timing, audit: (attempt) => audit.push(attempt) });
    assert.equal(outcome.status, 'success');
    assert.equal(outcome.accepted?.username, 'admin');
    assert.equal(outcome.accepted?.password, 'admin');
    // root:root unanswered, root:root again on a new connection (refused), admin:1234 refused, admin:admin accepted.
    assert.deepEqual(
      audit.map((attempt) => attempt.outcome),
      ['error', 'rejected', 'rejected', 'accepted'],
    );
    assert.equal(outcome.pace?.retries, 1);
    assert.equal(camera.connections(), 2);
  } finally {
    camera.close();
  }
});

test('Digest on a camera that hangs up after two failures: the third pair is judged with its own connection’s nonce, and found', async () => {
  // The hang-up is seen as the third try dials again; that try's first answer is for the old
  // connection's nonce, not a verdict on the pair.
  const lab = await camera({ persona: rtspPersonas.hipcam, auth: 'digest', credential: weak });
  const { outcome, audit, checkConnections } = await grabAndCheck(lab);
  assert.equal(outcome.accepted?.id, 'r3', JSON.stringify(audit.map((attempt) => [attempt.dictionaryEntryId, attempt.outcome])));
  assert.equal(checkConnections.length, 2);
  assert.deepEqual([lab.stats().successfulLogins, lab.stats().commandsAfterLogin], [1, 0]);
});

test('a camera that hangs up late after every second refusal costs one wasted try, not one in three', async () => {
  // The hang-up comes 150 ms after the refusal (a loaded camera or network), long after the
  // checker's watch: the first is learned from the try it swallows, the rest are not waited for.
  const byConnection = new Map<number, { seen: string[]; refusals: number }>();
  const camera = await scriptedBasicCamera((credential, connection) => {
    const own = byConnection.get(connection.index) ?? { seen: [], refusals: 0 };
    byConnection.set(connection.index, own);
    if (own.refusals >= 2) return 'silent'; // hanging up: nothing more is read
    if (credential !== undefined) own.seen.push(credential);
    if (credential === 'admin:last') return 'accept';
    if (credential !== undefined && ++own.refusals >= 2) connection.end(150);
    return 'refuse';
  });
  try {
    const list = [...Array.from({ length: 8 }, (_, index) => entry(`w${index}`, 'admin', `wrong${index}`)), entry('last', 'admin', 'last')];
    const audit: CredentialAttempt[] = [];
    const timing = { answerWaitMs: 1000, connectionDeadlineMs: 5000, backoffMs: 10, maxBackoffs: 1 };
    // Room for the nine pairs and one wasted try: a checker that lost a try at every hang-up would run out.
    const outcome = await rtspChecker.check(ctx, camera.service, list, { maxAttempts: 10, timing, audit: (attempt) => audit.push(attempt) });
    assert.equal(outcome.accepted?.id, 'last', JSON.stringify(audit.map((attempt) => [attempt.dictionaryEntryId, attempt.outcome])));
    assert.equal(audit.filter((attempt) => attempt.outcome === 'error').length, 1);
    // After the first hang-up every connection carries two tries, the last the accepted one.
    assert.deepEqual(
      [...byConnection.values()].map((own) => own.seen.length),
      [2, 2, 2, 2, 1],
    );
  } finally {
    camera.close();
  }
});

test('hostile: an answer that drips in ends at the answer wait, not at the login connection deadline', async () => {
  // Found by the hostile matrix (test/hostile-credentials.test.ts): a byte every 200 ms defeated
  // the io timeout, so each try waited out the connection deadline (45 s in a survey), twice.
  const peer = await startHostileTcpPeer('127.169.20.3', 'drip', { greeting: Buffer.from('RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\n') });
  const service: ObservedService<RtspResult> = {
    ip: peer.host,
    port: peer.port,
    protocol: 'rtsp',
    status: 'success',
    result: { status: 401, auth: { scheme: 'basic' }, authPath: '/' },
    durationMs: 1,
    observedAt: '',
  };
  const timing = { answerWaitMs: 400, connectionDeadlineMs: 5000, backoffMs: 10, maxBackoffs: 1 };
  const started = performance.now();
  const outcome = await rtspChecker.check(ctx, service, entries, { maxAttempts: 10, timing, audit: () => undefined });
  const elapsedMs = performance.now() - started;
  await peer.close();
  assert.equal(outcome.accepted, undefined);
  assert.equal(outcome.status, 'io-timeout');
  // Two answer waits and margin, well under one 5 s connection deadline.
  assert.ok(elapsedMs < 3000, `${Math.round(elapsedMs)} ms`);
});
