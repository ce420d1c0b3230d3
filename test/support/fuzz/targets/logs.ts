/**
 * Fuzz targets for line-based logs and scan results: the Cowrie log as `darknet honeypot` reads
 * it (a byte stream, gzip sniffed) and ZMap/masscan files as `survey --input` reads them (from a
 * file, format sniffed). Even inputs run in the default mode, which may refuse a corrupt line;
 * odd inputs run in the skip-and-count mode: for Cowrie it must never throw, for a scan file
 * only when the file as a whole is not one (no format recognised).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { readCowrieLog } from '../../../../src/darknet/honeypot/read-cowrie-log.ts';
import { readOpenPorts } from '../../../../src/discover/import.ts';
import { sharedData } from '../../shared-data.ts';
import { neverThrows, type FuzzTarget } from '../target.ts';

async function* once(bytes: Buffer): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/** The first lines of each real Cowrie log: every event type appears in the first few dozen. */
function cowrieSeeds(): Buffer[] {
  const seeds = ['2018-05-06', '2018-06-12'].map((day) => {
    const lines = readFileSync(sharedData(`cowrie/kareiva-cowrie.json.${day}`), 'utf8').split('\n');
    return Buffer.from(`${lines.slice(0, 24).join('\n')}\n`);
  });
  return [...seeds, gzipSync(seeds[0])];
}

const discoverFixtures = [
  'masscan-2016.json',
  'masscan.json',
  'masscan.ndjson',
  'masscan.txt',
  'zmap-default.csv',
  'zmap-synscan.csv',
  'zmap-udp.csv',
  'zmap-no-header.txt',
];

export const targets: FuzzTarget[] = [
  {
    name: 'cowrie',
    about: 'Cowrie JSON logs (plain and gzip), throw and skip-and-count modes',
    contract: 'file',
    suffix: '.json',
    // A mutated gzip member can inflate 200 KB into 1.7 MB of 380,000 short lines.
    inflates: true,
    seeds: cowrieSeeds,
    run: (input, place) =>
      place.index % 2 === 0
        ? readCowrieLog(once(input), { name: place.file })
        : neverThrows(() => readCowrieLog(once(input), { name: place.file, onCorrupt: 'skip' })),
  },
  {
    name: 'scan-files',
    about: 'ZMap CSV and masscan -oJ/-oD/-oL files, format sniffed, strict and --skip-invalid',
    contract: 'file',
    writesFile: true,
    suffix: '.txt',
    seeds: () => discoverFixtures.map((name) => readFileSync(fileURLToPath(new URL(`../../../fixtures/discover/${name}`, import.meta.url)))),
    async run(_input, place) {
      for await (const _port of readOpenPorts(place.file, { format: 'auto', skipInvalid: place.index % 2 === 1 }));
    },
  },
];
