/**
 * Fuzz targets for packet captures and flow exports: pcap and pcapng (plain and gzipped) read
 * as `darknet ingest` reads a stream, in the strict mode and the skip-and-count mode; NetFlow
 * v5, v9 and IPFIX datagrams through the collector's decoder, which must count what is wrong
 * and never throw.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { scanCapture } from '../../../../src/darknet/capture/reader.ts';
import { DecodeContext } from '../../../../src/flows/decode-context.ts';
import { decodeFlowDatagram } from '../../../../src/flows/flow-decoder.ts';
import { ipfixMessage, ipv4FlowFields, netflowV5, netflowV9, writeIpv4Flow, writeSet, writeTemplate, type TestFlow } from '../../flow-exports.ts';
import { sharedData } from '../../shared-data.ts';
import { neverThrows, type FuzzTarget } from '../target.ts';

async function* once(bytes: Buffer): AsyncGenerator<Uint8Array> {
  yield bytes;
}

const capture = (name: string): Buffer => readFileSync(sharedData(`pcaps/${name}`));

/** The first `records` packets of a little-endian microsecond pcap: a short, whole file. */
function firstPackets(name: string, records: number): Buffer {
  const bytes = capture(name);
  let end = 24;
  for (let i = 0; i < records && end + 16 <= bytes.length; i++) end += 16 + bytes.readUInt32LE(end + 8);
  return bytes.subarray(0, end);
}

function pcapSeeds(): Buffer[] {
  const small = [
    'tcpdump-pptp-bigendian.pcap',
    'tcpdump-tcp-handshake-nano-sll.pcap',
    'zeek-linux-sll2-ipv6.pcap',
    'suricata-sll2-tcp.pcap',
    'tcpdump-802.1ad-qinq.pcap',
    'tcpdump-linktype-raw-ipv6.pcap',
    'tcpdump-linktype-ipv4.pcap',
    'zeek-tcp-truncated-snaplen68.pcap',
  ].map(capture);
  const cut = [firstPackets('esnet-masscan-tcp-0-1000.pcap', 6), firstPackets('zeek-vlan-collisions.pcap', 4), firstPackets('ndpi-ocs-rawip.pcap', 4)];
  return [...small, ...cut, gzipSync(small[1])];
}

function pcapngSeeds(): Buffer[] {
  const files = ['pcapng-le-multi-section-test201.pcapng', 'pcapng-le-two-linktypes-test006.pcapng', 'pcapng-be-test100.pcapng', 'ndpi-nano.pcapng'].map(
    capture,
  );
  return [...files, gzipSync(files[1])];
}

function captureTarget(name: string, about: string, seeds: () => Buffer[]): FuzzTarget {
  return {
    name,
    about,
    contract: 'file',
    suffix: '.pcap',
    inflates: true,
    seeds,
    // Even inputs: the strict mode may refuse. Odd inputs: the skip mode must never throw.
    run: (input, place) =>
      place.index % 2 === 0
        ? scanCapture(once(input), () => {}, { name: place.file })
        : neverThrows(() => scanCapture(once(input), () => {}, { name: place.file, onCorrupt: 'skip' })),
  };
}

const now = Date.UTC(2026, 11, 7, 1, 0, 0);
const header = { uptimeMs: 600_000, unixSeconds: now / 1000 };
const flow: TestFlow = {
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
const tcpFlow: TestFlow = { ...flow, source: '192.0.2.11', destinationPort: 23, protocol: 6, tcpFlags: 0x1b };

function flowTarget(name: string, about: string, seed: () => Buffer): FuzzTarget {
  return {
    name,
    about,
    contract: 'never',
    seeds: () => [seed()],
    // A fresh context per input keeps every input reproducible alone; the seeds carry their templates.
    run: (input) => decodeFlowDatagram(input, '10.9.9.9', new DecodeContext(), now),
  };
}

export const targets: FuzzTarget[] = [
  captureTarget('pcap', 'classic pcap (both byte orders, µs and ns, many link types, gzip)', pcapSeeds),
  captureTarget('pcapng', 'pcapng (sections, interfaces, both byte orders, gzip)', pcapngSeeds),
  flowTarget('netflow-v5', 'NetFlow v5 datagrams', () => netflowV5(header, [flow, tcpFlow])),
  flowTarget('netflow-v9', 'NetFlow v9 datagrams (template and data sets)', () =>
    netflowV9({ ...header, sourceId: 1 }, (w) => {
      writeSet(w, 0, (t) => writeTemplate(t, 256, ipv4FlowFields));
      writeSet(w, 256, (d) => {
        writeIpv4Flow(d, flow);
        writeIpv4Flow(d, tcpFlow);
      });
    }),
  ),
  flowTarget('ipfix', 'IPFIX messages (template and data sets)', () =>
    ipfixMessage({ exportSeconds: now / 1000, domain: 0 }, (w) => {
      writeSet(w, 2, (t) => writeTemplate(t, 256, ipv4FlowFields));
      writeSet(w, 256, (d) => writeIpv4Flow(d, flow));
    }),
  ),
];
