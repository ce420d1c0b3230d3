import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createServer, type Socket } from 'node:net';
import type { OpenNoticeError } from '../core/errors.ts';
import { AddressSpace, parseAnyCidr } from './address-space.ts';
import { IPv6Set, parseIPv6Cidr } from './cidr6.ts';
import { parseCidrList } from './cidr-file.ts';
import type { DialFailure } from './connection.ts';
import { createDialer } from './dialer.ts';
import { parseHitList, surveyAddresses } from './hit-list.ts';
import { addressWithPort } from './canonical-address.ts';
import { parseIPv6 } from './ipv6.ts';
import { buildScope, defaultBlocklist } from './scope.ts';
import { joinAddressLists, permutedTargets, textAddressList } from './targets.ts';

const fastRate = { connectionsPerSecond: 10_000, maxConcurrent: 64, perHostConcurrent: 8 };

test('IPv6 CIDRs: canonical text, host bits refused with the aligned prefix, either family through one parser', () => {
  assert.deepEqual(parseAnyCidr('2001:DB8:6:0::/64'), { family: 'ipv6', text: '2001:db8:6::/64', prefixLength: 64 });
  assert.deepEqual(parseAnyCidr('2001:db8::7'), { family: 'ipv6', text: '2001:db8::7/128', prefixLength: 128 });
  assert.equal(parseAnyCidr('192.0.2.0/24').family, 'ipv4');
  assert.throws(() => parseIPv6Cidr('2001:db8::1/64'), /did you mean 2001:db8::\/64/);
  for (const bad of ['2001:db8::/129', '2001:db8::/', '2001:db8::/64/1', 'fe80::1%eth0/64', 'nonsense/8']) {
    assert.throws(
      () => parseAnyCidr(bad),
      (error: OpenNoticeError) => error.code === 'SCOPE_INVALID',
      bad,
    );
  }
  assert.deepEqual(
    parseCidrList('# mixed\n192.0.2.0/24\n2001:DB8::/32 # documentation\n', 'list').map((entry) => entry.cidr),
    ['192.0.2.0/24', '2001:db8::/32'],
  );
});

test('property: IPv6 set arithmetic agrees with a brute-force model in a 4096-address window', () => {
  let state = 11;
  const random = (limit: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % limit;
  };
  const base = parseIPv6('2001:db8:6::')!;
  const cidrs = (count: number) =>
    Array.from({ length: count }, () => {
      const prefix = 118 + random(11);
      const size = 2 ** (128 - prefix);
      const offset = BigInt(random(4096 / size) * size);
      return `2001:db8:6::${offset.toString(16)}/${prefix}`;
    });
  for (let trial = 0; trial < 100; trial++) {
    const allow = cidrs(1 + random(4));
    const exclude = cidrs(random(4));
    const model = new Set<bigint>();
    for (const text of allow) {
      const { network, prefixLength } = parseIPv6Cidr(text);
      for (let index = 0n; index < 1n << BigInt(128 - prefixLength); index++) model.add(network + index);
    }
    for (const text of exclude) {
      const { network, prefixLength } = parseIPv6Cidr(text);
      for (let index = 0n; index < 1n << BigInt(128 - prefixLength); index++) model.delete(network + index);
    }
    const set = IPv6Set.fromCidrs(allow).subtract(IPv6Set.fromCidrs(exclude));
    assert.equal(set.size, BigInt(model.size));
    for (let offset = 0n; offset < 4096n; offset++) assert.equal(set.has(base + offset), model.has(base + offset));
    const listed = Array.from({ length: Number(set.size) }, (_, index) => set.addressAt(BigInt(index)));
    assert.deepEqual(
      listed,
      [...model].sort((a, b) => (a < b ? -1 : 1)),
    );
    assert.equal(IPv6Set.fromCidrs(set.toCidrs()).size, set.size, 'toCidrs covers the same addresses');
  }
});

