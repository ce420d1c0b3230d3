import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecodeContext } from './decode-context.ts';
import { totalMalformed } from './decode-counters.ts';
import { decodeFlowDatagram } from './flow-decoder.ts';
import { ipfixMessage, ipv4FlowFields, netflowV5, netflowV9, writeIpv4Flow, writeSet, writeTemplate, type TestFlow } from '../../test/support/flow-exports.ts';

const now = Date.UTC(2026, 11, 7, 1, 0, 0);
const header = { uptimeMs: 600_000, unixSeconds: now / 1000 };
const bootMs = now - header.uptimeMs;

const udpFlow: TestFlow = {
  source: '192.0.2.10',
  destination: '198.51.100.7',
  sourcePort: 40000,
  destinationPort: 53,
  protocol: 17,
  packets: 3,
  bytes: 210,
  firstUptimeMs: 500_000,
  lastUptimeMs: 550_000,
};
const tcpFlow: TestFlow = { ...udpFlow, source: '192.0.2.11', sourcePort: 41000, destinationPort: 23, protocol: 6, tcpFlags: 0x1b, packets: 9, bytes: 900 };

function expected(flow: TestFlow, exporter: string) {
  return {
    exporter,
    sourceAddress: flow.source,
    destinationAddress: flow.destination,
    sourcePort: flow.sourcePort,
    destinationPort: flow.destinationPort,
    protocol: flow.protocol,
    packets: flow.packets,
    bytes: flow.bytes,
    startMs: bootMs + flow.firstUptimeMs,
    endMs: bootMs + flow.lastUptimeMs,
  };
}

test('NetFlow v5: every record becomes a FlowRecord with epoch times from the header', () => {
  const context = new DecodeContext();
  const flows = decodeFlowDatagram(netflowV5(header, [udpFlow, tcpFlow]), '10.0.0.1', context, now);
  assert.deepEqual(flows, [expected(udpFlow, '10.0.0.1'), { ...expected(tcpFlow, '10.0.0.1'), tcpFlags: 0x1b }]);
  assert.equal(context.counters.records, 2);
});

test('NetFlow v5: a truncated datagram or a lying count is counted, not thrown', () => {
  const context = new DecodeContext();
  const whole = netflowV5(header, [udpFlow, tcpFlow]);
  assert.deepEqual(decodeFlowDatagram(whole.subarray(0, whole.length - 1), '10.0.0.1', context, now), []);
  assert.deepEqual(decodeFlowDatagram(whole.subarray(0, 10), '10.0.0.1', context, now), []);
  assert.equal(context.counters.malformed['v5-count-mismatch'], 1);
  assert.equal(context.counters.malformed['short-header'], 1);
});

function v9Datagram(sourceId: number, templateId: number, withTemplate: boolean, flows: readonly TestFlow[]): Buffer {
  return netflowV9({ ...header, sourceId }, (w) => {
    if (withTemplate) writeSet(w, 0, (t) => writeTemplate(t, templateId, ipv4FlowFields));
    writeSet(w, templateId, (d) => {
      for (const flow of flows) writeIpv4Flow(d, flow);
    });
  });
}

test('NetFlow v9: template then data, keyed by exporter and source id; data before its template is counted', () => {
  const context = new DecodeContext();
  assert.deepEqual(decodeFlowDatagram(v9Datagram(7, 256, false, [udpFlow]), '10.0.0.2', context, now), []);
  assert.equal(context.counters.malformed['unknown-template'], 1);
  const flows = decodeFlowDatagram(v9Datagram(7, 256, true, [udpFlow, tcpFlow]), '10.0.0.2', context, now);
  // The template carries a flags field, so even UDP flows report it (0).
  assert.deepEqual(flows, [
    { ...expected(udpFlow, '10.0.0.2/7'), tcpFlags: 0 },
    { ...expected(tcpFlow, '10.0.0.2/7'), tcpFlags: 0x1b },
  ]);
  // Another source id of the same exporter has no template 256.
  assert.deepEqual(decodeFlowDatagram(v9Datagram(8, 256, false, [udpFlow]), '10.0.0.2', context, now), []);
  assert.equal(context.counters.malformed['unknown-template'], 2);
  // The template persists: data alone now decodes.
  assert.equal(decodeFlowDatagram(v9Datagram(7, 256, false, [tcpFlow]), '10.0.0.2', context, now).length, 1);
});

