/**
 * Fuzz targets for the third-party lists opennotice loads: routing data (RouteViews pfx2as,
 * iptoasn ip2asn; read from a file, gzip sniffed, strict and counting modes) and the C&C feeds
 * (Feodo Tracker, URLhaus; CSV and JSON).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { loadRoutingData } from '../../../../src/attribution/load-routing-data.ts';
import { createPrefixTableBuilder } from '../../../../src/attribution/prefix-table.ts';
import { parseFeodoTracker } from '../../../../src/cnc/feeds/feodo.ts';
import { parseUrlhaus } from '../../../../src/cnc/feeds/urlhaus.ts';
import { sharedData } from '../../shared-data.ts';
import type { FuzzTarget } from '../target.ts';

const fixture = (name: string): Buffer => readFileSync(fileURLToPath(new URL(`../../../fixtures/cnc/${name}`, import.meta.url)));
const firstLines = (text: string, count: number): Buffer => Buffer.from(`${text.split('\n').slice(0, count).join('\n')}\n`);

function routingSeeds(): Buffer[] {
  const pfx2as = firstLines(gunzipSync(readFileSync(sharedData('asn/routeviews-rv2-20170329-0200.pfx2as.gz'))).toString('utf8'), 30);
  const ip2asn = firstLines(readFileSync(sharedData('asn/ip2asn-v4.sample.tsv'), 'utf8'), 30);
  return [pfx2as, ip2asn, gzipSync(pfx2as)];
}

export const targets: FuzzTarget[] = [
  {
    name: 'routing-data',
    about: 'RouteViews pfx2as and iptoasn ip2asn files (plain and gzip), strict and counting',
    contract: 'file',
    writesFile: true,
    suffix: '.tsv',
    inflates: true,
    seeds: routingSeeds,
    // Each input is read as both formats: a file in one is garbage in the other.
    async run(_input, place) {
      const strict = place.index % 2 === 0;
      await loadRoutingData(createPrefixTableBuilder(), place.file, (place.index >> 1) % 2 === 0 ? 'pfx2as' : 'ip2asn', { strict });
    },
  },
  {
    name: 'cnc-feeds',
    about: 'Feodo Tracker and URLhaus feeds (CSV and JSON)',
    contract: 'file',
    suffix: '.csv',
    seeds: () => ['feodo-ipblocklist.csv', 'feodo-ipblocklist.json', 'urlhaus-recent.csv', 'urlhaus-recent.json'].map(fixture),
    run: (input, place) => (place.index % 2 === 0 ? parseFeodoTracker : parseUrlhaus)(input.toString('utf8'), place.file),
  },
];