test('the default blocklist holds the reserved IPv6 ranges and leaves global unicast open', () => {
  const blocklist = defaultBlocklist();
  for (const reserved of [
    '::',
    '::1',
    '::ffff:192.0.2.7',
    '64:ff9b::c000:207',
    '64:ff9b:1::1',
    '100::1',
    '2001::1',
    '2001:2::1',
    '2001:db8::1',
    '2002:c000:207::1',
    '3fff::1',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'fec0::1',
    'ff02::1',
    '5f00::1',
  ]) {
    assert.ok(blocklist.has(reserved), `${reserved} is blocklisted`);
  }
  for (const global of ['2400:cb00::1', '2404:6800:4004::1', '2a00:1450::1', '2600::1']) assert.ok(!blocklist.has(global), `${global} is not blocklisted`);
  assert.ok(blocklist.has('192.168.1.1'), 'the IPv4 list is still there');
});

test('scopes take IPv6: exclusions and opt-outs apply, ::1 is loopback, a namespace prefix is allowed only explicitly', () => {
  const lab = buildScope({ allow: ['::1', '127.0.0.0/24'] });
  assert.equal(lab.loopbackOnly, true);
  assert.ok(lab.allows('::1') && lab.allows('0:0::1'));
  assert.throws(() => buildScope({ allow: ['2001:db8:6::/64'] }), /blocklist/);
  const namespace = buildScope({
    allow: ['2001:db8:6::/64'],
    exclude: ['2001:db8:6::9'],
    optOuts: ['2001:db8:6::100/120'],
    allowReserved: ['2001:db8:6::/64'],
  });
  assert.equal(namespace.loopbackOnly, false);
  assert.deepEqual(
    ['2001:db8:6::1', '2001:db8:6::9', '2001:db8:6::1a0', '2001:db8:6::200', '2001:db8:7::1'].map((ip) => namespace.allows(ip)),
    [true, false, false, true, false],
  );
  // Only space never routed on the internet may be opened, and the rest of the blocklist holds.
  assert.throws(() => buildScope({ allow: ['fe80::/64'], allowReserved: ['fe80::/64'] }), /only documentation ranges/);
  assert.throws(() => buildScope({ allow: ['fd00:6::/64'], allowReserved: ['fd00:6::/64'] }), /only documentation ranges/);
  assert.equal(namespace.allows('fe80::1'), false);
  const real = buildScope({ allow: ['2400:cb00::/32', '2001:db8::/32'] });
  assert.equal(real.allows('2400:cb00::1'), true);
  assert.equal(real.allows('2001:db8::1'), false);
});

test('hit lists: canonical, each address once, a line that is no address is an error at its line', () => {
  assert.deepEqual(parseHitList('# hits\n2001:DB8:6::a  # camera\n\n2001:db8:6:0::a\n192.0.2.7\n', 'hits.txt'), ['2001:db8:6::a', '192.0.2.7']);
  assert.throws(
    () => parseHitList('2001:db8::1\n2001:db8::/64\n', 'hits.txt'),
    (error: OpenNoticeError) => error.code === 'SCOPE_INVALID' && error.context.line === 2 && error.context.file === 'hits.txt',
  );
});