test('NetFlow v9: options templates are learnt and their data skipped, not counted malformed', () => {
  const context = new DecodeContext();
  const datagram = netflowV9({ ...header, sourceId: 1 }, (w) => {
    writeSet(w, 1, (t) => t.u16(300).u16(4).u16(4).u16(1).u16(4).u16(34).u16(4));
    writeSet(w, 300, (d) => d.u32(1).u32(100));
  });
  assert.deepEqual(decodeFlowDatagram(datagram, '10.0.0.3', context, now), []);
  assert.equal(context.counters.optionsSkipped, 1);
  assert.equal(totalMalformed(context.counters), 0);
});

test('NetFlow v9: template churn — a redefined template id is read with its new layout', () => {
  const context = new DecodeContext();
  decodeFlowDatagram(v9Datagram(1, 256, true, [udpFlow]), '10.0.0.4', context, now);
  const swapped = netflowV9({ ...header, sourceId: 1 }, (w) => {
    // Same id, destination first now: a decoder holding the old layout would swap the addresses.
    writeSet(w, 0, (t) =>
      writeTemplate(t, 256, [
        [12, 4],
        [8, 4],
        [4, 1],
      ]),
    );
    writeSet(w, 256, (d) => d.ipv4('203.0.113.1').ipv4('203.0.113.2').u8(17));
  });
  const [flow] = decodeFlowDatagram(swapped, '10.0.0.4', context, now);
  assert.equal(flow?.sourceAddress, '203.0.113.2');
  assert.equal(flow?.destinationAddress, '203.0.113.1');
});

test('NetFlow v9: bad flowset lengths, bad templates and truncated records are counted by reason', () => {
  const context = new DecodeContext();
  const whole = v9Datagram(1, 256, true, [udpFlow]);
  decodeFlowDatagram(whole.subarray(0, whole.length - 6), '10.0.0.5', context, now);
  assert.equal(context.counters.malformed['bad-set-length'], 1);
  const badTemplate = netflowV9({ ...header, sourceId: 1 }, (w) => writeSet(w, 0, (t) => t.u16(256).u16(50).u16(8).u16(4)));
  decodeFlowDatagram(badTemplate, '10.0.0.5', context, now);
  assert.equal(context.counters.malformed['bad-template'], 1);
  const zeroLength = netflowV9({ ...header, sourceId: 1 }, (w) => w.u16(256).u16(0));
  decodeFlowDatagram(zeroLength, '10.0.0.5', context, now);
  assert.equal(context.counters.malformed['bad-set-length'], 2);
});

