// The columnar decode against what was exported: random v5, v9 and IPFIX streams (random
// templates: shuffled field order, reduced-size counters, unknown, enterprise and
// variable-length fields, IPv4 and IPv6) are written with the independent writers of
// test/support, decoded into columns, and compared with the flows the generator meant — as
// FlowRecords (decodeFlowDatagram) and as aggregates (columns vs records into the aggregator).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRandom, type Random } from '../core/random.ts';
import { type ByteWriter, ipfixMessage, netflowV5, netflowV9, writeSet, writeTemplate } from '../../test/support/flow-exports.ts';
import { DecodeContext } from './decode-context.ts';
import { totalMalformed } from './decode-counters.ts';
import { FlowAggregator } from './flow-aggregates.ts';
import { FlowColumns } from './flow-columns.ts';
import { decodeFlowColumns, decodeFlowDatagram } from './flow-decoder.ts';
import type { FlowRecord } from './flow-record.ts';

const exportSeconds = 1_796_000_000;
const uptimeMs = 7_200_000;
const bootMs = exportSeconds * 1000 - uptimeMs;

interface GeneratedFlow {
  ipv6: boolean;
  source: number[];
  destination: number[];
  sourcePort: number;
  destinationPort: number;
  protocol: number;
  packets: number;
  bytes: number;
  tcpFlags: number;
  startOffsetMs: number;
  durationMs: number;
}

