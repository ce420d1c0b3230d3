/** Parsing single Cowrie lines: timestamps, addresses, id generations, field shapes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cowrieEventKind, parseCowrieLine, parseCowrieTimestamp } from './cowrie-event.ts';
import { canonicalAddress } from '../../scope/canonical-address.ts';
import { addressSortKey } from './source-address.ts';

test('timestamps in the shapes Cowrie releases and shippers have written', () => {
  const expected = Date.UTC(2018, 4, 6, 17, 44, 5, 866);
  assert.equal(parseCowrieTimestamp('2018-05-06T17:44:05.866769Z'), expected);
  assert.equal(parseCowrieTimestamp('2018-05-06T17:44:05.866769'), expected, 'no zone means UTC');
  assert.equal(parseCowrieTimestamp('2018-05-06 17:44:05.866769+0000'), expected);
  assert.equal(parseCowrieTimestamp('2018-05-06T19:44:05.866+02:00'), expected);
  assert.equal(parseCowrieTimestamp('2018-05-06T12:44:05.866-05'), expected);
  assert.equal(parseCowrieTimestamp(1525628645.866), expected);
  assert.equal(parseCowrieTimestamp('2018-05-06T17:44:05Z'), Date.UTC(2018, 4, 6, 17, 44, 5));
  for (const bad of ['2018-13-01T00:00:00Z', '2018-02-29T00:00:00Z', '2018-05-06T24:00:00Z', '2018-05-06', 'now', '', null, undefined, -5, Number.NaN, {}]) {
    assert.equal(parseCowrieTimestamp(bad), undefined, String(bad));
  }
  assert.equal(parseCowrieTimestamp('2020-02-29T00:00:00Z'), Date.UTC(2020, 1, 29), 'leap day');
});

test('addresses are canonical: IPv4-mapped IPv6 becomes IPv4, IPv6 is compressed lower-case', () => {
  assert.equal(canonicalAddress('192.0.2.7'), '192.0.2.7');
  assert.equal(canonicalAddress('::ffff:192.0.2.7'), '192.0.2.7');
  assert.equal(canonicalAddress('::FFFF:c000:0207'), '192.0.2.7');
  assert.equal(canonicalAddress('2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
  for (const bad of ['localhost', '192.0.2', '192.0.2.256', '010.0.0.1', '2001:db8::1::2', '']) assert.equal(canonicalAddress(bad), undefined, bad);
  assert.ok(addressSortKey('10.0.0.9') < addressSortKey('10.0.0.10'));
  assert.ok(addressSortKey('255.255.255.255') < addressSortKey('::1'));
});

test('event ids of all three generations map to kinds; unknown ones do not', () => {
  assert.equal(cowrieEventKind('cowrie.session.file_download'), 'download');
  assert.equal(cowrieEventKind('cowrie.command.failed'), 'other', 'failed repeats an input line already counted');
  assert.equal(cowrieEventKind('KIPP0002'), 'login-success');
  assert.equal(cowrieEventKind('COW0011'), 'closed');
  assert.equal(cowrieEventKind('KIPP0012'), 'other');
  for (const unknown of ['KIPP0000', 'KIPP0014', 'cowrie.new.thing', 'toString', '__proto__']) assert.equal(cowrieEventKind(unknown), undefined, unknown);
});

test('a login line keeps the username and drops the password', () => {
  const parsed = parseCowrieLine(
    JSON.stringify({
      eventid: 'cowrie.login.failed',
      username: 'admin',
      password: 'xc3511',
      src_ip: '198.51.100.4',
      session: 'abc',
      timestamp: '2018-05-24T00:07:26.375359Z',
      sensor: 'hp1',
      system: "SSHService 'ssh-userauth' on HoneyPotSSHTransport,5195,198.51.100.4",
    }),
  );
  assert.equal(parsed.type, 'event');
  if (parsed.type !== 'event') return;
  assert.deepEqual(parsed.event, {
    kind: 'login-failed',
    time: Date.UTC(2018, 4, 24, 0, 7, 26, 375),
    ip: '198.51.100.4',
    session: 'abc',
    sensor: 'hp1',
    protocol: 'ssh',
    username: 'admin',
  });
  assert.ok(!JSON.stringify(parsed).includes('xc3511'));
});

test('field shapes: protocol from the field or the transport name, quoted versions, digests, caps', () => {
  const parse = (fields: Record<string, unknown>) => {
    const parsed = parseCowrieLine(JSON.stringify({ timestamp: '2018-01-01T00:00:00Z', src_ip: '192.0.2.1', ...fields }));
    assert.equal(parsed.type, 'event');
    return parsed.type === 'event' ? parsed.event : undefined;
  };
  assert.equal(parse({ eventid: 'cowrie.session.connect', protocol: 'Telnet' })!.protocol, 'telnet');
  assert.equal(parse({ eventid: 'cowrie.login.failed', system: 'CowrieTelnetTransport,5,192.0.2.1' })!.protocol, 'telnet');
  assert.equal(parse({ eventid: 'cowrie.session.connect' })!.protocol, undefined);
  assert.equal(parse({ eventid: 'cowrie.client.version', version: "'SSH-2.0-Go'" })!.version, 'SSH-2.0-Go');
  const download = parse({ eventid: 'cowrie.session.file_download', url: 'http://x.invalid/a', shasum: 'AB'.repeat(32) })!;
  assert.equal(download.sha256, 'ab'.repeat(32));
  assert.equal(parse({ eventid: 'cowrie.session.file_download', url: 'http://x.invalid/a', shasum: 'not-a-digest' })!.sha256, undefined);
  const upload = parse({ eventid: 'cowrie.session.file_upload', filename: 'x', shasum: 'cd'.repeat(32), url: 'ignored' })!;
  assert.deepEqual([upload.url, upload.sha256], [undefined, 'cd'.repeat(32)]);
  assert.equal(parse({ eventid: 'cowrie.command.input', input: 'y'.repeat(5000) })!.input!.length, 200);
  assert.equal(parse({ eventid: 'cowrie.login.failed', username: 'u'.repeat(500) })!.username!.length, 64);
  assert.equal(parse({ eventid: 'cowrie.session.connect', session: 42 })!.session, '42');
  assert.equal(parse({ eventid: 'cowrie.session.connect', src_ip: null })!.ip, undefined, 'null src_ip is a missing field');
});

test('corrupt lines say why; blank lines are blank', () => {
  assert.deepEqual(parseCowrieLine('   '), { type: 'blank' });
  const reason = (text: string): string => {
    const parsed = parseCowrieLine(text);
    assert.equal(parsed.type, 'corrupt', text);
    return parsed.type === 'corrupt' ? parsed.reason : '';
  };
  assert.match(reason('{"eventid":'), /not JSON/);
  assert.match(reason('"a string"'), /not a JSON object/);
  assert.match(reason('null'), /not a JSON object/);
  assert.match(reason('{"eventid":"cowrie.login.failed","src_ip":"192.0.2.1"}'), /timestamp undefined/);
  assert.match(reason('{"eventid":"cowrie.login.failed","timestamp":"2018-01-01T00:00:00Z","src_ip":42}'), /src_ip 42 is not an IP/);
  assert.match(reason('{"eventid":"KIPP0003","timestamp":"2018-01-01T00:00:00Z","src_ip":"host.example"}'), /src_ip "host.example"/);
  const forward = parseCowrieLine('{"eventid":"KIPP0012","timestamp":"2018-01-01T00:00:00Z","src_ip":"localhost","session":"s"}');
  assert.equal(forward.type, 'event', 'legacy 0012 may carry the forwarding originator');
  assert.deepEqual(
    parseCowrieLine('{"eventid":"cowrie.x","timestamp":"garbage"}'),
    { type: 'unknown', eventId: 'cowrie.x' },
    'unknown events are not validated',
  );
});