test('IPFIX: templates per observation domain, enterprise fields skipped, variable-length fields stepped over', () => {
  const context = new DecodeContext();
  const message = ipfixMessage({ exportSeconds: now / 1000, domain: 42 }, (w) => {
    writeSet(w, 2, (t) =>
      writeTemplate(t, 400, [
        [8, 4],
        [12, 4],
        [7, 2],
        [11, 2],
        [4, 1],
        [1, 8],
        [2, 8],
        [152, 8],
        [153, 8],
        [1, 3, 29305], // an enterprise element that reuses id 1: must not be read as bytes
        [82, 65535], // interfaceName, variable length
      ]),
    );
    writeSet(w, 400, (d) => {
      d.ipv4('192.0.2.20').ipv4('198.51.100.8').u16(5555).u16(443).u8(6);
      d.u32(0).u32(4096).u32(0).u32(12);
      d.u32(Math.floor((now - 2000) / 2 ** 32)).u32((now - 2000) % 2 ** 32);
      d.u32(Math.floor(now / 2 ** 32)).u32(now % 2 ** 32);
      d.u8(1).u8(2).u8(3);
      d.u8(4).raw(Buffer.from('eth0'));
      // A second record whose variable field uses the 3-byte length form.
      d.ipv4('192.0.2.21').ipv4('198.51.100.9').u16(5556).u16(80).u8(17);
      d.u32(0).u32(64).u32(0).u32(1);
      d.u32(0).u32(0).u32(0).u32(0);
      d.u8(0).u8(0).u8(0);
      d.u8(255).u16(300).raw(new Uint8Array(300));
    });
  });
  const flows = decodeFlowDatagram(message, '10.0.0.6', context, now);
  assert.deepEqual(
    flows.map((flow) => [
      flow.exporter,
      flow.sourceAddress,
      flow.destinationAddress,
      flow.destinationPort,
      flow.protocol,
      flow.packets,
      flow.bytes,
      flow.startMs,
      flow.endMs,
    ]),
    [
      ['10.0.0.6/42', '192.0.2.20', '198.51.100.8', 443, 6, 12, 4096, now - 2000, now],
      ['10.0.0.6/42', '192.0.2.21', '198.51.100.9', 80, 17, 1, 64, 0, 0],
    ],
  );
  assert.equal(totalMalformed(context.counters), 0);
  // Domain 43 of the same exporter has no template 400.
  const otherDomain = ipfixMessage({ exportSeconds: now / 1000, domain: 43 }, (w) => writeSet(w, 400, (d) => d.raw(new Uint8Array(40))));
  assert.deepEqual(decodeFlowDatagram(otherDomain, '10.0.0.6', context, now), []);
  assert.equal(context.counters.malformed['unknown-template'], 1);
});

test('IPFIX: uptime-relative times use the boot time an options record announced; IPv6 addresses are canonical', () => {
  const context = new DecodeContext();
  const message = ipfixMessage({ exportSeconds: now / 1000, domain: 1 }, (w) => {
    writeSet(w, 3, (t) => t.u16(500).u16(2).u16(1).u16(149).u16(4).u16(160).u16(8));
    writeSet(w, 500, (d) =>
      d
        .u32(1)
        .u32(Math.floor(bootMs / 2 ** 32))
        .u32(bootMs % 2 ** 32),
    );
    writeSet(w, 2, (t) =>
      writeTemplate(t, 501, [
        [27, 16],
        [28, 16],
        [7, 2],
        [11, 2],
        [4, 1],
        [2, 4],
        [1, 4],
        [22, 4],
        [21, 4],
      ]),
    );
    writeSet(w, 501, (d) => {
      d.raw(Buffer.from('20010db8000000000000000000000001', 'hex')).raw(Buffer.from('20010db80000000000000000000000ff', 'hex'));
      d.u16(1234).u16(8080).u8(6).u32(5).u32(500).u32(1000).u32(3000);
    });
  });
  const [flow] = decodeFlowDatagram(message, '::1', context, now);
  assert.deepEqual(flow, {
    exporter: '::1/1',
    sourceAddress: '2001:db8::1',
    destinationAddress: '2001:db8::ff',
    sourcePort: 1234,
    destinationPort: 8080,
    protocol: 6,
    packets: 5,
    bytes: 500,
    startMs: bootMs + 1000,
    endMs: bootMs + 3000,
  });
  assert.equal(context.counters.optionsSkipped, 1);
});