/** Canonical text by the WHATWG URL serializer (RFC 5952 compression): an oracle that shares no code with the decoder. */
function text(bytes: readonly number[]): string {
  if (bytes.length === 4) return bytes.join('.');
  const groups = [];
  for (let index = 0; index < 16; index += 2) groups.push(((bytes[index]! << 8) | bytes[index + 1]!).toString(16));
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

function generateFlow(random: Random, ipv6: boolean): GeneratedFlow {
  // Runs of zero bytes, so "::" compression has something to do.
  const address = (length: number) => Array.from({ length }, () => (random.chance(0.4) ? 0 : random.int(0, 255)));
  return {
    ipv6,
    source: address(ipv6 ? 16 : 4),
    destination: address(ipv6 ? 16 : 4),
    sourcePort: random.int(0, 65535),
    destinationPort: random.pick([23, 80, 443, 2323, random.int(0, 65535)]),
    protocol: random.pick([6, 17, 1, 47]),
    packets: random.int(1, 60000),
    bytes: random.int(40, 2_000_000_000),
    tcpFlags: random.int(0, 255),
    startOffsetMs: random.int(0, 3_600_000),
    durationMs: random.int(0, 120_000),
  };
}

/** One template field: (element id, length, enterprise), and how a flow's value is written into it. */
interface Field {
  spec: readonly [number, number] | readonly [number, number, number];
  write(w: ByteWriter, flow: GeneratedFlow): void;
}

const unsigned = (w: ByteWriter, value: number, length: number) => {
  for (let index = length - 1; index >= 0; index--) w.u8(Math.floor(value / 2 ** (8 * index)));
};

/** A random template for `ipv6` flows; `flags` and the time kind decide what the expected records carry. */
function generateTemplate(
  random: Random,
  ipv6: boolean,
  ipfix: boolean,
): { fields: Field[]; flags: boolean; times: 'uptime' | 'milliseconds' | 'seconds' | 'boot-in-record' } {
  const times = ipfix ? random.pick(['uptime', 'milliseconds', 'seconds', 'boot-in-record'] as const) : 'uptime';
  const counter = (id: number, value: (flow: GeneratedFlow) => number): Field => {
    const length = random.pick([4, 8]);
    return { spec: [id, length], write: (w, flow) => unsigned(w, value(flow), length) };
  };
  const fields: Field[] = [
    { spec: [ipv6 ? 27 : 8, ipv6 ? 16 : 4], write: (w, flow) => w.raw(flow.source) },
    { spec: [ipv6 ? 28 : 12, ipv6 ? 16 : 4], write: (w, flow) => w.raw(flow.destination) },
    { spec: [7, 2], write: (w, flow) => w.u16(flow.sourcePort) },
    { spec: [11, 2], write: (w, flow) => w.u16(flow.destinationPort) },
    { spec: [4, 1], write: (w, flow) => w.u8(flow.protocol) },
    counter(random.pick([2, 86]), (flow) => flow.packets),
    counter(random.pick([1, 85]), (flow) => flow.bytes),
    // An element the decoder does not read, of an odd length.
    { spec: [10, 3], write: (w) => w.u8(1).u8(2).u8(3) },
  ];
  const flags = random.chance(0.7);
  if (flags)
    fields.push({
      spec: [6, random.pick([1, 2])],
      write: (w, flow) => (fields.find((f) => f.spec[0] === 6)!.spec[1] === 2 ? w.u16(flow.tcpFlags) : w.u8(flow.tcpFlags)),
    });
  if (times === 'uptime' || times === 'boot-in-record') {
    fields.push(
      { spec: [22, 4], write: (w, flow) => w.u32(flow.startOffsetMs) },
      { spec: [21, 4], write: (w, flow) => w.u32(flow.startOffsetMs + flow.durationMs) },
    );
  }
  if (times === 'boot-in-record') fields.push({ spec: [160, 8], write: (w) => unsigned(w, bootMs, 8) });
  if (times === 'milliseconds') {
    fields.push(
      { spec: [152, 8], write: (w, flow) => unsigned(w, bootMs + flow.startOffsetMs, 8) },
      { spec: [153, 8], write: (w, flow) => unsigned(w, bootMs + flow.startOffsetMs + flow.durationMs, 8) },
    );
  }
  if (times === 'seconds') {
    fields.push(
      { spec: [150, 4], write: (w, flow) => w.u32(Math.floor((bootMs + flow.startOffsetMs) / 1000)) },
      { spec: [151, 4], write: (w, flow) => w.u32(Math.floor((bootMs + flow.startOffsetMs + flow.durationMs) / 1000)) },
    );
  }
  if (ipfix && random.chance(0.5)) fields.push({ spec: [1, 4, 9], write: (w) => w.u32(0xdeadbeef) });
  if (ipfix && random.chance(0.5)) {
    // interfaceName, variable length: sometimes the three-byte length form (RFC 7011 §7).
    const long = random.chance(0.3);
    fields.push({ spec: [82, 65535], write: (w) => (long ? w.u8(255).u16(300).raw(new Uint8Array(300).fill(65)) : w.u8(3).raw([101, 116, 104])) });
  }
  for (let index = fields.length - 1; index > 0; index--) {
    const other = random.int(0, index);
    [fields[index], fields[other]] = [fields[other]!, fields[index]!];
  }
  return { fields, flags, times };
}

function expectedRecord(flow: GeneratedFlow, exporter: string, flags: boolean | 'tcp-only', times: string): FlowRecord {
  const secondsOf = (ms: number) => Math.floor(ms / 1000) * 1000;
  const start = bootMs + flow.startOffsetMs;
  const end = start + flow.durationMs;
  const record: FlowRecord = {
    exporter,
    sourceAddress: text(flow.source),
    destinationAddress: text(flow.destination),
    sourcePort: flow.sourcePort,
    destinationPort: flow.destinationPort,
    protocol: flow.protocol,
    packets: flow.packets,
    bytes: flow.bytes,
    startMs: times === 'seconds' ? secondsOf(start) : start,
    endMs: times === 'seconds' ? secondsOf(end) : end,
  };
  if (flags === true || (flags === 'tcp-only' && flow.protocol === 6)) record.tcpFlags = flow.tcpFlags;
  return record;
}

function v5Datagram(flows: readonly GeneratedFlow[]): Buffer {
  return netflowV5(
    { uptimeMs, unixSeconds: exportSeconds },
    flows.map((flow) => ({
      source: text(flow.source),
      destination: text(flow.destination),
      sourcePort: flow.sourcePort,
      destinationPort: flow.destinationPort,
      protocol: flow.protocol,
      packets: flow.packets,
      bytes: flow.bytes,
      firstUptimeMs: flow.startOffsetMs,
      lastUptimeMs: flow.startOffsetMs + flow.durationMs,
      tcpFlags: flow.tcpFlags,
    })),
  );
}

test('columnar decode equals the flows exported, as records and as aggregates, over random v5, v9 and IPFIX streams', () => {
  const random = createRandom(2026);
  let compared = 0;
  for (let round = 0; round < 300; round++) {
    const version = random.pick([5, 9, 10] as const);
    const ipv6 = version !== 5 && random.chance(0.4);
    const flows = Array.from({ length: random.int(1, 25) }, () => generateFlow(random, ipv6));
    const domain = random.int(0, 3);
    let datagram: Buffer;
    let expected: FlowRecord[];
    const exporterAddress = '192.0.2.77';
    if (version === 5) {
      datagram = v5Datagram(flows);
      expected = flows.map((flow) => expectedRecord(flow, exporterAddress, 'tcp-only', 'uptime'));
    } else {
      const template = generateTemplate(random, ipv6, version === 10);
      const specs = template.fields.map((field) => field.spec);
      const sets = (w: ByteWriter) => {
        writeSet(w, version === 9 ? 0 : 2, (t) => writeTemplate(t, 300, specs));
        writeSet(w, 300, (d) => {
          for (const flow of flows) for (const field of template.fields) field.write(d, flow);
        });
      };
      datagram = version === 9 ? netflowV9({ uptimeMs, unixSeconds: exportSeconds, sourceId: domain }, sets) : ipfixMessage({ exportSeconds, domain }, sets);
      const exporter = `${exporterAddress}/${domain}`;
      expected = flows.map((flow) => expectedRecord(flow, exporter, template.flags, template.times));
    }
    // IPFIX uptimes need a boot time: the one the options record would have announced.
    const context = new DecodeContext();
    if (version === 10) context.setBootTime(`${exporterAddress}/${domain}`, bootMs);
    const columns = new FlowColumns();
    assert.equal(decodeFlowColumns(datagram, exporterAddress, context, exportSeconds * 1000, columns), flows.length);
    assert.equal(totalMalformed(context.counters), 0);
    assert.deepEqual(columns.toRecords(), expected, `round ${round}, version ${version}`);

    const objectContext = new DecodeContext();
    if (version === 10) objectContext.setBootTime(`${exporterAddress}/${domain}`, bootMs);
    const records = decodeFlowDatagram(datagram, exporterAddress, objectContext, exportSeconds * 1000);
    assert.deepEqual(records, expected);

    const fromColumns = new FlowAggregator();
    fromColumns.addColumns(columns);
    const fromRecords = new FlowAggregator();
    for (const record of records) fromRecords.add(record);
    assert.deepEqual(fromColumns.rows(), fromRecords.rows());
    compared += flows.length;
  }
  assert.ok(compared > 1000, `only ${compared} flows compared`);
});
