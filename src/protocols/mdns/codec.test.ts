import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answersQuery, decodeDns, encodeServicesQuery, maxMessageBytes, rrType } from './codec.ts';
import { describeAnswers } from './grabber.ts';

/** A name in wire form (no compression). */
const name = (text: string) =>
  Buffer.concat([...text.split('.').map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)])), Buffer.from([0])]);
const u16 = (value: number) => Buffer.from([(value >> 8) & 0xff, value & 0xff]);
const record = (owner: Buffer, type: number, data: Buffer) => Buffer.concat([owner, u16(type), u16(1), Buffer.from([0, 0, 0, 10]), u16(data.length), data]);
const header = (id: number, flags: number, qd: number, an: number, ar = 0) => Buffer.concat([u16(id), u16(flags), u16(qd), u16(an), u16(0), u16(ar)]);
const strings = (...values: string[]) => Buffer.concat(values.map((value) => Buffer.concat([Buffer.from([value.length]), Buffer.from(value)])));

test('the query asks _services._dns-sd._udp.local PTR with the given id and no flags', () => {
  const query = encodeServicesQuery(0x1234);
  assert.equal(query.length, 46);
  const decoded = decodeDns(query);
  assert.ok(decoded.ok);
  assert.deepEqual(decoded.message, {
    id: 0x1234,
    response: false,
    opcode: 0,
    rcode: 0,
    questions: [{ name: '_services._dns-sd._udp.local', type: 12 }],
    records: [],
  });
});

test('a legacy unicast answer with compression pointers: service types, instances, TXT model, HINFO, addresses', () => {
  // The question at offset 12; answers point back at its name (offset 12) and at "_tcp.local" inside it.
  const question = Buffer.concat([name('_services._dns-sd._udp.local'), u16(rrType.PTR), u16(1)]);
  const pointer = (offset: number) => Buffer.from([0xc0 | (offset >> 8), offset & 0xff]);
  const httpType = Buffer.concat([
    Buffer.from([5]),
    Buffer.from('_http'),
    Buffer.from([4]),
    Buffer.from('_tcp'),
    Buffer.from([5]),
    Buffer.from('local'),
    Buffer.from([0]),
  ]);
  const answers = [
    record(pointer(12), rrType.PTR, httpType),
    record(name('Kestrix KX-C20._http._tcp.local'), rrType.TXT, strings('model=KX-C20', 'fw=3.1.4', 'path=/', 'MD=ignored second')),
    record(name('Kestrix KX-C20._http._tcp.local'), rrType.SRV, Buffer.concat([u16(0), u16(0), u16(80), name('kestrix-cam.local')])),
    record(name('kestrix-cam.local'), rrType.A, Buffer.from([192, 0, 2, 7])),
    record(name('kestrix-cam.local'), rrType.HINFO, strings('ARMV7L', 'LINUX')),
  ];
  const message = Buffer.concat([header(0x1234, 0x8400, 1, answers.length), question, ...answers]);
  const decoded = decodeDns(message);
  assert.ok(decoded.ok, decoded.ok ? '' : decoded.reason);
  assert.ok(answersQuery(decoded.message, 0x1234));
  assert.ok(!answersQuery(decoded.message, 0x1235), 'another id');
  assert.deepEqual(decoded.message.records[0], { name: '_services._dns-sd._udp.local', type: 12, ttl: 10, data: { kind: 'name', name: '_http._tcp.local' } });
  assert.deepEqual(describeAnswers([decoded.message]), {
    serviceTypes: ['_http._tcp.local'],
    instances: ['Kestrix KX-C20._http._tcp.local'],
    hostnames: ['kestrix-cam.local'],
    deviceName: 'Kestrix KX-C20',
    hinfo: 'ARMV7L LINUX',
    txt: { model: 'KX-C20', fw: '3.1.4', md: 'ignored second' },
    model: 'KX-C20',
  });
});

test('id 0 is accepted only with the question echoed or the services name answered; queries never', () => {
  const question = Buffer.concat([name('_services._dns-sd._udp.local'), u16(rrType.PTR), u16(1)]);
  const echoed = decodeDns(Buffer.concat([header(0, 0x8400, 1, 0), question]));
  assert.ok(echoed.ok && answersQuery(echoed.message, 0x4321));
  const unrelated = decodeDns(Buffer.concat([header(0, 0x8400, 0, 1), record(name('printer.local'), rrType.A, Buffer.from([192, 0, 2, 1]))]));
  assert.ok(unrelated.ok && !answersQuery(unrelated.message, 0x4321));
  const query = decodeDns(encodeServicesQuery(0x4321));
  assert.ok(query.ok && !answersQuery(query.message, 0x4321), 'our own query reflected back is no answer');
});

test('pointer loops, forward pointers, truncation, oversize and absurd counts are refused, never thrown', () => {
  const selfLoop = Buffer.concat([header(1, 0x8400, 1, 0), Buffer.from([0xc0, 12]), u16(12), u16(1)]);
  const forward = Buffer.concat([header(1, 0x8400, 1, 0), Buffer.from([0xc0, 20]), u16(12), u16(1), name('a.local')]);
  const twoStep = Buffer.concat([header(1, 0x8400, 2, 0), Buffer.from([1, 0x61, 0xc0, 16]), u16(12), u16(1), Buffer.from([0xc0, 12]), u16(12), u16(1)]);
  const cases: Array<[Buffer, RegExp]> = [
    [Buffer.alloc(5), /shorter/],
    [selfLoop, /does not point backwards/],
    [forward, /does not point backwards/],
    [twoStep, /does not point backwards/],
    [Buffer.concat([header(1, 0x8400, 1, 0), name('a.local')]), /truncated/],
    [Buffer.concat([header(1, 0x8400, 0, 1), name('a.local'), u16(1), u16(1), Buffer.from([0, 0, 0, 1]), u16(50), Buffer.alloc(4)]), /truncated/],
    [Buffer.concat([header(1, 0x8400, 1, 0), Buffer.from([0x80, 1]), u16(12), u16(1)]), /reserved label/],
    [Buffer.concat([header(1, 0x8400, 1, 0), Buffer.alloc(5, 63).fill(0x61, 1)]), /truncated/],
    [
      Buffer.concat([
        header(1, 0x8400, 1, 0),
        ...Array.from({ length: 5 }, () => Buffer.concat([Buffer.from([63]), Buffer.alloc(63, 0x61)])),
        Buffer.from([0]),
        u16(12),
        u16(1),
      ]),
      /longer than 255/,
    ],
    [
      Buffer.concat([header(1, 0x8400, 0, 1), name('a'), u16(rrType.TXT), u16(1), Buffer.from([0, 0, 0, 1]), u16(3), Buffer.from([9, 0x61, 0x62])]),
      /runs past/,
    ],
    [header(1, 0x8400, 17, 0), /17 questions/],
    [header(1, 0x8400, 0, 129), /more than 128 records/],
    [Buffer.alloc(maxMessageBytes + 1), /larger than/],
  ];
  for (const [bytes, reason] of cases) {
    const decoded = decodeDns(bytes);
    assert.ok(!decoded.ok, bytes.toString('hex').slice(0, 60));
    assert.match(decoded.reason, reason);
  }
  for (let seed = 0; seed < 300; seed++) {
    const random = Buffer.from(Array.from({ length: 12 + (seed % 60) }, (_, index) => (seed * 97 + index * 13) & 0xff));
    assert.doesNotThrow(() => decodeDns(random));
  }
});
