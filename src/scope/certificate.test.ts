import { test } from 'node:test';
import assert from 'node:assert/strict';
import { certificateBounds, parseDistinguishedName, parseSubjectAltNames } from './certificate.ts';
import { classifyHandshakeError, sniName } from './tls-connection.ts';
import { addressFamily, checkTarget } from './target-address.ts';
import { buildScope } from './scope.ts';

test('distinguished names keep order, unescape RFC 4514 and split multi-valued RDNs', () => {
  // The text Node (and openssl -nameopt esc_2253,esc_ctrl,utf8,sep_multiline,sname) prints.
  const name = parseDistinguishedName('C=JP\nO=Caf\u00e9\\, K.K.\nOU=x\\+y + OU=z\nCN=a\\0Ab\\\\\nCN=second');
  assert.deepEqual(name.attributes, [
    { type: 'C', value: 'JP' },
    { type: 'O', value: 'Caf\u00e9, K.K.' },
    { type: 'OU', value: 'x+y' },
    { type: 'OU', value: 'z' },
    { type: 'CN', value: 'a\nb\\' },
    { type: 'CN', value: 'second' },
  ]);
  assert.equal(name.text, 'C=JP, O=Caf\u00e9\\, K.K., OU=x\\+y + OU=z, CN=a\\0Ab\\\\, CN=second');
  assert.equal(name.commonName, 'second');
  assert.deepEqual(parseDistinguishedName(''), { text: '', attributes: [] });
});

test('subject alternative names: quoted entries cannot forge others, IPv6 is normalised', () => {
  assert.deepEqual(
    parseSubjectAltNames('DNS:"evil.example, DNS:bank.example", DNS:ok.example, IP Address:192.0.2.1, IP Address:2001:DB8:0:0:0:0:0:1, URI:http://x'),
    {
      dns: ['evil.example, DNS:bank.example', 'ok.example'],
      ip: ['192.0.2.1', '2001:db8::1'],
      other: ['URI:http://x'],
    },
  );
  assert.deepEqual(parseSubjectAltNames(undefined), { dns: [], ip: [], other: [] });
});

test('a hostile certificate keeps bounded names: 64 KiB values, thousands of attributes and alternative names are cut', () => {
  // Regression (R4): an HTTPS grab of a device whose certificate had a 64 KiB common name kept
  // 132,353 characters of it in the result (subject text, common name, and again in detection).
  const huge = parseDistinguishedName(`CN=${'\\00\\1B[31m'.repeat(8000)}${'N'.repeat(64 * 1024)}`);
  assert.ok(huge.text.length <= certificateBounds.nameTextChars, `text ${huge.text.length}`);
  assert.ok(huge.text.startsWith('CN=\\00\\1B[31m'));
  assert.equal(huge.attributes.length, 1);
  assert.ok((huge.commonName ?? '').length <= certificateBounds.attributeChars);
  assert.equal(huge.commonName?.slice(0, 6), '\u0000\u001b[31m');
  const stuffed = parseDistinguishedName(Array.from({ length: 5000 }, (_, index) => `OU=unit ${index}`).join('\n'));
  assert.equal(stuffed.attributes.length, certificateBounds.nameAttributes);
  assert.deepEqual(stuffed.attributes[0], { type: 'OU', value: 'unit 0' });
  const names = parseSubjectAltNames(Array.from({ length: 5000 }, (_, index) => `DNS:${'d'.repeat(1000)}${index}.example`).join(', '));
  assert.equal(names.dns.length, certificateBounds.altNames);
  assert.ok(names.dns.every((name) => name.length <= certificateBounds.altNameChars));
});

test('a cut name never ends in half a surrogate pair', () => {
  const name = parseDistinguishedName(`CN=${'a'.repeat(certificateBounds.attributeChars - 1)}\u{1F600}`);
  assert.equal(name.commonName, 'a'.repeat(certificateBounds.attributeChars - 1));
});

test('SNI names: host names only, lower case, no trailing dot', () => {
  assert.equal(sniName('Cam.Example.'), 'cam.example');
  assert.equal(sniName('xn--caf-dma.example'), 'xn--caf-dma.example');
  for (const rejected of [undefined, '', '.', '192.0.2.1', '::1', 'a b.example', 'caf\u00e9.example', '-x.example', `${'a'.repeat(64)}.example`]) {
    assert.equal(sniName(rejected), undefined, String(rejected));
  }
});

test('handshake errors are told apart: not TLS, a failed TLS handshake, a close', () => {
  const error = (code: string, reason?: string) => Object.assign(new Error(code), { code, reason });
  assert.equal(classifyHandshakeError(error('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number')).code, 'not-tls');
  assert.equal(classifyHandshakeError(error('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'sslv3 alert handshake failure')).code, 'tls-handshake-failed');
  assert.equal(classifyHandshakeError(error('ECONNRESET')).code, 'closed-during-handshake');
  assert.deepEqual(classifyHandshakeError(error('EMFILE')), { status: 'unknown-error', code: 'socket-error', message: 'TLS handshake: EMFILE' });
});

test('the one address check: IPv4 and IPv6 literals in scope on a real port', () => {
  const scope = buildScope({ allow: ['127.0.0.0/24', '::1'], exclude: ['127.0.0.9'] });
  assert.equal(addressFamily('127.0.0.1'), 4);
  assert.equal(addressFamily('::1'), 6);
  assert.equal(addressFamily('2001:db8::7'), 6);
  // Reaches the IPv4 host past the IPv4 scope; a zone or spaces are not literals the scope knows.
  assert.equal(addressFamily('::ffff:127.0.0.1'), undefined);
  assert.equal(addressFamily('fe80::1%eth0'), undefined);
  assert.equal(addressFamily(' ::1'), undefined);
  assert.equal(addressFamily('127.000.0.1'), undefined);
  assert.deepEqual(checkTarget(scope, { ip: '127.0.0.1', port: 23 }), { family: 4 });
  assert.deepEqual(checkTarget(scope, { ip: '::1', port: 23 }), { family: 6 });
  const refusal = (ip: string, port: number) => {
    const checked = checkTarget(scope, { ip, port });
    return 'refused' in checked ? checked.refused : undefined;
  };
  assert.equal(refusal('127.0.0.9', 23), 'out-of-scope');
  assert.equal(refusal('localhost', 23), 'unsupported-address');
  assert.equal(refusal('127.0.0.1', 65536), 'invalid-port');
});
