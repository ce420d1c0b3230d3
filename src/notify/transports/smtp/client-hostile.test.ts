// The SMTP client against scripted servers: silent, flooding, old (no EHLO), refusing, and
// STARTTLS with the test certificate in test/fixtures/smtp/ (valid for localhost and 127.0.0.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { OutgoingMessage } from '../types.ts';
import { createSmtpTransport, type SmtpTransportOptions } from './client.ts';
import { fixturePath } from '../../../../test/support/fixtures.ts';

const key = readFileSync(fixturePath('smtp/localhost-test.key'), 'utf8');
const cert = readFileSync(fixturePath('smtp/localhost-test.crt'), 'utf8');
const message: OutgoingMessage = {
  idempotencyKey: 'k',
  from: 'notice@cert.example',
  to: ['abuse@isp.example'],
  subject: 'Report',
  text: 'Hello\n',
  attachments: [],
};

/** What the scripted server saw: each command line and whether it came over TLS. */
interface Seen {
  line: string;
  tls: boolean;
}

/**
 * A line-based server driven by `answer(line)`: return the reply text, 'STARTTLS-GO' to answer
 * 220 and switch to TLS, or undefined to stay silent. DATA content lines are collected until ".".
 */
async function scripted(
  greeting: string | undefined,
  answer: (line: string, tls: boolean) => string | undefined,
): Promise<{ port: number; seen: Seen[]; server: Server; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((plain) => {
    sockets.add(plain);
    plain.on('error', () => plain.destroy());
    let inData = false;
    const listen = (socket: Socket, tls: boolean) => {
      let buffered = '';
      socket.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('latin1');
        for (let newline = buffered.indexOf('\r\n'); newline !== -1; newline = buffered.indexOf('\r\n')) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 2);
          if (inData) {
            if (line === '.') {
              inData = false;
              const reply = answer('.', tls);
              if (reply) socket.write(`${reply}\r\n`);
            }
            continue;
          }
          seen.push({ line, tls });
          const reply = answer(line, tls);
          if (reply === 'STARTTLS-GO') {
            socket.removeAllListeners('data');
            socket.write('220 2.0.0 Ready to start TLS\r\n');
            const secure = new TLSSocket(socket, { isServer: true, key, cert });
            secure.on('error', () => secure.destroy());
            listen(secure, true);
            return;
          }
          if (line.toUpperCase() === 'DATA' && reply?.startsWith('354')) inData = true;
          if (reply !== undefined) socket.write(`${reply}\r\n`);
        }
      });
    };
    listen(plain, false);
    if (greeting !== undefined) plain.write(`${greeting}\r\n`);
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    seen,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A well-behaved server's answers, with STARTTLS and AUTH offered as asked. */
function politeAnswers(offer: { startTls?: boolean; auth?: boolean }) {
  return (line: string, tls: boolean): string | undefined => {
    const verb = line.slice(0, 4).toUpperCase();
    if (verb === 'EHLO')
      return ['250-mx.test', ...(offer.startTls && !tls ? ['250-STARTTLS'] : []), ...(offer.auth ? ['250-AUTH PLAIN'] : []), '250 8BITMIME'].join('\r\n');
    if (verb === 'STAR') return 'STARTTLS-GO';
    if (verb === 'AUTH') return '235 2.7.0 ok';
    if (verb === 'MAIL' || verb === 'RCPT') return '250 ok';
    if (verb === 'DATA') return '354 go ahead';
    if (line === '.') return '250 2.0.0 queued';
    if (verb === 'QUIT') return '221 bye';
    return '502 unknown';
  };
}

const transport = (port: number, extra: Partial<SmtpTransportOptions> = {}) =>
  createSmtpTransport({ host: '127.0.0.1', port, heloName: 'notice.cert.example', timeoutMs: 2000, ...extra });

test('a server that never answers ends in a timeout outcome, not a hang', async () => {
  const server = await scripted(undefined, () => undefined);
  try {
    const outcome = await transport(server.port, { timeoutMs: 200 }).send(message);
    assert.equal(outcome.status, 'temporary-failure');
    assert.match(outcome.detail, /^greeting: no reply to greeting within 200 ms/);
  } finally {
    await server.close();
  }
});

