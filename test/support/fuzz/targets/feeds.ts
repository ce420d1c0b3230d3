/**
 * Fuzz targets for the vulnerability feeds, read the way `opennotice feeds import FILE` reads
 * them: from a file (gzip sniffed by magic, format sniffed by content) through parseFeedDocument.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { parseFeedDocument } from '../../../../src/assess/firmware/feeds/import.ts';
import { sharedData } from '../../shared-data.ts';
import type { FuzzTarget } from '../target.ts';

const readShared = (path: string): Buffer => readFileSync(sharedData(path));

/** A feed document cut down to a few records, pretty-printed so errors have lines to point at. */
function smallDocument(path: string, keep: (document: Record<string, unknown>) => Record<string, unknown>): Buffer {
  const document = JSON.parse(readShared(path).toString('utf8')) as Record<string, unknown>;
  return Buffer.from(JSON.stringify(keep(document), null, 2));
}

function nvdSeeds(): Buffer[] {
  const slice = (from: number, to: number) => (document: Record<string, unknown>) => ({
    ...document,
    vulnerabilities: (document.vulnerabilities as unknown[]).slice(from, to),
  });
  return [
    smallDocument('nvd/iot-cves.json', slice(0, 1)),
    smallDocument('nvd/iot-cves.json', slice(200, 202)),
    smallDocument('nvd/iot-cves-2017plus-fkie.json', slice(0, 1)),
  ];
}

function kevSeeds(): Buffer[] {
  const path = 'kev/known_exploited_vulnerabilities.json';
  return [smallDocument(path, (document) => ({ ...document, vulnerabilities: (document.vulnerabilities as unknown[]).slice(0, 3) }))];
}

function cve5Seeds(): Buffer[] {
  return ['CVE-2020-15415', 'CVE-2021-40655', 'CVE-2023-25280'].map((id) => readShared(`cve5/records/${id}.json`));
}

function jvnSeeds(): Buffer[] {
  return [
    'jvn/hnd/getVulnDetailInfo_hnd_JVNDB-2017-009608.xml',
    'jvn/hnd/dataFeed_jvndb_rss_hnd.xml',
    'jvn/oka/getVulnDetailInfo_oka_JVNDB-2017-009608.json',
  ].map(readShared);
}

function feedTarget(name: string, about: string, seeds: () => Buffer[]): FuzzTarget {
  return {
    name,
    about,
    contract: 'file',
    writesFile: true,
    suffix: '.json',
    inflates: true,
    seeds,
    run: (_input, place) => parseFeedDocument(place.file, 'auto'),
  };
}

export const targets: FuzzTarget[] = [
  feedTarget('nvd', 'NVD CVE API 2.0 documents', nvdSeeds),
  feedTarget('cve5', 'CVE JSON 5 records', cve5Seeds),
  feedTarget('kev', 'the CISA KEV catalog', kevSeeds),
  feedTarget('jvn', 'MyJVN documents (XML and JSON)', jvnSeeds),
  // Mutating the compressed bytes tests the gzip layer; the text behind it stays valid.
  feedTarget('gzip', 'gzipped feed files (the compressed bytes mutated)', () => [...kevSeeds(), ...nvdSeeds().slice(0, 1)].map((seed) => gzipSync(seed))),
];