test('IPv6 is surveyed from lists, not sweeps: a list is filtered by the scope, a large scope without one is an error', () => {
  const scope = buildScope({ allow: ['2001:db8:6::/64'], exclude: ['2001:db8:6::9'], allowReserved: ['2001:db8:6::/64'] });
  assert.throws(() => surveyAddresses(scope), /larger than a \/120.*--hit-list/);
  const listed = surveyAddresses(scope, ['2001:db8:6::1', '2001:db8:6::9', '2001:db8:7::1', '2001:db8:6::ff']);
  assert.equal(listed.leftOut, 2);
  const targets = [...permutedTargets({ addresses: listed.addresses, ports: [23, 80], seed: 5 })].map((target) => `[${target.ip}]:${target.port}`);
  assert.deepEqual(targets.toSorted(), ['[2001:db8:6::1]:23', '[2001:db8:6::1]:80', '[2001:db8:6::ff]:23', '[2001:db8:6::ff]:80']);
  // A /120 is small enough to enumerate, beside the IPv4 scope.
  const small = surveyAddresses(buildScope({ allow: ['127.0.0.0/30', '2001:db8:6::/120'], allowReserved: ['2001:db8:6::/120'] }));
  assert.equal(small.addresses.size, 4 + 256);
  assert.equal(small.addresses.addressAt(4), '2001:db8:6::');
  assert.equal(small.addresses.addressAt(259), '2001:db8:6::ff');
  const joined = joinAddressLists([textAddressList(['a']), textAddressList([]), textAddressList(['b', 'c'])]);
  assert.deepEqual([joined.size, joined.addressAt(2)], [3, 'c']);
  assert.ok(AddressSpace.fromCidrs(['2001:db8:6::/120']).has('2001:db8:6::80'));
});

test('the dialer connects over IPv6 on ::1 from an IPv6 source, and refuses a family without a published source', async (t) => {
  const peers: string[] = [];
  const server = createServer((socket: Socket) => {
    peers.push(String(socket.remoteAddress));
    socket.end('hello\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
  t.after(() => server.close());
  const port = (server.address() as { port: number }).port;
  const dialer = createDialer({ scope: buildScope({ allow: ['::1', '127.0.0.1'] }), rate: fastRate, sourceAddresses: ['::1'] });
  const connection = await dialer.dial({ ip: '::1', port });
  const first = await connection.next();
  connection.close();
  assert.ok('chunk' in first && first.chunk.toString().startsWith('hello'));
  assert.deepEqual(peers, ['::1']);
  await assert.rejects(dialer.dial({ ip: '127.0.0.1', port }), (error: DialFailure) => error.code === 'no-source-address');
  await assert.rejects(dialer.dial({ ip: '::ffff:127.0.0.1', port }), (error: DialFailure) => error.code === 'unsupported-address');

  // UDP over udp6: one request, the reply matched by address and port.
  const echo = createSocket('udp6');
  echo.on('message', (message, peer) => echo.send(message, peer.port, peer.address));
  await new Promise<void>((resolve) => echo.bind(0, '::1', resolve));
  t.after(() => echo.close());
  const exchange = await dialer.query({ ip: '::1', port: echo.address().port }, Buffer.from('ping'), { limits: { maxReplies: 1, quietMs: 50 } });
  assert.equal(exchange.replies.length, 1);
  assert.equal(exchange.replies[0]!.data.toString(), 'ping');
});

test('IPv4 surveys are unchanged: the survey walks an IPv4 scope in exactly the order it always did', () => {
  const scope = buildScope({ allow: ['127.77.0.0/22'], exclude: ['127.77.1.0/24'] });
  const before = [...permutedTargets({ addresses: scope.allowed.v4, ports: [23, 80], seed: 9 })];
  const now = [...permutedTargets({ addresses: surveyAddresses(scope).addresses, ports: [23, 80], seed: 9 })];
  assert.equal(now.length, 3 * 256 * 2);
  assert.deepEqual(now, before);
});

test('an address with its port brackets IPv6', () => {
  assert.equal(addressWithPort('2001:db8::7', 23), '[2001:db8::7]:23');
  assert.equal(addressWithPort('192.0.2.7', 23), '192.0.2.7:23');
});

test('CIDR errors say what was meant: host bits name the aligned prefix, garbage names both families', () => {
  assert.throws(() => parseAnyCidr('10.0.0.1/8'), /did you mean 10\.0\.0\.0\/8\?$/);
  assert.throws(() => parseAnyCidr('10.0.0.0/33'), /not an IPv4 CIDR/);
  assert.throws(() => parseAnyCidr('camera.example'), /not a CIDR: "camera\.example" \(expected e\.g\. 192\.0\.2\.0\/24 or 2001:db8::\/32\)/);
});