test('silence after the end of data is a timeout flagged as possibly delivered', async () => {
  const polite = politeAnswers({});
  const server = await scripted('220 mx.test', (line, tls) => (line === '.' ? undefined : polite(line, tls)));
  try {
    const outcome = await transport(server.port, { timeoutMs: 300 }).send(message);
    assert.equal(outcome.status, 'temporary-failure');
    assert.match(outcome.detail, /^end of data: no reply to end of data within 300 ms.*may have accepted/);
  } finally {
    await server.close();
  }
});

test('an endless reply line is cut off at the bound and fails the delivery', async () => {
  let written = 0;
  const server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    const chunk = Buffer.alloc(16 * 1024, 0x41);
    const flood = () => {
      // Bounded: at most 64 MiB, far past the client's 4 KiB line limit.
      while (!socket.destroyed && written < 64 * 1024 * 1024 && socket.write(chunk)) written += chunk.length;
    };
    socket.write('220-');
    socket.on('drain', flood);
    flood();
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  try {
    const address = server.address();
    const outcome = await transport(typeof address === 'object' && address ? address.port : 0).send(message);
    assert.equal(outcome.status, 'temporary-failure');
    assert.match(outcome.detail, /reply line longer than 4096 bytes/);
    assert.ok(written < 64 * 1024 * 1024, 'the client hung up long before the flood ended');
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test('a server that refuses EHLO gets HELO; a 554 greeting is permanent', async () => {
  const polite = politeAnswers({});
  const old = await scripted('220 old.test', (line, tls) =>
    line.startsWith('EHLO') ? '502 5.5.1 what?' : line.startsWith('HELO') ? '250 old.test' : polite(line, tls),
  );
  const closed = await scripted('554 5.3.2 no service for you', () => '503 no');
  try {
    assert.equal((await transport(old.port).send(message)).status, 'delivered');
    assert.deepEqual(
      old.seen.slice(0, 3).map((entry) => entry.line),
      ['EHLO notice.cert.example', 'HELO notice.cert.example', 'MAIL FROM:<notice@cert.example>'],
    );
    const refused = await transport(closed.port).send(message);
    assert.deepEqual(refused, { status: 'permanent-failure', detail: 'greeting: 554 5.3.2 no service for you' });
  } finally {
    await old.close();
    await closed.close();
  }
});

test('STARTTLS upgrades the session before AUTH and MAIL, trusting the configured CA', async () => {
  const server = await scripted('220 mx.test', politeAnswers({ startTls: true, auth: true }));
  try {
    const outcome = await transport(server.port, { startTls: 'required', tls: { ca: cert }, auth: { username: 'u', password: 'p' } }).send(message);
    assert.equal(outcome.status, 'delivered');
    const lines = server.seen.map((entry) => `${entry.tls ? 'tls' : 'plain'} ${entry.line.split(' ')[0]}`);
    assert.deepEqual(lines.slice(0, 6), ['plain EHLO', 'plain STARTTLS', 'tls EHLO', 'tls AUTH', 'tls MAIL', 'tls RCPT']);
  } finally {
    await server.close();
  }
});

test('required STARTTLS that is not offered, or an untrusted certificate, stops before MAIL', async () => {
  const plainOnly = await scripted('220 mx.test', politeAnswers({ auth: true }));
  const untrusted = await scripted('220 mx.test', politeAnswers({ startTls: true }));
  try {
    const notOffered = await transport(plainOnly.port, { startTls: 'required' }).send(message);
    assert.equal(notOffered.status, 'temporary-failure');
    assert.match(notOffered.detail, /STARTTLS is required/);
    assert.ok(!plainOnly.seen.some((entry) => entry.line.startsWith('MAIL')));
    const badCert = await transport(untrusted.port, { startTls: 'opportunistic' }).send(message);
    assert.equal(badCert.status, 'temporary-failure');
    assert.match(badCert.detail, /^TLS handshake: .*certificate/i);
    assert.ok(!untrusted.seen.some((entry) => entry.line.startsWith('MAIL')));
  } finally {
    await plainOnly.close();
    await untrusted.close();
  }
});

test('with startTls "never" the offer is ignored and the message goes in the clear', async () => {
  const server = await scripted('220 mx.test', politeAnswers({ startTls: true }));
  try {
    assert.equal((await transport(server.port, { startTls: 'never' }).send(message)).status, 'delivered');
    assert.ok(server.seen.every((entry) => !entry.tls && entry.line !== 'STARTTLS'));
  } finally {
    await server.close();
  }
});
