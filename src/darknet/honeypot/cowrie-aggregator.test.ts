/** The aggregator on hand-made event sequences: attribution, unknown and legacy ids, caps. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCowrieAggregator, type CowrieAggregatorOptions } from './cowrie-aggregator.ts';
import type { HoneypotReport } from './types.ts';

const line = (fields: Record<string, unknown>): string => JSON.stringify({ timestamp: '2024-01-01T00:00:00Z', sensor: 'sensor-a', ...fields });

function aggregate(lines: string[], options: Partial<CowrieAggregatorOptions> = {}): HoneypotReport {
  const aggregator = createCowrieAggregator({ name: 'test', ...options });
  for (const text of lines) aggregator.addLine(text);
  return aggregator.finish();
}

test('events without src_ip are attributed through their session until it closes', () => {
  const report = aggregate([
    line({ eventid: 'cowrie.session.connect', src_ip: '198.51.100.7', session: 's1', protocol: 'telnet' }),
    line({ eventid: 'cowrie.login.success', session: 's1', username: 'root' }),
    line({ eventid: 'cowrie.command.input', session: 's1', input: 'enable' }),
    line({ eventid: 'cowrie.session.closed', session: 's1' }),
    line({ eventid: 'cowrie.command.input', session: 's1', input: 'too late' }),
  ]);
  assert.equal(report.sources.length, 1);
  const [source] = report.sources;
  assert.equal(source!.ip, '198.51.100.7');
  assert.equal(source!.sessions, 1);
  assert.equal(source!.loginSuccesses, 1);
  assert.equal(source!.commands, 1);
  assert.deepEqual(source!.commandSamples, ['enable']);
  assert.deepEqual(source!.protocols, ['telnet']);
  assert.equal(source!.verdict, 'bot');
  assert.equal(report.stats.unattributed, 1, 'the event after close has no known address');
});

test('the session table is capped: the oldest open session is forgotten first', () => {
  const report = aggregate(
    [
      line({ eventid: 'cowrie.session.connect', src_ip: '192.0.2.1', session: 'old' }),
      line({ eventid: 'cowrie.session.connect', src_ip: '192.0.2.2', session: 'mid' }),
      line({ eventid: 'cowrie.session.connect', src_ip: '192.0.2.3', session: 'new' }),
      line({ eventid: 'cowrie.login.failed', session: 'old', username: 'a' }),
      line({ eventid: 'cowrie.login.failed', session: 'new', username: 'b' }),
    ],
    { maxTrackedSessions: 2 },
  );
  assert.equal(report.stats.unattributed, 1);
  assert.deepEqual(
    report.sources.map((source) => [source.ip, source.loginAttempts]),
    [
      ['192.0.2.1', 0],
      ['192.0.2.2', 0],
      ['192.0.2.3', 1],
    ],
  );
});

test('the same session id on two sensors belongs to two connections', () => {
  const report = aggregate([
    line({ eventid: 'cowrie.session.connect', src_ip: '192.0.2.1', session: 'x', sensor: 'one' }),
    line({ eventid: 'cowrie.session.connect', src_ip: '192.0.2.2', session: 'x', sensor: 'two' }),
    line({ eventid: 'cowrie.login.failed', session: 'x', sensor: 'two', username: 'root' }),
  ]);
  assert.deepEqual(
    report.sources.map((source) => [source.ip, source.loginAttempts, source.sensors]),
    [
      ['192.0.2.1', 0, ['one']],
      ['192.0.2.2', 1, ['two']],
    ],
  );
});

test('direct-tcpip with a client-chosen originator in src_ip is attributed to the session peer', () => {
  const report = aggregate([
    line({ eventid: 'cowrie.session.connect', src_ip: '203.0.113.9', session: 'p' }),
    line({ eventid: 'cowrie.login.success', src_ip: '203.0.113.9', session: 'p', username: 'root' }),
    line({ eventid: 'cowrie.direct-tcpip.request', src_ip: 'localhost', session: 'p', dst_ip: '192.0.2.80', dst_port: 25 }),
  ]);
  assert.equal(report.stats.skipped, 0);
  assert.equal(report.sources.length, 1);
  assert.equal(report.sources[0]!.verdict, 'bot');
  assert.match(report.sources[0]!.reason, /relay 1 TCP connection /);
});

test('unknown event ids and objects without eventid are counted and ignored', () => {
  const report = aggregate([
    line({ eventid: 'cowrie.some.future_event', src_ip: '192.0.2.1', session: 'q' }),
    line({ src_ip: '192.0.2.1', message: 'no id' }),
    line({ eventid: 'KIPP0099', src_ip: '192.0.2.1' }),
    line({ eventid: 'cowrie.client.size', src_ip: '192.0.2.2', session: 'r', width: 80, height: 24 }),
  ]);
  assert.equal(report.stats.events, 4);
  assert.equal(report.stats.unknownEvents, 3);
  assert.deepEqual(
    report.sources.map((source) => source.ip),
    ['192.0.2.2'],
    'unknown events create no source',
  );
});

test('legacy KIPP/COW ids and old field shapes are understood', () => {
  const report = aggregate([
    JSON.stringify({
      eventid: 'KIPP0001',
      src_ip: '::ffff:192.0.2.5',
      session: 7,
      timestamp: '2015-06-04T14:23:05.123456',
      system: 'HoneyPotTransport,3,192.0.2.5',
    }),
    JSON.stringify({ eventid: 'KIPP0009', session: 7, version: "'SSH-2.0-libssh-0.6.3'", timestamp: '2015-06-04T14:23:06+0000' }),
    JSON.stringify({ eventid: 'KIPP0003', session: 7, username: 'admin', password: 'hunter2', timestamp: '2015-06-04T14:23:07Z' }),
    JSON.stringify({ eventid: 'COW0002', session: 7, username: 'root', password: 'secret9', timestamp: '2015-06-04T14:23:08Z' }),
    JSON.stringify({ eventid: 'COW0005', session: 7, input: 'uname -a', timestamp: '2015-06-04T14:23:09Z' }),
    JSON.stringify({ eventid: 'KIPP0007', session: 7, url: 'http://example.invalid/x.sh', outfile: 'dl/x', timestamp: '2015-06-04T14:23:10Z' }),
    JSON.stringify({ eventid: 'KIPP0011', session: 7, timestamp: '2015-06-04T16:23:11+02:00' }),
  ]);
  assert.equal(report.sources.length, 1);
  const source = report.sources[0]!;
  assert.equal(source.ip, '192.0.2.5');
  assert.equal(source.sessions, 1);
  assert.deepEqual(source.clientVersions, ['SSH-2.0-libssh-0.6.3']);
  assert.deepEqual(source.protocols, ['ssh']);
  assert.equal(source.loginAttempts, 2);
  assert.equal(source.loginSuccesses, 1);
  assert.deepEqual(source.usernames, [
    { username: 'admin', count: 1 },
    { username: 'root', count: 1 },
  ]);
  assert.equal(source.commands, 1);
  assert.deepEqual(source.downloads, [{ url: 'http://example.invalid/x.sh' }]);
  assert.equal(source.firstSeen, '2015-06-04T14:23:05.123Z');
  assert.equal(source.lastSeen, '2015-06-04T14:23:11.000Z', 'the +02:00 offset is applied');
  assert.equal(source.verdict, 'bot');
  assert.ok(!JSON.stringify(report).includes('hunter2') && !JSON.stringify(report).includes('secret9'));
});

test('per-source lists are capped and long text is truncated', () => {
  const lines = [line({ eventid: 'cowrie.session.connect', src_ip: '192.0.2.1', session: 'c' })];
  for (let index = 0; index < 50; index++) {
    lines.push(line({ eventid: 'cowrie.command.input', session: 'c', input: `cmd-${index}-${'x'.repeat(300)}` }));
    lines.push(
      line({ eventid: 'cowrie.session.file_download', session: 'c', url: `http://example.invalid/${index}`, shasum: index.toString(16).padStart(64, '0') }),
    );
    lines.push(line({ eventid: 'cowrie.client.version', session: 'c', version: `SSH-2.0-Client${index}` }));
    // usernames u0..u29, u0 tried most often: the report keeps the top 10 with exact counts for the leaders
    for (let repeat = 0; repeat <= (index < 30 ? 30 - index : 0); repeat++) {
      if (index < 30) lines.push(line({ eventid: 'cowrie.login.failed', session: 'c', username: `u${index}` }));
    }
  }
  const source = aggregate(lines).sources[0]!;
  assert.equal(source.commands, 50);
  assert.equal(source.commandSamples.length, 10);
  assert.ok(source.commandSamples.every((command) => command.length === 200));
  assert.equal(source.downloads.length, 20);
  assert.equal(source.clientVersions.length, 5);
  assert.equal(source.usernames.length, 10);
  assert.deepEqual(source.usernames.slice(0, 3), [
    { username: 'u0', count: 31 },
    { username: 'u1', count: 30 },
    { username: 'u2', count: 29 },
  ]);
  assert.equal(
    source.loginAttempts,
    Array.from({ length: 30 }, (_, index) => 31 - index).reduce((a, b) => a + b),
  );
});

test('sources are sorted by address, IPv4 numerically before IPv6', () => {
  const report = aggregate(
    ['2001:db8::2', '10.0.0.10', '2001:DB8::1', '10.0.0.9', '9.255.255.255'].map((ip) => line({ eventid: 'cowrie.session.connect', src_ip: ip })),
  );
  assert.deepEqual(
    report.sources.map((source) => source.ip),
    ['9.255.255.255', '10.0.0.9', '10.0.0.10', '2001:db8::1', '2001:db8::2'],
  );
  assert.ok(report.sources.every((source) => source.verdict === 'probe' && source.confidence === 0.1));
});

test('whole-log first and last seen span all known events, attributed or not', () => {
  const report = aggregate([
    JSON.stringify({ eventid: 'cowrie.log.closed', timestamp: '2024-01-01T00:00:00Z' }),
    JSON.stringify({ eventid: 'cowrie.session.connect', src_ip: '192.0.2.1', timestamp: '2024-01-01T01:00:00Z' }),
    JSON.stringify({ eventid: 'cowrie.unknown', timestamp: '2030-01-01T00:00:00Z' }),
  ]);
  assert.equal(report.stats.firstSeen, '2024-01-01T00:00:00.000Z');
  assert.equal(report.stats.lastSeen, '2024-01-01T01:00:00.000Z');
  assert.equal(report.stats.unattributed, 1);
});
