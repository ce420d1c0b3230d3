// dialTls against real node:tls servers on 127.0.0.1, with certificates made here by
// Debian's openssl; the details the dialer reports are compared with what openssl itself
// prints for the same files. Failures (non-TLS peers, tarpits, scope) are in tls-failures.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type SecureContext, type TLSSocket, type TlsOptions as TlsServerOptions } from 'node:tls';
import { createDialer, type DialerOptions } from './dialer.ts';
import { buildScope } from './scope.ts';

const fastRate = { connectionsPerSecond: 10_000, maxConcurrent: 64, perHostConcurrent: 8 };
let directory = '';

function openssl(args: readonly string[]): string {
  try {
    return execFileSync('openssl', args, { cwd: directory, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw new Error(`openssl ${args.join(' ')} failed (is Debian's openssl installed?): ${error instanceof Error ? error.message : String(error)}`);
  }
}

before(() => {
  directory = mkdtempSync(join(tmpdir(), 'opennotice-tls-'));
  // An expired, self-signed RSA certificate with SANs, through `openssl ca` (OpenSSL 3.0's
  // `req` cannot back-date), and a name that needs escaping.
  writeFileSync(join(directory, 'index.txt'), '');
  writeFileSync(join(directory, 'serial'), '00ABCDEF0123\n');
  writeFileSync(
    join(directory, 'ca.cnf'),
    [
      '[ca]',
      'default_ca = test',
      '[test]',
      'database = index.txt',
      'serial = serial',
      'new_certs_dir = .',
      'default_md = sha256',
      'policy = any',
      'unique_subject = no',
      'copy_extensions = copy',
      '[any]',
      'countryName = optional',
      'organizationName = optional',
      'organizationalUnitName = optional',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  openssl([
    'req',
    '-new',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'expired.key',
    '-out',
    'expired.csr',
    '-subj',
    '/C=JP/O=Example, Inc./OU=a\\+b/CN=cam.example',
    '-addext',
    'subjectAltName=DNS:cam.example,DNS:*.cam.example,IP:127.0.0.1,IP:::1,email:admin@cam.example',
  ]);
  openssl([
    'ca',
    '-batch',
    '-config',
    'ca.cnf',
    '-selfsign',
    '-keyfile',
    'expired.key',
    '-in',
    'expired.csr',
    '-out',
    'expired.pem',
    '-notext',
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20210101000000Z',
  ]);
  // A small chain: an EC root and a leaf it signed.
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-subj', '/CN=Survey Test Root', '-days', '2', '-keyout', 'root.key', '-out', 'root.pem']);
  openssl(['req', '-new', ...ec, '-subj', '/CN=leaf.example', '-addext', 'subjectAltName=DNS:leaf.example', '-keyout', 'leaf.key', '-out', 'leaf.csr']);
  openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-days', '2', '-copy_extensions', 'copy', '-out', 'leaf.pem']);
});

after(() => {
  if (directory) rmSync(directory, { recursive: true, force: true });
});

const file = (name: string) => readFileSync(join(directory, name));

async function listen(server: Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return address.port;
}

/** A TLS server whose SNICallback records every name a client sent. */
async function tlsPeer(options: TlsServerOptions, onSecure: (socket: TLSSocket) => void) {
  const names: string[] = [];
  const SNICallback = (name: string, callback: (error: Error | null, context?: SecureContext) => void) => {
    names.push(name);
    callback(null, undefined);
  };
  const server = createTlsServer({ ...options, SNICallback }, onSecure);
  server.on('tlsClientError', () => {});
  const port = await listen(server);
  return { server, port, names };
}

function dialerFor(extra: Partial<DialerOptions> = {}) {
  return createDialer({ scope: buildScope({ allow: ['127.0.0.1'] }), rate: fastRate, ...extra });
}

function opensslField(output: string, name: string): string {
  const line = output.split('\n').find((candidate) => candidate.startsWith(`${name}=`));
  if (!line) throw new Error(`openssl printed no ${name}`);
  return line.slice(name.length + 1);
}

test('an expired self-signed certificate is accepted and described exactly as openssl describes it', { timeout: 20_000 }, async () => {
  const peer = await tlsPeer({ key: file('expired.key'), cert: file('expired.pem'), ALPNProtocols: ['h2', 'http/1.1'] }, (socket) => socket.end());
  const dialer = dialerFor();
  try {
    const connection = await dialer.dialTls({ ip: '127.0.0.1', port: peer.port }, { servername: 'cam.example', alpn: ['http/1.1'] });
    const { tls } = connection;
    connection.close();

    const printed = openssl(['x509', '-in', 'expired.pem', '-noout', '-fingerprint', '-sha256', '-serial', '-dates', '-dateopt', 'iso_8601']);
    const certificate = tls.certificate;
    assert.ok(certificate, 'certificate details present');
    assert.equal(certificate.fingerprintSha256, opensslField(printed, 'sha256 Fingerprint'));
    assert.equal(certificate.serialNumber, opensslField(printed, 'serial'));
    assert.equal(certificate.validFrom, new Date(opensslField(printed, 'notBefore').replace(' ', 'T')).toISOString());
    assert.equal(certificate.validTo, new Date(opensslField(printed, 'notAfter').replace(' ', 'T')).toISOString());
    assert.equal(certificate.validTo, '2021-01-01T00:00:00.000Z');

    const names = openssl(['x509', '-in', 'expired.pem', '-noout', '-subject', '-issuer', '-nameopt', 'esc_2253,esc_ctrl,utf8,sep_multiline,sname']);
    const [, subjectLines, issuerLines] = names.split(/^(?:subject|issuer)=\n/m).map((block) => block.split('\n').map((line) => line.trim()));
    assert.equal(certificate.subject.text, subjectLines!.filter(Boolean).join(', '));
    assert.equal(certificate.issuer.text, issuerLines!.filter(Boolean).join(', '));
    assert.deepEqual(certificate.subject.attributes, [
      { type: 'C', value: 'JP' },
      { type: 'O', value: 'Example, Inc.' },
      { type: 'OU', value: 'a+b' },
      { type: 'CN', value: 'cam.example' },
    ]);
    assert.equal(certificate.subject.commonName, 'cam.example');

    const sanLine = openssl(['x509', '-in', 'expired.pem', '-noout', '-ext', 'subjectAltName']).split('\n')[1]!.trim();
    const sans = sanLine.split(', ');
    assert.deepEqual(
      certificate.subjectAltNames.dns,
      sans.filter((entry) => entry.startsWith('DNS:')).map((entry) => entry.slice(4)),
    );
    assert.deepEqual(
      sans.filter((entry) => entry.startsWith('IP Address:')),
      ['IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1'],
    );
    assert.deepEqual(certificate.subjectAltNames.ip, ['127.0.0.1', '::1']);
    assert.deepEqual(certificate.subjectAltNames.other, ['email:admin@cam.example']);

    assert.match(openssl(['x509', '-in', 'expired.pem', '-noout', '-text']), /Public-Key: \(2048 bit\)/);
    assert.deepEqual(certificate.publicKey, { algorithm: 'rsa', bits: 2048 });
    assert.equal(certificate.selfSigned, true);
    assert.equal(certificate.signatureAlgorithm, 'sha256WithRSAEncryption');
    assert.equal(tls.authorized, false, 'recorded as untrusted, yet connected');
    assert.ok(tls.authorizationError, 'the verification error is recorded');
    assert.deepEqual(tls.chainFingerprintsSha256, [certificate.fingerprintSha256]);

    assert.match(tls.version, /^TLSv1(\.[0-3])?$/);
    assert.ok(tls.cipher.name.length > 0);
    assert.equal(tls.alpn, 'http/1.1');
    assert.equal(tls.servername, 'cam.example');
    assert.deepEqual(peer.names, ['cam.example'], 'SNI reached the server');
    assert.deepEqual(JSON.parse(JSON.stringify(tls)), tls, 'plain JSON-able data');
  } finally {
    peer.server.close();
  }
});

test('SNI is sent only when a host name is given, never for an IP literal; no ALPN unless offered', { timeout: 20_000 }, async () => {
  const peer = await tlsPeer({ key: file('expired.key'), cert: file('expired.pem'), ALPNProtocols: ['http/1.1'] }, (socket) => socket.end());
  const dialer = dialerFor();
  try {
    const plain = await dialer.dialTls({ ip: '127.0.0.1', port: peer.port });
    assert.equal(plain.tls.servername, undefined);
    assert.equal(plain.tls.alpn, undefined);
    plain.close();
    const literal = await dialer.dialTls({ ip: '127.0.0.1', port: peer.port }, { servername: '127.0.0.1' });
    assert.equal(literal.tls.servername, undefined);
    literal.close();
    const bogus = await dialer.dialTls({ ip: '127.0.0.1', port: peer.port }, { servername: 'bad name\u0000.example' });
    bogus.close();
    assert.deepEqual(peer.names, [], 'the server saw no SNI at all');
    const named = await dialer.dialTls({ ip: '127.0.0.1', port: peer.port }, { servername: 'Cam.Example.' });
    named.close();
    assert.deepEqual(peer.names, ['cam.example']);
  } finally {
    peer.server.close();
  }
});

test('a chain is reported leaf first, and an EC key with its curve', { timeout: 20_000 }, async () => {
  const peer = await tlsPeer({ key: file('leaf.key'), cert: Buffer.concat([file('leaf.pem'), file('root.pem')]) }, (socket) => socket.end());
  const dialer = dialerFor();
  try {
    const connection = await dialer.dialTls({ ip: '127.0.0.1', port: peer.port }, { servername: 'leaf.example' });
    connection.close();
    const fingerprint = (name: string) => opensslField(openssl(['x509', '-in', name, '-noout', '-fingerprint', '-sha256']), 'sha256 Fingerprint');
    assert.deepEqual(connection.tls.chainFingerprintsSha256, [fingerprint('leaf.pem'), fingerprint('root.pem')]);
    assert.equal(connection.tls.certificate?.selfSigned, false);
    assert.equal(connection.tls.certificate?.issuer.commonName, 'Survey Test Root');
    assert.deepEqual(connection.tls.certificate?.publicKey, { algorithm: 'ec', curve: 'prime256v1', bits: 256 });
  } finally {
    peer.server.close();
  }
});

test('reads and writes go over the encrypted stream, under the same byte accounting', { timeout: 20_000 }, async () => {
  const peer = await tlsPeer({ key: file('leaf.key'), cert: file('leaf.pem') }, (socket) => {
    socket.on('data', (data) => socket.write(Buffer.from(data.toString('latin1').toUpperCase(), 'latin1')));
    socket.on('error', () => {});
  });
  const dialer = dialerFor();
  try {
    const connection = await dialer.dialTls({ ip: '127.0.0.1', port: peer.port });
    await connection.write('ping\r\n');
    const { data } = await connection.readUntil((bytes) => bytes.includes('\r\n'));
    assert.equal(data.toString(), 'PING\r\n');
    assert.equal(connection.bytesWritten, 6);
    assert.equal(connection.bytesRead, 6);
    connection.close();
    assert.equal(dialer.stats().open, 0);
    assert.equal(dialer.stats().dialedBy.tls, 1);
  } finally {
    peer.server.close();
  }
});

test('TLS sends from the source addresses too', { timeout: 20_000 }, async () => {
  const sources: string[] = [];
  const peer = await tlsPeer({ key: file('leaf.key'), cert: file('leaf.pem') }, (socket) => socket.end());
  peer.server.on('connection', (socket: Socket) => sources.push(socket.remoteAddress ?? ''));
  const dialer = dialerFor({ sourceAddresses: ['127.0.0.2', '127.0.0.3'] });
  try {
    for (let round = 0; round < 2; round++) (await dialer.dialTls({ ip: '127.0.0.1', port: peer.port })).close();
    assert.deepEqual([...sources].sort(), ['127.0.0.2', '127.0.0.3']);
  } finally {
    peer.server.close();
  }
});

test('a TLS 1.0-only device still handshakes (the survey offers legacy versions)', { timeout: 20_000 }, async () => {
  const peer = await tlsPeer(
    { key: file('expired.key'), cert: file('expired.pem'), minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' },
    (socket) => socket.end(),
  );
  try {
    const connection = await dialerFor().dialTls({ ip: '127.0.0.1', port: peer.port });
    connection.close();
    assert.equal(connection.tls.version, 'TLSv1');
  } finally {
    peer.server.close();
  }
});

test('an endless TLS stream stops at the byte cap, counted in decrypted bytes', { timeout: 20_000 }, async () => {
  const peer = await tlsPeer({ key: file('leaf.key'), cert: file('leaf.pem') }, (socket) => {
    const chunk = Buffer.alloc(16 * 1024, 0x42);
    const pump = () => {
      while (!socket.destroyed && socket.write(chunk));
    };
    socket.on('drain', pump);
    socket.on('error', () => {});
    pump();
  });
  const dialer = dialerFor({ limits: { maxBytes: 50_000, deadlineMs: 5000 } });
  try {
    const connection = await dialer.dialTls({ ip: '127.0.0.1', port: peer.port });
    const result = await connection.readUntil(() => false);
    assert.equal(result.end, 'byte-cap-exceeded');
    assert.equal(result.data.length, 50_000);
    assert.equal(connection.bytesRead, 50_000);
    assert.equal(dialer.stats().open, 0);
  } finally {
    peer.server.close();
  }
});
