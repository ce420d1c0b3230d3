/**
 * Fuzz targets for files that feed identification and C&C detection: Recog fingerprint
 * databases (imported into rules at load, as `--rules recog.xml` reads them) and the flow files
 * `cnc detect FLOWS.jsonl` reads (one FlowRecord as JSON a line, gzip sniffed).
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { readFlowFile } from '../../../../src/cnc/flow-file.ts';
import { loadRuleSources } from '../../../../src/identify/rule-sources.ts';
import { sharedData } from '../../shared-data.ts';
import type { FuzzTarget } from '../target.ts';

/**
 * A Recog database cut to its first `keep` device fingerprints (those naming a vendor, which
 * the importer turns into rules), with the file's own prologue and closing tag.
 */
function recogSeed(name: string, keep: number): Buffer {
  const text = readFileSync(sharedData(`recog/xml/${name}`), 'utf8');
  const prologue = text.slice(0, text.indexOf('<fingerprint '));
  const fingerprints = [...text.matchAll(/<fingerprint [\s\S]*?<\/fingerprint>/g)].map((found) => found[0]).filter((block) => block.includes('hw.vendor'));
  return Buffer.from(`${prologue}${fingerprints.slice(0, keep).join('\n  ')}\n</fingerprints>\n`);
}

/** Flow lines like the collector writes: TCP and UDP, IPv4 and IPv6, with and without TCP flags. */
function flowSeed(): Buffer {
  const flows = [
    {
      exporter: '192.0.2.1/0',
      sourceAddress: '10.0.0.7',
      destinationAddress: '203.0.113.9',
      sourcePort: 40112,
      destinationPort: 443,
      protocol: 6,
      packets: 12,
      bytes: 2310,
      startMs: 1764547200000,
      endMs: 1764547201500,
      tcpFlags: 27,
    },
    {
      exporter: '192.0.2.1/0',
      sourceAddress: '10.0.0.8',
      destinationAddress: '198.51.100.4',
      sourcePort: 5353,
      destinationPort: 53,
      protocol: 17,
      packets: 1,
      bytes: 74,
      startMs: 1764547260000,
      endMs: 1764547260000,
    },
    {
      exporter: '192.0.2.2/256',
      sourceAddress: '2001:db8::7',
      destinationAddress: '2001:db8:ff::1',
      sourcePort: 51000,
      destinationPort: 8080,
      protocol: 6,
      packets: 3,
      bytes: 180,
      startMs: 1764547300000,
      endMs: 1764547300400,
      tcpFlags: 2,
    },
  ];
  return Buffer.from(`${flows.map((flow) => JSON.stringify(flow)).join('\n')}\n\n${JSON.stringify(flows[0])}\n`);
}

export const targets: FuzzTarget[] = [
  {
    name: 'recog',
    about: 'Recog XML fingerprint databases, imported into rules as `--rules FILE.xml` loads them',
    contract: 'file',
    writesFile: true,
    suffix: '.xml',
    seeds: () => [recogSeed('http_servers.xml', 4), recogSeed('ftp_banners.xml', 3), recogSeed('html_title.xml', 3), recogSeed('telnet_banners.xml', 3)],
    run: (_input, place) => loadRuleSources({ ruleFiles: [], recogFiles: [place.file] }),
  },
  {
    name: 'cnc-flow-file',
    about: 'flow files for `cnc detect FLOWS.jsonl` (JSON lines, plain and gzip)',
    contract: 'file',
    writesFile: true,
    suffix: '.jsonl',
    inflates: true,
    seeds: () => [flowSeed(), gzipSync(flowSeed())],
    run: (_input, place) => readFlowFile(place.file),
  },
];