test('IPFIX: template withdrawal — one template, then all of a domain', () => {
  const context = new DecodeContext();
  const define = ipfixMessage({ exportSeconds: now / 1000, domain: 5 }, (w) =>
    writeSet(w, 2, (t) => {
      writeTemplate(t, 256, ipv4FlowFields);
      writeTemplate(t, 257, ipv4FlowFields);
      writeTemplate(t, 258, ipv4FlowFields);
    }),
  );
  const data = (templateId: number) => ipfixMessage({ exportSeconds: now / 1000, domain: 5 }, (w) => writeSet(w, templateId, (d) => writeIpv4Flow(d, udpFlow)));
  decodeFlowDatagram(define, '10.0.0.7', context, now);
  assert.equal(context.templates.size, 3);
  decodeFlowDatagram(
    ipfixMessage({ exportSeconds: now / 1000, domain: 5 }, (w) => writeSet(w, 2, (t) => t.u16(256).u16(0))),
    '10.0.0.7',
    context,
    now,
  );
  assert.deepEqual(decodeFlowDatagram(data(256), '10.0.0.7', context, now), []);
  assert.equal(decodeFlowDatagram(data(257), '10.0.0.7', context, now).length, 1);
  decodeFlowDatagram(
    ipfixMessage({ exportSeconds: now / 1000, domain: 5 }, (w) => writeSet(w, 2, (t) => t.u16(2).u16(0))),
    '10.0.0.7',
    context,
    now,
  );
  assert.equal(context.templates.size, 0);
  assert.deepEqual(decodeFlowDatagram(data(258), '10.0.0.7', context, now), []);
  assert.equal(context.counters.malformed['unknown-template'], 2);
});

test('IPFIX: a message length that disagrees with the datagram is counted', () => {
  const context = new DecodeContext();
  const message = ipfixMessage({ exportSeconds: now / 1000, domain: 5 }, (w) => writeSet(w, 2, (t) => writeTemplate(t, 256, ipv4FlowFields)));
  decodeFlowDatagram(message.subarray(0, message.length - 4), '10.0.0.8', context, now);
  assert.equal(context.counters.malformed['length-mismatch'], 1);
  assert.equal(context.templates.size, 0);
});

test('template cache: bounded per exporter and in total, and templates expire', () => {
  const context = new DecodeContext({ maxPerExporter: 2, maxTotal: 3, expiryMs: 60_000 });
  const define = (address: string, ids: number[], at: number) =>
    decodeFlowDatagram(
      ipfixMessage({ exportSeconds: at / 1000, domain: 0 }, (w) =>
        writeSet(w, 2, (t) => {
          for (const id of ids) writeTemplate(t, id, ipv4FlowFields);
        }),
      ),
      address,
      context,
      at,
    );
  define('10.0.1.1', [256, 257, 258], now);
  assert.equal(context.counters.malformed['template-cache-full'], 1);
  define('10.0.1.2', [256, 257], now);
  assert.equal(context.templates.size, 3);
  assert.equal(context.counters.malformed['template-cache-full'], 2);
  // After the expiry the old ones make room.
  define('10.0.1.3', [256], now + 120_000);
  assert.equal(context.templates.size, 1);
  const stale = ipfixMessage({ exportSeconds: now / 1000, domain: 0 }, (w) => writeSet(w, 256, (d) => writeIpv4Flow(d, udpFlow)));
  assert.deepEqual(decodeFlowDatagram(stale, '10.0.1.1', context, now + 120_000), []);
});

test('random and mutated datagrams never throw; whatever is wrong is counted', () => {
  const context = new DecodeContext();
  const seeds = [netflowV5(header, [udpFlow]), v9Datagram(1, 256, true, [udpFlow, tcpFlow])];
  // A fixed linear congruential sequence: reproducible, no test-order dependence.
  let state = 12345;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state;
  };
  for (let round = 0; round < 3000; round++) {
    const seed = seeds[round % seeds.length]!;
    const mutated = Buffer.from(seed.subarray(0, next() % (seed.length + 1)));
    for (let flips = next() % 4; flips > 0 && mutated.length > 0; flips--) mutated[next() % mutated.length] = next() % 256;
    if (round % 3 === 0 && mutated.length > 1) mutated[1] = [5, 9, 10][round % 3]!;
    assert.doesNotThrow(() => decodeFlowDatagram(mutated, '10.9.9.9', context, now));
  }
  assert.equal(context.counters.datagrams, 3000);
  assert.ok(totalMalformed(context.counters) > 100, `only ${totalMalformed(context.counters)} counted malformed`);
});
